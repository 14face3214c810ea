// The Node (engine/node.cpp): routing by Tunnel ID, new tunnels from SCCRQ (and retransmitted
// SCCRQs back to the same tunnel), the tunnel limit, following a peer that answers from another
// port (RFC 2661 8.1), dropping what is not ours, and SCCRQ collisions (4.4.3 Tie Breaker).
// Malformed AVPs (7.1) are in node_malformed_avp_test.cpp. The test plays the peer
// (node_harness.hpp), on a fake clock.
#include "engine/node.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "engine/wire/message.hpp"
#include "tests/engine/node_harness.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using node_testing::at;
using node_testing::count;
using node_testing::Dgram;
using node_testing::drain;
using node_testing::encode;
using node_testing::events;
using node_testing::kNodeAddr;
using node_testing::kPeerAddr;
using node_testing::kPeerTunnel;
using node_testing::lac_node;
using node_testing::lns_node;
using node_testing::of;
using node_testing::sccrq;
using node_testing::tunnel_request;
using wire::make_avp;

// ---- New tunnels and retransmitted SCCRQs --------------------------------------------------

TEST(Node, R165_RetransmittedSccrqReachesTheSameTunnelAndIsReacked) {
  SeededRng rng(1);
  Node node(lns_node(), rng);
  const Buffer rq = sccrq(kPeerTunnel);
  node.handle_datagram(kNodeAddr, kPeerAddr, rq, at(0s));
  auto out = drain(node, at(0s));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].is(MessageType::Sccrp));
  EXPECT_EQ(out[0].from, kNodeAddr);
  EXPECT_EQ(out[0].to, kPeerAddr);
  EXPECT_EQ(out[0].header.tunnel, TunnelId{kPeerTunnel});
  EXPECT_EQ(out[0].header.nr, Seq{1});
  const TunnelId id{out[0].value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
  ASSERT_NE(id.value, 0);  // R145
  ASSERT_NE(node.tunnel(id), nullptr);

  // The peer did not hear the SCCRP and sends its SCCRQ again (same address, same Assigned
  // Tunnel ID, same Ns): the first tunnel acknowledges it; no second tunnel appears.
  node.handle_datagram(kNodeAddr, kPeerAddr, rq, at(500ms));
  out = drain(node, at(500ms));
  EXPECT_EQ(node.tunnel_count(), 1u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].is_zlb());
  EXPECT_EQ(out[0].header.nr, Seq{1});
  EXPECT_EQ(out[0].header.tunnel, TunnelId{kPeerTunnel});
  EXPECT_EQ(out[0].to, kPeerAddr);
  EXPECT_EQ(node.tunnel(id)->channel().stats().duplicates, 1u);
  EXPECT_EQ(node.tunnel(id)->state(), tunnel::TunnelState::WaitCtlConn);
}

TEST(Node, R075_AnotherAssignedTunnelIdFromTheSamePeerIsANewTunnel) {
  SeededRng rng(2);
  Node node(lns_node(), rng);
  node.handle_datagram(kNodeAddr, kPeerAddr, sccrq(0x10), at(0s));
  node.handle_datagram(kNodeAddr, kPeerAddr, sccrq(0x11), at(0s));
  node.handle_datagram(kNodeAddr, test_net_ep(3, 1702), sccrq(0x10), at(0s));  // another source port
  const auto out = drain(node, at(0s));
  EXPECT_EQ(count(out, MessageType::Sccrp), 3u);
  EXPECT_EQ(node.tunnel_count(), 3u);
  std::set<std::uint16_t> ids;
  for (const auto& d : out) ids.insert(d.value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0));
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_FALSE(ids.count(0));  // R145
}

TEST(Node, AnSccrqFromTheAddressAndIdOfAnEndedTunnelOpensANewOne) {
  SeededRng rng(1);
  Node node(lns_node(), rng);
  const Buffer rq = sccrq(kPeerTunnel);
  node.handle_datagram(kNodeAddr, kPeerAddr, rq, at(0s));
  auto out = drain(node, at(0s));
  ASSERT_EQ(out.size(), 1u);
  const TunnelId first{out[0].value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
  // The peer ends that tunnel (we go on acking its StopCCN for a while) ...
  auto stop = wire::make_control(MessageType::StopCcn, first, SessionId{});
  stop.header.ns = Seq{1};
  stop.header.nr = Seq{1};
  stop.avps.push_back(wire::make_avp(AvpType::AssignedTunnelId, std::uint16_t{kPeerTunnel}));
  stop.avps.push_back(wire::make_avp(AvpType::ResultCode, avp::ResultCode{1, std::nullopt, ""}));
  Buffer b;
  ASSERT_TRUE(wire::encode_control(stop, {}, b));
  node.handle_datagram(kNodeAddr, kPeerAddr, b, at(1s));
  drain(node, at(1s));
  ASSERT_EQ(node.tunnel(first)->state(), tunnel::TunnelState::Lingering);
  // ... then, restarted, sends an SCCRQ with the same address, port and Assigned Tunnel ID:
  // a new control connection, not a late copy of the first SCCRQ.
  node.handle_datagram(kNodeAddr, kPeerAddr, rq, at(2s));
  out = drain(node, at(2s));
  const auto sccrp =
      std::find_if(out.begin(), out.end(), [](const auto& m) { return m.is(MessageType::Sccrp); });
  ASSERT_NE(sccrp, out.end()) << "no SCCRP for the new SCCRQ";
  const TunnelId second{sccrp->value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
  EXPECT_NE(second, first);
  // When the first is reaped, the second still gets the retransmissions of its SCCRQ.
  drain(node, at(40s));
  node.handle_timeout(at(40s));
  EXPECT_EQ(node.tunnel(first), nullptr);
  ASSERT_NE(node.tunnel(second), nullptr);
}

TEST(Node, R145_OurTunnelIdsAreNeverZero) {
  SeededRng rng(3);
  Node node(lac_node(), rng);
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 8; ++i) {
    const TunnelId t = node.open_tunnel(kNodeAddr, test_net_ep(static_cast<std::uint8_t>(10 + i)), at(0s));
    EXPECT_NE(t.value, 0);
    ids.insert(t.value);
  }
  EXPECT_EQ(ids.size(), 8u);
  for (const auto& d : drain(node, at(0s))) {
    ASSERT_TRUE(d.is(MessageType::Sccrq));
    EXPECT_EQ(d.header.tunnel, TunnelId{});  // R077
    EXPECT_TRUE(ids.count(d.value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)));
  }
}

TEST(Node, R051_SccrqBeyondMaxTunnelsGetsStopCcn2_4) {
  auto cfg = lns_node();
  cfg.max_tunnels = 1;
  SeededRng rng(4);
  Node node(cfg, rng);
  node.handle_datagram(kNodeAddr, test_net_ep(3), sccrq(0x10), at(0s));
  auto out = drain(node, at(0s));
  ASSERT_EQ(count(out, MessageType::Sccrp), 1u);

  node.handle_datagram(kNodeAddr, test_net_ep(4), sccrq(0x20), at(500ms));
  out = drain(node, at(500ms));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].is(MessageType::StopCcn));
  EXPECT_EQ(out[0].to, test_net_ep(4));
  EXPECT_EQ(out[0].header.tunnel, TunnelId{0x20});
  const auto rc = out[0].value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 4);  // R051: insufficient resources
  EXPECT_EQ(node.stats().refused_tunnels, 1u);
}

// ---- 8.1: the peer answers from another port -----------------------------------------------

TEST(Node, R333_SccrpFromAnotherPortMovesTheTunnelToThatPort) {
  SeededRng rng(5);
  Node node(lac_node(), rng);
  const TunnelId t = node.open_tunnel(kNodeAddr, test_net_ep(3, 1701), at(0s));
  auto out = drain(node, at(0s));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].is(MessageType::Sccrq));
  EXPECT_EQ(out[0].to, test_net_ep(3, 1701));  // R332

  // The responder answers from port 5000 (R333).
  node.handle_datagram(kNodeAddr, test_net_ep(3, 5000),
                       encode(tunnel_request(MessageType::Sccrp, kPeerTunnel), t, Seq{0}, Seq{1}), at(100ms));
  std::vector<Dgram> later = drain(node, at(100ms));
  ASSERT_EQ(count(later, MessageType::Scccn), 1u);
  ASSERT_TRUE(node.open_session(t, at(200ms)));
  for (auto& d : drain(node, at(200ms))) later.push_back(std::move(d));
  EXPECT_EQ(count(later, MessageType::Icrq), 1u);

  // R334: a datagram for the tunnel from yet another port does not move it again.
  node.handle_datagram(
      kNodeAddr, test_net_ep(3, 6000),
      encode(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}), t, Seq{1}, Seq{3}), at(300ms));
  for (auto& d : drain(node, at(1s))) later.push_back(std::move(d));
  EXPECT_GE(later.size(), 3u);
  for (const auto& d : later) {
    EXPECT_EQ(d.to, test_net_ep(3, 5000)) << "datagram with Ns " << d.header.ns.value;
    EXPECT_EQ(d.from, kNodeAddr);
  }
  ASSERT_NE(node.tunnel(t), nullptr);
  EXPECT_EQ(node.tunnel(t)->state(), tunnel::TunnelState::Established);
}

// ---- What is not ours ------------------------------------------------------------------------

TEST(Node, R014_DataForAnUnknownTunnelIsCountedAndDropped) {
  SeededRng rng(6);
  Node node(lns_node(), rng);
  wire::Header h;
  h.has_length = true;
  h.tunnel = TunnelId{999};
  h.session = SessionId{1};
  Buffer b;
  ASSERT_TRUE(wire::encode_data(h, Buffer{0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04}, b));
  node.handle_datagram(kNodeAddr, kPeerAddr, b, at(0s));
  // A control message for an unknown tunnel too (only an SCCRQ may create one).
  node.handle_datagram(
      kNodeAddr, kPeerAddr,
      encode(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}), TunnelId{999}, Seq{0}, Seq{0}),
      at(0s));
  EXPECT_EQ(node.stats().unknown_tunnel, 2u);
  EXPECT_EQ(node.stats().decode_errors, 0u);
  EXPECT_EQ(node.tunnel_count(), 0u);
  EXPECT_TRUE(drain(node, at(1s)).empty());
  EXPECT_TRUE(events(node).empty());
}

TEST(Node, R012_R340_L2tpv3AndL2fPacketsAreDiscardedAndCounted) {
  SeededRng rng(7);
  Node node(lns_node(), rng);
  // An established tunnel, so a stray packet could be mistaken for one of its messages.
  node.handle_datagram(kNodeAddr, kPeerAddr, sccrq(kPeerTunnel), at(0s));
  const auto answer = drain(node, at(0s));
  ASSERT_EQ(answer.size(), 1u);
  const TunnelId id{answer[0].value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
  node.handle_datagram(
      kNodeAddr, kPeerAddr,
      encode(wire::make_control(MessageType::Scccn, TunnelId{}, SessionId{}), id, Seq{1}, Seq{1}), at(10ms));
  drain(node, at(1s));
  events(node);
  ASSERT_NE(node.tunnel(id), nullptr);
  ASSERT_EQ(node.tunnel(id)->state(), tunnel::TunnelState::Established);
  const auto received = node.tunnel(id)->channel().stats().received;

  const std::uint8_t hi = static_cast<std::uint8_t>(id.value >> 8), lo = static_cast<std::uint8_t>(id.value);
  // L2TPv3 control message (T, L, S, Ver 3) whose connection ID starts with our Tunnel ID.
  const Buffer v3{0xC8, 0x03, 0x00, 0x0C, hi, lo, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01};
  // L2F (Ver 1).
  const Buffer l2f{0x00, 0x01, 0x01, 0x00, hi, lo, 0x00, 0x01, 0x00, 0x0C, 0x00, 0x00};
  // Ver 0: unknown.
  const Buffer v0{0xC8, 0x00, 0x00, 0x0C, hi, lo, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01};
  node.handle_datagram(kNodeAddr, kPeerAddr, v3, at(2s));
  node.handle_datagram(kNodeAddr, kPeerAddr, l2f, at(2s));
  node.handle_datagram(kNodeAddr, kPeerAddr, v0, at(2s));
  EXPECT_EQ(node.stats().not_l2tpv2, 3u);
  EXPECT_EQ(node.stats().decode_errors, 0u);
  EXPECT_TRUE(drain(node, at(3s)).empty());  // silently
  EXPECT_TRUE(events(node).empty());
  ASSERT_EQ(node.tunnel_count(), 1u);
  ASSERT_NE(node.tunnel(id), nullptr);
  EXPECT_EQ(node.tunnel(id)->channel().stats().received, received);
  EXPECT_EQ(node.tunnel(id)->state(), tunnel::TunnelState::Established);
}

// ---- 4.4.3 Tie Breaker -----------------------------------------------------------------------

// Our SCCRQ to kPeerAddr is out (wait-ctl-reply) when the peer's own SCCRQ arrives.
class Collision : public ::testing::Test {
 protected:
  // `accept_tunnels` false: an LAC as `l2tpsim lac` runs it, answering no SCCRQ.
  void open(bool send_tie_breaker = true, bool accept_tunnels = true) {
    auto cfg = lac_node();
    cfg.accept_tunnels = accept_tunnels;  // true: an LAC that also answers SCCRQs
    cfg.tunnel.send_tie_breaker = send_tie_breaker;
    node_ = std::make_unique<Node>(cfg, rng_);
    ours_ = node_->open_tunnel(kNodeAddr, kPeerAddr, at(0s));
    ASSERT_NE(ours_.value, 0);
    const auto out = drain(*node_, at(0s));
    ASSERT_EQ(out.size(), 1u);
    ASSERT_TRUE(out[0].is(MessageType::Sccrq));
    const auto tb = out[0].value<std::uint64_t>(AvpType::TieBreaker);
    ASSERT_EQ(tb, node_->tunnel(ours_)->our_tie_breaker());
    if (tb) {
      our_tb_ = *tb;
      ASSERT_GT(our_tb_, 0u);
      ASSERT_LT(our_tb_, ~std::uint64_t{0});
    }
  }
  std::vector<Dgram> collide(std::optional<std::uint64_t> their_tb) {
    node_->handle_datagram(kNodeAddr, kPeerAddr, sccrq(kPeerTunnel, their_tb), at(50ms));
    return drain(*node_, at(50ms));
  }
  // Closed tunnels are forgotten once the node's timers run (drain): gone counts as Closed.
  tunnel::TunnelState our_state() {
    const tunnel::Tunnel* t = node_->tunnel(ours_);
    return t ? t->state() : tunnel::TunnelState::Closed;
  }
  // We lost: our tunnel went silently and the peer's SCCRQ got an SCCRP from a new tunnel.
  TunnelId expect_we_lost(const std::vector<Dgram>& out) {
    EXPECT_EQ(count(out, MessageType::StopCcn), 0u);  // R065: silently
    EXPECT_EQ(count(out, MessageType::Sccrp), 1u);
    EXPECT_EQ(our_state(), tunnel::TunnelState::Closed);
    EXPECT_EQ(node_->live_tunnels(), 1u);
    const auto down = of<TunnelDown>(events(*node_), ours_);
    EXPECT_EQ(down.size(), 1u);
    if (!down.empty()) {
      EXPECT_EQ(down[0].phase, tunnel::TunnelState::WaitCtlReply);
      EXPECT_FALSE(down[0].result);
    }
    for (const auto& d : out)
      if (d.is(MessageType::Sccrp)) {
        EXPECT_EQ(d.header.tunnel, TunnelId{kPeerTunnel});
        return TunnelId{d.value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
      }
    return TunnelId{};
  }
  // We won: the peer's SCCRQ is ignored and ours carries on.
  void expect_we_won(const std::vector<Dgram>& out) {
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(our_state(), tunnel::TunnelState::WaitCtlReply);
    EXPECT_EQ(node_->live_tunnels(), 1u);
    EXPECT_TRUE(of<TunnelDown>(events(*node_)).empty());
  }

  SeededRng rng_{8};
  std::unique_ptr<Node> node_;
  TunnelId ours_;
  std::uint64_t our_tb_ = 0;
};

TEST_F(Collision, R065_LowerPeerValueWinsAndOurCallMovesToItsTunnel) {
  open();
  ASSERT_TRUE(node_->open_session(ours_, at(10ms)));  // a call waiting for our tunnel
  const TunnelId theirs = expect_we_lost(collide(our_tb_ - 1));
  ASSERT_NE(theirs.value, 0);
  EXPECT_EQ(node_->stats().tie_breaks, 1u);
  ASSERT_NE(node_->tunnel(theirs), nullptr);
  EXPECT_EQ(node_->tunnel(theirs)->session_count(), 1u);  // 7.2.1 row 8: re-queued

  // The peer completes its tunnel; the re-queued call goes out on it (R267, R269, R284).
  node_->handle_datagram(
      kNodeAddr, kPeerAddr,
      encode(wire::make_control(MessageType::Scccn, TunnelId{}, SessionId{}), theirs, Seq{1}, Seq{1}),
      at(100ms));
  const auto out = drain(*node_, at(100ms));
  EXPECT_EQ(node_->tunnel(theirs)->state(), tunnel::TunnelState::Established);
  ASSERT_EQ(count(out, MessageType::Icrq), 1u);
  for (const auto& d : out) {
    if (d.is(MessageType::Icrq)) {
      EXPECT_EQ(d.header.tunnel, TunnelId{kPeerTunnel});
    }
  }
}

TEST_F(Collision, R065_HigherPeerValueLosesAndOurTunnelCarriesOn) {
  open();
  expect_we_won(collide(our_tb_ + 1));
  EXPECT_EQ(node_->stats().tie_breaks, 1u);
  EXPECT_EQ(node_->tunnel_count(), 1u);
  // The peer drops its attempt and answers ours.
  node_->handle_datagram(kNodeAddr, kPeerAddr,
                         encode(tunnel_request(MessageType::Sccrp, kPeerTunnel), ours_, Seq{0}, Seq{1}),
                         at(100ms));
  EXPECT_EQ(count(drain(*node_, at(100ms)), MessageType::Scccn), 1u);
  EXPECT_EQ(our_state(), tunnel::TunnelState::Established);
}

TEST_F(Collision, R066_EqualValuesMakeBothSidesDropTheirTunnels) {
  open();
  const auto out = collide(our_tb_);
  EXPECT_TRUE(out.empty()) << "neither SCCRP nor StopCCN";
  EXPECT_EQ(our_state(), tunnel::TunnelState::Closed);
  EXPECT_EQ(node_->live_tunnels(), 0u);
  EXPECT_EQ(of<TunnelDown>(events(*node_), ours_).size(), 1u);
  drain(*node_, at(1s));  // closed tunnels are reaped
  EXPECT_EQ(node_->tunnel_count(), 0u);
}

// R064: the comparison comes before the node's own refusal of incoming tunnels. Losing, it
// gives up its attempt silently all the same (R065); with no tunnel of the peer's to move to,
// its waiting call ends, and the peer's SCCRQ is answered by nothing, as any SCCRQ to it.
TEST_F(Collision, R064_R065_ANodeThatTakesNoTunnelsStillGivesUpItsAttemptWhenItLoses) {
  open(/*send_tie_breaker=*/true, /*accept_tunnels=*/false);
  const auto call = node_->open_session(ours_, at(10ms));
  ASSERT_TRUE(call);
  const auto out = collide(our_tb_ - 1);
  EXPECT_TRUE(out.empty()) << "neither SCCRP nor StopCCN";
  EXPECT_EQ(our_state(), tunnel::TunnelState::Closed);
  EXPECT_EQ(node_->live_tunnels(), 0u);
  EXPECT_EQ(node_->stats().tie_breaks, 1u);
  EXPECT_EQ(node_->stats().refused_tunnels, 1u);
  const auto evs = events(*node_);
  const auto down = of<TunnelDown>(evs, ours_);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].phase, tunnel::TunnelState::WaitCtlReply);
  EXPECT_FALSE(down[0].by_peer);
  EXPECT_FALSE(down[0].result);
  EXPECT_NE(down[0].reason.find("tie breaker"), std::string::npos) << down[0].reason;
  const auto calls = of<SessionDown>(evs, ours_);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].local, *call);
  // 7.2.1 row 8: our SCCRQ is not retransmitted; the peer's retransmission is not answered.
  EXPECT_TRUE(drain(*node_, at(10s)).empty());
  node_->handle_datagram(kNodeAddr, kPeerAddr, sccrq(kPeerTunnel, our_tb_ - 1), at(11s));
  EXPECT_TRUE(drain(*node_, at(11s)).empty());
  EXPECT_EQ(node_->tunnel_count(), 0u);
}

TEST_F(Collision, R065_ANodeThatTakesNoTunnelsKeepsItsAttemptWhenItWins) {
  open(/*send_tie_breaker=*/true, /*accept_tunnels=*/false);
  expect_we_won(collide(our_tb_ + 1));
  EXPECT_EQ(node_->stats().tie_breaks, 1u);
  EXPECT_EQ(node_->stats().refused_tunnels, 0u);
}

TEST_F(Collision, R066_EqualValuesMakeANodeThatTakesNoTunnelsDropItsAttemptToo) {
  open(/*send_tie_breaker=*/true, /*accept_tunnels=*/false);
  EXPECT_TRUE(collide(our_tb_).empty());
  EXPECT_EQ(our_state(), tunnel::TunnelState::Closed);
  EXPECT_EQ(node_->live_tunnels(), 0u);
}

TEST_F(Collision, R067_OnlyOurSccrqHasATieBreakerSoWeWin) {
  open();
  expect_we_won(collide(std::nullopt));
  EXPECT_EQ(node_->tunnel_count(), 1u);
}

TEST_F(Collision, R067_OnlyThePeerSccrqHasATieBreakerSoThePeerWins) {
  open(/*send_tie_breaker=*/false);
  EXPECT_NE(expect_we_lost(collide(12345)).value, 0);
}

TEST_F(Collision, R067_NeitherHasATieBreakerSoTwoTunnelsAreOpened) {
  open(/*send_tie_breaker=*/false);
  const auto out = collide(std::nullopt);
  EXPECT_EQ(count(out, MessageType::Sccrp), 1u);
  EXPECT_EQ(count(out, MessageType::StopCcn), 0u);
  EXPECT_EQ(our_state(), tunnel::TunnelState::WaitCtlReply);
  EXPECT_EQ(node_->live_tunnels(), 2u);
  EXPECT_EQ(node_->stats().tie_breaks, 0u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp