// RunStats (peers/run_stats.cpp): the control channel totals of a run cover the tunnels the
// node has already forgotten as well as those it still holds.
#include "peers/run_stats.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

net::Endpoint ep(std::uint8_t last) {
  return net::Endpoint{net::IpAddress::v4(192, 0, 2, last), 1701};
}

void send_all(Node& node, Time now) {
  Buffer b;
  net::Endpoint from, to;
  while (node.poll_transmit(now, b, from, to)) {
  }
}

TEST(RunStats, ChannelTotalsCoverForgottenAndLiveTunnels) {
  NodeConfig cfg;
  cfg.tunnel.role = tunnel::Role::Lac;
  cfg.tunnel.host_name = "lac";
  cfg.tunnel.reliability.max_retries = 2;
  cfg.accept_tunnels = false;
  SeededRng rng(1);
  Node node(cfg, rng);
  RunStats stats;
  Time now{};
  // An SCCRQ nobody answers: sent, retransmitted twice, the tunnel given up and forgotten.
  const TunnelId gone = node.open_tunnel(ep(1), ep(10), now);
  send_all(node, now);
  while (node.tunnel(gone) != nullptr && node.poll_timeout()) {
    now = *node.poll_timeout();
    node.handle_timeout(now);
    send_all(node, now);
  }
  ASSERT_EQ(node.tunnel(gone), nullptr);
  // A second one, still waiting for its first retransmission.
  node.open_tunnel(ep(1), ep(11), now);
  send_all(node, now);
  const auto total = stats.channel_totals(node);
  EXPECT_EQ(total.sent, 2u);
  EXPECT_EQ(total.retransmissions, 2u);
}

NodeEvent session_event(std::uint16_t t, EventBody body) {
  return NodeEvent{TunnelId{t}, Event{Time{}, std::move(body)}};
}

SessionUp session_up(std::uint16_t s, Duration setup) {
  SessionUp up;
  up.local = SessionId{s};
  up.setup_time = setup;
  return up;
}

SessionDown session_down(std::uint16_t s, bool by_peer, std::optional<ResultInfo> result) {
  SessionDown d;
  d.local = SessionId{s};
  d.by_peer = by_peer;
  d.result = std::move(result);
  d.phase = session::SessionState::WaitConnect;
  return d;
}

TEST(RunStats, SessionsComingAndGoingKeepOnlyWhatIsUpAndTheFirstFailures) {
  // A thousand rounds of ten calls on one tunnel: half come up and are cleared, half fail with
  // the peer's CDN 2/6. Only the first keep_failures failures are kept; the counts cover all.
  RunStats s;
  s.keep_failures = 50;
  for (int round = 0; round < 1000; ++round) {
    for (std::uint16_t i = 1; i <= 10; ++i) s.session_attempted(TunnelId{7}, SessionId{i}, Time{});
    EXPECT_EQ(s.sessions_pending(), 10u);
    for (std::uint16_t i = 1; i <= 5; ++i) s.on_event(session_event(7, session_up(i, 2ms)), false);
    EXPECT_EQ(s.sessions_up_now(), 5u);
    EXPECT_EQ(s.sessions_pending(), 5u);
    for (std::uint16_t i = 6; i <= 10; ++i)
      s.on_event(session_event(7, session_down(i, true, ResultInfo{2, 6, "busy"})), false);
    for (std::uint16_t i = 1; i <= 5; ++i)
      s.on_event(session_event(7, session_down(i, false, std::nullopt)), false);
  }
  EXPECT_EQ(s.sessions_up_now(), 0u);
  EXPECT_EQ(s.sessions_pending(), 0u);
  EXPECT_EQ(s.sessions_established, 5000u);
  EXPECT_EQ(s.sessions_closed, 5000u);
  EXPECT_EQ(s.sessions_failed, 5000u);
  EXPECT_EQ(s.failures.size(), 50u);
  EXPECT_EQ(s.failures_omitted, 4950u);
  const FailureCounts c = s.failure_counts();
  EXPECT_EQ(c.by_result.at("2/6"), 5000u);
  EXPECT_EQ(c.by_phase.size(), 1u);
  EXPECT_EQ(c.by_phase.begin()->second, 5000u);
  EXPECT_EQ(s.session_latency.count(), 5000u);
  EXPECT_NEAR(percentiles(s.session_latency).p50, 2.0, 0.02);
}

TEST(RunStats, UpSessionsInOrderAndMergedAcrossShards) {
  RunStats a, b;
  for (std::uint16_t i : {9, 3, 5}) {
    a.session_attempted(TunnelId{2}, SessionId{i}, Time{});
    a.on_event(session_event(2, session_up(i, 1ms)), false);
  }
  b.session_attempted(TunnelId{1}, SessionId{4}, Time{});
  b.on_event(session_event(1, session_up(4, 3ms)), false);
  b.session_attempted(TunnelId{1}, SessionId{8}, Time{});  // still pending
  b.keep_failures = 0;
  b.on_event(session_event(1, session_down(8, true, std::nullopt)), false);
  a.keep_failures = 0;
  a.merge(b);
  using K = RunStats::SessionKey;
  EXPECT_EQ(a.up_sessions(), (std::vector<K>{{1, 4}, {2, 3}, {2, 5}, {2, 9}}));
  EXPECT_EQ(a.sessions_up_now(), 4u);
  EXPECT_EQ(a.sessions_pending(), 0u);
  EXPECT_EQ(a.failures.size(), 0u);
  EXPECT_EQ(a.failures_omitted, 1u);
  EXPECT_EQ(a.failure_counts().by_result.at("none"), 1u);
  EXPECT_EQ(a.session_latency.count(), 4u);
  EXPECT_EQ(a.session_latency.max_us(), 3000u);
}

// Two shards' statistics: the timelines add second by second (counts and levels), and the
// histograms merge into exactly the histogram of the union of the samples.
TEST(RunStats, ShardsMergeTheirTimelinesAndHistogramsExactly) {
  const Time t0{};
  RunStats a, b;
  a.timeline.set_origin(t0);
  b.timeline.set_origin(t0);
  LatencyHistogram all;
  auto up = [&](RunStats& s, std::uint16_t t, std::uint16_t sid, Time at, Duration setup) {
    s.session_attempted(TunnelId{t}, SessionId{sid}, at - setup);
    s.on_event(NodeEvent{TunnelId{t}, Event{at, session_up(sid, setup)}}, false);
    all.record(setup);
  };
  for (std::uint16_t i = 1; i <= 30; ++i)
    up(a, 2, i, t0 + 100ms * i, std::chrono::microseconds(700 + 37 * i));
  for (std::uint16_t i = 1; i <= 20; ++i)
    up(b, 3, i, t0 + 150ms * i, std::chrono::microseconds(5000 + 911 * i));
  b.on_event(NodeEvent{TunnelId{3}, Event{t0 + 3500ms, session_down(1, false, std::nullopt)}}, false);
  a.merge(b);
  const auto x = a.timeline.buckets();
  ASSERT_EQ(x.size(), 4u);
  std::uint64_t established = 0, setups = 0;
  for (const auto& s : x) {
    established += s.established;
    setups += s.setups;
  }
  EXPECT_EQ(established, 50u);
  EXPECT_EQ(setups, 50u);
  EXPECT_EQ(x[0].established, 9u + 6u);    // a: 0.1..0.9 s, b: 0.15..0.9 s
  EXPECT_EQ(x[3].sessions_up, 30u + 19u);  // one of b's calls cleared at 3.5 s
  EXPECT_EQ(x[3].teardowns, 1u);
  EXPECT_TRUE(a.session_latency == all);
  EXPECT_EQ(a.session_latency.percentile_us(0.99), all.percentile_us(0.99));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
