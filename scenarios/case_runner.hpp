// Runs one scenario's tester side in real time on sockets (in virtual time: sim_bench.hpp): the
// role l2tpsim plays against the peer (the device under test, or for a self-test l2tpsim's other
// role), with the fault layer between its node and the wire, the wire log and passive checker on
// the wire, and the timeline of steps (the logic: case_run.hpp; its host: asio_case_host.hpp).
// The result is a CaseResult with a verdict, each expectation's outcome with evidence frames,
// and every rule the peer broke.
#pragma once

#include <csignal>
#include <functional>
#include <iosfwd>
#include <memory>
#include <set>

#include "capture/pcap_writer.hpp"
#include "peers/runner.hpp"
#include "reports/conformance_result.hpp"
#include "scenarios/scenario.hpp"

namespace l2tp::scenario {

struct CaseEnv {
  std::shared_ptr<capture::PcapWriter> pcap;  // shared by every case of a run (may be null)
  Time run_start{};                           // result times are relative to it
  Buffer secret;                              // reveals the peer's hidden AVPs to the checker
  std::ostream* progress = nullptr;           // one line per step, when set
  Duration teardown = std::chrono::seconds(3);
  // Tunnel IDs given to earlier cases: the peer's frames addressed to them are not judged here.
  std::function<bool(std::uint16_t)> earlier_tunnel;
  // Set by a signal handler (SIGINT): the case stops, tears down and is reported inconclusive.
  const volatile std::sig_atomic_t* interrupted = nullptr;
  // Local ports earlier cases used: a port the kernel picks again is picked anew, so a late
  // datagram for an earlier case's socket cannot land in this one (null: no such rule).
  std::set<std::uint16_t>* used_ports = nullptr;
};

// The file's seed and configuration faults (bad-ppp-password, wrong-tunnel-secret) into the
// tester's configuration: run_case does it, and so does a load scenario's run.
void apply_scenario_config(const Scenario& s, peers::RunnerConfig& cfg);

// `tester` is the role l2tpsim plays here, `cfg` its configuration (from the scenario's role
// block and the command line). Blocks until the steps and the teardown are done.
reports::CaseResult run_case(const Scenario& s, Role tester, const peers::RunnerConfig& cfg,
                             const CaseEnv& env);

}  // namespace l2tp::scenario
