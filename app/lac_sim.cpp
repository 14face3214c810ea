// l2tpsim lac --sim: the LAC's run in virtual time against l2tpsim's own LNS (peers/sim_run.hpp).
// The LNS is configured as `l2tpsim lns` from --sim-options (app/conform_sim.hpp's sim_dut), its
// secret and PPP user defaulting to the LAC's so that the run comes up unless told otherwise.
#include <iostream>

#include "app/commands.hpp"
#include "app/conform_sim.hpp"
#include "app/peer_options.hpp"
#include "app/role_config.hpp"
#include "peers/sim_run.hpp"
#include "scenarios/sim_peer.hpp"

namespace l2tpsim::app {

namespace {

// What of the LAC's own configuration needs the network or a clock (nullopt: nothing).
std::optional<std::string> lac_not_simulated(const l2tp::peers::RunnerConfig& cfg) {
  if (!cfg.duration)
    return "--sim needs --duration (virtual seconds from the start of setup to the teardown)";
  if (auto why = l2tp::scenario::sim_needs_machine(cfg)) return *why + ": it cannot run with --sim";
  if (cfg.stats_listen) return "--stats-listen serves a run in real time: it cannot run with --sim";
  if (cfg.agent || cfg.start_at) return "--agent and --start-at share a run over machines: not with --sim";
  return std::nullopt;
}

}  // namespace

SimOptions sim_lns_options(const l2tp::peers::RunnerConfig& lac, const std::string& options,
                           std::uint64_t seed) {
  SimOptions so;
  so.role = "lns";
  so.options = options;
  so.dut = lac.connect_to.to_string();
  so.secret = lac.node.tunnel.secret;
  if (lac.ppp.enabled) {
    so.user = lac.ppp.user;
    so.password = lac.ppp.password;
    // Room for any load: the LNS's own default pool (a /16) refuses the 65,534th call.
    so.defaults.emplace_back("remote-address", "10.64.0.2-10.127.255.254");
  } else {
    so.defaults.emplace_back("no-ppp", "");
  }
  so.seed = seed ^ 0x4C4E53ULL;  // its own random numbers, from the run's seed
  return so;
}

int run_lac_in_sim(l2tp::peers::RunnerConfig& cfg, const LacSim& sim) {
  const SimOptions so = sim_lns_options(cfg, sim.lns_options, cfg.seed);
  std::string command;
  l2tp::scenario::SimDut lns;
  try {
    lns = sim_dut(so, command);
  } catch (const UsageError& e) {
    return usage_error("lac", e.what());
  }
  return run_lac_against_sim_lns(cfg, lns.cfg, command, sim.link, "l2tpsim lac");
}

int run_lac_against_sim_lns(l2tp::peers::RunnerConfig& cfg, l2tp::peers::RunnerConfig lns,
                            const std::string& lns_command, const l2tp::sim::LinkConfig& link,
                            const std::string& who) {
  // (The LNS was made by sim_dut, which refuses what it cannot simulate.)
  if (auto why = lac_not_simulated(cfg)) {
    std::cerr << who << ": " << *why << "\n";
    return 2;
  }
  if (cfg.threads > 1)
    std::cerr << who << ": note: --threads " << cfg.threads
              << " is ignored with --sim (one thread, virtual time)\n";
  const std::string seed = std::to_string(cfg.seed);
  cfg.simulated = simulated_text("lns", lns_command, seed, link);
  lns.simulated = "virtual time, no sockets, against the simulated LAC above; --seed " + seed + " repeats it";
  lns.json_path.clear();  // the LAC's reports are the run's; the LNS's summary follows its own
  lns.html_path.clear();
  std::cerr << who << ": simulated: against `" << lns_command << "` (--seed " << seed << ")\n";
  return l2tp::peers::run_lac_in_sim(cfg, lns, cfg.seed, link, kSimStart, std::cout, std::cerr);
}

}  // namespace l2tpsim::app
