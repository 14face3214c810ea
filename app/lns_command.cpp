// l2tpsim lns: an L2TP Network Server that accepts tunnels and incoming calls and reports what
// came up, what failed and why, with setup latencies and control-channel counters.
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/ipsec_options.hpp"
#include "app/peer_options.hpp"
#include "app/ppp_options.hpp"
#include "app/role_config.hpp"
#include "peers/runner.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {
namespace {

constexpr const char* kLnsHelp =
    "usage: l2tpsim lns --listen ADDR[:PORT] [options]\n"
    "\n"
    "Acts as an LNS: listens on each --listen address, accepts tunnels (SCCRQ/SCCRP/SCCCN) and\n"
    "incoming calls (ICRQ/ICRP/ICCN) within --max-tunnels and --max-sessions, until --duration\n"
    "ends or SIGINT/SIGTERM arrives; then it clears every call (CDN) and tunnel (StopCCN) and\n"
    "waits for the LACs to acknowledge. A second SIGINT exits at once. A status line appears on\n"
    "stderr every second when it is a terminal (or with --progress); a summary follows at the end.\n"
    "\n"
    "Exit status: 0 nothing failed; 1 some tunnel or call failed (the summary says in which phase\n"
    "and with which result/error codes); 2 bad usage or a socket/file that cannot be opened;\n"
    "130 interrupted.\n"
    "\n"
    "options";

}  // namespace

std::optional<l2tp::peers::RunnerConfig> lns_config(int argc, char** argv, std::ostream& help) {
  std::vector<std::string> listen;
  std::string port = "1701", max_tunnels = "0", max_sessions = "0";
  CommonOptions common;
  po::options_description opts(kLnsHelp);
  opts.add_options()("help,h", "show this help")(
      "listen", po::value(&listen)->composing()->value_name("ADDR[:PORT]"),
      "address to accept tunnels on (repeatable); IPv6 in brackets: [::1] or [::1]:1701")(
      "port", po::value(&port)->value_name("N"), "UDP port for --listen values without one (default 1701)")(
      "max-tunnels", po::value(&max_tunnels)->value_name("N"),
      "refuse further SCCRQs with StopCCN (result 2, error 4) beyond N live tunnels (default 0: no "
      "limit)")("max-sessions", po::value(&max_sessions)->value_name("N"),
                "refuse further calls beyond N per tunnel (default 0: no limit)");
  common.add_to(opts, "lns");
  PppOptions ppp;
  ppp.add_to(opts, "lns");
  IpsecOptions ipsec;
  ipsec.add_to(opts, "lns");

  l2tp::peers::RunnerConfig cfg;
  {
    const auto vm = parse_command_line(argc, argv, opts);
    if (vm.count("help")) {
      help << opts << "\n";
      return std::nullopt;
    }
    if (listen.empty())
      throw UsageError("--listen is required (e.g. --listen 192.0.2.1 or --listen [::1]:1701)");
    const auto default_port = static_cast<std::uint16_t>(parse_uint("port", port, 0, 65535));
    for (const auto& l : listen) cfg.local.push_back(parse_endpoint("listen", l, default_port));
    cfg.node.max_tunnels = static_cast<std::uint32_t>(parse_uint("max-tunnels", max_tunnels, 0, 65535));
    cfg.node.tunnel.max_sessions =
        static_cast<std::uint32_t>(parse_uint("max-sessions", max_sessions, 0, 65535));
    common.apply(cfg);
    ppp.apply(cfg, vm);
    cfg.options.assign(argv + 1, argv + argc);
    ipsec.apply(cfg);
    cfg.node.accept_tunnels = true;
  }
  return cfg;
}

int run_lns(int argc, char** argv) {
  std::optional<l2tp::peers::RunnerConfig> cfg;
  try {
    cfg = lns_config(argc, argv, std::cout);
  } catch (const UsageError& e) {
    return usage_error("lns", e.what());
  }
  if (!cfg) return 0;  // --help
  return run_with_ipsec(*cfg, "lns",
                        [](const auto& c) { return l2tp::peers::run_lns(c, std::cout, std::cerr); });
}

}  // namespace l2tpsim::app
