// engine/tunnel/tunnel.cpp: the control connection of a Tunnel on a fake clock: what an
// unrecognised mandatory AVP does to it (R024), teardown in both directions (5.7, 7.2.1) and
// keepalive (5.5, 6.5).
#include "engine/tunnel/tunnel.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/tunnel/tunnel_harness.hpp"

namespace l2tp::tunnel {
namespace L2TPSIM_FILE_ID {

using namespace harness;

TEST(TunnelControl, R024_R262_SccrqWithUnknownMandatoryAvpGetsStopCcn2_8) {
  Peer p(lns_config());
  auto rq = sccrq();
  rq.avps.push_back(unknown_avp(true));
  p.send(std::move(rq));
  p.wait(200ms);
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::Sccrp).empty());
  const auto stops = messages(out, MessageType::StopCcn);
  ASSERT_EQ(stops.size(), 1u) << "R024: an unknown M=1 AVP in SCCRQ must end the tunnel with StopCCN";
  const auto rc = stops[0].value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 8);                                   // R051: unknown mandatory AVP
  EXPECT_EQ(stops[0].header.tunnel, TunnelId{kPeerTunnel});  // R014: to the peer's Assigned Tunnel ID
  EXPECT_NE(p.dut.state(), TunnelState::WaitCtlConn);
}

TEST(TunnelControl, R024_HelloWithUnknownMandatoryAvpClearsTheTunnel) {
  Peer p(lns_config());
  establish_as_recipient(p);
  const SessionId sid = incoming_call(p, 0x31);
  auto hello = wire::make_control(MessageType::Hello, TunnelId{}, SessionId{});
  hello.avps.push_back(unknown_avp(true));
  p.send(std::move(hello));
  const auto rc = one(p.take(), MessageType::StopCcn).value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 8);
  const auto down = of<SessionDown>(p.events);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].local, sid);
}

TEST(TunnelTeardown, R160_R161_ReceivedStopCcnIsAckedAndReackedFor31SecondsThenClosed) {
  Peer p(lns_config());
  establish_as_recipient(p);
  const SessionId sid = incoming_call(p, 0x71);
  auto stop = wire::make_control(MessageType::StopCcn, TunnelId{}, SessionId{});
  stop.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{kPeerTunnel}));
  stop.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{2, 7, "try another"}));
  const Seq stop_ns = p.ns;
  const Time stopped_at = p.now;
  const Buffer bytes = p.send(std::move(stop));

  // R275: clean up; R162: the sessions go with the tunnel, without CDNs.
  const auto down = of<TunnelDown>(p.events);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_TRUE(down[0].by_peer);
  EXPECT_EQ(down[0].phase, TunnelState::Established);
  ASSERT_TRUE(down[0].result);
  EXPECT_EQ(down[0].result->result, 2);
  EXPECT_EQ(down[0].result->error, 7);
  EXPECT_EQ(down[0].result->message, "try another");
  const auto sessions = of<SessionDown>(p.events);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].local, sid);
  EXPECT_EQ(p.dut.session_count(), 0u);
  EXPECT_EQ(p.dut.state(), TunnelState::Lingering);

  // R160: a ZLB acknowledges it.
  p.wait(200ms);
  auto out = p.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].is_zlb());
  EXPECT_EQ(out[0].header.nr, stop_ns.next());
  EXPECT_TRUE(messages(out, MessageType::Cdn).empty());

  // R161: the same StopCCN 10 s later is acknowledged again, not processed again.
  const std::size_t events_before = p.events.size();
  p.run_until(stopped_at + 10s);
  p.resend(bytes);
  out = p.take();
  ASSERT_EQ(zlbs(out).size(), 1u);
  EXPECT_EQ(zlbs(out)[0].header.nr, stop_ns.next());
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(p.events.size(), events_before);
  EXPECT_EQ(p.dut.channel().stats().duplicates, 1u);

  // About 31 s after the StopCCN the state goes (5.7).
  p.run_until(stopped_at + 30s);
  EXPECT_EQ(p.dut.state(), TunnelState::Lingering);
  p.run_until(stopped_at + 31s);
  EXPECT_EQ(p.dut.state(), TunnelState::Closed);
  EXPECT_FALSE(p.dut.poll_timeout());
  EXPECT_TRUE(p.take().empty());
}

TEST(TunnelControl, R248_IcrqWithAMalformedMandatoryAvpIsRefusedWithCdn2_2) {
  Peer p(lns_config());
  establish_as_recipient(p);
  auto m = wire::make_control(MessageType::Icrq, TunnelId{}, SessionId{});
  m.avps.push_back(wire::make_raw_avp(kIetfVendor, static_cast<std::uint16_t>(AvpType::AssignedSessionId),
                                      true, Buffer{0, 1, 2}));  // 3 octets, not 2
  m.avps.push_back(make_avp(AvpType::CallSerialNumber, std::uint32_t{1}));
  p.send(std::move(m));
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::Icrp).empty());
  const auto rc = one(out, MessageType::Cdn).value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 2);
  EXPECT_TRUE(of<SessionUp>(p.events).empty());
}

TEST(TunnelTeardown, R275_AfterThePeersStopCcnOurUnackedMessagesAreNotRetransmitted) {
  Peer p(lns_config());
  establish_as_recipient(p);
  p.send(icrq(0x72));
  const Sent icrp = one(p.take(), MessageType::Icrp);
  // The peer's StopCCN does not acknowledge the ICRP.
  p.nr = icrp.header.ns;
  auto stop = wire::make_control(MessageType::StopCcn, TunnelId{}, SessionId{});
  stop.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{kPeerTunnel}));
  stop.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{1, std::nullopt, ""}));
  p.send(std::move(stop));
  EXPECT_EQ(p.dut.state(), TunnelState::Lingering);
  p.wait(10s);
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::Icrp).empty()) << "the ICRP was retransmitted after the StopCCN";
  EXPECT_EQ(zlbs(out).size(), 1u);  // the StopCCN is acknowledged
}

TEST(TunnelTeardown, R273_R170_CloseRetransmitsStopCcnUntilAckedThenCloses) {
  Peer p(lns_config());
  establish_as_recipient(p);
  p.dut.close(ResultInfo{6, std::nullopt, ""}, p.now);
  EXPECT_EQ(p.dut.state(), TunnelState::Closing);
  p.pump();
  const Sent first = one(p.take(), MessageType::StopCcn);
  EXPECT_EQ(first.header.tunnel, TunnelId{kPeerTunnel});
  EXPECT_EQ(first.value<std::uint16_t>(AvpType::AssignedTunnelId), kDutId.value);  // R078, R198
  ASSERT_TRUE(first.value<avp::ResultCode>(AvpType::ResultCode));                  // R199
  EXPECT_EQ(first.value<avp::ResultCode>(AvpType::ResultCode)->result, 6);
  const auto down = of<TunnelDown>(p.events);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_FALSE(down[0].by_peer);

  // Not acknowledged: it goes again after 1 s and 2 s more, with the same Ns (R170, R171).
  p.wait(1s);
  const Sent again = one(p.take(), MessageType::StopCcn);
  EXPECT_EQ(again.header.ns, first.header.ns);
  p.wait(1500ms);
  EXPECT_TRUE(p.take().empty());
  p.wait(500ms);
  EXPECT_EQ(one(p.take(), MessageType::StopCcn).header.ns, first.header.ns);
  EXPECT_EQ(p.dut.state(), TunnelState::Closing);

  p.ack();
  EXPECT_EQ(p.dut.state(), TunnelState::Closed);
  EXPECT_FALSE(p.dut.poll_timeout());
  p.wait(60s);
  EXPECT_TRUE(p.take().empty());
  EXPECT_EQ(of<TunnelDown>(p.events).size(), 1u);
}

TEST(TunnelTeardown, R329_UnacknowledgedStopCcnGivesUpAfterTheRetryLimit) {
  Peer p(lns_config());
  establish_as_recipient(p);
  const Time closed_at = p.now;
  p.dut.close(ResultInfo{1, std::nullopt, ""}, p.now);
  p.run_until(closed_at + 30s);
  EXPECT_EQ(p.dut.state(), TunnelState::Closing);
  EXPECT_EQ(messages(p.take(), MessageType::StopCcn).size(), 6u);  // 0, 1, 3, 7, 15, 23 s
  p.run_until(closed_at + 32s);
  EXPECT_EQ(p.dut.state(), TunnelState::Closed);
  EXPECT_EQ(of<TunnelDown>(p.events).size(), 1u);
}

TEST(TunnelHello, R204_R206_HelloAfterKeepaliveTimeoutOfSilence) {
  auto cfg = lns_config();
  cfg.keepalive_timeout = 10s;
  Peer p(cfg);
  establish_as_recipient(p);
  const Time quiet_since = p.now - 200ms;  // the SCCCN was the last thing received
  p.run_until(quiet_since + 10s - 1ms);
  EXPECT_TRUE(p.take().empty());
  p.run_until(quiet_since + 10s);
  const Sent hello = one(p.take(), MessageType::Hello);
  EXPECT_EQ(hello.header.session, SessionId{});  // R206
  EXPECT_EQ(hello.header.tunnel, TunnelId{kPeerTunnel});
  EXPECT_EQ(p.dut.stats().hellos_sent, 1u);
  p.ack();
  p.wait(5s);
  EXPECT_TRUE(p.take().empty());
  EXPECT_EQ(p.dut.state(), TunnelState::Established);
}

TEST(TunnelHello, R204_TrafficFromThePeerPostponesTheHello) {
  auto cfg = lns_config();
  cfg.keepalive_timeout = 10s;
  Peer p(cfg);
  establish_as_recipient(p);
  const Time start = p.now;
  p.run_until(start + 5s);
  p.send(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}));  // R203: just acked
  p.run_until(start + 15s - 1ms);
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::Hello).empty());
  EXPECT_EQ(zlbs(out).size(), 1u);
  p.run_until(start + 15s);
  EXPECT_EQ(messages(p.take(), MessageType::Hello).size(), 1u);
}

TEST(TunnelHello, R157_UnansweredHelloBringsTheTunnelDown) {
  auto cfg = lns_config();
  cfg.keepalive_timeout = 10s;
  Peer p(cfg);
  establish_as_recipient(p);
  const SessionId sid = incoming_call(p, 0x81);
  p.wait(60s);
  EXPECT_EQ(p.dut.state(), TunnelState::Closed);
  const auto down = of<TunnelDown>(p.events);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_FALSE(down[0].by_peer);
  EXPECT_NE(down[0].reason.find("no acknowledgement"), std::string::npos);
  const auto sessions = of<SessionDown>(p.events);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].local, sid);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::tunnel
