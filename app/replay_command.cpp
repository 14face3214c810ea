// l2tpsim replay: the conversations of a capture (issue 11). `--list` shows every tunnel and
// session and whether it can be replayed; playing a side against a live peer is not built yet.
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/file_command_line.hpp"
#include "capture/conversation.hpp"
#include "capture/conversation_report.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {
namespace {

constexpr const char* kReplayHelp =
    "usage: l2tpsim replay FILE --list [--json OUT] [--port N]...\n"
    "\n"
    "Reads a pcap or pcapng file (anything 'l2tpsim decode' reads) and finds its L2TPv2\n"
    "conversations: the tunnels (both directions paired through their Assigned Tunnel IDs, also\n"
    "when the SCCRP comes from another address or port, RFC 2661 8.1), their sessions, who is\n"
    "the LAC and who the LNS, and each side's control messages (retransmissions and ZLBs told\n"
    "apart) and PPP frames.\n"
    "\n"
    "--list prints every tunnel and session: the Tunnel and Session IDs of both sides, their\n"
    "addresses, roles, host and vendor names, message counts per side (control, retransmitted,\n"
    "ZLB, data), the control messages in order, the time span, how it ended (StopCCN and CDN\n"
    "result and error codes with their RFC 2661 meaning, and who sent them), the PAP or CHAP\n"
    "user, whether it can be replayed and why not (a capture that starts mid-tunnel, misses a\n"
    "direction or was cut short), and notes on everything missing or guessed.\n"
    "\n"
    "Playing a side of a capture against a live peer (--play) is not built yet; this command\n"
    "only lists for now.\n"
    "\n"
    "Exit status: 0 listed, 2 bad usage or a capture that cannot be read.\n"
    "\n"
    "options";

}  // namespace

int run_replay(int argc, char** argv) {
  std::string file, json_file;
  std::vector<unsigned> ports;
  bool list = false;
  po::options_description opts(kReplayHelp);
  opts.add_options()("help,h", "show this help")("list", po::bool_switch(&list),
                                                 "list the tunnels and sessions of the capture")(
      "json", po::value(&json_file)->value_name("OUT"), "also write the list as JSON to OUT")(
      "port", po::value(&ports)->composing(), "UDP port carrying L2TP (repeatable; default 1701)");
  po::variables_map vm;
  if (const auto stop = parse_file_command("replay", opts, argc, argv, file, vm)) return *stop;
  if (!list) {
    std::cerr << "l2tpsim replay: say what to do: --list (playing a side is not built yet)\n";
    return 2;
  }
  l2tp::capture::ConversationOptions options;
  if (!ports.empty()) options.ports.clear();
  for (unsigned p : ports) {
    if (p == 0 || p > 65535) {
      std::cerr << "l2tpsim replay: --port " << p << " is not a UDP port (1-65535)\n";
      return 2;
    }
    options.ports.insert(static_cast<std::uint16_t>(p));
  }

  auto read = l2tp::capture::read_conversations(file, options);
  if (!read) {
    std::cerr << "l2tpsim replay: " << read.error() << "\n";
    return 2;
  }
  const auto& conv = read->conversations;
  std::cout << l2tp::capture::conversations_text(conv, file);
  if (!json_file.empty()) {
    std::ofstream out(json_file, std::ios::trunc);
    if (!out) {
      std::cerr << "l2tpsim replay: cannot write " << json_file << "\n";
      return 2;
    }
    auto j = l2tp::capture::conversations_json(conv, file);
    if (!read->read_error.empty()) j["read_error"] = read->read_error;
    // Host names and Result Code messages are the peer's bytes, not always UTF-8.
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (!out) {
      std::cerr << "l2tpsim replay: writing " << json_file << " failed\n";
      return 2;
    }
  }
  if (!read->read_error.empty()) {
    std::cerr << "l2tpsim replay: " << file << ": reading stopped early: " << read->read_error << "\n";
    return 2;
  }
  return 0;
}

}  // namespace l2tpsim::app
