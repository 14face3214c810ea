// PAP (RFC 1334 2.2) and CHAP (RFC 1994 4) packet codec: exact octets out, and every
// malformation in refused without reading past the data.
#include "engine/ppp/auth/packet.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::from_hex;

TEST(AuthPacket, HeaderChecks) {
  EXPECT_EQ(parse_packet(from_hex("0101")).error(), PacketError::ShorterThanHeader);
  EXPECT_EQ(parse_packet(from_hex("01010003")).error(), PacketError::LengthBelowHeader);
  EXPECT_EQ(parse_packet(from_hex("0101000600")).error(), PacketError::LengthBeyondPacket);
  const Buffer padded = from_hex("0307000400");
  const auto ok = parse_packet(padded);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->code, 3);
  EXPECT_EQ(ok->id, 7);
  EXPECT_TRUE(ok->data.empty());  // the octet past Length is padding
}

TEST(AuthPacket, OctetsPastLengthAreIgnored) {
  const Buffer packet = from_hex("0209000602aaffffff");  // views point into it: keep it alive
  const auto p = parse_packet(packet);
  ASSERT_TRUE(p);
  EXPECT_EQ(to_hex(p->data), "02aa");
}

TEST(AuthPacket, ChapChallengeOctets) {
  Buffer out;
  write_chap_value(out, ChapCode::Challenge, 0x11, from_hex("a1a2a3"), "lns");
  EXPECT_EQ(to_hex(out), "0111000b03a1a2a36c6e73");
  const auto p = parse_packet(out);
  ASSERT_TRUE(p);
  const auto v = parse_chap_value(p->data);
  ASSERT_TRUE(v);
  EXPECT_EQ(to_hex(v->value), "a1a2a3");
  EXPECT_EQ(as_string_view(v->name), "lns");
}

TEST(AuthPacket, ChapValueSizeChecks) {
  EXPECT_EQ(parse_chap_value(from_hex("")).error(), PacketError::BadValueSize);
  EXPECT_EQ(parse_chap_value(from_hex("00")).error(), PacketError::BadValueSize);  // RFC 1994: >= 1
  EXPECT_EQ(parse_chap_value(from_hex("03aabb")).error(), PacketError::BadValueSize);
  const Buffer value_only = from_hex("01aa");
  const auto no_name = parse_chap_value(value_only);
  ASSERT_TRUE(no_name);
  EXPECT_TRUE(no_name->name.empty());
}

TEST(AuthPacket, ChapStatusOctets) {
  Buffer out;
  write_chap_status(out, ChapCode::Failure, 0xfe, "no");
  EXPECT_EQ(to_hex(out), "04fe00066e6f");
  write_chap_status(out, ChapCode::Success, 1, "");
  EXPECT_EQ(to_hex(out), "03010004");  // the writer replaces, not appends
}

TEST(AuthPacket, PapRequestOctetsAndParse) {
  Buffer out;
  write_pap_request(out, 0x42, "bob", "pw");
  EXPECT_EQ(to_hex(out), "0142000b03626f62027077");
  const auto p = parse_packet(out);
  ASSERT_TRUE(p);
  const auto r = parse_pap_request(p->data);
  ASSERT_TRUE(r);
  EXPECT_EQ(as_string_view(r->peer_id), "bob");
  EXPECT_EQ(as_string_view(r->password), "pw");
}

TEST(AuthPacket, PapRequestFieldChecks) {
  EXPECT_EQ(parse_pap_request(from_hex("")).error(), PacketError::BadPapField);
  EXPECT_EQ(parse_pap_request(from_hex("0361")).error(), PacketError::BadPapField);
  EXPECT_EQ(parse_pap_request(from_hex("0161")).error(), PacketError::BadPapField);  // no Passwd-Length
  EXPECT_EQ(parse_pap_request(from_hex("016105")).error(), PacketError::BadPapField);
  const Buffer empty_fields = from_hex("0000");
  const auto empty = parse_pap_request(empty_fields);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->peer_id.empty());
}

TEST(AuthPacket, PapReplyOctetsAndLenientMessage) {
  Buffer out;
  write_pap_reply(out, PapCode::AuthenticateNak, 9, "bad");
  EXPECT_EQ(to_hex(out), "0309000803626164");
  EXPECT_EQ(parse_pap_message(from_hex("03626164")), "bad");
  EXPECT_EQ(parse_pap_message(from_hex("")), "");          // no Msg-Length at all
  EXPECT_EQ(parse_pap_message(from_hex("096162")), "ab");  // Msg-Length past the data
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
