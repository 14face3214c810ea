// Whole LAC <-> LNS runs in virtual time over SimNet.
#include <gtest/gtest.h>

#include <set>

#include "engine/sim/sim_net.hpp"
#include "engine/wire/message.hpp"
#include "tests/support/sim_nodes.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::sim {
namespace L2TPSIM_FILE_ID {

Time at(double seconds) {
  return Time{} + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

TEST(LacLns, TunnelAndSessionComeUpAndGoDownCleanly) {
  SimNet net(1, LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  ASSERT_NE(t.value, 0);
  const auto sid = lac.open_session(t, net.now());
  ASSERT_TRUE(sid);
  net.run(at(1));
  ASSERT_EQ(testing::events_of<TunnelUp>(net.events(lac)).size(), 1u);
  ASSERT_EQ(testing::events_of<TunnelUp>(net.events(lns)).size(), 1u);
  ASSERT_EQ(testing::events_of<SessionUp>(net.events(lac)).size(), 1u);
  ASSERT_EQ(testing::events_of<SessionUp>(net.events(lns)).size(), 1u);
  EXPECT_EQ(lac.tunnel(t)->state(), tunnel::TunnelState::Established);

  lac.close_session(t, *sid, ResultInfo{3, std::nullopt, ""}, net.now());
  net.pump(lac);
  net.run(at(2));
  const auto down = testing::events_of<SessionDown>(net.events(lns));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_TRUE(down[0].by_peer);
  EXPECT_EQ(down[0].result->result, 3);

  lac.close_tunnel(t, ResultInfo{1, std::nullopt, ""}, net.now());
  net.pump(lac);
  net.run(at(60));
  const auto tdown = testing::events_of<TunnelDown>(net.events(lns));
  ASSERT_EQ(tdown.size(), 1u);
  EXPECT_TRUE(tdown[0].by_peer);
  EXPECT_EQ(lac.live_tunnels(), 0u);
  EXPECT_EQ(lns.live_tunnels(), 0u);  // lingered 31 s, then gone (5.7)
}

TEST(LacLns, R138_TunnelAuthenticationWithHiddenAvps) {
  SimNet net(2, LinkConfig{});
  auto lc = testing::sim_lac_config();
  auto nc = testing::sim_lns_config();
  lc.tunnel.secret = nc.tunnel.secret = "s3cret";
  lc.tunnel.hidden_avps = {AvpType::AssignedTunnelId, AvpType::AssignedSessionId, AvpType::CallSerialNumber,
                           AvpType::FramingCapabilities, AvpType::VendorName};
  lc.tunnel.hidden_padding = 4;
  Node& lac = net.add_node(loopback_ep(2), lc);
  Node& lns = net.add_node(loopback_ep(3), nc);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  lac.open_session(t, net.now());
  net.run(at(1));
  EXPECT_EQ(testing::events_of<SessionUp>(net.events(lns)).size(), 1u);
  // The SCCRQ on the wire really carries hidden AVPs and a Challenge.
  const auto& first = net.wire_log().front().bytes;
  auto m = wire::decode_control(first, as_bytes(std::string("s3cret")));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->find(AvpType::Challenge));
  ASSERT_TRUE(m->find(AvpType::AssignedTunnelId));
  EXPECT_TRUE(m->find(AvpType::AssignedTunnelId)->hidden);
  EXPECT_EQ(m->find(AvpType::AssignedTunnelId)->hidden_state, wire::HiddenState::Revealed);
}

TEST(LacLns, R139_WrongSecretIsRefusedWithStopCcnResult4) {
  SimNet net(3, LinkConfig{});
  auto lc = testing::sim_lac_config();
  auto nc = testing::sim_lns_config();
  lc.tunnel.secret = "right";
  nc.tunnel.secret = "wrong";
  Node& lac = net.add_node(loopback_ep(2), lc);
  Node& lns = net.add_node(loopback_ep(3), nc);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  lac.open_session(t, net.now());
  net.run(at(40));
  const auto down = testing::events_of<TunnelDown>(net.events(lac));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].phase, tunnel::TunnelState::WaitCtlReply);
  ASSERT_TRUE(down[0].result);
  EXPECT_EQ(down[0].result->result, 4);  // we refused the LNS's response
  const auto sessions = testing::events_of<SessionDown>(net.events(lac));
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].phase, session::SessionState::WaitTunnel);
  EXPECT_TRUE(testing::events_of<SessionUp>(net.events(lns)).empty());
}

TEST(LacLns, R080_ThousandSessionsDespiteLossDuplicationAndReordering) {
  LinkConfig link;
  link.loss = 0.2;
  link.duplicate = 0.2;
  link.reorder = 0.2;
  SimNet net(42, link);
  // At 20% loss each way a message and its ack both get through with p = 0.64, so five
  // retries fail for about 1 message in 450: a run of thousands needs the retry limit raised,
  // as an operator would on such a link.
  auto lc = testing::sim_lac_config();
  auto nc = testing::sim_lns_config();
  lc.tunnel.reliability.max_retries = nc.tunnel.reliability.max_retries = 10;
  Node& lac = net.add_node(loopback_ep(2), lc);
  Node& lns = net.add_node(loopback_ep(3), nc);
  for (int i = 0; i < 10; ++i) {
    const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
    for (int s = 0; s < 100; ++s) ASSERT_TRUE(lac.open_session(t, net.now()));
  }
  net.run(at(600));
  EXPECT_EQ(testing::events_of<TunnelUp>(net.events(lac)).size(), 10u);
  EXPECT_EQ(testing::events_of<SessionUp>(net.events(lac)).size(), 1000u);
  EXPECT_EQ(testing::events_of<SessionUp>(net.events(lns)).size(), 1000u);
  EXPECT_TRUE(testing::events_of<SessionDown>(net.events(lac)).empty());
  EXPECT_GT(net.dropped(), 100u);
  EXPECT_GT(net.duplicated(), 100u);
  EXPECT_GT(net.reordered(), 100u);
  std::uint64_t retrans = 0, dups = 0;
  lac.for_each_tunnel([&](const tunnel::Tunnel& t) {
    retrans += t.channel().stats().retransmissions;
    dups += t.channel().stats().duplicates;
  });
  EXPECT_GT(retrans, 0u);
  EXPECT_GT(dups, 0u);
}

TEST(LacLns, R065_TieBreakerLowerValueWins) {
  SimNet net(5, LinkConfig{});
  auto a_cfg = testing::sim_lns_config();  // both accept tunnels
  auto b_cfg = testing::sim_lns_config();
  a_cfg.tunnel.role = tunnel::Role::Lac;
  Node& a = net.add_node(loopback_ep(2), a_cfg);
  Node& b = net.add_node(loopback_ep(3), b_cfg);
  a.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  b.open_tunnel(loopback_ep(3), loopback_ep(2), net.now());  // the two SCCRQs cross
  net.run(at(60));
  EXPECT_EQ(testing::events_of<TunnelUp>(net.events(a)).size(), 1u);
  EXPECT_EQ(testing::events_of<TunnelUp>(net.events(b)).size(), 1u);
  EXPECT_EQ(a.live_tunnels(), 1u);
  EXPECT_EQ(b.live_tunnels(), 1u);
  EXPECT_EQ(a.stats().tie_breaks + b.stats().tie_breaks, 2u);
}

// R064/R065: an LAC that takes no incoming tunnels (as `l2tpsim lac`) and an LNS that dials it
// at the same time. The LAC compares Tie Breakers all the same: winning, its tunnel comes up
// (the LNS gives up its own and answers); losing, it gives up its own attempt at once (one
// SCCRQ, never retransmitted) and its call ends with it, the LNS's SCCRQ answered by nothing.
TEST(LacLns, R064_R065_AnLacThatTakesNoTunnelsStillResolvesACollision) {
  unsigned won = 0, lost = 0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SimNet net(seed, LinkConfig{});
    Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
    Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
    const TunnelId a = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
    const TunnelId b = lns.open_tunnel(loopback_ep(3), loopback_ep(2), net.now());  // the two SCCRQs cross
    ASSERT_TRUE(lac.open_session(a, net.now()));
    const auto lac_tb = lac.tunnel(a)->our_tie_breaker();
    const auto lns_tb = lns.tunnel(b)->our_tie_breaker();
    ASSERT_TRUE(lac_tb && lns_tb);
    ASSERT_NE(*lac_tb, *lns_tb);
    net.run(at(60));
    std::size_t lac_sccrqs = 0;
    for (const auto& d : net.wire_log())
      if (d.from == loopback_ep(2))
        if (auto m = wire::decode_control(d.bytes); m && m->known_type() == MessageType::Sccrq) ++lac_sccrqs;
    EXPECT_EQ(lac.stats().tie_breaks, 1u);
    if (*lac_tb < *lns_tb) {
      ++won;
      EXPECT_EQ(testing::events_of<TunnelUp>(net.events(lac)).size(), 1u);
      EXPECT_EQ(testing::events_of<SessionUp>(net.events(lac)).size(), 1u);
      EXPECT_EQ(testing::events_of<TunnelUp>(net.events(lns)).size(), 1u);
    } else {
      ++lost;
      EXPECT_EQ(lac_sccrqs, 1u) << "the losing LAC retransmitted its SCCRQ";
      EXPECT_TRUE(testing::events_of<TunnelUp>(net.events(lac)).empty());
      const auto down = testing::events_of<TunnelDown>(net.events(lac));
      ASSERT_EQ(down.size(), 1u);
      EXPECT_NE(down[0].reason.find("tie breaker"), std::string::npos) << down[0].reason;
      EXPECT_EQ(testing::events_of<SessionDown>(net.events(lac)).size(), 1u);
      EXPECT_GE(lac.stats().refused_tunnels, 1u);
      EXPECT_TRUE(testing::events_of<TunnelUp>(net.events(lns)).empty());
    }
    EXPECT_EQ(lac.live_tunnels(), 0u + (*lac_tb < *lns_tb));
  }
  EXPECT_GT(won, 0u);
  EXPECT_GT(lost, 0u);
}

TEST(LacLns, R080_PeerSilentTunnelGoesDownAfterRetries) {
  SimNet net(6, LinkConfig{});
  auto lc = testing::sim_lac_config();
  lc.tunnel.reliability.max_retries = 3;
  Node& lac = net.add_node(loopback_ep(2), lc);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(9), net.now());  // nobody at .9
  net.run(at(120));
  const auto down = testing::events_of<TunnelDown>(net.events(lac));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_NE(down[0].reason.find("no acknowledgement"), std::string::npos);
  EXPECT_EQ(lac.tunnel(t), nullptr);
  // 1 + 2 + 4 + 8 s of backoff: the last retry is answered by nothing at 15 s.
  EXPECT_EQ(net.events(lac).back().event.at, at(15));
}

TEST(LacLns, HelloKeepsAnIdleTunnelAlive) {
  SimNet net(7, LinkConfig{});
  auto lc = testing::sim_lac_config();
  lc.tunnel.keepalive_timeout = std::chrono::seconds(10);
  Node& lac = net.add_node(loopback_ep(2), lc);
  Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  net.run(at(100));
  EXPECT_EQ(lac.tunnel(t)->state(), tunnel::TunnelState::Established);
  EXPECT_GE(lac.tunnel(t)->stats().hellos_sent, 8u);
  EXPECT_TRUE(testing::events_of<TunnelDown>(net.events(lns)).empty());
}

TEST(LacLns, R307_R319_OutgoingCallPlacedByTheLnsAndClearedWithDisconnectCause) {
  SimNet net(8, LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
  lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  net.run(at(1));
  const auto up = testing::events_of<TunnelUp>(net.events(lns));
  ASSERT_EQ(up.size(), 1u);
  const TunnelId lns_tunnel = net.events(lns).front().tunnel;
  const auto sid = lns.open_session(lns_tunnel, net.now());  // OCRQ (7.5.2)
  ASSERT_TRUE(sid);
  net.pump(lns);
  net.run(at(2));
  const auto lac_up = testing::events_of<SessionUp>(net.events(lac));
  const auto lns_up = testing::events_of<SessionUp>(net.events(lns));
  ASSERT_EQ(lac_up.size(), 1u);
  ASSERT_EQ(lns_up.size(), 1u);
  EXPECT_EQ(lac_up[0].kind, session::CallKind::LacOutgoing);
  EXPECT_EQ(lns_up[0].kind, session::CallKind::LnsOutgoing);

  lns.close_session(lns_tunnel, *sid,
                    ResultInfo{3, std::nullopt, "admin", avp::DisconnectCause{7, 0xC021, 2, "x"}}, net.now());
  net.pump(lns);
  net.run(at(3));
  const auto down = testing::events_of<SessionDown>(net.events(lac));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_TRUE(down[0].by_peer);
  EXPECT_EQ(down[0].phase, session::SessionState::Established);
  ASSERT_TRUE(down[0].result);
  EXPECT_EQ(down[0].result->result, 3);
  ASSERT_TRUE(down[0].ppp_cause);
  EXPECT_EQ(down[0].ppp_cause->code, 7);
  EXPECT_EQ(down[0].ppp_cause->protocol, 0xC021);
}

TEST(LacLns, SameSeedGivesTheSameWire) {
  auto run_once = [] {
    LinkConfig link;
    link.loss = 0.1;
    SimNet net(99, link);
    Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
    net.add_node(loopback_ep(3), testing::sim_lns_config());
    const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
    for (int i = 0; i < 20; ++i) lac.open_session(t, net.now());
    net.run(at(30));
    std::vector<Buffer> wire;
    for (const auto& d : net.wire_log()) wire.push_back(d.bytes);
    return wire;
  };
  EXPECT_EQ(run_once(), run_once());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::sim

namespace l2tp::sim {
namespace L2TPSIM_FILE_ID {

// RFC 2661 4.4.5: the LAC's proxy LCP and proxy authentication AVPs reach the LNS intact, hidden
// or not, and an ICCN without them gives no proxy information.
TEST(LacLnsProxy, R118_R119_ProxyLcpAndAuthenticationTravelInIccn) {
  for (const bool hidden : {false, true}) {
    SimNet net(7, LinkConfig{});
    auto lc = testing::sim_lac_config();
    auto nc = testing::sim_lns_config();
    if (hidden) {
      lc.tunnel.secret = nc.tunnel.secret = "s3cret";
      lc.tunnel.hidden_avps = {AvpType::ProxyAuthenName, AvpType::ProxyAuthenResponse,
                               AvpType::LastReceivedLcpConfreq};
    }
    Node& lac = net.add_node(loopback_ep(2), lc);
    Node& lns = net.add_node(loopback_ep(3), nc);
    session::ProxyPpp proxy;
    proxy.initial_received_confreq = {0x05, 0x06, 0x11, 0x22, 0x33, 0x44};
    proxy.last_sent_confreq = {0x03, 0x04, 0xc0, 0x23, 0x05, 0x06, 0x01, 0x02, 0x03, 0x04};
    proxy.last_received_confreq = proxy.initial_received_confreq;
    proxy.authen_type = session::proxy_authen::kChap;
    proxy.authen_name = "alice";
    proxy.authen_challenge = Buffer(16, 0x42);
    proxy.authen_id = 7;
    proxy.authen_response = Buffer(16, 0x99);
    const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
    ASSERT_TRUE(lac.open_session(t, net.now(), proxy));
    ASSERT_TRUE(lac.open_session(t, net.now()));
    net.run(at(1));
    const auto ups = testing::events_of<SessionUp>(net.events(lns));
    ASSERT_EQ(ups.size(), 2u);
    ASSERT_TRUE(ups[0].proxy) << "hidden=" << hidden;
    EXPECT_EQ(*ups[0].proxy, proxy);
    EXPECT_FALSE(ups[1].proxy);
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::sim

namespace l2tp::sim {
namespace L2TPSIM_FILE_ID {

// A LAC that starts PPP as soon as its call is up must not let data overtake its ICCN, which
// may still wait for the LNS's receive window: every frame reaches an LNS that knows the call.
TEST(LacLnsData, DataWaitsForItsIccnToLeave) {
  SimNet net(9, LinkConfig{});
  auto nc = testing::sim_lns_config();
  nc.tunnel.reliability.receive_window = 1;  // the LAC may have one message outstanding
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  Node& lns = net.add_node(loopback_ep(3), nc);
  const Buffer frame = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(lac.open_session(t, net.now()));
  net.on_event([&](Node& n, const NodeEvent& ev) {
    if (&n != &lac) return;
    if (const auto* up = std::get_if<SessionUp>(&ev.event.body))
      lac.send_ppp(ev.tunnel, up->local, frame, net.now());
  });
  net.run(at(5));
  std::set<std::uint16_t> up;
  std::size_t data = 0;
  for (const auto& ev : net.events(lns)) {
    if (const auto* u = std::get_if<SessionUp>(&ev.event.body)) up.insert(u->local.value);
    if (const auto* d = std::get_if<SessionData>(&ev.event.body)) {
      EXPECT_TRUE(up.count(d->local.value)) << "data before the call was up, session " << d->local.value;
      ++data;
    }
  }
  EXPECT_EQ(up.size(), 4u);
  EXPECT_EQ(data, 4u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::sim

namespace l2tp::sim {
namespace L2TPSIM_FILE_ID {

// The LNS is up on the ICCN and starts LCP at once; its ack of the ICCN (a delayed ZLB) comes
// later. The LAC announces the call up only on that ack, and the LNS's frame is not lost: it
// is reported after the LAC's SessionUp, once PPP has started.
TEST(LacLnsData, LacIsUpOnTheIccnAckAndKeepsTheLnsLcpSentBeforeIt) {
  SimNet net(10, LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
  const Buffer lcp = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  ASSERT_TRUE(lac.open_session(t, net.now()));
  std::optional<Time> lns_up, lac_up;
  std::size_t lac_in_flight_at_up = 99;
  net.on_event([&](Node& n, const NodeEvent& ev) {
    const auto* up = std::get_if<SessionUp>(&ev.event.body);
    if (!up) return;
    if (&n == &lns) {
      lns_up = net.now();
      lns.send_ppp(ev.tunnel, up->local, lcp, net.now());
    } else {
      lac_up = net.now();
      lac_in_flight_at_up = lac.tunnel(ev.tunnel)->channel().in_flight();
    }
  });
  net.run(at(2));
  ASSERT_TRUE(lns_up && lac_up);
  EXPECT_EQ(lac_in_flight_at_up, 0u) << "the ICCN was acknowledged when the LAC came up";
  EXPECT_GT(*lac_up, *lns_up) << "the ICCN reached the LNS, and its ack came back, first";
  const auto& evs = net.events(lac);
  std::size_t up_at = evs.size(), data_at = evs.size();
  for (std::size_t i = 0; i < evs.size(); ++i) {
    if (std::holds_alternative<SessionUp>(evs[i].event.body) && up_at == evs.size()) up_at = i;
    if (const auto* d = std::get_if<SessionData>(&evs[i].event.body); d && data_at == evs.size()) {
      data_at = i;
      EXPECT_EQ(d->ppp, lcp);
    }
  }
  ASSERT_LT(data_at, evs.size()) << "the LNS's LCP frame was lost";
  EXPECT_LT(up_at, data_at);
  EXPECT_EQ(lac.tunnel(t)->stats().data_dropped, 0u);
}

// A filter whose deadline stays due until its owner acts (a replayer's next act, an alarm):
// run() gives control back at that instant instead of spinning on it.
TEST(SimNetRun, ReturnsOnADeadlineNoDriverServes) {
  struct Alarm final : DatagramFilter {
    std::optional<Time> wake;
    void take(WireDirection, const net::Endpoint&, const net::Endpoint&, Bytes, Time) override {}
    bool poll(Time, WireDirection&, net::Endpoint&, net::Endpoint&, Buffer&) override { return false; }
    std::optional<Time> poll_timeout() const override { return wake; }
  } alarm;
  SimNet net(1, LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  net.set_filter(lac, &alarm);
  alarm.wake = at(1.5);
  const std::size_t steps = net.run(at(10));
  EXPECT_LT(steps, 10u);
  EXPECT_EQ(net.now(), at(1.5));
  alarm.wake.reset();  // the owner acted
  net.run(at(10));
  net.set_filter(lac, nullptr);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::sim
