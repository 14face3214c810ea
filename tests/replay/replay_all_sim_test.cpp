// --tunnel all in virtual time: an l2tpsim run with three tunnels dialled 1.5 s apart (one PAP
// call each) is recorded, and its LAC side replayed from one driver against l2tpsim's LNS:
// every tunnel matched, each started at its captured offset, the aggregate report and JSON
// cover all three. Against an LNS demanding CHAP, every tunnel differs, and the aggregate
// JSON tells the differences apart by tunnel.
#include <gtest/gtest.h>

#include "replay/replay_junit.hpp"
#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

const capture::Conversations& three_tunnels() {
  static const capture::Conversations kConv = record_tunnels(3);
  return kConv;
}

SimReplayAll replay_all_against(Lns& lns) {
  const capture::Conversations& conv = three_tunnels();
  std::vector<ReplayScript> scripts;
  for (std::size_t i = 0; i < conv.tunnels.size(); ++i) {
    auto s = make_script(conv, i, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error());
    if (s) scripts.push_back(std::move(*s));
  }
  std::vector<const ReplayScript*> pointers;
  for (const ReplayScript& s : scripts) pointers.push_back(&s);
  sim::SimNet net(5, sim::LinkConfig{});
  add_lns(net, lns);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.local = sim_ep(12);
  cfg.target = sim_ep(3);
  return replay_all_in_sim(net, conv, pointers, cfg, DiffOptions{}, std::chrono::minutes(5));
}

ReplayReport report_of(std::vector<ReplayOutcome> outcomes) {
  ReplayReport r;
  r.tunnels = std::move(outcomes);
  r.all = true;
  r.capture = "three.pcap";
  r.played = "LAC";
  r.peer = "127.0.0.3:1701";
  return r;
}

// When each live SCCRQ left, in seconds since the first.
std::vector<double> sccrq_offsets(const std::vector<LiveDatagram>& transcript) {
  std::vector<double> out;
  std::optional<Time> first;
  for (const LiveDatagram& d : transcript) {
    if (d.direction != WireDirection::Out || !(d.bytes[0] & 0x80)) continue;
    auto m = wire::decode_control(d.bytes);
    if (!m || m->known_type() != MessageType::Sccrq) continue;
    if (!first) first = d.at;
    out.push_back(std::chrono::duration<double>(d.at - *first).count());
  }
  return out;
}

TEST(ReplayAllSim, EveryTunnelMatchesAtItsCapturedOffset) {
  ASSERT_EQ(three_tunnels().tunnels.size(), 3u);
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplayAll r = replay_all_against(lns);
  ASSERT_EQ(r.outcomes.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const ReplayOutcome& o = r.outcomes[i];
    EXPECT_EQ(o.tunnel, i);
    EXPECT_TRUE(o.tunnel_up) << outcome_text(o);
    EXPECT_EQ(o.sessions_up, 1u);
    EXPECT_EQ(o.ppp_up, 1u);
    EXPECT_TRUE(o.matched()) << outcome_text(o);
    EXPECT_FALSE(o.exchanges.empty());
  }
  // Three tunnels from one address, dialled as captured: 0, 1.5, 3 s.
  const std::vector<double> offsets = sccrq_offsets(r.transcript);
  ASSERT_EQ(offsets.size(), 3u);
  EXPECT_NEAR(offsets[1], 1.5, 0.01);
  EXPECT_NEAR(offsets[2], 3.0, 0.01);
  // Frame numbers count the whole wire, as the live pcap does.
  for (std::size_t i = 0; i < r.transcript.size(); ++i) EXPECT_EQ(r.transcript[i].frame, i + 1);

  const ReplayReport report = report_of(r.outcomes);
  EXPECT_TRUE(report.matched());
  const nlohmann::json j = report_json(report);
  EXPECT_EQ(j["tunnel_up"], true);
  EXPECT_EQ(j["sessions_up"], 3);
  EXPECT_EQ(j["ppp_up"], 3);
  EXPECT_EQ(j["matched"], true);
  EXPECT_TRUE(j["differences"].empty());
  ASSERT_EQ(j["tunnels"].size(), 3u);
  EXPECT_EQ(j["tunnels"][2]["tunnel"], 3);
  EXPECT_EQ(j["tunnels"][2]["matched"], true);
  const std::string text = report_text(report);
  EXPECT_NE(text.find("3 up, 3 matched; calls up 3 of 3 captured, PPP up 3, 0 difference(s), 0 violation(s) "
                      "by the live peer\nMATCHED\n"),
            std::string::npos)
      << text;
  const std::string junit = replay_junit(report, "test");
  std::size_t suites = 0;
  for (auto at = junit.find("<testsuite "); at != std::string::npos; at = junit.find("<testsuite ", at + 1))
    ++suites;
  EXPECT_EQ(suites, 3u);
}

TEST(ReplayAllSim, AggregateNamesTheTunnelOfEveryDifference) {
  Lns lns("pw", ppp::auth::Method::ChapMd5);
  const SimReplayAll r = replay_all_against(lns);
  ASSERT_EQ(r.outcomes.size(), 3u);
  const ReplayReport report = report_of(r.outcomes);
  EXPECT_FALSE(report.matched());
  const nlohmann::json j = report_json(report);
  EXPECT_EQ(j["tunnel_up"], true);
  EXPECT_EQ(j["ppp_up"], 0);
  EXPECT_EQ(j["matched"], false);
  std::map<int, std::size_t> per_tunnel;
  for (const auto& d : j["differences"]) {
    ++per_tunnel[d["tunnel"].get<int>()];
    if (d["kind"] == "ppp-auth-method") {
      EXPECT_EQ(d["captured"], "pap");
      EXPECT_EQ(d["live"], "chap");
    }
  }
  ASSERT_EQ(per_tunnel.size(), 3u);
  for (std::size_t t = 1; t <= 3; ++t)
    EXPECT_EQ(per_tunnel[static_cast<int>(t)], r.outcomes[t - 1].differences.size());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
