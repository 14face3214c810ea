// The LAC summary when SCCRQs go unanswered: plainly "no answer from ADDR:PORT to N SCCRQs",
// the likely causes, in the text and the JSON, and only for tunnels that heard nothing back.
#include "peers/run_report.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace {

NodeEvent tunnel_down(std::uint16_t id, tunnel::TunnelState phase, bool by_peer,
                      std::optional<ResultInfo> result, std::string reason) {
  return NodeEvent{TunnelId{id},
                   Event{Time{}, TunnelDown{phase, by_peer, std::move(result), std::move(reason)}}};
}

RunSummary lac_summary(std::uint16_t local_port) {
  RunSummary r;
  r.role = "lac";
  r.peer = "198.18.0.10:1701";
  net::Endpoint local;
  (void)net::IpAddress::parse("198.18.0.1", local.addr);
  local.port = local_port;
  r.local.push_back(local);
  r.sends_per_message = 6;
  return r;
}

TEST(RunReport, UnansweredSccrqsAreSaidPlainlyWithTheLikelyCauses) {
  RunStats s;
  s.tunnel_attempted(TunnelId{1});
  s.on_event(tunnel_down(1, tunnel::TunnelState::WaitCtlReply, false, std::nullopt,
                         "no acknowledgement from the peer after 5 retransmissions"),
             false);
  EXPECT_EQ(s.tunnels_failed, 1u);
  EXPECT_EQ(s.tunnels_unanswered, 1u);
  const RunSummary r = lac_summary(40000);
  EXPECT_EQ(unanswered_message(s, r), "no answer from 198.18.0.10:1701 to 6 SCCRQs");

  const std::string text = to_text(s, r);
  EXPECT_NE(text.find("  no answer from 198.18.0.10:1701 to 6 SCCRQs; likely causes:\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("nothing listens on UDP port 1701 of 198.18.0.10"), std::string::npos) << text;
  EXPECT_NE(text.find("a firewall"), std::string::npos) << text;
  EXPECT_NE(
      text.find("answers only LACs sending from UDP port 1701, as some do (we sent from 198.18.0.1:40000"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("the address is wrong"), std::string::npos) << text;
  EXPECT_NE(text.find("tunnel 1: failed in wait-ctl-reply: SCCRQ never answered"), std::string::npos) << text;

  const auto j = to_json(s, r);
  EXPECT_EQ(j["tunnels_unanswered"], 1);
  EXPECT_EQ(j["unanswered"]["message"], "no answer from 198.18.0.10:1701 to 6 SCCRQs");
  EXPECT_EQ(j["unanswered"]["peer"], "198.18.0.10:1701");
  EXPECT_EQ(j["unanswered"]["sccrqs_per_tunnel"], 6);
  EXPECT_GE(j["unanswered"]["likely_causes"].size(), 4u);
  EXPECT_EQ(j["failures"][0]["unanswered"], true);
  EXPECT_EQ(j["failures"][0]["message"], "no answer from 198.18.0.10:1701 to 6 SCCRQs");
}

TEST(RunReport, SendingFromPort1701LeavesThatCauseOut) {
  RunStats s;
  s.tunnel_attempted(TunnelId{1});
  s.tunnel_attempted(TunnelId{2});
  s.on_event(tunnel_down(1, tunnel::TunnelState::WaitCtlReply, false, std::nullopt, "no acknowledgement"),
             false);
  s.on_event(tunnel_down(2, tunnel::TunnelState::WaitCtlReply, false, std::nullopt, "no acknowledgement"),
             false);
  const RunSummary r = lac_summary(1701);
  EXPECT_EQ(unanswered_message(s, r), "no answer from 198.18.0.10:1701 to 6 SCCRQs in each of its 2 tunnels");
  for (const auto& c : unanswered_causes(r)) EXPECT_EQ(c.find("port 1701 (we sent"), std::string::npos) << c;
}

// A StopCCN from the peer, or our own refusal of its SCCRP, is an answer.
TEST(RunReport, AnsweredSccrqsAreNotCalledUnanswered) {
  RunStats s;
  s.tunnel_attempted(TunnelId{1});
  s.tunnel_attempted(TunnelId{2});
  s.on_event(tunnel_down(1, tunnel::TunnelState::WaitCtlReply, true, ResultInfo{2, 6, "bad secret"},
                         "peer sent StopCCN"),
             false);
  s.on_event(
      tunnel_down(2, tunnel::TunnelState::WaitCtlReply, false, ResultInfo{4}, "bad Challenge Response"),
      false);
  EXPECT_EQ(s.tunnels_failed, 2u);
  EXPECT_EQ(s.tunnels_unanswered, 0u);
  const RunSummary r = lac_summary(40000);
  EXPECT_EQ(unanswered_message(s, r), "");
  EXPECT_TRUE(to_json(s, r)["unanswered"].is_null());
  EXPECT_EQ(to_text(s, r).find("no answer"), std::string::npos);
}

// Our own teardown cancelling a tunnel that was still waiting is not a failure at all.
TEST(RunReport, TeardownWhileWaitingIsNotUnanswered) {
  RunStats s;
  s.tunnel_attempted(TunnelId{1});
  s.on_event(tunnel_down(1, tunnel::TunnelState::WaitCtlReply, false, std::nullopt, "closed locally"), true);
  EXPECT_EQ(s.tunnels_unanswered, 0u);
  EXPECT_EQ(s.tunnels_cancelled, 1u);
}

}  // namespace
}  // namespace l2tp::peers
