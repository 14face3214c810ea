// `l2tpsim replay` as a user runs it: --list on the Windows LAC / Cisco LNS capture, --json,
// --help, and the exit status of bad usage (--list and --play) and unreadable captures. The binary runs as a
// separate process, so a crash is a failed exit status, not a dead test binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/app/replay_cli.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using replay_cli::exit_code;
using replay_cli::replay;
const std::string& kCapture = replay_cli::kWindowsCapture;

TEST(ReplayCommand, ListsTheWindowsCiscoCapture) {
  const auto r = replay("'" + kCapture + "' --list");
  ASSERT_EQ(exit_code(r), 0) << testing::describe_status(r.status) << ": " << r.err;
  for (const char* part : {
           "168 packets read, 168 L2TPv2 datagrams; 2 tunnels, 2 sessions",
           "tunnel 1: frames 1-44",
           "  LAC (guessed) 192.168.101.233:1701, Tunnel ID 1\n",
           "  LNS (guessed) 192.168.98.222:1701, Tunnel ID 56152\n",
           "  replayable: no: starts mid-tunnel: no SCCRQ captured",
           "  ended: StopCCN from the LAC in frame 43 at 24.992 s: result 6 (Requester is being shut down), "
           "error 0\n",
           "tunnel 2: frames 45-168",
           "  LAC 192.168.101.233:1701, Tunnel ID 2, host albatross.dev.hsd.com.au, vendor Microsoft, "
           "initiator\n"
           "    sent 6 control, 0 retransmitted, 2 ZLB, 65 data\n",
           "  LNS 192.168.98.222:1701, Tunnel ID 3257, host lac@test2.hsd.com.au, vendor Cisco Systems, "
           "Inc.\n"
           "    sent 2 control, 0 retransmitted, 4 ZLB, 45 data\n",
           "  replayable: yes (LAC and LNS sides)\n",
           "  session 1: LAC Session ID 1, LNS Session ID 25; frames 48-165",
           "    user: markw (PAP)\n",
       })
    EXPECT_NE(r.out.find(part), std::string::npos) << "missing: " << part << "\nin:\n" << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(ReplayCommand, JsonHasTheSameList) {
  const std::string out = testing::make_temp_dir("l2tpsim-replay") + "/list.json";
  const auto r = replay("'" + kCapture + "' --list --json '" + out + "'");
  ASSERT_EQ(exit_code(r), 0) << r.err;
  const auto j = nlohmann::json::parse(testing::read_file(out));
  std::filesystem::remove_all(std::filesystem::path(out).parent_path());
  ASSERT_EQ(j["tunnels"].size(), 2u);
  EXPECT_EQ(j["tunnels"][0]["replayable"], false);
  EXPECT_EQ(j["tunnels"][1]["replayable"], true);
  EXPECT_EQ(j["tunnels"][1]["sessions"][0]["user"], "markw");
  EXPECT_EQ(j["tunnels"][1]["stop"]["meaning"], "result 6 (Requester is being shut down), error 0");
}

TEST(ReplayCommand, HelpExplainsListAndPlay) {
  const auto r = replay("--help");
  EXPECT_EQ(exit_code(r), 0);
  for (const char* option : {"--list",     "--play",   "--target",         "--listen",
                             "--tunnel",   "--secret", "--capture-secret", "--send-concealed",
                             "--password", "--timing", "--ignore",         "--pcap",
                             "--json",     "--junit",  "--html",           "--max-duration",
                             "--seed",     "all:",     "--sessions",       "--user"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option << " not explained:\n" << r.out;
  EXPECT_EQ(r.out.find("not built yet"), std::string::npos) << r.out;
}

TEST(ReplayCommand, PlayBadUsageExitsTwo) {
  auto r = replay("'" + kCapture + "' --play lac");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("--target"), std::string::npos) << r.err;
  r = replay("'" + kCapture + "' --play lns");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("--listen"), std::string::npos) << r.err;
  r = replay("'" + kCapture + "' --play bng --target 127.0.0.1");
  EXPECT_EQ(exit_code(r), 2);
  r = replay("'" + kCapture + "' --play lac --target 127.0.0.1 --timing slow");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("--timing slow"), std::string::npos) << r.err;
  r = replay("'" + kCapture + "' --play lac --target 127.0.0.1 --ignore no-such-avp");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("no-such-avp"), std::string::npos) << r.err;
  // Tunnel 1 starts mid-tunnel: it cannot be played, and the reason is given.
  r = replay("'" + kCapture + "' --play lac --target 127.0.0.1 --tunnel 1");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("cannot be played"), std::string::npos) << r.err;
  r = replay("'" + kCapture + "' --play lac --target 127.0.0.1 --tunnel 9");
  EXPECT_EQ(exit_code(r), 2);
  r = replay("'" + kCapture + "' --list --play lac --target 127.0.0.1");
  EXPECT_EQ(exit_code(r), 2);
  r = replay("'" + kCapture + "' --play lac --target 127.0.0.1 --sessions 0");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("--sessions 0"), std::string::npos) << r.err;
  // Clones need a user each: a pattern without {n} would name them all alike.
  r = replay("'" + kCapture + "' --play lac --target 127.0.0.1 --sessions 3 --user bob");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("{n}"), std::string::npos) << r.err;
}

// --tunnel all --junit --html --json on sockets, against a loopback port nobody answers: the
// Windows capture's one playable LAC tunnel is dialled, never comes up (exit 1), and every
// report says so in its own form.
TEST(ReplayCommand, TunnelAllWritesEveryReportWhenThePeerIsSilent) {
  const std::string dir = testing::make_temp_dir("l2tpsim-replay-all");
  const auto r = replay("'" + kCapture + "' --play lac --target 127.0.0.1:9 --tunnel all --timing fast " +
                        "--max-duration 1.5 --secret s --password pw --json '" + dir +
                        "/out.json' --junit '" + dir + "/out.xml' --html '" + dir + "/out.html'");
  EXPECT_EQ(exit_code(r), 1) << testing::describe_status(r.status) << ": " << r.err << r.out;
  EXPECT_NE(r.err.find("side of 1 tunnel(s) (2)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("0 up, 0 matched"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DIFFERED"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(testing::read_file(dir + "/out.json"));
  EXPECT_EQ(j["tunnel_up"], false);
  EXPECT_EQ(j["matched"], false);
  ASSERT_EQ(j["tunnels"].size(), 1u);
  EXPECT_EQ(j["tunnels"][0]["tunnel"], 2);
  ASSERT_FALSE(j["differences"].empty());
  EXPECT_EQ(j["differences"][0]["tunnel"], 2);
  EXPECT_EQ(j["differences"][0]["kind"], "missing");  // the SCCRP never came
  const std::string xml = testing::read_file(dir + "/out.xml");
  EXPECT_NE(xml.find("<failure message=\"missing: captured SCCRP (frame "), std::string::npos) << xml;
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    EXPECT_EQ(std::system(("xmllint --noout '" + dir + "/out.xml'").c_str()), 0);
  }
  const std::string html = testing::read_file(dir + "/out.html");
  EXPECT_NE(html.find("DIFFERED"), std::string::npos);
  EXPECT_NE(html.find("<dt>tunnel_up</dt>"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ReplayCommand, BadUsageAndUnreadableCapturesExitTwo) {
  auto r = replay("'" + kCapture + "'");  // nothing to do
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("--list"), std::string::npos) << r.err;
  r = replay("--list");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("no capture file"), std::string::npos) << r.err;
  r = replay("/nonexistent/x.pcap --list");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("/nonexistent/x.pcap"), std::string::npos) << r.err;
  r = replay("'" + kCapture + "' --list --port 0");
  EXPECT_EQ(exit_code(r), 2);
  const std::string not_pcap = std::string(L2TPSIM_SOURCE_DIR) + "/README.md";
  r = replay("'" + not_pcap + "' --list");
  EXPECT_EQ(exit_code(r), 2);
  EXPECT_NE(r.err.find("README.md"), std::string::npos) << r.err;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
