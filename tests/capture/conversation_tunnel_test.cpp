// Conversation extraction on hand-made traffic: tunnel and session pairing (also across an
// RFC 2661 8.1 port change and a reused Tunnel ID), retransmissions, ZLBs, PPP frames with
// every header option, user names.
#include <gtest/gtest.h>

#include "capture/conversation.hpp"
#include "conversation_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

const Endpoint kLac = at(1);
const Endpoint kLns = at(2);
const Endpoint kLnsMoved = at(2, 40000);

// LAC tunnel 5 / session 3, LNS tunnel 9 / session 7; the LNS answers from `lns_reply`.
void one_call(Traffic& w, const Endpoint& lns_reply = kLns) {
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {host_name("lac"), assigned_tunnel(5)});
  w.control(lns_reply, kLac, MessageType::Sccrp, 5, 0, 0, 1, {host_name("lns"), assigned_tunnel(9)});
  w.control(kLac, lns_reply, MessageType::Scccn, 9, 0, 1, 1);
  w.zlb(lns_reply, kLac, 5, 1, 2);
  w.control(kLac, lns_reply, MessageType::Icrq, 9, 0, 2, 1, {assigned_session(3)});
  w.control(lns_reply, kLac, MessageType::Icrp, 5, 3, 1, 3, {assigned_session(7)});
  w.control(kLac, lns_reply, MessageType::Iccn, 9, 7, 3, 2);
  w.zlb(lns_reply, kLac, 5, 2, 4);
  w.data(kLac, lns_reply, 9, 7, pap_request("alice", "secret"));
  w.data(lns_reply, kLac, 5, 3, lcp_echo(), 4, true);
}

TEST(ConversationTunnel, OneCallPairsTunnelAndSession) {
  Traffic w;
  one_call(w);
  w.control(kLac, kLns, MessageType::Cdn, 9, 7, 4, 2, {result(1), assigned_session(3)});
  w.control(kLac, kLns, MessageType::StopCcn, 9, 0, 5, 2, {result(1), assigned_tunnel(5)});
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.sides[0].endpoint, kLac);
  EXPECT_EQ(t.sides[0].tunnel_id, TunnelId{5});
  EXPECT_EQ(t.sides[0].host_name, "lac");
  EXPECT_EQ(t.sides[0].role, PeerRole::Lac);
  EXPECT_EQ(t.sides[1].endpoint, kLns);
  EXPECT_EQ(t.sides[1].tunnel_id, TunnelId{9});
  EXPECT_EQ(t.sides[1].role, PeerRole::Lns);
  EXPECT_FALSE(t.role_guessed);
  EXPECT_TRUE(t.replayable);
  EXPECT_TRUE(t.notes.empty()) << all_notes(t.notes);
  EXPECT_EQ(t.sides[0].counts.control, 6u);
  EXPECT_EQ(t.sides[1].counts.zlbs, 2u);
  ASSERT_EQ(t.sessions.size(), 1u);
  const Session& s = t.sessions[0];
  EXPECT_EQ(s.id[0], SessionId{3});
  EXPECT_EQ(s.id[1], SessionId{7});
  EXPECT_EQ(s.user, "alice");
  EXPECT_EQ(s.user_from, "PAP");
  ASSERT_EQ(s.ppp.size(), 2u);
  EXPECT_EQ(s.ppp[1].side, 1);
  EXPECT_TRUE(s.ppp[1].header.has_offset);
  EXPECT_EQ(s.ppp[1].header.offset_size, 4);
  EXPECT_TRUE(s.ppp[1].header.priority);
  EXPECT_EQ(s.ppp[1].ppp, lcp_echo());  // the frame after the offset padding
  ASSERT_TRUE(s.cdn && s.cdn->result);
  EXPECT_EQ(s.cdn->result->result, 1);
  EXPECT_EQ(s.calls.size(), 4u);
  ASSERT_TRUE(t.stop);
  EXPECT_EQ(t.stop->side, 0);
}

// RFC 2661 8.1: the SCCRP may come from another port; the LAC then sends there.
TEST(ConversationTunnel, PortChangeAtSccrpIsFollowed) {
  Traffic w;
  one_call(w, kLnsMoved);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.sides[1].endpoint, kLnsMoved);
  ASSERT_TRUE(t.sccrq_target);
  EXPECT_EQ(*t.sccrq_target, kLns);
  EXPECT_TRUE(has_note(t.notes, "RFC 2661 8.1")) << all_notes(t.notes);
  EXPECT_EQ(t.sides[0].counts.control, 4u);
  EXPECT_EQ(t.sides[1].counts.control, 2u);
  ASSERT_EQ(t.sessions.size(), 1u);
  EXPECT_EQ(t.sessions[0].ppp_count[0], 1u);
  EXPECT_EQ(t.sessions[0].ppp_count[1], 1u);
  EXPECT_TRUE(t.replayable);
}

// Both ends moved off 1701: learned from the SCCRP, the datagrams after it still count.
TEST(ConversationTunnel, EndpointsLearnedOffTheL2tpPort) {
  Traffic w;
  const Endpoint lac = at(1, 30000);
  w.control(lac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLnsMoved, lac, MessageType::Sccrp, 5, 0, 0, 1, {assigned_tunnel(9)});
  w.control(lac, kLnsMoved, MessageType::Scccn, 9, 0, 1, 1);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].sides[0].counts.control, 2u);
  EXPECT_EQ(c.counts.other_udp, 0u);
}

// RFC 2661 5.8: a retransmission repeats Ns and content; Nr may have moved on.
TEST(ConversationTunnel, RetransmissionsAreFlaggedAndZlbsKept) {
  Traffic w;
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});  // again, same octets
  w.control(kLns, kLac, MessageType::Sccrp, 5, 0, 0, 1, {assigned_tunnel(9)});
  w.control(kLac, kLns, MessageType::Scccn, 9, 0, 1, 1);
  w.control(kLac, kLns, MessageType::Hello, 9, 0, 2, 1);
  w.control(kLac, kLns, MessageType::Scccn, 9, 0, 1, 2);  // again, Nr moved on
  w.zlb(kLns, kLac, 5, 1, 3);
  w.zlb(kLns, kLac, 5, 1, 3);  // a repeated ZLB is an ack, not a retransmission
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  const auto& lac = t.sides[0].control;
  ASSERT_EQ(lac.size(), 5u);
  EXPECT_FALSE(lac[0].retransmission);
  EXPECT_TRUE(lac[1].retransmission);
  EXPECT_FALSE(lac[2].retransmission);
  EXPECT_FALSE(lac[3].retransmission);
  EXPECT_TRUE(lac[4].retransmission);
  EXPECT_EQ(t.sides[0].counts.control, 3u);
  EXPECT_EQ(t.sides[0].counts.retransmissions, 2u);
  EXPECT_EQ(t.sides[1].counts.zlbs, 2u);
  EXPECT_EQ(t.sides[1].counts.retransmissions, 0u);
  EXPECT_TRUE(t.sides[1].control[1].zlb);
}

// After the Ns space wrapped, the same Ns with the same content (a HELLO) is a new message.
TEST(ConversationTunnel, SameNsAfterWrapIsNotARetransmission) {
  Traffic w;
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLns, kLac, MessageType::Sccrp, 5, 0, 0, 1, {assigned_tunnel(9)});
  // Ns moves on by less than half the space each time (RFC 2661 5.8), and wraps.
  for (std::uint16_t ns : {10, 20000, 40000, 60000, 10})
    w.control(kLac, kLns, MessageType::Hello, 9, 0, ns, 1);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].sides[0].counts.retransmissions, 0u);
  EXPECT_EQ(c.tunnels[0].sides[0].counts.control, 6u);
}

TEST(ConversationTunnel, SameNsWithOtherContentIsNoted) {
  Traffic w;
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLns, kLac, MessageType::Sccrp, 5, 0, 0, 1, {assigned_tunnel(9)});
  w.control(kLac, kLns, MessageType::Scccn, 9, 0, 1, 1);
  w.control(kLac, kLns, MessageType::Hello, 9, 0, 1, 1);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].sides[0].counts.retransmissions, 0u);
  EXPECT_TRUE(has_note(c.tunnels[0].notes, "frame 4: Ns 1 used again")) << all_notes(c.tunnels[0].notes);
}

// A LAC reusing its Tunnel ID for a new tunnel after the old one stopped: two tunnels.
TEST(ConversationTunnel, ReusedTunnelIdStartsANewTunnel) {
  Traffic w;
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLns, kLac, MessageType::Sccrp, 5, 0, 0, 1, {assigned_tunnel(9)});
  w.control(kLac, kLns, MessageType::Scccn, 9, 0, 1, 1);
  w.control(kLac, kLns, MessageType::StopCcn, 9, 0, 2, 1, {assigned_tunnel(5), result(1)});
  w.zlb(kLns, kLac, 5, 1, 3);
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLns, kLac, MessageType::Sccrp, 5, 0, 0, 1, {assigned_tunnel(11)});
  w.control(kLac, kLns, MessageType::Scccn, 11, 0, 1, 1);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 2u);
  EXPECT_EQ(c.tunnels[0].last_frame, 5u);
  EXPECT_EQ(c.tunnels[1].first_frame, 6u);
  EXPECT_EQ(c.tunnels[1].sides[1].tunnel_id, TunnelId{11});
  EXPECT_EQ(c.tunnels[1].sides[0].counts.control, 2u);
}

TEST(ConversationTunnel, ChapNameIsTheSessionUser) {
  Traffic w;
  one_call(w);
  w.data(kLac, kLns, 9, 7, chap_response("bob"));
  Traffic chap;
  for (auto& p : w.packets)
    if (p.frame != 9) chap.add(p.src, p.dst, p.payload);  // without the PAP request
  const Conversations c = chap.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  ASSERT_EQ(c.tunnels[0].sessions.size(), 1u);
  EXPECT_EQ(c.tunnels[0].sessions[0].user, "bob");
  EXPECT_EQ(c.tunnels[0].sessions[0].user_from, "CHAP");
}

// Outgoing call: the LNS opens it with OCRQ; the LAC answers OCRP. Roles come from that.
TEST(ConversationTunnel, OutgoingCallNamesTheLns) {
  Traffic w;
  w.control(kLns, kLac, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(9)});
  w.control(kLac, kLns, MessageType::Sccrp, 9, 0, 0, 1, {assigned_tunnel(5)});
  w.control(kLns, kLac, MessageType::Scccn, 5, 0, 1, 1);
  w.control(kLns, kLac, MessageType::Ocrq, 5, 0, 2, 1, {assigned_session(7)});
  w.control(kLac, kLns, MessageType::Ocrp, 9, 7, 1, 3, {assigned_session(3)});
  w.control(kLac, kLns, MessageType::Occn, 9, 7, 2, 3);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.sides[0].endpoint, kLns);  // the initiator
  EXPECT_EQ(t.sides[0].role, PeerRole::Lns);
  EXPECT_EQ(t.sides[1].role, PeerRole::Lac);
  EXPECT_FALSE(t.role_guessed);
  ASSERT_EQ(t.sessions.size(), 1u);
  EXPECT_EQ(t.sessions[0].opened_by, std::optional<MessageType>(MessageType::Ocrq));
  EXPECT_EQ(t.sessions[0].id[0], SessionId{7});
  EXPECT_EQ(t.sessions[0].id[1], SessionId{3});
  EXPECT_TRUE(t.sessions[0].connected);
}

// A CDN from a session whose start was not captured pairs its two directions.
TEST(ConversationTunnel, CdnPairsTheDirectionsOfACall) {
  Traffic w;
  w.data(kLac, kLns, 9, 7, lcp_echo());
  w.data(kLns, kLac, 5, 3, lcp_echo());
  w.data(kLns, kLac, 5, 4, lcp_echo());  // another call, seen one way each way: paired, said so
  w.data(kLac, kLns, 9, 8, lcp_echo());
  w.control(kLac, kLns, MessageType::Cdn, 9, 7, 4, 2, {result(1), assigned_session(3)});
  w.control(kLac, kLns, MessageType::StopCcn, 9, 0, 5, 2, {result(1), assigned_tunnel(5)});
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  ASSERT_EQ(t.sessions.size(), 2u);
  EXPECT_EQ(t.sessions[0].id[1], SessionId{7});
  EXPECT_EQ(t.sessions[0].id[0], SessionId{3});
  EXPECT_TRUE(t.sessions[0].cdn);
  EXPECT_EQ(t.sessions[0].ppp.size(), 2u);
  EXPECT_FALSE(has_note(t.sessions[0].notes, "paired as the only call")) << all_notes(t.sessions[0].notes);
  EXPECT_FALSE(t.sessions[1].cdn);
  EXPECT_EQ(t.sessions[1].id[0], SessionId{4});
  EXPECT_EQ(t.sessions[1].id[1], SessionId{8});
  EXPECT_TRUE(has_note(t.sessions[1].notes, "paired as the only call")) << all_notes(t.sessions[1].notes);
}

// Found by conversation_fuzz: one direction from a host to itself was "paired" with itself, and
// its datagrams were lost.
TEST(ConversationTunnel, HostTalkingToItselfKeepsItsDatagrams) {
  Traffic w;
  w.data(kLac, kLac, 9, 7, lcp_echo());
  w.data(kLac, kLac, 9, 7, lcp_echo());
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_EQ(c.tunnels[0].sides[0].counts.data, 2u);
  ASSERT_EQ(c.tunnels[0].sessions.size(), 1u);
  EXPECT_EQ(c.tunnels[0].sessions[0].ppp.size(), 2u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
