// l2tpsim: L2TPv2 (RFC 2661) conformance tester and traffic simulator.
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "app/commands.hpp"

namespace {

constexpr std::string_view kUsage =
    "l2tpsim - L2TPv2 (RFC 2661) conformance tester and traffic simulator\n"
    "\n"
    "usage: l2tpsim COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  decode FILE     decode the L2TP packets of a pcap/pcapng file, check each against\n"
    "                  RFC 2661 (requirement IDs R001...), and summarise\n"
    "  lac             act as an LAC: open tunnels and calls to an LNS (load, latency, failures)\n"
    "  lns             act as an LNS: accept tunnels and calls from LACs\n"
    "  run FILE        run a scenario file (roles, faults, timeline, expectations)\n"
    "  check FILE...   check scenario files: every error with file, line, column and key\n"
    "  conform         run the RFC 2661 conformance suite against a device under test\n"
    "  replay FILE     the L2TP conversations of a capture: --list shows its tunnels, sessions,\n"
    "                  roles, how they ended and whether they can be replayed\n"
    "  report merge    merge the JSON summaries of several agents (--agent I/N) into one\n"
    "  rules           list the requirement catalogue the checks cite\n"
    "  version         print the version\n"
    "\n"
    "Run 'l2tpsim COMMAND --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "version" || cmd == "--version") {
    std::cout << "l2tpsim " << L2TPSIM_VERSION << "\nallocator: " << L2TPSIM_ALLOCATOR << "\n";
    return 0;
  }
  if (cmd == "decode") return l2tpsim::app::run_decode(argc - 1, argv + 1);
  if (cmd == "rules") return l2tpsim::app::run_rules(argc - 1, argv + 1);
  if (cmd == "lac") return l2tpsim::app::run_lac(argc - 1, argv + 1);
  if (cmd == "lns") return l2tpsim::app::run_lns(argc - 1, argv + 1);
  if (cmd == "run") return l2tpsim::app::run_run(argc - 1, argv + 1);
  if (cmd == "check") return l2tpsim::app::run_check(argc - 1, argv + 1);
  if (cmd == "conform") return l2tpsim::app::run_conform(argc - 1, argv + 1);
  if (cmd == "replay") return l2tpsim::app::run_replay(argc - 1, argv + 1);
  if (cmd == "report") return l2tpsim::app::run_report(argc - 1, argv + 1);
  std::cerr << "l2tpsim: unknown command '" << cmd << "'\n\n" << kUsage;
  return 2;
}
