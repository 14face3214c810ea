// engine/tunnel/tunnel_messages.cpp: the SCCRQ/SCCRP/SCCCN/StopCCN a Tunnel builds, and how it
// judges the peer's (7.2.1 "acceptable"): mandatory AVPs, Tie Breaker, Challenge and Challenge
// Response, protocol version.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/tunnel/tunnel.hpp"
#include "engine/wire/checker.hpp"
#include "tests/engine/tunnel/tunnel_harness.hpp"

namespace l2tp::tunnel {
namespace L2TPSIM_FILE_ID {

using namespace harness;

TEST(TunnelOriginator, R260_R077_SccrqGoesOutWithTunnelIdZeroAndNsZero) {
  Peer p(lac_config());
  p.dut.open(p.now);
  EXPECT_EQ(p.dut.state(), TunnelState::WaitCtlReply);
  p.pump();
  const auto out = p.take();
  ASSERT_EQ(out.size(), 1u);
  const Sent& rq = out.front();
  ASSERT_TRUE(rq.is(MessageType::Sccrq));
  EXPECT_EQ(rq.header.tunnel, TunnelId{});    // R077
  EXPECT_EQ(rq.header.session, SessionId{});  // R147
  EXPECT_EQ(rq.header.ns, Seq{0});            // R016
  EXPECT_EQ(rq.header.nr, Seq{0});
  EXPECT_TRUE(rq.header.has_length);  // R002
  EXPECT_TRUE(rq.header.has_sequence);
}

TEST(TunnelOriginator, R184_R187_SccrqCarriesEveryMandatoryAvp) {
  Peer p(lac_config());
  p.dut.open(p.now);
  p.pump();
  const Sent rq = one(p.take(), MessageType::Sccrq);
  ASSERT_TRUE(rq.control);
  EXPECT_TRUE(wire::missing_mandatory_avps(*rq.control).empty());
  EXPECT_EQ(rq.value<avp::ProtocolVersion>(AvpType::ProtocolVersion), (avp::ProtocolVersion{1, 0}));  // R055
  EXPECT_EQ(rq.value<std::string>(AvpType::HostName), "dut-lac");
  EXPECT_TRUE(rq.value<std::uint32_t>(AvpType::FramingCapabilities));
  EXPECT_EQ(rq.value<std::uint16_t>(AvpType::AssignedTunnelId), kDutId.value);  // R145: never 0
  EXPECT_TRUE(rq.find(AvpType::ProtocolVersion)->mandatory);
  EXPECT_TRUE(rq.find(AvpType::AssignedTunnelId)->mandatory);  // R079
  // The message passes every stateless rule of the checker.
  for (const auto& v : wire::check_control(*rq.control, rq.bytes.size()))
    ADD_FAILURE() << to_string(v.rule) << ": " << v.detail;
}

TEST(TunnelOriginator, R068_TieBreakerIsEightOctetsWithMZero) {
  Peer p(lac_config());
  p.dut.open(p.now);
  p.pump();
  const Sent rq = one(p.take(), MessageType::Sccrq);
  const wire::Avp* tb = rq.find(AvpType::TieBreaker);
  ASSERT_NE(tb, nullptr);
  EXPECT_FALSE(tb->mandatory);
  EXPECT_FALSE(tb->hidden);
  EXPECT_EQ(tb->wire_length, 14);
  ASSERT_TRUE(p.dut.our_tie_breaker());
  EXPECT_EQ(rq.value<std::uint64_t>(AvpType::TieBreaker), p.dut.our_tie_breaker());
}

TEST(TunnelOriginator, R067_NoTieBreakerWhenConfiguredOff) {
  auto cfg = lac_config();
  cfg.send_tie_breaker = false;
  Peer p(cfg);
  p.dut.open(p.now);
  p.pump();
  const Sent rq = one(p.take(), MessageType::Sccrq);
  EXPECT_EQ(rq.find(AvpType::TieBreaker), nullptr);
  EXPECT_FALSE(p.dut.our_tie_breaker());
}

TEST(TunnelOriginator, R083_ChallengeOnlyWithASecret) {
  {
    Peer p(lac_config());
    p.dut.open(p.now);
    p.pump();
    EXPECT_EQ(one(p.take(), MessageType::Sccrq).find(AvpType::Challenge), nullptr);
  }
  auto cfg = lac_config();
  cfg.secret = kSecret;
  Peer p(cfg);
  p.dut.open(p.now);
  p.pump();
  const Sent rq = one(p.take(), MessageType::Sccrq);
  const auto ch = rq.value<avp::Octets>(AvpType::Challenge);
  ASSERT_TRUE(ch);
  EXPECT_FALSE(ch->bytes.empty());
  EXPECT_TRUE(rq.find(AvpType::Challenge)->mandatory);  // R084
}

TEST(TunnelOriginator, R266_R138_SccrpWithAWrongChallengeResponseGetsStopCcnResult4) {
  auto cfg = lac_config();
  cfg.secret = kSecret;
  Peer p(cfg);
  p.dut.open(p.now);
  p.pump();
  ASSERT_TRUE(one(p.take(), MessageType::Sccrq).find(AvpType::Challenge));
  auto rp = sccrp();
  rp.avps.push_back(make_avp(AvpType::ChallengeResponse, avp::Octets{Buffer(16, 0x55)}));
  p.send(std::move(rp));
  const Sent stop = one(p.take(), MessageType::StopCcn);
  EXPECT_EQ(stop.header.tunnel, TunnelId{kPeerTunnel});
  ASSERT_TRUE(stop.value<avp::ResultCode>(AvpType::ResultCode));
  EXPECT_EQ(stop.value<avp::ResultCode>(AvpType::ResultCode)->result, 4);
  EXPECT_EQ(p.dut.state(), TunnelState::Closing);
}

TEST(TunnelOriginator, R265_R085_SccrpAcceptedWithScccnAnsweringItsChallenge) {
  auto cfg = lac_config();
  cfg.secret = kSecret;
  Peer p(cfg);
  p.dut.open(p.now);
  p.pump();
  const Sent rq = one(p.take(), MessageType::Sccrq);
  const Buffer dut_challenge = octets(rq.value<avp::Octets>(AvpType::Challenge));
  const Buffer our_challenge(16, 0x42);
  auto rp = sccrp();
  rp.avps.push_back(make_avp(AvpType::Challenge, avp::Octets{our_challenge}));
  rp.avps.push_back(make_avp(AvpType::ChallengeResponse, avp::Octets{digest(2, dut_challenge)}));
  p.send(std::move(rp));
  EXPECT_EQ(p.dut.state(), TunnelState::Established);
  const Sent cn = one(p.take(), MessageType::Scccn);
  EXPECT_EQ(cn.header.tunnel, TunnelId{kPeerTunnel});                                              // R076
  EXPECT_EQ(octets(cn.value<avp::Octets>(AvpType::ChallengeResponse)), digest(3, our_challenge));  // R086
  EXPECT_EQ(of<TunnelUp>(p.events).size(), 1u);
}

TEST(TunnelRecipient, R261_R086_SccrpAnswersTheChallengeWithMd5OfType2) {
  auto cfg = lns_config();
  cfg.secret = kSecret;
  Peer p(cfg);
  const Buffer challenge{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  auto rq = sccrq();
  rq.avps.push_back(make_avp(AvpType::Challenge, avp::Octets{challenge}));
  p.send(std::move(rq));
  EXPECT_EQ(p.dut.state(), TunnelState::WaitCtlConn);
  const Sent rp = one(p.take(), MessageType::Sccrp);
  EXPECT_EQ(rp.header.tunnel, TunnelId{kPeerTunnel});  // R076
  EXPECT_EQ(rp.header.nr, Seq{1});                     // R261: acknowledges the SCCRQ
  EXPECT_EQ(rp.header.ns, Seq{0});
  ASSERT_TRUE(rp.control);
  EXPECT_TRUE(wire::missing_mandatory_avps(*rp.control).empty());
  EXPECT_EQ(rp.value<std::uint16_t>(AvpType::AssignedTunnelId), kDutId.value);
  const wire::Avp* resp = rp.find(AvpType::ChallengeResponse);
  ASSERT_NE(resp, nullptr);  // R085, R138
  EXPECT_EQ(octets(rp.value<avp::Octets>(AvpType::ChallengeResponse)), digest(2, challenge));
  EXPECT_EQ(resp->wire_length, 22);  // R087
}

TEST(TunnelRecipient, R269_R257_ScccnWithTheRightResponseEstablishes) {
  auto cfg = lns_config();
  cfg.secret = kSecret;
  Peer p(cfg);
  auto rq = sccrq();
  rq.avps.push_back(make_avp(AvpType::Challenge, avp::Octets{Buffer(16, 7)}));
  establish_as_recipient(p, std::move(rq));
  EXPECT_EQ(p.dut.state(), TunnelState::Established);
  const auto up = of<TunnelUp>(p.events);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].peer, TunnelId{kPeerTunnel});
}

TEST(TunnelRecipient, R270_ScccnWithAWrongResponseGetsStopCcnResult4) {
  auto cfg = lns_config();
  cfg.secret = kSecret;
  Peer p(cfg);
  p.send(sccrq());
  const Sent rp = one(p.take(), MessageType::Sccrp);
  ASSERT_TRUE(rp.find(AvpType::Challenge));
  p.to_dut = kDutId;
  auto cn = wire::make_control(MessageType::Scccn, p.to_dut, SessionId{});
  cn.avps.push_back(make_avp(AvpType::ChallengeResponse, avp::Octets{Buffer(16, 0)}));
  p.send(std::move(cn));
  const Sent stop = one(p.take(), MessageType::StopCcn);
  ASSERT_TRUE(stop.value<avp::ResultCode>(AvpType::ResultCode));
  EXPECT_EQ(stop.value<avp::ResultCode>(AvpType::ResultCode)->result, 4);
  EXPECT_EQ(p.dut.state(), TunnelState::Closing);
  EXPECT_TRUE(of<TunnelUp>(p.events).empty());
}

TEST(TunnelRecipient, R025_SccrqWithUnknownOptionalAvpIsAccepted) {
  Peer p(lns_config());
  auto rq = sccrq();
  rq.avps.push_back(unknown_avp(false));
  p.send(std::move(rq));
  const auto out = p.take();
  EXPECT_EQ(messages(out, MessageType::Sccrp).size(), 1u);
  EXPECT_TRUE(messages(out, MessageType::StopCcn).empty());
  EXPECT_EQ(p.dut.state(), TunnelState::WaitCtlConn);
}

TEST(TunnelRecipient, R050_R262_SccrqForVersion2_0GetsStopCcnResult5) {
  Peer p(lns_config());
  p.send(sccrq(kPeerTunnel, avp::ProtocolVersion{2, 0}));
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::Sccrp).empty());
  const Sent stop = one(out, MessageType::StopCcn);
  const auto rc = stop.value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 5);
  EXPECT_EQ(rc->error, 0x0100);  // R050: the highest version we support, 1.0
  EXPECT_EQ(stop.header.tunnel, TunnelId{kPeerTunnel});
  EXPECT_EQ(stop.value<std::uint16_t>(AvpType::AssignedTunnelId), kDutId.value);  // R078
  EXPECT_EQ(p.dut.state(), TunnelState::Closing);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::tunnel
