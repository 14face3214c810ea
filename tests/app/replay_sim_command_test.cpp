// `l2tpsim replay FILE --play lac|lns --sim` as a user runs it: a capture played against
// l2tpsim's own LNS (or, the LNS side, its own LAC) in virtual time, every report marked
// simulated; the same seed gives the same pcap bytes, another seed other bytes; --sim with
// --target or --listen, and --sim-options without --sim, are usage errors. The captures: the
// Windows LAC / Cisco LNS one, and the l2tpsim run the replay tests record (recorded_run.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/app/replay_cli.hpp"
#include "tests/replay/recorded_run.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using replay_cli::exit_code;
using replay_cli::expect_usage_error;
using replay_cli::replay;
const std::string& kWindows = replay_cli::kWindowsCapture;

// A temporary directory for one test's outputs, removed afterwards.
struct Dir {
  Dir() : path(testing::make_temp_dir("l2tpsim-replay-sim")) {}
  ~Dir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// The Windows LAC's tunnel (PAP user markw, tunnel authentication) against our LNS: the tunnel,
// the call and PPP come up (the PAP password is the captured one), and every report says the
// run was simulated. Exit status and JSON agree on whether it matched.
TEST(ReplaySimCommand, WindowsLacAgainstOwnLnsComesUpAndReports) {
  Dir dir;
  const auto r = replay("'" + kWindows + "' --play lac --sim --secret s --seed 3 --json '" +
                        dir.file("o.json") + "' --junit '" + dir.file("o.xml") + "' --html '" +
                        dir.file("o.html") + "' --pcap '" + dir.file("o.pcap") + "'");
  ASSERT_TRUE(exit_code(r) == 0 || exit_code(r) == 1) << testing::describe_status(r.status) << ": " << r.err;
  EXPECT_NE(r.err.find("playing the LAC side of tunnel 2 from 192.0.2.2:1701 to 192.0.2.1:1701"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("as `l2tpsim lns --listen 192.0.2.1 --secret s --user markw "
                       "--password qwerty"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("simulated: virtual time, no sockets, against l2tpsim's own lns"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("tunnel up, calls up 1 of 1 captured, PPP up 1"), std::string::npos) << r.out;

  const auto j = nlohmann::json::parse(testing::read_file(dir.file("o.json")));
  EXPECT_EQ(j["tunnel_up"], true);
  EXPECT_EQ(j["sessions_up"], 1);
  EXPECT_EQ(j["ppp_up"], 1);
  ASSERT_TRUE(j["simulated"].is_string());
  EXPECT_NE(j["simulated"].get<std::string>().find("--seed 3 repeats it"), std::string::npos);
  EXPECT_EQ(exit_code(r), j["matched"] == true ? 0 : 1) << r.out;
  EXPECT_NE(testing::read_file(dir.file("o.xml")).find("name=\"simulated\""), std::string::npos);
  EXPECT_NE(testing::read_file(dir.file("o.html")).find("<b>Simulated:</b>"), std::string::npos);

  // The live pcap is the replay's wire in virtual time: from 2026-01-01, both directions.
  const capture::Conversations live = replay::test::read_pcap(dir.file("o.pcap"));
  ASSERT_EQ(live.tunnels.size(), 1u);
  EXPECT_EQ(live.tunnels[0].first_ns / 1'000'000'000, 1'767'225'600);
  EXPECT_FALSE(live.tunnels[0].sides[0].control.empty());
  EXPECT_FALSE(live.tunnels[0].sides[1].control.empty());
}

// The run the replay tests record (l2tpsim's LAC and LNS: secret s3cret, PAP user alice) against
// our LNS named as the recorded one: the user, password, method and addresses come from the
// capture, and nothing differs.
TEST(ReplaySimCommand, RecordedRunAgainstOwnLnsMatches) {
  Dir dir;
  const std::string capture = dir.file("recorded.pcap");
  replay::test::record_pcap(capture);
  const auto r = replay("'" + capture +
                        "' --play lac --sim --capture-secret s3cret --sim-options "
                        "'--host-name sim-lns'");
  EXPECT_EQ(exit_code(r), 0) << r.err << r.out;
  EXPECT_NE(r.out.find("--user alice --password pw --seed"), std::string::npos) << r.out;
  // From the capture: the method, the LNS's MRU (none asked) and the addresses it gave.
  EXPECT_NE(
      r.out.find("--max-mru 1500 --authentication pap --local-address 10.0.0.1 --remote-address 10.0.0.2 "
                 "--host-name sim-lns`"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("no differences from the capture"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MATCHED"), std::string::npos) << r.out;
  // Our LNS refusing PAP: the call's authentication differs, exit 1.
  const auto chap = replay("'" + capture +
                           "' --play lac --sim --capture-secret s3cret --sim-options "
                           "'--host-name sim-lns --authentication chap'");
  EXPECT_EQ(exit_code(chap), 1) << chap.err << chap.out;
  EXPECT_NE(chap.out.find("ppp-auth-method: captured pap"), std::string::npos) << chap.out;
}

// The recorded LNS side, played against our own LAC: it dials the captured call with the
// captured user, PPP comes up, and it hangs up when the captured tunnel ended.
TEST(ReplaySimCommand, RecordedLnsSideAgainstOwnLacComesUp) {
  Dir dir;
  const std::string capture = dir.file("recorded.pcap");
  replay::test::record_pcap(capture);
  const auto r =
      replay("'" + capture + "' --play lns --sim --secret s3cret --json '" + dir.file("o.json") + "'");
  ASSERT_TRUE(exit_code(r) == 0 || exit_code(r) == 1) << testing::describe_status(r.status) << ": " << r.err;
  EXPECT_NE(r.out.find("as `l2tpsim lac --connect-to 192.0.2.2:1701 --local-address "
                       "192.0.2.1 --secret s3cret --user alice --password pw"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--tunnels 1 --sessions 1 --duration"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(testing::read_file(dir.file("o.json")));
  EXPECT_EQ(j["played"], "LNS");
  EXPECT_EQ(j["tunnel_up"], true);
  EXPECT_EQ(j["sessions_up"], 1);
  EXPECT_EQ(j["ppp_up"], 1);
  EXPECT_EQ(exit_code(r), j["matched"] == true ? 0 : 1) << r.out;
}

// Virtual time and one seed: the same bytes, twice; another seed draws other Random Vectors,
// challenges and magic numbers.
TEST(ReplaySimCommand, SameSeedGivesTheSamePcapBytes) {
  Dir dir;
  auto run = [&](const std::string& name, const std::string& seed) {
    const auto r = replay("'" + kWindows + "' --play lac --sim --secret s --seed " + seed + " --pcap '" +
                          dir.file(name) + "'");
    EXPECT_TRUE(exit_code(r) == 0 || exit_code(r) == 1) << r.err;
    return testing::read_file(dir.file(name));
  };
  const std::string a = run("a.pcap", "42"), b = run("b.pcap", "42"), c = run("c.pcap", "43");
  EXPECT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b) << "two runs with --seed 42 wrote different pcaps";
  EXPECT_EQ(a.size(), c.size());  // the same exchanges...
  EXPECT_FALSE(a == c);           // ...with other random numbers
}

TEST(ReplaySimCommand, SimWithAnAddressIsABadUsage) {
  const std::string capture = "'" + kWindows + "'";
  expect_usage_error(capture + " --play lac --sim --target 127.0.0.1",
                     "--sim replaces --target and --listen");
  expect_usage_error(capture + " --play lns --sim --listen 127.0.0.1",
                     "--sim replaces --target and --listen");
  expect_usage_error(capture + " --play lac --target 127.0.0.1 --sim-options '--host-name x'",
                     "--sim-options needs --sim");
  expect_usage_error(capture + " --list --sim");
  // Options of `l2tpsim lns` only, and what virtual time can do.
  expect_usage_error(capture + " --play lac --sim --sim-options '--no-such-option'",
                     "(the options of l2tpsim lns)");
  expect_usage_error(capture + " --play lac --sim --sim-options '--radius 127.0.0.1 --radius-secret x'",
                     "RADIUS");
}

TEST(ReplaySimCommand, HelpExplainsSim) {
  const auto r = replay("--help");
  EXPECT_EQ(exit_code(r), 0);
  for (const char* part : {"--sim", "--sim-options", "virtual time", "--play lac --sim"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << " not explained:\n" << r.out;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
