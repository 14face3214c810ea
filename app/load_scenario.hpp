// A load scenario: a scenario file without steps whose lac: block names a load key (setup-rate,
// ramp, max-outstanding, sessions-per-tunnel, session-lifetime, redial-delay, flap, flap-kind;
// scenario_roles.hpp: lac_use). Its lac: block runs as `l2tpsim lac` with those options, through
// the same code (run_lac_config: the IPsec phase, the runner, its summary, JSON, HTML, pcap and
// exit status), with the file's seed and configuration faults, and its wire faults between each
// shard's node and its sockets.
#pragma once

#include <functional>
#include <iosfwd>

#include "peers/runner.hpp"
#include "scenarios/scenario.hpp"

namespace l2tpsim::app {

// Runs it with `cfg` (its lac: block's configuration); l2tpsim lac's exit status. What its
// faults did goes to `err` at the end.
// `run` runs the configuration made (default: on the network, run_lac_config; `run --sim lns`:
// in virtual time).
int run_load_scenario(const l2tp::scenario::Scenario& s, l2tp::peers::RunnerConfig cfg, std::ostream& err,
                      const std::function<int(l2tp::peers::RunnerConfig&)>& run = {});

}  // namespace l2tpsim::app
