// The run summary: plainly "no answer from ADDR:PORT to N SCCRQs" when SCCRQs go unanswered,
// with the likely causes, in the text and the JSON, and only for tunnels that heard nothing back;
// the wait a batch interval adds to the latencies; IPsec as a phase of its own.
#include "peers/run_report.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

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

// Failures beyond those kept are counted in the JSON, by phase and Result/Error Code.
TEST(RunReport, FailuresBeyondTheKeptOnesAreCounted) {
  RunStats s;
  s.keep_failures = 1;
  for (std::uint16_t id = 1; id <= 25; ++id) {
    s.tunnel_attempted(TunnelId{id});
    s.on_event(tunnel_down(id, tunnel::TunnelState::WaitCtlReply, true, ResultInfo{2, 6, "no"}, "StopCCN"),
               false);
  }
  const auto j = to_json(s, lac_summary(40000));
  EXPECT_EQ(j["failures"].size(), 1u);
  EXPECT_EQ(j["failures_omitted"], 24);
  EXPECT_EQ(j["failures_by_result"]["2/6"], 25);
  EXPECT_EQ(j["failures_by_phase"]["wait-ctl-reply"], 25);
  const std::string text = to_text(s, lac_summary(40000));
  EXPECT_NE(text.find("... and 24 more failures; all by phase: wait-ctl-reply 25"), std::string::npos)
      << text;
}

// The latency histograms go into the JSON whole, and come back from it exactly.
TEST(RunReport, HistogramsRoundTripThroughJson) {
  RunStats s;
  for (int i = 1; i <= 500; ++i) {
    SessionUp up;
    up.local = SessionId{static_cast<std::uint16_t>(i)};
    up.setup_time = std::chrono::microseconds(i * i * 37);
    s.on_event(NodeEvent{TunnelId{1}, Event{Time{}, up}}, false);
  }
  const auto j = to_json(s, lac_summary(40000));
  EXPECT_EQ(j["setup_latency_ms"]["count"], 500);
  ASSERT_TRUE(j["histograms"].contains("session_setup"));
  const auto back = histogram_from_json(j["histograms"]["session_setup"]);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s.session_latency);
  EXPECT_EQ(back->percentile_ms(0.99), j["setup_latency_ms"]["p99"].get<double>());
  // Through text and back, too (what `report merge` will read).
  const auto reparsed = histogram_from_json(nlohmann::json::parse(j["histograms"]["session_setup"].dump()));
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(*reparsed, s.session_latency);
  EXPECT_FALSE(histogram_from_json(nlohmann::json{{"unit", "ms"}}));
  auto broken = j["histograms"]["session_setup"];
  broken["count"] = 7;
  EXPECT_FALSE(histogram_from_json(broken));
}

TEST(RunReport, StatusLineShowsRetransmissionsOnlyOnceThereAreSome) {
  StatusCounts c;
  c.tunnels_up = 2;
  c.sessions_up = 10;
  EXPECT_EQ(status_line(c, 3.0, 5.0).find("retrans"), std::string::npos);
  c.retransmissions = 17;
  StatusCounts other;
  other.retransmissions = 4;
  c += other;
  EXPECT_NE(status_line(c, 3.0, 5.0).find("  retrans 21"), std::string::npos) << status_line(c, 3.0, 5.0);
}

// --use-ipsec: the IPsec setup (IKE and CHILD SA) is its own phase: a histogram like the others,
// in the text, `ipsec_latency_ms` and `histograms.ipsec_setup`, counted once over shards; a call
// refused for want of an SA fails in phase `ipsec`, in the counts and the timeline.
TEST(RunReport, IpsecSetupIsItsOwnPhaseInTextJsonAndTimeline) {
  RunStats plain;
  EXPECT_FALSE(to_json(plain, lac_summary(1701)).contains("ipsec_latency_ms"));
  EXPECT_FALSE(to_json(plain, lac_summary(1701))["histograms"].contains("ipsec_setup"));
  EXPECT_EQ(to_text(plain, lac_summary(1701)).find("IPsec"), std::string::npos);

  RunStats s, other_shard;
  s.ipsec = other_shard.ipsec = true;
  for (double ms : {40.0, 80.0, 120.0}) s.ipsec_latency.record_ms(ms);
  s.timeline.set_origin(Time{});
  other_shard.timeline.set_origin(Time{});
  other_shard.session_refused(TunnelId{}, "no IPsec SA from its source: no answer", Time{}, FailPhase::Ipsec);
  s.merge(other_shard);
  const auto j = to_json(s, lac_summary(1701));
  EXPECT_EQ(j["ipsec_latency_ms"]["count"], 3);
  EXPECT_NEAR(j["ipsec_latency_ms"]["max"].get<double>(), 120.0, 1.5);
  const auto back = histogram_from_json(j["histograms"]["ipsec_setup"]);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s.ipsec_latency);
  EXPECT_EQ(j["failures_by_phase"]["ipsec"], 1) << j["failures_by_phase"].dump();
  const auto timeline = timeline_json(s.timeline);
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(timeline[0]["failed_by_phase"]["ipsec"], 1) << timeline.dump();
  EXPECT_EQ(timeline[0]["failed"], 1);
  EXPECT_NE(to_text(s, lac_summary(1701)).find("  IPsec setup latency:   p50 "), std::string::npos)
      << to_text(s, lac_summary(1701));

  RunStats none_up;  // every SA failed: still an IPsec run, with an empty phase
  none_up.ipsec = true;
  EXPECT_EQ(to_json(none_up, lac_summary(1701))["ipsec_latency_ms"]["count"], 0);
}

// With a batch interval a busy shard reads what arrived at its next wake-up, so a latency counts
// up to one interval of its own wait per message received: the summary says so, the JSON gives
// the interval. In virtual time (0) nothing waits and nothing is said.
TEST(RunReport, ABatchIntervalIsNamedAsTheLatenciesOwnWait) {
  RunStats s;
  RunSummary r = lac_summary(40000);
  r.batch_interval_ms = 4;
  EXPECT_NE(
      to_text(s, r).find("(latencies include up to 4 ms of our own wait per message received while busy: "
                         "--batch-interval; 0 reads each at once)\n"),
      std::string::npos)
      << to_text(s, r);
  EXPECT_EQ(to_json(s, r)["batch_interval_ms"], 4.0);
  r.batch_interval_ms = 0.5;
  EXPECT_NE(to_text(s, r).find("up to 0.5 ms of our own wait"), std::string::npos) << to_text(s, r);
  r.batch_interval_ms = 2.5;
  EXPECT_NE(to_text(s, r).find("up to 2.5 ms of our own wait"), std::string::npos) << to_text(s, r);
  r.batch_interval_ms = 0;
  EXPECT_EQ(to_text(s, r).find("our own wait"), std::string::npos) << to_text(s, r);
  EXPECT_EQ(to_json(s, r)["batch_interval_ms"], 0.0);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
