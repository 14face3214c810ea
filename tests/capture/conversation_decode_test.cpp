// Reading one captured payload for conversation extraction (capture/conversation_decode): as
// far as the bytes allow, never past them, the damage kept as an error.
#include "capture/conversation_decode.hpp"

#include <gtest/gtest.h>

#include "conversation_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

Buffer sccrq() {
  return Traffic::encode(MessageType::Sccrq, 0, 0, 0, 0, {host_name("lac"), assigned_tunnel(5)});
}

TEST(ConversationDecode, WholeControlMessage) {
  const Buffer b = sccrq();
  const DecodedPayload d = decode_payload(b);
  ASSERT_EQ(d.kind, PayloadKind::Control);
  EXPECT_FALSE(d.error);
  ASSERT_EQ(d.message.avps.size(), 3u);
  EXPECT_EQ(assigned_id(d.message, AvpType::AssignedTunnelId), std::optional<std::uint16_t>(5));
  EXPECT_EQ(d.message_bytes.size(), b.size());
}

// Every prefix of a message: the header fields that are there, the AVPs before the cut.
TEST(ConversationDecode, EveryPrefixReadsWhatIsThere) {
  const Buffer b = sccrq();
  for (std::size_t n = 0; n < b.size(); ++n) {
    const Buffer cut(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    const DecodedPayload d = decode_payload(cut);
    if (n < 12) {  // the fixed fields of a control header are not all there
      EXPECT_EQ(d.kind, PayloadKind::NotL2tp) << n;
      continue;
    }
    ASSERT_EQ(d.kind, PayloadKind::Control) << n;
    ASSERT_TRUE(d.error) << n;
    EXPECT_LE(d.message_bytes.size(), n);
    for (const auto& a : d.message.avps) EXPECT_LE(a.offset + a.wire_length, n) << n;
  }
}

TEST(ConversationDecode, BadAvpLengthKeepsTheAvpsBefore) {
  Buffer b = sccrq();
  // The third AVP (Assigned Tunnel ID, at 12 + 8 + 9) gets Length 3: R026.
  const std::size_t third = 12 + 8 + 9;
  b[third] = 0x80;
  b[third + 1] = 3;
  const DecodedPayload d = decode_payload(b);
  ASSERT_EQ(d.kind, PayloadKind::Control);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->kind, DecodeErrorKind::AvpLengthBelowSix);
  ASSERT_EQ(d.message.avps.size(), 2u);
  EXPECT_TRUE(d.message.avps[1].is(AvpType::HostName));
  EXPECT_FALSE(assigned_id(d.message, AvpType::AssignedTunnelId));
}

TEST(ConversationDecode, VersionsOtherThanTwo) {
  Buffer v3 = {0xC0, 0x03, 0x00, 0x0C, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(decode_payload(v3).kind, PayloadKind::V3);
  Buffer l2f = {0x00, 0x01, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(decode_payload(l2f).kind, PayloadKind::NotL2tp);
  EXPECT_EQ(decode_payload(Buffer{}).kind, PayloadKind::NotL2tp);
}

TEST(ConversationDecode, DataWithOffsetBeyondTheEndHasNoFrame) {
  // O bit, Offset Size 200 in a 10-octet message (R019).
  Buffer b = {0x02, 0x02, 0x00, 0x09, 0x00, 0x07, 0x00, 0xC8, 0xAA, 0xBB};
  const DecodedPayload d = decode_payload(b);
  ASSERT_EQ(d.kind, PayloadKind::Data);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->kind, DecodeErrorKind::OffsetBeyondEnd);
  EXPECT_EQ(d.header.tunnel, TunnelId{9});
  EXPECT_EQ(d.header.session, SessionId{7});
  EXPECT_TRUE(d.ppp.empty());
}

TEST(ConversationDecode, PppUserNames) {
  EXPECT_EQ(ppp_user(pap_request("markw", "qwerty"))->name, "markw");
  EXPECT_EQ(ppp_user(chap_response("bob"))->from, "CHAP");
  EXPECT_FALSE(ppp_user(lcp_echo()));
  Buffer cut = pap_request("markw", "qwerty");
  cut.resize(cut.size() - 8);  // Length now beyond the packet
  EXPECT_FALSE(ppp_user(cut));
}

// Capture-level accounting: a datagram with Tunnel ID 0 and no Assigned Tunnel ID belongs to
// no tunnel; L2TPv3 over UDP is counted; other UDP is ignored.
TEST(ConversationDecode, UnattributedV3AndOtherUdpAreCountedAndNoted) {
  Traffic w;
  w.zlb(at(1), at(2), 0, 0, 0);
  w.add(at(1), at(2), Buffer{0xC0, 0x03, 0x00, 0x0C, 0, 0, 0, 1, 0, 0, 0, 0});
  w.add(at(1, 53), at(2, 53), Buffer{1, 2, 3});
  w.add(at(1), at(2), Buffer{0x00, 0x01, 0, 0, 0, 0, 0, 0});  // L2F
  const Conversations c = w.extract();
  EXPECT_TRUE(c.tunnels.empty());
  EXPECT_EQ(c.counts.unattributed, 1u);
  EXPECT_EQ(c.counts.l2tpv3, 1u);
  EXPECT_EQ(c.counts.other_udp, 1u);
  EXPECT_EQ(c.counts.not_l2tp, 1u);
  EXPECT_TRUE(has_note(c.notes, "belong to no tunnel: Tunnel ID 0 and no Assigned Tunnel ID (frame 1)"))
      << all_notes(c.notes);
  EXPECT_TRUE(has_note(c.notes, "1 L2TPv3 packets (frame 2)")) << all_notes(c.notes);
  EXPECT_TRUE(has_note(c.notes, "neither L2TPv2 nor L2TPv3 (frame 4)")) << all_notes(c.notes);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
