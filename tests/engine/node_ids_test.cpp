// The Node's Tunnel IDs when every one of them is in use (engine/node.cpp): an SCCRQ then gets
// no tunnel (none with ID 0, which R145 forbids), is counted as refused and answered by nothing;
// our own open_tunnel fails; an ID freed by a tunnel that ended is used again.
#include <gtest/gtest.h>

#include <set>

#include "engine/node.hpp"
#include "engine/wire/message.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

const net::Endpoint kNodeAddr = test_net_ep(1);

// Four IDs in all: 1, 16385, 32769, 49153 (stride 16384, residue 1), as one shard of many.
NodeConfig node_with_four_ids(bool lns) {
  NodeConfig c;
  c.tunnel.role = lns ? tunnel::Role::Lns : tunnel::Role::Lac;
  c.tunnel.host_name = "node";
  c.accept_tunnels = lns;
  c.tunnel_id_stride = 16384;
  c.tunnel_id_residue = 1;
  return c;
}

Buffer sccrq(std::uint16_t assigned) {
  auto m = wire::make_control(MessageType::Sccrq, TunnelId{}, SessionId{});
  m.avps.push_back(wire::make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
  m.avps.push_back(wire::make_avp(AvpType::HostName, std::string("peer")));
  m.avps.push_back(wire::make_avp(AvpType::FramingCapabilities, std::uint32_t{3}));
  m.avps.push_back(wire::make_avp(AvpType::AssignedTunnelId, assigned));
  Buffer b;
  EXPECT_TRUE(wire::encode_control(m, {}, b));
  return b;
}

// The Assigned Tunnel IDs of the SCCRPs the node sends now.
std::set<std::uint16_t> sccrp_ids(Node& node, Time now) {
  std::set<std::uint16_t> ids;
  Buffer b;
  net::Endpoint from, to;
  while (node.poll_transmit(now, b, from, to)) {
    auto m = wire::decode_control(b);
    if (!m || m->known_type() != MessageType::Sccrp) continue;
    if (const auto* a = m->find(AvpType::AssignedTunnelId))
      if (const auto* v = a->get<std::uint16_t>()) ids.insert(*v);
  }
  return ids;
}

TEST(NodeIds, AnSccrqWhenEveryTunnelIdIsTakenIsRefusedWithoutATunnelZero) {
  SeededRng rng(1);
  Node node(node_with_four_ids(true), rng);
  const Time t0 = Time{};
  for (std::uint8_t i = 0; i < 4; ++i)
    node.handle_datagram(kNodeAddr, test_net_ep(10 + i), sccrq(100 + i), t0);
  EXPECT_EQ(sccrp_ids(node, t0), (std::set<std::uint16_t>{1, 16385, 32769, 49153}));
  EXPECT_EQ(node.live_tunnels(), 4u);

  node.handle_datagram(kNodeAddr, test_net_ep(20), sccrq(200), t0);
  EXPECT_TRUE(sccrp_ids(node, t0).empty()) << "no ID left to offer";
  EXPECT_EQ(node.stats().refused_tunnels, 1u);
  EXPECT_EQ(node.tunnel(TunnelId{}), nullptr) << "no tunnel with ID 0 (R145)";
  EXPECT_EQ(node.live_tunnels(), 4u);

  // The tunnels end (never given an SCCCN, or cleared): once one is gone, the peer's
  // retransmitted SCCRQ gets the freed ID.
  node.close_tunnel(TunnelId{16385}, ResultInfo{1, std::nullopt, ""}, t0);
  Time now = t0;
  for (int i = 0; i < 200 && node.tunnel(TunnelId{16385}) != nullptr; ++i) {
    now += 1s;
    node.handle_timeout(now);
    sccrp_ids(node, now);
  }
  ASSERT_EQ(node.tunnel(TunnelId{16385}), nullptr);
  node.handle_datagram(kNodeAddr, test_net_ep(20), sccrq(200), now);
  const auto again = sccrp_ids(node, now);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(*again.begin() % 16384, 1) << "one of the four, now free";
}

TEST(NodeIds, OpenTunnelFailsWhenEveryTunnelIdIsTaken) {
  SeededRng rng(2);
  Node node(node_with_four_ids(false), rng);
  std::set<std::uint16_t> ids;
  for (std::uint8_t i = 0; i < 4; ++i)
    ids.insert(node.open_tunnel(kNodeAddr, test_net_ep(10 + i), Time{}).value);
  EXPECT_EQ(ids, (std::set<std::uint16_t>{1, 16385, 32769, 49153}));
  EXPECT_EQ(node.open_tunnel(kNodeAddr, test_net_ep(20), Time{}), TunnelId{});
  EXPECT_EQ(node.tunnel(TunnelId{}), nullptr);
  EXPECT_EQ(node.live_tunnels(), 4u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
