// The passive checker judges the live peer in a replay, as in every run: the recorded run's LAC
// side replayed (recorded_run.hpp) against l2tpsim's LNS, once as it is (no finding) and once
// with a reserved flag bit set in an optional AVP of its SCCRP (R021, MUST; a receiver ignores
// such an AVP when M=0, R022, so the exchange itself still matches). The finding is reported
// apart from the differences: console, JSON (as `l2tpsim lac` writes it, with the level), JUnit
// (a failed testcase citing R021) and HTML; `matched` does not change.
#include <gtest/gtest.h>

#include "replay/replay_html.hpp"
#include "replay/replay_junit.hpp"
#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

// Sets a reserved flag bit (RFC 2661 4.1) in the first AVP with M=0 of the LNS's SCCRP.
class ReservedBitInSccrp final : public l2tp::PassThroughFilter {
 public:
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time) override {
    Buffer b(bytes.begin(), bytes.end());
    if (dir == WireDirection::Out && !b.empty() && (b[0] & 0x80))
      if (auto m = wire::decode_control(bytes); m && m->known_type() == MessageType::Sccrp)
        for (const wire::Avp& a : m->avps)
          if (!a.mandatory && !a.hidden && !changed) {
            b[a.offset] |= 0x04;
            changed = true;
          }
    pass(dir, src, dst, b);
  }
  bool changed = false;
};

SimReplay replay(ReservedBitInSccrp* fault) {
  auto script = make_script(recorded(), 0, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
  EXPECT_TRUE(script.has_value());
  if (!script) return {};
  sim::SimNet net(5, sim::LinkConfig{});
  Lns lns("pw", ppp::auth::Method::Pap);
  Driver& d = add_lns(net, lns);
  if (fault) d.set_filter(fault);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.local = sim_ep(12);
  cfg.target = sim_ep(3);
  SimReplay r = replay_in_sim(net, recorded(), *script, cfg, DiffOptions{}, std::chrono::minutes(5));
  d.set_filter(nullptr);
  return r;
}

TEST(ReplayFindings, ACleanPeerHasNone) {
  const SimReplay r = replay(nullptr);
  EXPECT_TRUE(r.outcome.matched()) << outcome_text(r.outcome);
  EXPECT_EQ(r.outcome.findings.total, 0u);
  EXPECT_FALSE(r.outcome.findings.must());
  const auto j = outcome_json(r.outcome);
  EXPECT_EQ(j["peer_violations"], 0);
  EXPECT_TRUE(j["violations"].empty());
  EXPECT_NE(outcome_text(r.outcome).find("no violation by the live peer"), std::string::npos);
}

TEST(ReplayFindings, R021_ReservedAvpBitIsReportedAsTheLivePeersNotAsADifference) {
  ReservedBitInSccrp fault;
  const SimReplay r = replay(&fault);
  ASSERT_TRUE(fault.changed);
  const ReplayOutcome& o = r.outcome;
  EXPECT_TRUE(o.matched()) << outcome_text(o);  // a finding is not a difference
  ASSERT_EQ(o.findings.by_rule.count("R021"), 1u) << outcome_text(o);
  EXPECT_TRUE(o.findings.must());
  const PeerFinding* f = nullptr;
  for (const PeerFinding& v : o.findings.kept)
    if (v.rule == "R021") f = &v;
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->level, "MUST");
  // The live frame that shows it is the LNS's SCCRP.
  std::uint64_t sccrp_frame = 0;
  for (const LiveDatagram& d : r.transcript)
    if (d.direction == WireDirection::In && !sccrp_frame)
      if (auto m = wire::decode_control(d.bytes); m && m->known_type() == MessageType::Sccrp)
        sccrp_frame = d.frame;
  EXPECT_EQ(f->frame_live, sccrp_frame);

  EXPECT_NE(outcome_text(o).find("R021 (MUST) live frame " + std::to_string(sccrp_frame)), std::string::npos)
      << outcome_text(o);
  const auto j = outcome_json(o);
  EXPECT_TRUE(j["matched"].get<bool>());
  EXPECT_GE(j["peer_violations"].get<std::uint64_t>(), 1u);
  EXPECT_GE(j["violations_by_rule"]["R021"].get<std::uint64_t>(), 1u);
  bool listed = false;
  for (const auto& v : j["violations"])
    listed = listed || (v["rule"] == "R021" && v["level"] == "MUST" && v["frame"] == sccrp_frame);
  EXPECT_TRUE(listed) << j.dump(2);

  ReplayReport report;
  report.tunnels = {o};
  report.capture = "recorded.pcap";
  report.played = "LAC";
  EXPECT_TRUE(report.must_violations());
  const std::string junit = replay_junit(report, "test");
  const auto at = junit.find("passive checker: R021");
  ASSERT_NE(at, std::string::npos) << junit;
  const auto end = junit.find("</testcase>", at);
  EXPECT_NE(junit.substr(at, end - at).find("<failure"), std::string::npos) << junit.substr(at, end - at);
  const std::string html = replay_html(report, "test");
  EXPECT_NE(html.find("Violations by the live peer"), std::string::npos);
  EXPECT_NE(html.find(">R021<"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
