// The Node and malformed AVPs (RFC 2661 7.1): an AVP Length below 6 or past the end of the
// message, on an M=1 or M=0 AVP, in a call's message, the tunnel's, an SCCRQ that made no
// tunnel, or the Message Type AVP itself; and a header Length ending inside an AVP. The rest of
// the Node is in node_test.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

#include "engine/node.hpp"
#include "engine/wire/message.hpp"
#include "tests/engine/node_harness.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using wire::make_avp;

using node_testing::at;
using node_testing::count;
using node_testing::Dgram;
using node_testing::drain;
using node_testing::encode;
using node_testing::events;
using node_testing::kNodeAddr;
using node_testing::kPeerAddr;
using node_testing::kPeerTunnel;
using node_testing::lns_node;
using node_testing::of;
using node_testing::sccrq;
using node_testing::tunnel_request;

// ---- 7.1: malformed AVPs -----------------------------------------------------------------------

// An LNS node with one established tunnel from the peer (its SCCRQ Ns 0, SCCCN Ns 1): the next
// message from the peer has Ns 2 and acknowledges our SCCRP (Nr 1).
struct Established {
  SeededRng rng{11};
  Node node{lns_node(), rng};
  TunnelId id;

  Established() {
    node.handle_datagram(kNodeAddr, kPeerAddr, sccrq(kPeerTunnel), at(0s));
    const auto answer = drain(node, at(0s));
    EXPECT_EQ(answer.size(), 1u);
    if (answer.empty()) return;
    id = TunnelId{answer[0].value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
    node.handle_datagram(
        kNodeAddr, kPeerAddr,
        encode(wire::make_control(MessageType::Scccn, TunnelId{}, SessionId{}), id, Seq{1}, Seq{1}),
        at(10ms));
    drain(node, at(1s));
    events(node);
    EXPECT_NE(node.tunnel(id), nullptr);
    if (node.tunnel(id)) {
      EXPECT_EQ(node.tunnel(id)->state(), tunnel::TunnelState::Established);
    }
  }
};

constexpr std::uint16_t kPeerSession = 0x0777;

// An ICRQ whose Call Serial Number says AVP Length `csn_length` (its true length is 10).
wire::ControlMessage icrq_with_csn_length(std::uint16_t csn_length) {
  auto m = wire::make_control(MessageType::Icrq, TunnelId{}, SessionId{});
  m.avps.push_back(make_avp(AvpType::AssignedSessionId, kPeerSession));
  auto csn = make_avp(AvpType::CallSerialNumber, std::uint32_t{1});
  csn.fault.length_field = csn_length;
  m.avps.push_back(std::move(csn));
  m.avps.push_back(make_avp(AvpType::BearerType, std::uint32_t{2}));
  return m;
}

std::optional<avp::ResultCode> result_of(const Dgram& d) {
  return d.value<avp::ResultCode>(AvpType::ResultCode);
}

// 7.1 (R250): an AVP Length below 6 (R026) on an M=1 AVP. The message's header is sound, so
// reliable delivery takes it (the CDN acknowledges it, and a retransmission of it is only
// acknowledged again); the call it asked for is refused with CDN Result 2, Error 2.
TEST(NodeMalformedAvp, R250_R026_IcrqWithAvpLengthBelowSixGetsCdn2_2) {
  Established t;
  const Buffer bad = encode(icrq_with_csn_length(5), t.id, Seq{2}, Seq{1});
  t.node.handle_datagram(kNodeAddr, kPeerAddr, bad, at(2s));
  auto out = drain(t.node, at(2s));
  EXPECT_EQ(count(out, MessageType::Icrp), 0u);
  ASSERT_EQ(count(out, MessageType::Cdn), 1u);
  const Dgram& cdn = out[0];
  EXPECT_EQ(cdn.header.tunnel, TunnelId{kPeerTunnel});
  EXPECT_EQ(cdn.header.session, SessionId{kPeerSession});
  EXPECT_EQ(cdn.header.nr, Seq{3});  // the ICRQ is acknowledged
  const auto rc = result_of(cdn);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 2);  // Length is wrong
  EXPECT_NE(rc->message.find("Call Serial Number"), std::string::npos) << rc->message;
  EXPECT_EQ(t.node.stats().malformed_avps, 1u);
  EXPECT_EQ(t.node.stats().decode_errors, 0u);
  EXPECT_TRUE(of<SessionUp>(events(t.node)).empty());
  ASSERT_EQ(t.node.tunnel(t.id)->state(), tunnel::TunnelState::Established);  // only the call

  // The peer did not hear the CDN and sends its ICRQ again: a duplicate, re-acknowledged only.
  t.node.handle_datagram(kNodeAddr, kPeerAddr, bad, at(2500ms));
  out = drain(t.node, at(2500ms));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].is_zlb());
  EXPECT_EQ(out[0].header.nr, Seq{3});
  EXPECT_EQ(t.node.tunnel(t.id)->channel().stats().duplicates, 1u);
}

// 7.1 (R250): an M=1 AVP whose Length runs past the end of the message (R028), in a message of
// the tunnel (HELLO): the tunnel ends with StopCCN 2/2, which acknowledges the HELLO.
TEST(NodeMalformedAvp, R250_R028_HelloWithAvpBeyondTheMessageEndsTheTunnelWithStopCcn2_2) {
  Established t;
  auto hello = wire::make_control(MessageType::Hello, TunnelId{}, SessionId{});
  auto extra = make_avp(AvpType::ReceiveWindowSize, std::uint16_t{4});  // M=1
  extra.fault.length_field = 300;
  hello.avps.push_back(std::move(extra));
  t.node.handle_datagram(kNodeAddr, kPeerAddr, encode(std::move(hello), t.id, Seq{2}, Seq{1}), at(2s));
  const auto out = drain(t.node, at(2s));
  ASSERT_EQ(count(out, MessageType::StopCcn), 1u);
  EXPECT_EQ(out[0].header.nr, Seq{3});
  const auto rc = result_of(out[0]);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 2);
  EXPECT_NE(rc->message.find("past the end"), std::string::npos) << rc->message;
  EXPECT_EQ(of<TunnelDown>(events(t.node), t.id).size(), 1u);
}

// An SCCRQ that made no tunnel: the StopCCN goes to the Assigned Tunnel ID when it comes before
// the broken AVP, else with Tunnel ID 0, as any message before the peer's ID is known (R077).
TEST(NodeMalformedAvp, R250_R028_SccrqWithAvpBeyondTheMessageGetsStopCcn2_2AndNoTunnel) {
  for (const bool id_first : {false, true}) {
    SCOPED_TRACE(id_first ? "Assigned Tunnel ID before the broken AVP" : "after it");
    SeededRng rng(12);
    Node node(lns_node(), rng);
    auto rq = tunnel_request(MessageType::Sccrq, kPeerTunnel);
    for (auto& a : rq.avps)
      if (a.is(AvpType::HostName)) a.fault.length_field = 1000;
    if (id_first) {
      auto it = std::find_if(rq.avps.begin(), rq.avps.end(),
                             [](const wire::Avp& a) { return a.is(AvpType::AssignedTunnelId); });
      ASSERT_NE(it, rq.avps.end());
      wire::Avp id = *it;
      rq.avps.erase(it);
      rq.avps.insert(rq.avps.begin() + 1, std::move(id));
    }
    node.handle_datagram(kNodeAddr, kPeerAddr, encode(std::move(rq), TunnelId{}, Seq{0}, Seq{0}), at(0s));
    const auto out = drain(node, at(0s));
    ASSERT_EQ(out.size(), 1u);
    ASSERT_TRUE(out[0].is(MessageType::StopCcn));
    EXPECT_EQ(out[0].to, kPeerAddr);
    EXPECT_EQ(out[0].header.tunnel, id_first ? TunnelId{kPeerTunnel} : TunnelId{});
    EXPECT_EQ(out[0].header.nr, Seq{1});
    const auto rc = result_of(out[0]);
    ASSERT_TRUE(rc);
    EXPECT_EQ(rc->result, 2);
    EXPECT_EQ(rc->error, 2);
    EXPECT_NE(out[0].value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0), 0);  // R078
    EXPECT_EQ(node.live_tunnels(), 0u);
    EXPECT_TRUE(of<TunnelUp>(events(node)).empty());
    EXPECT_EQ(node.stats().malformed_avps, 1u);
  }
}

// 7.1 (R249): a header whose Length ends inside an AVP the datagram holds whole is the header's
// fault, not the AVP's: discarded, not even acknowledged.
TEST(NodeMalformedAvp, R249_HeaderLengthEndingInsideAnAvpIsDiscarded) {
  SeededRng rng(13);
  Node node(lns_node(), rng);
  Buffer rq = sccrq(kPeerTunnel);
  rq[2] = 0;
  rq[3] = 14;  // two octets into the Message Type AVP
  node.handle_datagram(kNodeAddr, kPeerAddr, rq, at(0s));
  EXPECT_TRUE(drain(node, at(1s)).empty());
  EXPECT_EQ(node.tunnel_count(), 0u);
  EXPECT_EQ(node.stats().decode_errors, 1u);
  EXPECT_EQ(node.stats().malformed_avps, 0u);
}

// 7.1 (R251): the same fault on an M=0 AVP is ignored and the message taken.
TEST(NodeMalformedAvp, R251_AvpBeyondTheMessageWithMBitClearIsIgnored) {
  Established t;
  auto m = icrq_with_csn_length(10);
  auto extra = wire::make_raw_avp(kIetfVendor, 24 /* Tx Connect Speed */, false, Buffer{0, 0, 0x27, 0x10});
  extra.fault.length_field = 200;
  m.avps.push_back(std::move(extra));
  t.node.handle_datagram(kNodeAddr, kPeerAddr, encode(std::move(m), t.id, Seq{2}, Seq{1}), at(2s));
  const auto out = drain(t.node, at(2s));
  EXPECT_EQ(count(out, MessageType::Icrp), 1u);
  EXPECT_EQ(count(out, MessageType::Cdn), 0u);
  EXPECT_EQ(t.node.stats().malformed_avps, 1u);
}

// The Message Type AVP itself cannot be framed: the message is no message the tunnel can take,
// and the tunnel ends with StopCCN 2/2 (R250), acknowledging it.
TEST(NodeMalformedAvp, R250_MessageTypeAvpBelowSixEndsTheTunnel) {
  Established t;
  auto hello = wire::make_control(MessageType::Hello, TunnelId{}, SessionId{});
  hello.avps.front().fault.length_field = 4;
  t.node.handle_datagram(kNodeAddr, kPeerAddr, encode(std::move(hello), t.id, Seq{2}, Seq{1}), at(2s));
  const auto out = drain(t.node, at(2s));
  ASSERT_EQ(count(out, MessageType::StopCcn), 1u);
  EXPECT_EQ(out[0].header.nr, Seq{3});
  const auto rc = result_of(out[0]);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 2);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
