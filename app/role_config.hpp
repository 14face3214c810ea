// The options of `l2tpsim lac` and `l2tpsim lns` turned into a RunnerConfig, for the commands
// themselves and for scenario files, whose lac: and lns: blocks take the same option names; and
// l2tpsim lac's run, which a load scenario shares.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "app/conform_sim.hpp"
#include "engine/sim/sim_net.hpp"
#include "peers/runner.hpp"

namespace l2tpsim::app {

// Who reads `lac` options: the lac command itself; a scenario's lac: block whose steps open
// the calls (an ephemeral port unless it names one; the load keys refused, nothing would read
// them); a load scenario's lac: block (no steps: run as the lac command runs, its load keys
// taken). Only the command takes --agent, --agent-env and --start-at.
enum class LacUse { Command, ScenarioSteps, LoadScenario };

// The options that shape a LAC's load (pacing, profile, churn): a scenario's lac: block with one
// of them and no steps is a load scenario.
inline constexpr const char* kLoadKeys[] = {
    "setup-rate",   "ramp", "max-outstanding", "sessions-per-tunnel", "session-lifetime",
    "redial-delay", "flap", "flap-kind"};

// `l2tpsim lac --sim`: the run in virtual time against l2tpsim's own LNS (peers/sim_run.hpp).
struct LacSim {
  bool on = false;
  std::string lns_options;  // --sim-options: `l2tpsim lns` options for the simulated LNS
  l2tp::sim::LinkConfig link;
};

// argv as the command gets it (argv[0] is the command name). Throws UsageError naming the
// option at fault. nullopt when --help was asked for (the help went to `help`). With `sim` (the
// lac command only), the --sim options are taken too.
std::optional<l2tp::peers::RunnerConfig> lac_config(int argc, char** argv, std::ostream& help, LacUse use,
                                                    LacSim* sim = nullptr);
std::optional<l2tp::peers::RunnerConfig> lns_config(int argc, char** argv, std::ostream& help);

// l2tpsim lac's run of a configuration (the command's, or a load scenario's lac: block): the
// agent line, --start-at, the IPsec phase, the runner; its exit status.
int run_lac_config(l2tp::peers::RunnerConfig& cfg);

// l2tpsim lac --sim's run (app/lac_sim.cpp): the LNS made from --sim-options, both in virtual
// time; 2 for what cannot be simulated, else the LAC's exit status.
int run_lac_in_sim(l2tp::peers::RunnerConfig& cfg, const LacSim& sim);
// What the simulated LNS of a LAC's run in virtual time is made from (conform_sim.hpp's sim_dut):
// `options` (--sim-options) on top of the LAC's secret, PPP user and password, --no-ppp when it
// has none, a pool for any load, and a seed of its own from `seed`.
SimOptions sim_lns_options(const l2tp::peers::RunnerConfig& lac, const std::string& options,
                           std::uint64_t seed);
// The same against an LNS configured by the caller (a load scenario's lns: block, `run --sim lns`),
// which the reports name as the command `lns_command`; `who` prefixes the lines on stderr.
int run_lac_against_sim_lns(l2tp::peers::RunnerConfig& cfg, l2tp::peers::RunnerConfig lns,
                            const std::string& lns_command, const l2tp::sim::LinkConfig& link,
                            const std::string& who);

}  // namespace l2tpsim::app
