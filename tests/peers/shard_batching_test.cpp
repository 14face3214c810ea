// The shard's batch interval (peers/udp_transport.hpp): a busy shard polls its sockets once per
// interval instead of waking for every datagram, and an idle one waits on its sockets again.
// Two shards on loopback in one io_context, an LAC and an LNS, L2TP only.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "peers/udp_transport.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

struct Pair {
  explicit Pair(Duration lac_interval, Duration lns_interval)
      : lac(io, lac_config(), 1), lns(io, lns_config(), 2) {
    lac.set_batch_interval(lac_interval);
    lns.set_batch_interval(lns_interval);
    auto lns_ep = lns.bind(loopback_ep(1, 0));
    auto lac_ep = lac.bind(loopback_ep(1, 0));
    EXPECT_TRUE(lns_ep && lac_ep);
    if (lns_ep) lns_at = *lns_ep;
    if (lac_ep) lac_at = *lac_ep;
    lac.on_event([this](Node&, const NodeEvent& ev, Time) { sessions_up += is_session_up(ev); });
    lns.on_event([this](Node&, const NodeEvent& ev, Time) { lns_sessions_up += is_session_up(ev); });
  }
  ~Pair() {
    lac.stop();
    lns.stop();
  }

  static NodeConfig lac_config() {
    NodeConfig c;
    c.tunnel.role = tunnel::Role::Lac;
    c.tunnel.keepalive_timeout = Duration::zero();
    c.accept_tunnels = false;
    return c;
  }
  static NodeConfig lns_config() {
    NodeConfig c;
    c.tunnel.role = tunnel::Role::Lns;
    c.tunnel.keepalive_timeout = Duration::zero();
    return c;
  }
  static bool is_session_up(const NodeEvent& ev) { return std::holds_alternative<SessionUp>(ev.event.body); }

  // Runs the io_context until `done` or `limit`, checking every millisecond.
  void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    boost::asio::steady_timer check(io);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::function<void()> arm = [&] {
      check.expires_after(1ms);
      check.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        if (done() || std::chrono::steady_clock::now() >= deadline) return io.stop();
        arm();
      });
    };
    arm();
    io.restart();
    io.run();
  }

  void open(unsigned sessions) {
    lac.act([&](Node& node, Time now) {
      const TunnelId t = node.open_tunnel(lac_at, lns_at, now);
      for (unsigned i = 0; i < sessions; ++i) node.open_session(t, now);
    });
  }

  boost::asio::io_context io;
  Shard lac, lns;
  net::Endpoint lac_at, lns_at;
  unsigned sessions_up = 0, lns_sessions_up = 0;
};

TEST(ShardBatching, APollingPairBringsEveryCallUpWithFewerWakeupsThanDatagrams) {
  Pair p(2ms, 2ms);
  p.open(200);
  p.run_until([&] { return p.sessions_up == 200 && p.lns_sessions_up == 200; }, 20s);
  EXPECT_EQ(p.sessions_up, 200u);
  EXPECT_EQ(p.lns_sessions_up, 200u);
  // 200 ICRQs in a window of 8 take many round trips; each poll takes what a whole interval
  // brought, so the shards woke fewer times than datagrams came in.
  EXPECT_GT(p.lns.stats().received, 200u);
  EXPECT_LT(p.lns.stats().wakeups, p.lns.stats().received);
  EXPECT_LT(p.lac.stats().wakeups, p.lac.stats().received);
}

TEST(ShardBatching, AnIdleShardStopsPollingAndStillAnswersTheNextDatagram) {
  Pair p(2ms, 2ms);
  p.open(4);
  p.run_until([&] { return p.sessions_up == 4; }, 20s);
  ASSERT_EQ(p.sessions_up, 4u);
  // Let the acknowledgements settle, then 200 ms with nothing to do: polling every 2 ms would
  // wake a hundred times; waiting on the sockets (and the rare timer) does not.
  p.run_until([] { return false; }, 100ms);
  const auto lac_wakeups = p.lac.stats().wakeups, lns_wakeups = p.lns.stats().wakeups;
  p.run_until([] { return false; }, 200ms);
  EXPECT_LT(p.lac.stats().wakeups - lac_wakeups, 10u);
  EXPECT_LT(p.lns.stats().wakeups - lns_wakeups, 10u);
  // A socket the shard waits on again still wakes it: one more call comes up.
  p.lac.act([&](Node& node, Time now) {
    std::vector<TunnelId> ids;
    node.for_each_tunnel([&](const tunnel::Tunnel& t) { ids.push_back(t.local_id()); });
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_TRUE(node.open_session(ids.front(), now));
  });
  p.run_until([&] { return p.sessions_up == 5 && p.lns_sessions_up == 5; }, 10s);
  EXPECT_EQ(p.sessions_up, 5u);
  EXPECT_EQ(p.lns_sessions_up, 5u);
}

TEST(ShardBatching, WithoutAnIntervalAlignChangesNothingAndCallsComeUp) {
  Pair p(Duration::zero(), Duration::zero());
  EXPECT_EQ(p.lac.align(Time(Duration(1234567))), Time(Duration(1234567)));
  p.open(20);
  p.run_until([&] { return p.sessions_up == 20 && p.lns_sessions_up == 20; }, 20s);
  EXPECT_EQ(p.sessions_up, 20u);
  EXPECT_GT(p.lns.stats().wakeups, 0u);
}

TEST(ShardBatching, TheRunnersDeadlineOpensCallsFromTheShardsOwnTimer) {
  // The LAC's pacer: 5 calls per deadline, 1 ms apart (on the 2 ms grid), until 40 are open.
  Pair p(2ms, 2ms);
  TunnelId tunnel{};
  p.lac.act([&](Node& node, Time now) { tunnel = node.open_tunnel(p.lac_at, p.lns_at, now); });
  std::vector<std::pair<Time, Time>> served;  // (due, run)
  std::optional<Time> due;
  unsigned opened = 0;
  p.lac.on_deadline([&](Node& node, Time now) {
    served.emplace_back(*due, now);
    for (int i = 0; i < 5; ++i, ++opened) EXPECT_TRUE(node.open_session(tunnel, now));
    due = opened < 40 ? std::optional(p.lac.align(now + 1ms)) : std::nullopt;
    p.lac.set_deadline(due);
  });
  p.lac.act([&](Node&, Time now) {
    due = p.lac.align(now + 1ms);
    p.lac.set_deadline(due);
  });
  p.run_until([&] { return p.sessions_up == 40 && p.lns_sessions_up == 40; }, 20s);
  EXPECT_EQ(p.sessions_up, 40u);
  ASSERT_EQ(served.size(), 8u);
  for (const auto& [at, ran] : served) {
    EXPECT_GE(ran, at) << "never early";
    EXPECT_EQ(at, p.lac.align(at)) << "on the batch grid";
  }
  // Cleared, it does not run.
  p.lac.act([&](Node&, Time now) { p.lac.set_deadline(p.lac.align(now + 1ms)); });
  p.lac.set_deadline(std::nullopt);
  p.run_until([] { return false; }, 20ms);
  EXPECT_EQ(served.size(), 8u);
}

TEST(ShardBatching, AlignRoundsUpOntoTheIntervalsGrid) {
  boost::asio::io_context io;
  Shard s(io, NodeConfig{}, 1);
  s.set_batch_interval(1ms);
  EXPECT_EQ(s.align(Time(Duration(1'000'000))), Time(Duration(1'000'000)));
  EXPECT_EQ(s.align(Time(Duration(1'000'001))), Time(Duration(2'000'000)));
  EXPECT_EQ(s.align(Time(Duration(1))), Time(Duration(1'000'000)));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
