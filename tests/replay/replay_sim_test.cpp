// Replay in virtual time: a LAC-LNS run of l2tpsim (tunnel secret, a hidden Call Serial Number,
// PAP, IPCP) is recorded to a pcap and read back; its LAC side is replayed against l2tpsim's
// LNS on a fresh SimNet. Against the same LNS nothing differs; against an LNS that demands
// CHAP, or refuses the user, the differences name exactly that.
#include <gtest/gtest.h>

#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

SimReplay replay_against(Lns& lns, const std::string& timing = "original",
                         const capture::Conversations& conv = recorded()) {
  return replay_lac_against(lns, timing, conv);
}

std::string all(const ReplayOutcome& o) {
  return outcome_text(o);
}

TEST(ReplaySim, SameLnsMatchesWithNoDifferences) {
  ASSERT_EQ(recorded().tunnels.size(), 1u);
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns);
  EXPECT_TRUE(r.outcome.tunnel_up);
  EXPECT_EQ(r.outcome.sessions_up, 1u);
  EXPECT_EQ(r.outcome.ppp_up, 1u);
  EXPECT_TRUE(r.outcome.differences.empty()) << all(r.outcome);
  EXPECT_TRUE(r.outcome.matched()) << all(r.outcome);

  // The live LAC sent what the captured one did: same control messages in the same order.
  const capture::Conversations live = live_conversations(r.transcript);
  ASSERT_EQ(live.tunnels.size(), 1u);
  std::vector<std::string> captured_types, live_types;
  for (const auto& rec : recorded().tunnels[0].sides[0].control)
    if (!rec.zlb && !rec.retransmission) captured_types.push_back(rec.type_name());
  for (const auto& rec : live.tunnels[0].sides[0].control)
    if (!rec.zlb && !rec.retransmission) live_types.push_back(rec.type_name());
  EXPECT_EQ(live_types, captured_types);
  // The hidden Call Serial Number went out hidden again, under a fresh Random Vector.
  for (const auto& rec : live.tunnels[0].sides[0].control)
    if (rec.is(MessageType::Icrq)) {
      const wire::Avp* serial = nullptr;
      for (const auto& a : rec.message.avps)
        if (a.is(AvpType::CallSerialNumber)) serial = &a;
      ASSERT_NE(serial, nullptr);
      EXPECT_TRUE(serial->hidden);
    }
}

TEST(ReplaySim, FastTimingMatchesToo) {
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns, "fast");
  EXPECT_TRUE(r.outcome.matched()) << all(r.outcome);
  EXPECT_EQ(r.outcome.ppp_up, 1u);
}

// LCP codes of the LAC's PPP frames and the LAC's control messages, in wire order.
std::vector<std::string> lac_teardown(const std::vector<LiveDatagram>& transcript, const net::Endpoint& lac) {
  std::vector<std::string> out;
  for (const LiveDatagram& d : transcript) {
    if (d.src != lac) continue;
    if (d.bytes[0] & 0x80) {
      auto m = wire::decode_control(d.bytes);
      if (m && (m->known_type() == MessageType::Cdn || m->known_type() == MessageType::StopCcn))
        out.push_back(std::string(to_string(*m->known_type())));
    } else if (auto m = wire::decode_data(d.bytes);
               m && m->ppp.size() >= 5 && m->ppp[2] == 0xc0 && m->ppp[3] == 0x21 && m->ppp[4] == 5) {
      out.push_back("LCP Terminate-Request");
    }
  }
  return out;
}

// A side that ended LCP before its CDN in the capture does so live too (so the live pcap holds
// the whole teardown), and still matches.
TEST(ReplaySim, CapturedLcpTerminateIsPlayedBeforeTheCdn) {
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns, "original", recorded_with_lcp_terminate());
  EXPECT_TRUE(r.outcome.matched()) << all(r.outcome);
  EXPECT_EQ(lac_teardown(r.transcript, sim_ep(12)),
            (std::vector<std::string>{"LCP Terminate-Request", "CDN", "StopCCN"}));
  // Without it in the capture, the CDN goes at once.
  Lns again("pw", ppp::auth::Method::Pap);
  const SimReplay plain = replay_against(again);
  EXPECT_EQ(lac_teardown(plain.transcript, sim_ep(12)), (std::vector<std::string>{"CDN", "StopCCN"}));
}

// (exchange, kind) of every difference, in order.
std::vector<std::pair<std::string, std::string>> kinds(const ReplayOutcome& o) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Difference& d : o.differences) out.emplace_back(d.exchange, d.kind);
  return out;
}

const Difference* find_kind(const ReplayOutcome& o, const std::string& kind) {
  for (const Difference& d : o.differences)
    if (d.kind == kind) return &d;
  return nullptr;
}

// The LNS demands CHAP; the replayed LAC agrees to PAP only, as captured: LCP cannot agree, the
// LNS clears the call. The tunnel exchanges match; the call's differences are the method, and
// what follows from it (no verdict, no addresses, the LNS's CDN instead of ours).
TEST(ReplaySim, LnsDemandingChapDiffersInTheAuthenticationMethod) {
  Lns lns("pw", ppp::auth::Method::ChapMd5);
  const SimReplay r = replay_against(lns);
  EXPECT_TRUE(r.outcome.tunnel_up);
  EXPECT_EQ(r.outcome.sessions_up, 1u);
  EXPECT_EQ(r.outcome.ppp_up, 0u);
  EXPECT_FALSE(r.outcome.matched());
  const std::vector<std::pair<std::string, std::string>> expected{
      {"call 1: CDN", "extra"},
      {"call 1: PPP authentication", "ppp-auth-method"},
      {"call 1: PPP authentication", "ppp-auth-result"},
      {"call 1: PPP IPCP", "ppp-address"},
      {"call 1: PPP IPCP", "ppp-address-given"}};
  EXPECT_EQ(kinds(r.outcome), expected) << all(r.outcome);
  const Difference* method = find_kind(r.outcome, "ppp-auth-method");
  ASSERT_NE(method, nullptr);
  EXPECT_EQ(method->captured, "pap");
  EXPECT_EQ(method->live, "chap");
  EXPECT_GT(method->frame_captured, 0u);
  EXPECT_GT(method->frame_live, 0u);
}

// The LNS refuses the user: the verdict differs (PAP Authenticate-Nak), and the LNS clears the
// call with result 3 before our captured hang-up.
TEST(ReplaySim, LnsRefusingTheUserDiffersInTheAuthenticationResult) {
  Lns lns("another password", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns);
  EXPECT_TRUE(r.outcome.tunnel_up);
  EXPECT_EQ(r.outcome.ppp_up, 0u);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"call 1: CDN", "extra"},
      {"call 1: PPP authentication", "ppp-auth-result"},
      {"call 1: PPP IPCP", "ppp-address"},
      {"call 1: PPP IPCP", "ppp-address-given"}};
  EXPECT_EQ(kinds(r.outcome), expected) << all(r.outcome);
  const Difference* verdict = find_kind(r.outcome, "ppp-auth-result");
  ASSERT_NE(verdict, nullptr);
  EXPECT_EQ(verdict->captured, "success");
  EXPECT_EQ(verdict->live, "failure");
  EXPECT_NE(r.outcome.differences[0].live.find("result 3"), std::string::npos) << all(r.outcome);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
