// engine/tunnel/tunnel_sessions.cpp: calls inside a Tunnel (the 7.4/7.5 tables carried out with
// real messages), the session limit, CDN contents, Session IDs, data messages and 5.4
// sequencing, WEN and SLI.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "engine/tunnel/tunnel.hpp"
#include "engine/wire/checker.hpp"
#include "tests/engine/tunnel/tunnel_harness.hpp"

namespace l2tp::tunnel {
namespace L2TPSIM_FILE_ID {

using namespace harness;

TEST(TunnelSessions, R284_R285_R092_LacCallWaitsForTheTunnelThenIcrqIccn) {
  Peer p(lac_config());
  const auto sid = p.dut.open_session(p.now);  // before the tunnel exists: 7.4.1 wait-tunnel
  ASSERT_TRUE(sid);
  EXPECT_NE(sid->value, 0);  // R145
  establish_as_originator(p);
  const auto out = p.take();
  one(out, MessageType::Scccn);
  const Sent rq = one(out, MessageType::Icrq);
  EXPECT_EQ(rq.header.session, SessionId{});  // R092
  EXPECT_EQ(rq.header.tunnel, TunnelId{kPeerTunnel});
  EXPECT_EQ(rq.value<std::uint16_t>(AvpType::AssignedSessionId), sid->value);
  ASSERT_TRUE(rq.control);
  EXPECT_TRUE(wire::missing_mandatory_avps(*rq.control).empty());
  p.send(icrp(*sid, 0x77));
  const Sent cn = one(p.take(), MessageType::Iccn);
  EXPECT_EQ(cn.header.session, SessionId{0x77});  // R091
  EXPECT_TRUE(cn.value<std::uint32_t>(AvpType::TxConnectSpeed));
  EXPECT_TRUE(cn.value<std::uint32_t>(AvpType::FramingType));
  EXPECT_EQ(p.dut.find_session(*sid)->state, session::SessionState::Established);
  EXPECT_TRUE(of<SessionUp>(p.events).empty()) << "up only once the LNS has acknowledged the ICCN";
  p.ack();
  const auto up = of<SessionUp>(p.events);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].local, *sid);
  EXPECT_EQ(up[0].remote, SessionId{0x77});
  EXPECT_EQ(p.dut.find_session(*sid)->state, session::SessionState::Established);
}

// Many calls opened at once: the ICRQs go out only into room in the control window, so the
// ICCN of a call already answered never waits behind a queue of new ICRQs (its PPP would).
TEST(TunnelSessions, NewCallsGoOutIntoWindowRoomAndAnIccnOvertakesCallsNotYetSent) {
  Peer p(lac_config());
  std::vector<SessionId> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(p.dut.open_session(p.now).value_or(SessionId{}));
  establish_as_originator(p);  // its SCCRP has no Receive Window Size: 4 (5.8)
  auto out = p.take();
  const std::size_t first = messages(out, MessageType::Icrq).size();
  EXPECT_GE(first, 1u);
  EXPECT_LE(first + 1, 4u) << "SCCCN and ICRQs within the peer's window of 4";
  p.send(icrp(ids[0], 0x100));  // acknowledges everything so far, answers the first call
  out = p.take();
  std::vector<MessageType> order;
  for (const Sent& s : out)
    if (s.control && !s.is_zlb()) order.push_back(*s.control->known_type());
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.front(), MessageType::Iccn) << "the ICCN goes before any new ICRQ";
  EXPECT_LE(order.size(), 4u) << "never more than the window outstanding";
  // Every call goes out in the end, in the order it was opened.
  std::vector<std::uint16_t> sent;
  for (int round = 0; round < 20 && sent.size() < 11; ++round) {
    for (const Sent& s : out)
      if (s.is(MessageType::Icrq))
        sent.push_back(s.value<std::uint16_t>(AvpType::AssignedSessionId).value_or(0));
    p.ack();
    out = p.take();
  }
  ASSERT_EQ(sent.size() + first, 12u);
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(sent[i], ids[first + i].value) << i;
}

// An LAC call whose ICRP has come and whose ICCN is sent but not yet acknowledged.
SessionId lac_call_sent_iccn(Peer& p) {
  const auto sid = p.dut.open_session(p.now);
  EXPECT_TRUE(sid);
  establish_as_originator(p);
  p.take();
  p.send(icrp(sid.value_or(SessionId{}), 0x77));
  one(p.take(), MessageType::Iccn);
  return sid.value_or(SessionId{});
}

Buffer data_to_dut(SessionId sid, const Buffer& ppp) {
  wire::Header h;
  h.has_length = true;
  h.tunnel = kDutId;
  h.session = sid;
  Buffer b;
  EXPECT_TRUE(wire::encode_data(h, ppp, b));
  return b;
}

template <typename T>
std::size_t first_index(const std::vector<Event>& evs) {
  for (std::size_t i = 0; i < evs.size(); ++i)
    if (std::holds_alternative<T>(evs[i].body)) return i;
  return evs.size();
}

// The LNS is up on the ICCN and may start LCP at once; its frames can beat its ack to us. The
// LAC keeps them and reports them after SessionUp, when PPP has started; its own data waits.
TEST(TunnelSessions, LacComesUpOnTheIccnAckAndKeepsTheLnsPppSentBefore) {
  Peer p(lac_config());
  const SessionId sid = lac_call_sent_iccn(p);
  const Buffer lcp = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
  deliver(p.dut, data_to_dut(sid, lcp), p.now);
  p.dut.send_ppp(sid, kIpFrame, p.now);
  p.pump();
  EXPECT_TRUE(of<SessionUp>(p.events).empty());
  EXPECT_TRUE(of<SessionData>(p.events).empty());
  EXPECT_TRUE(data_messages(p.take()).empty()) << "our data waits until the LNS has the call";
  EXPECT_EQ(p.dut.stats().data_dropped, 0u);

  p.ack();  // a ZLB whose Nr covers the ICCN
  const auto up = of<SessionUp>(p.events);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].local, sid);
  const auto got = of<SessionData>(p.events);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ppp, lcp);
  EXPECT_LT(first_index<SessionUp>(p.events), first_index<SessionData>(p.events)) << "PPP starts first";
  const auto sent = data_messages(p.take());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ppp, kIpFrame);
  EXPECT_EQ(sent[0].header.session, SessionId{0x77});

  // From now on data flows straight through.
  deliver(p.dut, data_to_dut(sid, lcp), p.now);
  p.pump();
  EXPECT_EQ(of<SessionData>(p.events).size(), 2u);
}

TEST(TunnelSessions, LacComesUpOnAnIccnAckPiggybackedOnAControlMessage) {
  Peer p(lac_config());
  const SessionId sid = lac_call_sent_iccn(p);
  p.send(wire::make_control(MessageType::Hello, TunnelId{}, SessionId{}));  // its Nr covers the ICCN
  const auto up = of<SessionUp>(p.events);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].local, sid);
}

TEST(TunnelSessions, LacCallClearedBeforeItsIccnAckNeverComesUp) {
  Peer p(lac_config());
  const SessionId sid = lac_call_sent_iccn(p);
  auto cdn = wire::make_control(MessageType::Cdn, TunnelId{}, sid);
  cdn.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{2, 0, "refused"}));
  cdn.avps.push_back(make_avp(AvpType::AssignedSessionId, std::uint16_t{0x77}));
  p.send(std::move(cdn));  // acknowledges the ICCN too
  EXPECT_TRUE(of<SessionUp>(p.events).empty());
  ASSERT_EQ(of<SessionDown>(p.events).size(), 1u);
  EXPECT_EQ(p.dut.session_count(), 0u);
}

TEST(TunnelSessions, R293_R297_LnsAnswersIcrqAndComesUpOnIccn) {
  Peer p(lns_config());
  establish_as_recipient(p);
  p.send(icrq(0x21));
  const Sent rp = one(p.take(), MessageType::Icrp);
  EXPECT_EQ(rp.header.session, SessionId{0x21});
  const SessionId sid{rp.value<std::uint16_t>(AvpType::AssignedSessionId).value_or(0)};
  EXPECT_NE(sid.value, 0);  // R145
  EXPECT_TRUE(of<SessionUp>(p.events).empty());
  p.send(iccn(sid));
  const auto up = of<SessionUp>(p.events);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].local, sid);
  EXPECT_EQ(up[0].kind, session::CallKind::LnsIncoming);
}

TEST(TunnelSessions, R023_IcrqWithUnknownMandatoryAvpGetsCdn2_8AndTheTunnelStays) {
  Peer p(lns_config());
  establish_as_recipient(p);
  auto rq = icrq(0x44);
  rq.avps.push_back(unknown_avp(true));
  p.send(std::move(rq));
  p.wait(200ms);
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::StopCcn).empty()) << "R023: only the session may be cleared";
  EXPECT_TRUE(messages(out, MessageType::Icrp).empty());
  const auto cdns = messages(out, MessageType::Cdn);
  ASSERT_EQ(cdns.size(), 1u);
  EXPECT_EQ(cdns[0].header.session, SessionId{0x44});
  const auto rc = cdns[0].value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 8);
  EXPECT_EQ(p.dut.state(), TunnelState::Established);
  EXPECT_EQ(p.dut.session_count(), 0u);
  EXPECT_TRUE(of<TunnelDown>(p.events).empty());
}

TEST(TunnelSessions, R023_IccnWithUnknownMandatoryAvpClearsOnlyThatSession) {
  Peer p(lns_config());
  establish_as_recipient(p);
  p.send(icrq(0x45));
  const SessionId sid{
      one(p.take(), MessageType::Icrp).value<std::uint16_t>(AvpType::AssignedSessionId).value_or(0)};
  auto cn = iccn(sid);
  cn.avps.push_back(unknown_avp(true));
  p.send(std::move(cn));
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::StopCcn).empty());
  const auto rc = one(out, MessageType::Cdn).value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 2);
  EXPECT_EQ(rc->error, 8);
  EXPECT_EQ(p.dut.state(), TunnelState::Established);
  EXPECT_EQ(p.dut.session_count(), 0u);
}

TEST(TunnelSessions, R025_IcrqWithUnknownOptionalAvpIsAnswered) {
  Peer p(lns_config());
  establish_as_recipient(p);
  auto rq = icrq(0x46);
  rq.avps.push_back(unknown_avp(false));
  p.send(std::move(rq));
  const auto out = p.take();
  EXPECT_EQ(messages(out, MessageType::Icrp).size(), 1u);
  EXPECT_TRUE(messages(out, MessageType::Cdn).empty());
  EXPECT_EQ(p.dut.session_count(), 1u);
}

TEST(TunnelSessions, R279_R294_IcrqBeyondMaxSessionsGetsCdnResult4) {
  auto cfg = lns_config();
  cfg.max_sessions = 1;
  Peer p(cfg);
  establish_as_recipient(p);
  p.send(icrq(0x51, 1));
  EXPECT_EQ(messages(p.take(), MessageType::Icrp).size(), 1u);
  p.send(icrq(0x52, 2));
  const auto out = p.take();
  EXPECT_TRUE(messages(out, MessageType::Icrp).empty());
  const Sent cdn = one(out, MessageType::Cdn);
  EXPECT_EQ(cdn.header.session, SessionId{0x52});
  const auto rc = cdn.value<avp::ResultCode>(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->result, 4);  // CDN 4: temporary lack of facilities
  EXPECT_NE(cdn.value<std::uint16_t>(AvpType::AssignedSessionId).value_or(0), 0);  // R093, R145
  EXPECT_EQ(p.dut.session_count(), 1u);
  EXPECT_EQ(p.dut.state(), TunnelState::Established);
}

TEST(TunnelSessions, R279_OpenSessionBeyondMaxSessionsIsRefusedLocally) {
  auto cfg = lac_config();
  cfg.max_sessions = 2;
  Peer p(cfg);
  establish_as_originator(p);
  EXPECT_TRUE(p.dut.open_session(p.now));
  EXPECT_TRUE(p.dut.open_session(p.now));
  EXPECT_FALSE(p.dut.open_session(p.now));
  p.pump();
  auto out = p.take();
  p.ack();  // slow start: the second ICRQ waits for room in the window
  for (auto& s : p.take()) out.push_back(std::move(s));
  EXPECT_EQ(messages(out, MessageType::Icrq).size(), 2u);
}

TEST(TunnelSessions, R300_R238_CdnPassesResultQ931AndPppCauseThrough) {
  Peer p(lns_config());
  establish_as_recipient(p);
  const SessionId sid = incoming_call(p, 0x61);
  const avp::ResultCode result{2, 6, "vendor trouble"};
  const avp::Q931Cause q931{16, 0x45, "normal clearing"};
  const avp::DisconnectCause ppp{3, 0xC021, 1, "lcp terminated"};
  auto cdn = wire::make_control(MessageType::Cdn, TunnelId{}, sid);
  cdn.avps.push_back(make_avp(AvpType::ResultCode, result));
  cdn.avps.push_back(make_avp(AvpType::AssignedSessionId, std::uint16_t{0x61}));
  cdn.avps.push_back(make_avp(AvpType::Q931CauseCode, q931));
  cdn.avps.push_back(make_avp(AvpType::PppDisconnectCause, ppp));
  const Seq cdn_ns = p.ns;
  p.send(std::move(cdn));
  const auto down = of<SessionDown>(p.events);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].local, sid);
  EXPECT_EQ(down[0].remote, SessionId{0x61});
  EXPECT_TRUE(down[0].by_peer);
  EXPECT_EQ(down[0].phase, session::SessionState::Established);
  ASSERT_TRUE(down[0].result);
  EXPECT_EQ(down[0].result->result, result.result);
  EXPECT_EQ(down[0].result->error, result.error);
  EXPECT_EQ(down[0].result->message, result.message);
  EXPECT_EQ(down[0].q931, q931);
  EXPECT_EQ(down[0].ppp_cause, ppp);
  EXPECT_EQ(p.dut.session_count(), 0u);
  EXPECT_EQ(p.dut.state(), TunnelState::Established);
  // R158, R239: no reply but the transport's acknowledgement.
  p.wait(200ms);
  const auto out = p.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].is_zlb());
  EXPECT_EQ(out[0].header.nr, cdn_ns.next());
}

TEST(TunnelSessions, R292_LocalCloseSendsCdnWithOurAssignedSessionId) {
  Peer p(lac_config());
  const auto sid = p.dut.open_session(p.now);
  ASSERT_TRUE(sid);
  establish_as_originator(p);
  p.take();
  p.send(icrp(*sid, 0x78));
  p.take();
  p.dut.close_session(*sid, ResultInfo{3, std::nullopt, ""}, p.now);
  p.pump();
  const Sent cdn = one(p.take(), MessageType::Cdn);
  EXPECT_EQ(cdn.header.session, SessionId{0x78});
  EXPECT_EQ(cdn.value<std::uint16_t>(AvpType::AssignedSessionId), sid->value);  // R093
  EXPECT_EQ(cdn.value<avp::ResultCode>(AvpType::ResultCode)->result, 3);
  const auto down = of<SessionDown>(p.events);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_FALSE(down[0].by_peer);
}

// R134 judges a call started before the control connection is up; a call message that crosses
// our StopCCN was sent before the peer knew, so it is ignored without a violation.
TEST(TunnelSessions, R134_IcrqBeforeScccnIsAViolationButNotOneThatCrossesOurStopccn) {
  const auto r134 = [](const std::vector<Event>& events) {
    std::size_t n = 0;
    for (const auto& v : of<PeerViolation>(events)) n += v.rule == Rule::R134;
    return n;
  };
  Peer early(lns_config());
  early.send(sccrq());
  const Sent rp = one(early.take(), MessageType::Sccrp);
  early.to_dut = TunnelId{rp.value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
  early.send(icrq(5));
  EXPECT_TRUE(messages(early.take(), MessageType::Icrp).empty());
  EXPECT_EQ(r134(early.events), 1u);

  Peer late(lns_config());
  establish_as_recipient(late);
  late.dut.close(ResultInfo{1, std::nullopt, "run finished"}, late.now);
  late.pump();
  ASSERT_EQ(late.dut.state(), TunnelState::Closing);
  late.send(icrq(6));
  EXPECT_TRUE(messages(late.take(), MessageType::Icrp).empty());
  EXPECT_EQ(r134(late.events), 0u);
}

TEST(TunnelIds, R145_SessionIdsAreNeverZeroEvenAfterWrapping) {
  SeededRng rng(3);
  Tunnel t(kDutId, lac_config(), rng, Time{});
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 65535; ++i) {
    const auto sid = t.open_session(Time{});
    ASSERT_TRUE(sid) << "call " << i;
    ASSERT_NE(sid->value, 0);
    ids.insert(sid->value);
  }
  EXPECT_EQ(ids.size(), 65535u);
  EXPECT_FALSE(t.open_session(Time{}));  // every non-zero ID is taken
  t.close_session(SessionId{100}, ResultInfo{3, std::nullopt, ""}, Time{});
  const auto again = t.open_session(Time{});
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, SessionId{100});
}

TEST(TunnelData, R154_LnsSequencesDataAndTheLacFollows) {
  auto lns_cfg = lns_config();
  lns_cfg.data_sequencing = DataSequencing::On;
  Pair pair(lac_config(), lns_cfg);
  pair.bring_up();
  EXPECT_TRUE(of<SessionUp>(pair.lns_events)[0].sequencing);

  for (int i = 0; i < 3; ++i) pair.lns.send_ppp(pair.lns_sid, kIpFrame, pair.now);
  pair.pump();
  const auto from_lns = data_messages(pair.lns_sent);
  ASSERT_EQ(from_lns.size(), 3u);
  for (std::uint16_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(from_lns[i].header.has_sequence);
    EXPECT_EQ(from_lns[i].header.ns, Seq{i});
    EXPECT_EQ(from_lns[i].header.tunnel, pair.lac.local_id());  // R076
    EXPECT_EQ(from_lns[i].header.session, pair.lac_sid);        // R091
    EXPECT_EQ(from_lns[i].ppp, kIpFrame);
  }
  const auto got = of<SessionData>(pair.lac_events);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].local, pair.lac_sid);
  EXPECT_EQ(got[0].ppp, kIpFrame);

  // R154: having received sequenced data, the LAC numbers its own from 0.
  pair.lac.send_ppp(pair.lac_sid, kIpFrame, pair.now);
  pair.lac.send_ppp(pair.lac_sid, kIpFrame, pair.now);
  pair.pump();
  const auto from_lac = data_messages(pair.lac_sent);
  ASSERT_EQ(from_lac.size(), 2u);
  EXPECT_TRUE(from_lac[0].header.has_sequence);
  EXPECT_EQ(from_lac[0].header.ns, Seq{0});
  EXPECT_TRUE(from_lac[1].header.has_sequence);
  EXPECT_EQ(from_lac[1].header.ns, Seq{1});
  EXPECT_EQ(of<SessionData>(pair.lns_events).size(), 2u);
  EXPECT_EQ(pair.lns.find_session(pair.lns_sid)->data.lost, 0u);
}

TEST(TunnelData, R153_LacStopsSequencingWhenTheLnsStops) {
  auto lns_cfg = lns_config();
  lns_cfg.data_sequencing = DataSequencing::On;
  Pair pair(lac_config(), lns_cfg);
  pair.bring_up();
  pair.lns.send_ppp(pair.lns_sid, kIpFrame, pair.now);
  pair.pump();
  pair.lac.send_ppp(pair.lac_sid, kIpFrame, pair.now);
  pair.pump();
  ASSERT_EQ(data_messages(pair.lac_sent).size(), 1u);
  ASSERT_TRUE(data_messages(pair.lac_sent)[0].header.has_sequence);

  // R152: the LNS switches sequencing off by sending data without Ns/Nr.
  wire::Header h;
  h.has_length = true;
  h.tunnel = pair.lac.local_id();
  h.session = pair.lac_sid;
  Buffer plain;
  ASSERT_TRUE(wire::encode_data(h, kIpFrame, plain));
  deliver(pair.lac, plain, pair.now);
  pair.lac_sent.clear();
  pair.lac.send_ppp(pair.lac_sid, kIpFrame, pair.now);
  pair.pump();
  const auto from_lac = data_messages(pair.lac_sent);
  ASSERT_EQ(from_lac.size(), 1u);
  EXPECT_FALSE(from_lac[0].header.has_sequence)
      << "R153: an LAC that receives data without sequence numbers must stop sending them";
}

TEST(TunnelData, R150_R151_SequencingRequiredInIccnMakesTheLnsSequence) {
  auto lac_cfg = lac_config();
  lac_cfg.data_sequencing = DataSequencing::On;
  Pair pair(lac_cfg, lns_config());
  pair.lac.open(pair.now);
  ASSERT_TRUE(pair.lac.open_session(pair.now));
  pair.run_until(pair.now + 1s);
  const Sent cn = one(pair.lac_sent, MessageType::Iccn);
  EXPECT_TRUE(cn.find(AvpType::SequencingRequired));  // R150
  const auto up = of<SessionUp>(pair.lns_events);
  ASSERT_EQ(up.size(), 1u);
  pair.lns_sid = up[0].local;
  pair.lac_sid = of<SessionUp>(pair.lac_events).at(0).local;
  pair.lns.send_ppp(pair.lns_sid, kIpFrame, pair.now);
  pair.lac.send_ppp(pair.lac_sid, kIpFrame, pair.now);
  pair.pump();
  ASSERT_EQ(data_messages(pair.lns_sent).size(), 1u);
  EXPECT_TRUE(data_messages(pair.lns_sent)[0].header.has_sequence);  // R151
  ASSERT_EQ(data_messages(pair.lac_sent).size(), 1u);
  EXPECT_TRUE(data_messages(pair.lac_sent)[0].header.has_sequence);
}

TEST(TunnelData, R152_WithoutSequencingNeitherSideNumbersData) {
  Pair pair(lac_config(), lns_config());
  pair.bring_up();
  EXPECT_FALSE(of<SessionUp>(pair.lns_events)[0].sequencing);
  pair.lns.send_ppp(pair.lns_sid, kIpFrame, pair.now);
  pair.pump();
  pair.lac.send_ppp(pair.lac_sid, kIpFrame, pair.now);
  pair.pump();
  ASSERT_EQ(data_messages(pair.lns_sent).size(), 1u);
  ASSERT_EQ(data_messages(pair.lac_sent).size(), 1u);
  EXPECT_FALSE(data_messages(pair.lns_sent)[0].header.has_sequence);
  EXPECT_FALSE(data_messages(pair.lac_sent)[0].header.has_sequence);
}

TEST(TunnelData, R135_DataForASessionNotUpIsDropped) {
  Pair pair(lac_config(), lns_config());
  pair.bring_up();
  pair.lac.send_ppp(SessionId{0x7777}, kIpFrame, pair.now);
  pair.pump();
  EXPECT_TRUE(data_messages(pair.lac_sent).empty());
  EXPECT_EQ(pair.lac.stats().data_dropped, 1u);
}

TEST(TunnelSessionInfo, R241_R130_WenArrivesAsSessionInfo) {
  Pair pair(lac_config(), lns_config());
  pair.bring_up();
  const avp::CallErrors errors{0, 1, 2, 3, 4, 5, 6};
  pair.lac.send_wen(pair.lac_sid, errors, pair.now);
  pair.pump();
  const Sent wen = one(pair.lac_sent, MessageType::Wen);
  EXPECT_EQ(wen.header.session, pair.lns_sid);  // R091
  const auto info = of<SessionInfo>(pair.lns_events);
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].local, pair.lns_sid);
  EXPECT_EQ(info[0].type, MessageType::Wen);
  EXPECT_EQ(info[0].call_errors, errors);
  EXPECT_FALSE(info[0].accm);
}

TEST(TunnelSessionInfo, R244_R245_SliArrivesAsSessionInfo) {
  Pair pair(lac_config(), lns_config());
  pair.bring_up();
  const avp::Accm accm{0, 0x000A0000, 0xFFFFFFFF};
  pair.lns.send_sli(pair.lns_sid, accm, pair.now);
  pair.pump();
  const Sent sli = one(pair.lns_sent, MessageType::Sli);
  EXPECT_EQ(sli.header.session, pair.lac_sid);
  const auto info = of<SessionInfo>(pair.lac_events);
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].local, pair.lac_sid);
  EXPECT_EQ(info[0].type, MessageType::Sli);
  EXPECT_EQ(info[0].accm, accm);
  EXPECT_FALSE(info[0].call_errors);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::tunnel
