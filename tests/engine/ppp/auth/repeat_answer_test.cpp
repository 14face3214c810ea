// RepeatAnswer: what an LNS link keeps of its authenticator once up (P066, P075).
#include "engine/ppp/auth/repeat_answer.hpp"

#include <gtest/gtest.h>

#include "engine/ppp/auth/packet.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

Buffer chap_response(std::uint8_t id) {
  Buffer out;
  const std::uint8_t value[16] = {};
  write_chap_value(out, ChapCode::Response, id, Bytes(value, sizeof value), "alice");
  return out;
}

Buffer pap_request(std::uint8_t id) {
  Buffer out;
  write_pap_request(out, id, "alice", "secret");
  return out;
}

TEST(RepeatAnswer, ChapResponseWithTheAnsweredIdentifierGetsTheSameSuccess) {
  Buffer success;
  write_chap_status(success, ChapCode::Success, 7, "Welcome");
  const RepeatAnswer r(Method::ChapMd5, success);
  EXPECT_EQ(r.protocol(), 0xc223);
  Buffer out;
  ASSERT_TRUE(r.answer(chap_response(7), out));
  EXPECT_EQ(out, success);
  // A Response to another Challenge is not the one answered (RFC 1994 4.1).
  EXPECT_FALSE(r.answer(chap_response(8), out));
  // Not a Response, or malformed: nothing to repeat.
  Buffer challenge;
  const std::uint8_t v[16] = {};
  write_chap_value(challenge, ChapCode::Challenge, 7, Bytes(v, sizeof v), "lns");
  EXPECT_FALSE(r.answer(challenge, out));
  const std::uint8_t short_packet[] = {2, 7, 0};
  EXPECT_FALSE(r.answer(Bytes(short_packet, sizeof short_packet), out));
}

TEST(RepeatAnswer, PapRequestGetsTheSameAckWithItsOwnIdentifier) {
  Buffer ack;
  write_pap_reply(ack, PapCode::AuthenticateAck, 3, "ok");
  const RepeatAnswer r(Method::Pap, ack);
  EXPECT_EQ(r.protocol(), 0xc023);
  Buffer out;
  ASSERT_TRUE(r.answer(pap_request(9), out));  // P066: the repeat's own Identifier
  ASSERT_EQ(out.size(), ack.size());
  EXPECT_EQ(out[0], static_cast<std::uint8_t>(PapCode::AuthenticateAck));
  EXPECT_EQ(out[1], 9);
  EXPECT_TRUE(std::equal(out.begin() + 2, out.end(), ack.begin() + 2));
  // A PAP Ack from the peer is no request.
  EXPECT_FALSE(r.answer(ack, out));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
