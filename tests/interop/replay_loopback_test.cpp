// `l2tpsim replay --play lac` on loopback: the Windows LAC of the Cisco capture (tunnel 2, tunnel
// authentication, PAP user markw) against `l2tpsim lns` with --secret and --password. Tunnel,
// call and PPP come up; the differences are exactly the committed list
// (expected/replay-windows-lac-vs-l2tpsim-lns.tsv, each explained there); the replay's own pcap
// holds the captured teardown (LCP Terminate-Request before the CDN, then the StopCCN) and
// dissects cleanly in tshark. Timing x0.05: the captured 58 s call takes about 3 s.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/decoded_pcap.hpp"
#include "tests/support/loopback_pair.hpp"
#include "tests/support/replay_differences.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

TEST(ReplayLoopback, WindowsLacAgainstOurLnsDiffersOnlyAsExpected) {
  LoopbackPair pair("l2tpsim-replay");
  ASSERT_TRUE(pair.ok());
  auto lns = pair.start_lns({"--secret", "s3cret", "--authentication", "pap", "--user", "markw", "--password",
                             "pw", "--duration", "30"});
  ASSERT_TRUE(lns);
  const std::vector<std::string> argv{
      L2TPSIM_BINARY,
      "replay",
      std::string(L2TPSIM_TEST_DATA_DIR) + "/captures/jnetpcap-legacy_test-l2tp.pcap",
      "--play",
      "lac",
      "--target",
      pair.lns_endpoint(),
      "--secret",
      "s3cret",
      "--password",
      "pw",
      "--timing",
      "x0.05",
      "--max-duration",
      "20",
      "--pcap",
      pair.file("replay.pcap"),
      "--json",
      pair.file("replay.json")};
  auto replay = ChildProcess::start(argv, pair.file("replay.log"));
  ASSERT_TRUE(replay);
  const auto status = replay->wait(std::chrono::seconds(30));
  EXPECT_EQ(LoopbackPair::stop(*lns), 0) << pair.logs();
  const std::string log = read_file(pair.file("replay.log"));
  ASSERT_TRUE(status) << log;
  EXPECT_EQ(*status, 1) << log;  // differed (exit 1), as the expected list says

  const auto j = read_json(pair.file("replay.json"));
  SCOPED_TRACE(log);
  EXPECT_EQ(j.value("tunnel_up", false), true);
  EXPECT_EQ(j.value("sessions_up", -1), 1);
  EXPECT_EQ(j.value("ppp_up", -1), 1);
  EXPECT_EQ(j.value("matched", true), false);
  const std::vector<DifferenceRow> live = live_differences(j);
  for (const auto& d : j.value("differences", nlohmann::json::array()))
    EXPECT_GT(d.value("frame_live", 0), 0) << d.dump();
  const auto expected = expected_differences(std::string(L2TPSIM_SOURCE_DIR) +
                                             "/tests/interop/expected/replay-windows-lac-vs-l2tpsim-lns.tsv");
  EXPECT_EQ(live, expected) << "live:\n" << show(live) << "expected:\n" << show(expected);

  // The captured teardown, in order: our LCP Terminate-Request, our CDN (result 3), our StopCCN.
  const auto wire = decode_pcap(L2TPSIM_BINARY, pair.file("replay.pcap"), pair.port(), "s3cret");
  std::vector<std::string> teardown;
  for (const auto& m : wire) {
    if (m.dst != pair.lns_endpoint()) continue;
    if (m.name == "CDN" || m.name == "StopCCN") teardown.push_back(m.name);
    if (m.name == "data" && m.j.contains("ppp") && m.j["ppp"].value("name", "") == "LCP" &&
        m.j["ppp"].value("code_name", "") == "Terminate-Request")
      teardown.push_back("LCP Terminate-Request");
  }
  EXPECT_EQ(teardown, (std::vector<std::string>{"LCP Terminate-Request", "CDN", "StopCCN"}));
  expect_clean_in_tshark_replayed(pair.file("replay.pcap"), pair.port());
  expect_clean_in_tshark_replayed(pair.file("lns.pcap"), pair.port());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
