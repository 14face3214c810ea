// The state-table rows for messages that find no tunnel or call of ours (RFC 2661 7.2.1 idle:
// Receive SCCRP; 7.4.2 idle: Receive ICRP, at an LNS), and the fixed address and port pair of a
// tunnel (8.1, R334), and a StopCCN that names another tunnel than the peer's own (R078). The test plays the
// peer on a fake clock, as node_test.cpp does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/node.hpp"
#include "engine/wire/message.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using wire::make_avp;

const net::Endpoint kNodeAddr = test_net_ep(2);
const net::Endpoint kPeerAddr = test_net_ep(3, 40000);
constexpr std::uint16_t kPeerTunnel = 0x0777;

Time at(Duration d) {
  return Time{} + d;
}

struct Sent {
  net::Endpoint from, to;
  wire::ControlMessage msg;
};

std::vector<Sent> drain(Node& node, Time now) {
  node.handle_timeout(now);
  std::vector<Sent> out;
  Buffer b;
  net::Endpoint from, to;
  while (node.poll_transmit(now, b, from, to)) {
    auto m = wire::decode_control(b);
    if (m) out.push_back({from, to, std::move(*m)});
  }
  return out;
}

const Sent* find(const std::vector<Sent>& v, MessageType t) {
  for (const auto& s : v)
    if (s.msg.known_type() == t) return &s;
  return nullptr;
}

std::vector<PeerViolation> violations(Node& node) {
  std::vector<PeerViolation> out;
  while (auto e = node.poll_event())
    if (const auto* v = std::get_if<PeerViolation>(&e->event.body)) out.push_back(*v);
  return out;
}

Buffer encode(wire::ControlMessage m, std::uint16_t tunnel, std::uint16_t session, std::uint16_t ns,
              std::uint16_t nr) {
  m.header.tunnel = TunnelId{tunnel};
  m.header.session = SessionId{session};
  m.header.ns = Seq{ns};
  m.header.nr = Seq{nr};
  Buffer b;
  EXPECT_TRUE(wire::encode_control(m, {}, b));
  return b;
}

wire::ControlMessage tunnel_message(MessageType type) {
  auto m = wire::make_control(type, TunnelId{}, SessionId{});
  m.avps.push_back(make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
  m.avps.push_back(make_avp(AvpType::HostName, std::string("peer")));
  m.avps.push_back(make_avp(AvpType::FramingCapabilities, std::uint32_t{3}));
  m.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{kPeerTunnel}));
  return m;
}

NodeConfig lns_node() {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lns;
  c.tunnel.host_name = "node-lns";
  return c;
}

// An LNS node with one established tunnel from kPeerAddr; returns our Tunnel ID.
std::uint16_t established(Node& node) {
  node.handle_datagram(kNodeAddr, kPeerAddr, encode(tunnel_message(MessageType::Sccrq), 0, 0, 0, 0), at(0s));
  const auto out = drain(node, at(0s));
  const Sent* sccrp = find(out, MessageType::Sccrp);
  EXPECT_NE(sccrp, nullptr);
  if (!sccrp) return 0;
  const std::uint16_t ours = *sccrp->msg.find(AvpType::AssignedTunnelId)->get<std::uint16_t>();
  node.handle_datagram(kNodeAddr, kPeerAddr,
                       encode(wire::make_control(MessageType::Scccn, TunnelId{}, SessionId{}), ours, 0, 1, 1),
                       at(100ms));
  drain(node, at(100ms));
  EXPECT_EQ(node.tunnel(TunnelId{ours})->state(), tunnel::TunnelState::Established);
  EXPECT_TRUE(violations(node).empty());
  return ours;
}

TEST(NodeIdleRows, R263_AnSccrpForNoTunnelOfOursIsAnsweredWithStopCcn) {
  for (const std::uint16_t header_tunnel : {std::uint16_t{0}, std::uint16_t{4242}}) {
    SeededRng rng(1);
    Node node(lns_node(), rng);
    node.handle_datagram(kNodeAddr, kPeerAddr,
                         encode(tunnel_message(MessageType::Sccrp), header_tunnel, 0, 0, 1), at(0s));
    const auto out = drain(node, at(0s));
    const Sent* stop = find(out, MessageType::StopCcn);
    ASSERT_NE(stop, nullptr) << "header Tunnel ID " << header_tunnel;
    EXPECT_EQ(stop->to, kPeerAddr);
    EXPECT_EQ(stop->msg.header.tunnel.value, kPeerTunnel);  // to the ID the SCCRP assigned
    EXPECT_EQ(find(out, MessageType::Scccn), nullptr);
    // Once the StopCCN is acknowledged the tunnel goes.
    const std::uint16_t ours = *stop->msg.find(AvpType::AssignedTunnelId)->get<std::uint16_t>();
    auto zlb = wire::make_control(MessageType::Hello, TunnelId{}, SessionId{});
    zlb.avps.clear();
    node.handle_datagram(kNodeAddr, kPeerAddr, encode(zlb, ours, 0, 1, 1), at(200ms));
    drain(node, at(2s));
    EXPECT_EQ(node.live_tunnels(), 0u);
  }
}

TEST(NodeIdleRows, R160_AStopCcnForNoTunnelOfOursIsAcknowledgedWithAZlb) {
  // Sent to Tunnel ID 0 (the peer never learnt ours) or to a tunnel long gone: a ZLB to the
  // Assigned Tunnel ID it names, acknowledging its Ns, so the peer can let its tunnel go.
  for (const std::uint16_t header_tunnel : {std::uint16_t{0}, std::uint16_t{4242}}) {
    SeededRng rng(3);
    Node node(lns_node(), rng);
    auto stop = wire::make_control(MessageType::StopCcn, TunnelId{}, SessionId{});
    stop.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{kPeerTunnel}));
    stop.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{1, std::nullopt, ""}));
    node.handle_datagram(kNodeAddr, kPeerAddr, encode(stop, header_tunnel, 0, 5, 3), at(0s));
    const auto out = drain(node, at(0s));
    ASSERT_EQ(out.size(), 1u) << "header Tunnel ID " << header_tunnel;
    EXPECT_TRUE(out[0].msg.is_zlb());
    EXPECT_EQ(out[0].to, kPeerAddr);
    EXPECT_EQ(out[0].from, kNodeAddr);
    EXPECT_EQ(out[0].msg.header.tunnel.value, kPeerTunnel);
    EXPECT_EQ(out[0].msg.header.nr.value, 6);  // its Ns + 1
    EXPECT_EQ(out[0].msg.header.ns.value, 3);  // what it expects from us
    EXPECT_EQ(node.tunnel_count(), 0u);        // and no tunnel for it
    EXPECT_EQ(node.stats().stray_stopccn_acks, 1u);
  }
  // Anything else for no tunnel, or a StopCCN naming no tunnel, stays unanswered.
  SeededRng rng(4);
  Node node(lns_node(), rng);
  node.handle_datagram(kNodeAddr, kPeerAddr,
                       encode(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}), 4242, 0, 5, 3),
                       at(0s));
  node.handle_datagram(
      kNodeAddr, kPeerAddr,
      encode(wire::make_control(MessageType::StopCcn, TunnelId{}, SessionId{}), 4242, 0, 6, 3), at(0s));
  EXPECT_TRUE(drain(node, at(0s)).empty());
}

TEST(NodeIdleRows, R334_AMessageFromAnotherPortIsTakenButReportedOnce) {
  SeededRng rng(2);
  Node node(lns_node(), rng);
  const std::uint16_t ours = established(node);
  // From the tunnel's own pair: nothing to report.
  node.handle_datagram(kNodeAddr, kPeerAddr,
                       encode(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}), ours, 0, 2, 1),
                       at(200ms));
  drain(node, at(200ms));
  EXPECT_TRUE(violations(node).empty());
  // From another port: taken (acknowledged, to the tunnel's pair) and reported, once.
  node.handle_datagram(kNodeAddr, test_net_ep(3, 40001),
                       encode(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}), ours, 0, 3, 1),
                       at(300ms));
  node.handle_datagram(kNodeAddr, test_net_ep(3, 40001),
                       encode(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}), ours, 0, 4, 1),
                       at(400ms));
  const auto out = drain(node, at(1s));
  ASSERT_FALSE(out.empty());
  for (const auto& s : out) EXPECT_EQ(s.to, kPeerAddr);
  const auto v = violations(node);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule, Rule::R334);
  EXPECT_NE(v[0].detail.find("192.0.2.3:40001"), std::string::npos) << v[0].detail;
  EXPECT_EQ(node.tunnel(TunnelId{ours})->state(), tunnel::TunnelState::Established);
}

TEST(NodeIdleRows, R295_AnIcrpAtAnLnsIsAnsweredWithCdnToTheSessionItAssigned) {
  SeededRng rng(3);
  Node node(lns_node(), rng);
  const std::uint16_t ours = established(node);
  auto icrp = wire::make_control(MessageType::Icrp, TunnelId{}, SessionId{});
  icrp.avps.push_back(make_avp(AvpType::AssignedSessionId, std::uint16_t{0x0042}));
  node.handle_datagram(kNodeAddr, kPeerAddr, encode(icrp, ours, 0, 2, 1), at(200ms));
  const auto out = drain(node, at(200ms));
  const Sent* cdn = find(out, MessageType::Cdn);
  ASSERT_NE(cdn, nullptr);
  EXPECT_EQ(cdn->msg.header.session.value, 0x0042);
  const auto sid = cdn->msg.find(AvpType::AssignedSessionId)->get<std::uint16_t>();
  ASSERT_NE(sid, nullptr);
  EXPECT_NE(*sid, 0);
  EXPECT_EQ(node.tunnel(TunnelId{ours})->session_count(), 0u);  // nothing of it stays
  EXPECT_EQ(node.tunnel(TunnelId{ours})->state(), tunnel::TunnelState::Established);
}

TEST(NodeIdleRows, R296_AnIccnForNoCallIsAcknowledgedAndIgnored) {
  SeededRng rng(4);
  Node node(lns_node(), rng);
  const std::uint16_t ours = established(node);
  auto iccn = wire::make_control(MessageType::Iccn, TunnelId{}, SessionId{});
  iccn.avps.push_back(make_avp(AvpType::TxConnectSpeed, std::uint32_t{64000}));
  iccn.avps.push_back(make_avp(AvpType::FramingType, std::uint32_t{1}));
  node.handle_datagram(kNodeAddr, kPeerAddr, encode(iccn, ours, 4242, 2, 1), at(200ms));
  const auto out = drain(node, at(500ms));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].msg.is_zlb());
}

TEST(NodeIdleRows, R078_AStopCcnNamingAnotherAssignedTunnelIdIsReported) {
  SeededRng rng(5);
  Node node(lns_node(), rng);
  const std::uint16_t ours = established(node);
  auto stop = wire::make_control(MessageType::StopCcn, TunnelId{}, SessionId{});
  stop.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{kPeerTunnel + 1}));
  stop.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{1, std::nullopt, ""}));
  node.handle_datagram(kNodeAddr, kPeerAddr, encode(stop, ours, 0, 2, 1), at(200ms));
  drain(node, at(200ms));
  const auto v = violations(node);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule, Rule::R078);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
