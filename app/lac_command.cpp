// l2tpsim lac: an L2TP Access Concentrator that opens tunnels and incoming calls to an LNS,
// paced, and reports what came up, what failed (phase, the peer's result/error codes), setup
// latencies and the control channels' retransmissions.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/conform_sim.hpp"
#include "app/ipsec_options.hpp"
#include "app/peer_options.hpp"
#include "app/ppp_options.hpp"
#include "app/role_config.hpp"
#include "peers/agent_slice.hpp"
#include "peers/runner.hpp"
#include "peers/start_at.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {
namespace {

constexpr const char* kLacHelp =
    "usage: l2tpsim lac --connect-to ADDR[:PORT] [options]\n"
    "\n"
    "Acts as an LAC: opens --tunnels tunnels to the LNS at --connect-to (SCCRQ/SCCRP/SCCCN) and\n"
    "--sessions incoming calls in each (ICRQ/ICRP/ICCN), at --setup-rate calls per second, then\n"
    "keeps them up until --duration ends or SIGINT/SIGTERM arrives; then it clears every call\n"
    "(CDN) and every tunnel (StopCCN) and waits for the LNS to acknowledge. A second SIGINT exits\n"
    "at once. A status line appears on stderr every second when it is a terminal (or with\n"
    "--progress); a summary follows at the end.\n"
    "\n"
    "Load profiles: --setup-rate 2000 opens a call every 0.5 ms (evenly within each second, never\n"
    "a burst at its top); --ramp 0:100,60s:2000 rises from 100 to 2,000 calls/s over a minute and\n"
    "holds; --max-outstanding 500 keeps at most 500 calls in setup at once. --sessions-per-tunnel 100\n"
    "fills one tunnel after another (up to --tunnels), opening each when the calls need it. Soak:\n"
    "--session-lifetime 10s-60s clears every call 10 to 60 s after it came up, --flap 5 hits 5 random\n"
    "calls a second (--flap-kind: cdn a bare CDN, lcp LCP Terminate then CDN, lcp-restart or\n"
    "ipcp-restart PPP renegotiated in place with the call kept, mix a quarter each), and every call\n"
    "that ends is dialled again after --redial-delay (default 1 s):\n"
    "  l2tpsim lac --connect-to 192.0.2.1 --tunnels 100 --sessions-per-tunnel 100 --ramp 0:100,60s:2000 \\\n"
    "      --max-outstanding 1000 --session-lifetime 30s-300s --flap 2 --duration 3600 --html soak.html\n"
    "With --threads N every rate, cap and flap rate is split over the threads like the tunnels.\n"
    "\n"
    "Many machines: run the same command on N machines with --agent 1/N ... N/N (or --agent-env\n"
    "JOB_COMPLETION_INDEX/N in a Kubernetes Indexed Job): each agent takes its own share of the tunnels,\n"
    "calls, rates, user numbers {n}, --local-address values and Tunnel IDs; --start-at starts them at one\n"
    "instant; 'l2tpsim report merge' makes one report of their JSON summaries.\n"
    "\n"
    "Virtual time: --sim runs the same LAC against l2tpsim's own LNS in this process, on a\n"
    "simulated network (no sockets; 1 ms each way unless --sim-latency), with --sim-loss,\n"
    "--sim-duplicate and --sim-reorder faults on every datagram. Time jumps to the next event, so\n"
    "an hour of soak takes what its work takes; --seed repeats it frame for frame (the pcap has\n"
    "virtual timestamps). The LNS takes 'l2tpsim lns' options from --sim-options; --duration is\n"
    "required (virtual seconds). The reports are the usual ones, the LNS's after the LAC's:\n"
    "  l2tpsim lac --sim --tunnels 10 --sessions 100 --setup-rate 500 --session-lifetime 5s-20s \\\n"
    "      --duration 120 --sim-loss 0.05 --sim-options '--authentication chap' --seed 7\n"
    "\n"
    "Exit status: 0 every tunnel and call attempted came up (and was torn down); 1 some failed\n"
    "(the summary names the phase and the LNS's result/error codes) or setup did not finish\n"
    "within --duration; 2 bad usage or a socket/file that cannot be opened; 130 interrupted.\n"
    "\n"
    "options";

}  // namespace

namespace {

// The pacing, profile and churn options into `cfg` (peers/setup_pacer.hpp, session_churn.hpp).
void apply_load_options(l2tp::peers::RunnerConfig& cfg, const po::variables_map& vm, const std::string& ramp,
                        const std::string& max_outstanding, const std::string& per_tunnel,
                        const std::string& lifetime, const std::string& redial_delay, const std::string& flap,
                        const std::string& flap_kind) {
  std::string error;
  if (!ramp.empty()) {
    cfg.ramp = l2tp::peers::RateProfile::parse(ramp, error);
    if (!cfg.ramp) throw UsageError("--ramp: " + error);
  }
  if (!max_outstanding.empty())
    cfg.max_outstanding = parse_uint("max-outstanding", max_outstanding, 0, 100'000'000);
  if (!per_tunnel.empty()) {
    if (vm.count("sessions"))
      throw UsageError(
          "--sessions-per-tunnel replaces --sessions (calls per tunnel, tunnels opened on demand)");
    cfg.sessions_per_tunnel = static_cast<unsigned>(parse_uint("sessions-per-tunnel", per_tunnel, 1, 65535));
    cfg.tunnels_on_demand = true;
  }
  auto& churn = cfg.churn;
  if (!lifetime.empty()) {
    churn.lifetime = l2tp::peers::LifetimeDist::parse(lifetime, error);
    if (!churn.lifetime) throw UsageError("--session-lifetime: " + error);
  }
  if (!flap.empty()) churn.flap_rate = parse_number("flap", flap, 0, 1e6);
  const auto kind = l2tp::peers::parse_flap_kind(flap_kind);
  if (!kind)
    throw UsageError("--flap-kind: '" + flap_kind +
                     "' is not one of cdn, lcp, lcp-restart, ipcp-restart, mix");
  churn.flap_kind = *kind;
  churn.redial = churn.lifetime.has_value() || churn.flap_rate > 0 || !redial_delay.empty();
  churn.redial_delay = std::chrono::duration_cast<l2tp::Duration>(std::chrono::duration<double>(
      redial_delay.empty() ? 1.0 : parse_number("redial-delay", redial_delay, 0, 86400)));
}

// --sim's network: its faults and latency; the --sim-* options need --sim.
void apply_sim_options(LacSim& sim, const po::variables_map& vm, const std::string& loss,
                       const std::string& duplicate, const std::string& reorder, const std::string& latency) {
  if (!sim.on)
    for (const char* o : {"sim-options", "sim-loss", "sim-duplicate", "sim-reorder", "sim-latency"})
      if (vm.count(o)) throw UsageError(std::string("--") + o + " needs --sim");
  sim.link.control_only = false;  // PPP frames are lost, duplicated and reordered too
  sim.link.latency = std::chrono::milliseconds(1);
  if (!loss.empty()) sim.link.loss = parse_number("sim-loss", loss, 0, 1);
  if (!duplicate.empty()) sim.link.duplicate = parse_number("sim-duplicate", duplicate, 0, 1);
  if (!reorder.empty()) sim.link.reorder = parse_number("sim-reorder", reorder, 0, 1);
  if (!latency.empty())
    sim.link.latency = std::chrono::duration_cast<l2tp::Duration>(
        std::chrono::duration<double, std::milli>(parse_number("sim-latency", latency, 0, 60'000)));
}

// --agent / --agent-env (the whole run's options cut to this agent's slice) and --start-at.
void apply_agent_options(l2tp::peers::RunnerConfig& cfg, const std::string& agent,
                         const std::string& agent_env, const std::string& start_at) {
  std::string error;
  if (!start_at.empty()) {
    cfg.start_at = l2tp::peers::parse_start_at(start_at, error);
    if (!cfg.start_at) throw UsageError("--start-at: " + error);
  }
  if (agent.empty() && agent_env.empty()) return;
  if (!agent.empty() && !agent_env.empty()) throw UsageError("--agent and --agent-env: give one of them");
  const auto id = !agent.empty() ? l2tp::peers::parse_agent(agent, error)
                                 : l2tp::peers::parse_agent_env(
                                       agent_env,
                                       [](const std::string& name) -> std::optional<std::string> {
                                         const char* v = std::getenv(name.c_str());
                                         return v ? std::optional<std::string>(v) : std::nullopt;
                                       },
                                       error);
  if (!id) throw UsageError((agent.empty() ? "--agent-env: " : "--agent: ") + error);
  auto sliced = l2tp::peers::agent_config(cfg, *id, error);
  if (!sliced) throw UsageError(error);
  cfg = std::move(*sliced);
}

// `l2tpsim lac` and a load scenario send from UDP port 1701 where the user gave no port, when it
// is free (RouterOS, Cisco and xl2tpd do; some LNSs answer nothing else), else from an ephemeral
// port (peers/lac_runner.cpp). A scenario whose steps open the calls sends from an ephemeral one.
std::optional<l2tp::peers::RunnerConfig> lac_options(int argc, char** argv, std::ostream& help, LacUse use,
                                                     LacSim* sim) {
  const bool prefer_1701 = use != LacUse::ScenarioSteps;
  std::string connect_to, tunnels = "1", sessions = "1", port = "0", setup_rate = "0";
  std::string ramp, max_outstanding, per_tunnel, lifetime, redial_delay, flap, flap_kind = "mix";
  std::vector<std::string> local_addresses;
  CommonOptions common;
  po::options_description opts(kLacHelp);
  opts.add_options()("help,h", "show this help")(
      "connect-to", po::value(&connect_to)->value_name("ADDR[:PORT]"),
      "the LNS: IPv4 address or [IPv6] address, port 1701 unless given (192.0.2.1:1701, [::1]:1701)")(
      "tunnels", po::value(&tunnels)->value_name("N"), "tunnels to open (1-65535, default 1)")(
      "sessions", po::value(&sessions)->value_name("N"),
      "incoming calls per tunnel (0-65535, default 1; 0 opens tunnels only)")(
      "local-address", po::value(&local_addresses)->composing()->value_name("ADDR[:PORT]"),
      "address to send from; repeat it to spread the tunnels round-robin over several (default: the "
      "address the kernel routes --connect-to from)")(
      "port", po::value(&port)->value_name("N"),
      prefer_1701 ? "local UDP port for --local-address values without one (default: 1701 when it is "
                    "free, as RouterOS, Cisco and xl2tpd send from, else an ephemeral port, with a note; "
                    "0: ephemeral; many tunnels share it)"
                  : "local UDP port for --local-address values without one (default 0: one ephemeral port "
                    "per address; many tunnels share it)")(
      "setup-rate", po::value(&setup_rate)->value_name("N"),
      "calls opened per second across all tunnels, one every 1/N s (default 0: all at once); e.g. "
      "--setup-rate 2000")(
      "ramp", po::value(&ramp)->value_name("T:R,..."),
      "setup rate over time, linear between points and held after the last (T in s, or with a unit "
      "s/m/h); replaces --setup-rate for the pacing; e.g. --ramp 0:100,60s:2000,10m:2000,11m:0")(
      "max-outstanding", po::value(&max_outstanding)->value_name("N"),
      "at most N calls in setup at once (ICRQ sent, PPP not yet up); a call due meanwhile waits for the "
      "next slot of the rate, the rate never bursts to catch up (default 0: no cap); e.g. "
      "--max-outstanding 500")(
      "sessions-per-tunnel", po::value(&per_tunnel)->value_name("N"),
      "calls per tunnel, like --sessions, but the tunnels open one by one as calls need them (a tunnel "
      "when the last has N calls; at most --tunnels); e.g. --tunnels 200 --sessions-per-tunnel 100")(
      "session-lifetime", po::value(&lifetime)->value_name("DIST"),
      "soak: clear each call this long after it came up (with PPP: after its link came up; then LCP "
      "Terminate, then CDN), then dial it "
      "again after --redial-delay; fixed (30s) or drawn evenly between bounds (10s-60s)")(
      "redial-delay", po::value(&redial_delay)->value_name("SECONDS"),
      "soak: how long after a call ended (lifetime, flap, the LNS's CDN, a failed setup) it is dialled "
      "again; redials go through the same pacing (default 1 with --session-lifetime or --flap; giving it "
      "alone turns redial on)")(
      "flap", po::value(&flap)->value_name("RATE"),
      "soak: hit RATE random established calls a second on average (Poisson), as a controlled fault "
      "rate (--flap-kind); a cleared call is redialled after --redial-delay; e.g. --flap 0.5")(
      "flap-kind", po::value(&flap_kind)->value_name("KIND"),
      "what a flap does: cdn (clear the call with a bare CDN, Result Code 1 lost carrier), lcp (LCP "
      "Terminate-Request, then CDN), lcp-restart (the call stays; LCP renegotiates in place, then "
      "authentication and IPCP), ipcp-restart (the call stays; IPCP alone renegotiates), mix (each of "
      "the four for a quarter of the flaps; default). In-place restarts are not redialled; one that "
      "does not come back up is a PPP failure");
  common.add_to(opts, "lac");
  PppOptions ppp;
  ppp.add_to(opts, "lac");
  IpsecOptions ipsec;  // a scenario's lac: block too: l2tpsim run and conform have the IPsec phase
  ipsec.add_to(opts, "lac");
  std::string agent, agent_env, start_at;
  if (use == LacUse::Command)  // a scenario is one machine's run, now
    opts.add_options()(
        "agent", po::value(&agent)->value_name("I/N"),
        "this is agent I (1-based) of N running the same command on other machines: it takes only its "
        "share of --tunnels (and their calls), of every rate, of the user numbers {n}, of the "
        "--local-address "
        "values (at least N of them, or none) and of the Tunnel IDs; e.g. --agent 2/4")(
        "agent-env", po::value(&agent_env)->value_name("VAR/N"),
        "like --agent, the agent read from environment variable VAR holding a 0-based index (Kubernetes "
        "Indexed Job: --agent-env JOB_COMPLETION_INDEX/4; index 0 is agent 1/4)")(
        "start-at", po::value(&start_at)->value_name("TIME"),
        "wait until this wall-clock instant, then start (every agent at once): ISO 8601 with a zone "
        "(2026-12-05T21:50:00+00:00, ...Z) or Unix seconds; a time already past starts at once with a "
        "warning; SIGINT ends the wait");

  std::string sim_loss, sim_duplicate, sim_reorder, sim_latency;
  if (sim)
    opts.add_options()("sim", po::bool_switch(&sim->on),
                       "run in virtual time against l2tpsim's own LNS in this process (no sockets); "
                       "--connect-to and --local-address default to 192.0.2.1 and 192.0.2.2 there")(
        "sim-options", po::value(&sim->lns_options)->value_name("'OPTIONS'"),
        "--sim: 'l2tpsim lns' options for the simulated LNS (its --secret, --user and --password "
        "default to this LAC's, its --remote-address to 10.64.0.2-10.127.255.254, room for 4 million "
        "calls); e.g. --sim-options '--authentication chap --max-sessions 50'")(
        "sim-loss", po::value(&sim_loss)->value_name("P"),
        "--sim: probability each datagram (control and PPP) is lost, 0-1 (default 0)")(
        "sim-duplicate", po::value(&sim_duplicate)->value_name("P"),
        "--sim: probability each datagram arrives twice, 0-1 (default 0)")(
        "sim-reorder", po::value(&sim_reorder)->value_name("P"),
        "--sim: probability each datagram is held back 30 ms behind later ones, 0-1 (default 0)")(
        "sim-latency", po::value(&sim_latency)->value_name("MS"),
        "--sim: one-way delay of the simulated network in ms (default 1)");

  l2tp::peers::RunnerConfig cfg;
  {
    const auto vm = parse_command_line(argc, argv, opts);
    if (vm.count("help")) {
      help << opts << "\n";
      return std::nullopt;
    }
    if (sim) apply_sim_options(*sim, vm, sim_loss, sim_duplicate, sim_reorder, sim_latency);
    if (sim && sim->on) {
      if (connect_to.empty()) connect_to = kSimDutAddress;
      if (local_addresses.empty()) local_addresses.push_back(kSimTesterAddress);
    }
    if (connect_to.empty())
      throw UsageError("--connect-to is required (the LNS address, e.g. 192.0.2.1 or [::1]:1701)");
    cfg.connect_to = parse_endpoint("connect-to", connect_to, 1701);
    if (cfg.connect_to.port == 0) throw UsageError("--connect-to: port 0 is not a port one can send to");
    cfg.tunnels = static_cast<unsigned>(parse_uint("tunnels", tunnels, 1, 65535));
    cfg.sessions_per_tunnel = static_cast<unsigned>(parse_uint("sessions", sessions, 0, 65535));
    cfg.setup_rate = parse_number("setup-rate", setup_rate, 0, 1e9);
    // A scenario's steps open its calls: a load key there would be read and never used.
    if (use == LacUse::ScenarioSteps)
      for (const char* o : kLoadKeys)
        if (vm.count(o))
          throw UsageError(
              std::string("--") + o +
              ": a scenario with steps opens its calls itself; load keys need a scenario without "
              "steps");
    apply_load_options(cfg, vm, ramp, max_outstanding, per_tunnel, lifetime, redial_delay, flap, flap_kind);
    const auto local_port = static_cast<std::uint16_t>(parse_uint("port", port, 0, 65535));
    // No port from the user, neither --port nor ADDR:PORT: 1701 if free (l2tpsim lac only).
    const bool port_open = prefer_1701 && vm.count("port") == 0;
    constexpr std::uint16_t kL2tpPort = 1701;
    for (const auto& a : local_addresses) {
      auto ep = parse_endpoint("local-address", a, local_port);
      if (ep.addr.v6 != cfg.connect_to.addr.v6)
        throw UsageError("--local-address " + a + " is " + (ep.addr.v6 ? "IPv6" : "IPv4") +
                         " but --connect-to is " + (cfg.connect_to.addr.v6 ? "IPv6" : "IPv4"));
      // The same text with another default port parses to another port: none was written.
      const bool preferred = port_open && parse_endpoint("local-address", a, 1).port == 1 && ep.port == 0;
      if (preferred) ep.port = kL2tpPort;
      cfg.local.push_back(ep);
      cfg.local_port_preferred.push_back(preferred);
    }
    if (cfg.local.empty()) {
      cfg.local.push_back(
          l2tp::net::Endpoint{default_source_for(cfg.connect_to), port_open ? kL2tpPort : local_port});
      cfg.local_port_preferred.push_back(port_open);
    }
    common.apply(cfg);
    // Cleared at the pace they were set up: a server sized for the setup rate takes it.
    if (!common.teardown_rate_given()) cfg.teardown_rate = cfg.setup_rate;
    ppp.apply(cfg, vm);
    if (!cfg.ppp.enabled && (cfg.churn.flap_kind == l2tp::peers::FlapKind::LcpRestart ||
                             cfg.churn.flap_kind == l2tp::peers::FlapKind::IpcpRestart))
      throw UsageError(std::string("--flap-kind ") + to_string(cfg.churn.flap_kind) +
                       " renegotiates PPP in place: it needs PPP (not --no-ppp)");
    cfg.options.assign(argv + 1, argv + argc);
    ipsec.apply(cfg);
    cfg.node.accept_tunnels = false;  // an LAC answers no SCCRQ (no outgoing calls here)
    apply_agent_options(cfg, agent, agent_env, start_at);
  }
  return cfg;
}

}  // namespace

std::optional<l2tp::peers::RunnerConfig> lac_config(int argc, char** argv, std::ostream& help, LacUse use,
                                                    LacSim* sim) {
  return lac_options(argc, argv, help, use, sim);
}

int run_lac(int argc, char** argv) {
  std::optional<l2tp::peers::RunnerConfig> cfg;
  LacSim sim;
  try {
    cfg = lac_options(argc, argv, std::cout, LacUse::Command, &sim);
  } catch (const UsageError& e) {
    return usage_error("lac", e.what());
  }
  if (!cfg) return 0;  // --help
  if (sim.on) return run_lac_in_sim(*cfg, sim);
  return run_lac_config(*cfg);
}

int run_lac_config(l2tp::peers::RunnerConfig& cfg) {
  if (cfg.agent)
    std::cerr << "l2tpsim lac: agent " << cfg.agent->to_string() << ": " << cfg.tunnels
              << " tunnel(s), Tunnel IDs " << cfg.node.tunnel_id_low << "-" << cfg.node.tunnel_id_high
              << ", user numbers from " << cfg.ppp.call_numbers.first << "\n";
  if (cfg.start_at && l2tp::peers::wait_until_start(*cfg.start_at, std::cerr, "l2tpsim lac: ") ==
                          l2tp::peers::StartWait::Interrupted) {
    std::cerr << "l2tpsim lac: interrupted while waiting for --start-at; nothing was sent\n";
    return 130;
  }
  return run_with_ipsec(cfg, "lac",
                        [](const auto& c) { return l2tp::peers::run_lac(c, std::cout, std::cerr); });
}

}  // namespace l2tpsim::app
