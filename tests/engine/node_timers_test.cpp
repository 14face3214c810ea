// The Node's timers (engine/node.cpp, engine/util/timer_heap.hpp): poll_timeout() is the
// earliest deadline of any tunnel, handle_timeout() runs only the tunnels that are due, Closed
// tunnels are forgotten at the next handle_timeout with their channel statistics kept in
// retired_channels(), and live_tunnels() follows every state change. Each is checked against a
// plain walk over the tunnels, on a fake clock.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "engine/node.hpp"
#include "engine/wire/message.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

net::Endpoint net_ep(std::uint8_t a, std::uint8_t b, std::uint16_t port = 1701) {
  return net::Endpoint{net::IpAddress::v4(192, 0, a, b), port};
}

const net::Endpoint kNodeAddr = net_ep(2, 2);

Time at(Duration d) {
  return Time{} + d;
}

NodeConfig lac_node() {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lac;
  c.tunnel.host_name = "node-lac";
  c.accept_tunnels = false;
  return c;
}

// What the Node answered before it kept its timers: the minimum over every tunnel.
std::optional<Time> earliest_by_walk(const Node& node) {
  std::optional<Time> t;
  node.for_each_tunnel([&](const tunnel::Tunnel& tun) {
    const auto c = tun.poll_timeout();
    if (c && (!t || *c < *t)) t = c;
  });
  return t;
}

std::size_t live_by_walk(const Node& node) {
  std::size_t n = 0;
  node.for_each_tunnel([&](const tunnel::Tunnel& t) {
    using S = tunnel::TunnelState;
    n += t.state() != S::Closed && t.state() != S::Closing && t.state() != S::Lingering;
  });
  return n;
}

std::size_t send_all(Node& node, Time now) {
  Buffer b;
  net::Endpoint from, to;
  std::size_t n = 0;
  while (node.poll_transmit(now, b, from, to)) ++n;
  return n;
}

std::uint64_t retransmissions(const Node& node) {
  std::uint64_t n = node.retired_channels().retransmissions;
  node.for_each_tunnel([&](const tunnel::Tunnel& t) { n += t.channel().stats().retransmissions; });
  return n;
}

TEST(NodeTimers, PollTimeoutIsTheEarliestTunnelDeadline) {
  SeededRng rng(1);
  Node node(lac_node(), rng);
  EXPECT_FALSE(node.poll_timeout());
  // SCCRQs sent 100 ms apart: each waits for its own retransmission deadline.
  std::vector<TunnelId> ids;
  for (int i = 0; i < 5; ++i) {
    const Time now = at(i * 100ms);
    ids.push_back(node.open_tunnel(kNodeAddr, net_ep(3, static_cast<std::uint8_t>(10 + i)), now));
    send_all(node, now);
    ASSERT_EQ(node.poll_timeout(), earliest_by_walk(node));
  }
  ASSERT_TRUE(node.poll_timeout());
  EXPECT_EQ(*node.poll_timeout(), *node.tunnel(ids[0])->poll_timeout());
}

TEST(NodeTimers, HandleTimeoutRunsOnlyTheDueTunnels) {
  SeededRng rng(2);
  Node node(lac_node(), rng);
  const TunnelId first = node.open_tunnel(kNodeAddr, net_ep(3, 10), at(0s));
  send_all(node, at(0s));
  const TunnelId second = node.open_tunnel(kNodeAddr, net_ep(3, 11), at(500ms));
  send_all(node, at(500ms));
  const Time due = *node.poll_timeout();
  ASSERT_EQ(due, *node.tunnel(first)->poll_timeout());
  ASSERT_LT(due, *node.tunnel(second)->poll_timeout());
  node.handle_timeout(due);
  EXPECT_EQ(send_all(node, due), 1u);  // the first SCCRQ again, and nothing of the second's
  EXPECT_EQ(node.tunnel(first)->channel().stats().retransmissions, 1u);
  EXPECT_EQ(node.tunnel(second)->channel().stats().retransmissions, 0u);
  EXPECT_EQ(node.poll_timeout(), earliest_by_walk(node));
  EXPECT_EQ(*node.poll_timeout(), *node.tunnel(second)->poll_timeout());
}

TEST(NodeTimers, UnansweredTunnelsAreForgottenWithTheirChannelStatistics) {
  auto cfg = lac_node();
  cfg.tunnel.reliability.max_retries = 2;
  SeededRng rng(3);
  Node node(cfg, rng);
  const TunnelId a = node.open_tunnel(kNodeAddr, net_ep(3, 10), at(0s));
  const TunnelId b = node.open_tunnel(kNodeAddr, net_ep(3, 11), at(0s));
  Time now = at(0s);
  send_all(node, now);
  EXPECT_EQ(node.live_tunnels(), 2u);
  for (int i = 0; i < 20 && node.poll_timeout(); ++i) {
    now = *node.poll_timeout();
    node.handle_timeout(now);
    send_all(node, now);
    ASSERT_EQ(node.poll_timeout(), earliest_by_walk(node));
    ASSERT_EQ(node.live_tunnels(), live_by_walk(node));
  }
  EXPECT_EQ(node.tunnel(a), nullptr);
  EXPECT_EQ(node.tunnel(b), nullptr);
  EXPECT_EQ(node.tunnel_count(), 0u);
  EXPECT_EQ(node.live_tunnels(), 0u);
  EXPECT_FALSE(node.poll_timeout());
  EXPECT_EQ(node.retired_channels().sent, 2u);
  EXPECT_EQ(node.retired_channels().retransmissions, 4u);  // two each
}

Buffer zlb(TunnelId to, std::uint16_t nr) {
  Buffer b;
  EXPECT_TRUE(wire::encode_control(wire::make_zlb(to, Seq{0}, Seq{nr}), {}, b));
  return b;
}

TEST(NodeTimers, LiveTunnelsFollowsClosingAndAClosedTunnelIsForgottenAtTheNextTimeout) {
  SeededRng rng(4);
  Node node(lac_node(), rng);
  const net::Endpoint peer = net_ep(3, 10);
  const TunnelId a = node.open_tunnel(kNodeAddr, peer, at(0s));
  node.open_tunnel(kNodeAddr, net_ep(3, 11), at(0s));
  send_all(node, at(0s));
  EXPECT_EQ(node.live_tunnels(), 2u);
  node.close_tunnel(a, ResultInfo{1, std::nullopt, ""}, at(10ms));
  send_all(node, at(10ms));
  EXPECT_EQ(node.tunnel(a)->state(), tunnel::TunnelState::Closing);
  EXPECT_EQ(node.live_tunnels(), 1u);
  // The peer acknowledges the SCCRQ, then the StopCCN: the tunnel is Closed with no timer of
  // its own, and goes at the next handle_timeout (whoever's timer that is).
  node.handle_datagram(kNodeAddr, peer, zlb(a, 1), at(20ms));
  send_all(node, at(20ms));
  node.handle_datagram(kNodeAddr, peer, zlb(a, 2), at(30ms));
  send_all(node, at(30ms));
  ASSERT_EQ(node.tunnel(a)->state(), tunnel::TunnelState::Closed);
  EXPECT_EQ(node.tunnel_count(), 2u);
  EXPECT_EQ(node.poll_timeout(), earliest_by_walk(node));
  EXPECT_EQ(node.live_tunnels(), live_by_walk(node));
  node.handle_timeout(at(30ms));  // nothing due: only the forgetting
  EXPECT_EQ(node.tunnel(a), nullptr);
  EXPECT_EQ(node.tunnel_count(), 1u);
  EXPECT_EQ(node.retired_channels().sent, 2u);  // the SCCRQ and the StopCCN
  EXPECT_EQ(node.retired_channels().acked, 2u);
  node.close_all(ResultInfo{1, std::nullopt, ""}, at(40ms));
  EXPECT_EQ(node.live_tunnels(), 0u);
  EXPECT_EQ(node.live_tunnels(), live_by_walk(node));
}

// Many tunnels, opened, closed and timed out in a pseudo-random order: after every step the
// kept deadline and the live count agree with a walk over all of them, and no retransmission
// is lost or added (the same run with the walk's answer drives the same events).
TEST(NodeTimers, AgreesWithAWalkOverEveryTunnel) {
  auto cfg = lac_node();
  cfg.tunnel.reliability.max_retries = 3;
  SeededRng rng(5), ops(6);
  Node node(cfg, rng);
  std::vector<TunnelId> opened;
  Time now = at(0s);
  for (int step = 0; step < 600; ++step) {
    const auto r = ops.next_u64();
    switch (r % 4) {
      case 0:
      case 1: {
        const auto n = static_cast<std::uint8_t>(opened.size() % 250);
        opened.push_back(
            node.open_tunnel(kNodeAddr, net_ep(static_cast<std::uint8_t>(4 + opened.size() / 250), n), now));
        break;
      }
      case 2:
        if (!opened.empty())
          node.close_tunnel(opened[(r >> 8) % opened.size()], ResultInfo{1, std::nullopt, ""}, now);
        break;
      default:
        now += std::chrono::milliseconds((r >> 8) % 700);
        if (const auto due = node.poll_timeout(); due && *due <= now) node.handle_timeout(now);
        break;
    }
    send_all(node, now);
    ASSERT_EQ(node.poll_timeout(), earliest_by_walk(node)) << "step " << step;
    ASSERT_EQ(node.live_tunnels(), live_by_walk(node)) << "step " << step;
  }
  // Run everything out: every tunnel ends (closed, or unanswered) and is forgotten.
  for (int i = 0; i < 10'000 && node.poll_timeout(); ++i) {
    now = *node.poll_timeout();
    node.handle_timeout(now);
    send_all(node, now);
  }
  node.handle_timeout(now);
  EXPECT_EQ(node.tunnel_count(), 0u);
  EXPECT_EQ(node.live_tunnels(), 0u);
  EXPECT_GT(retransmissions(node), 0u);
  EXPECT_EQ(retransmissions(node), node.retired_channels().retransmissions);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
