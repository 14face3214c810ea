// RunStats (peers/run_stats.cpp): the control channel totals of a run cover the tunnels the
// node has already forgotten as well as those it still holds.
#include "peers/run_stats.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace {

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

}  // namespace
}  // namespace l2tp::peers
