// P070 (RFC 1994 4.1): Response Value = MD5(Identifier || secret || Challenge Value). The
// expected digests were computed with Python:
//   hashlib.md5(bytes([0x2a]) + b"secret" + bytes(range(16))).hexdigest()
//   hashlib.md5(bytes([0xff]) + b"s3cr3t!" + bytes.fromhex("0102030405")).hexdigest()
#include "engine/ppp/auth/chap_md5.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::from_hex;

TEST(AuthChapMd5, P070_KnownAnswer) {
  const Buffer challenge = from_hex("000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(to_hex(chap_md5_response(0x2a, "secret", challenge)), "03dc98c5a832692b49df73cf48fcb4e9");
}

TEST(AuthChapMd5, P070_KnownAnswerShortChallengeHighIdentifier) {
  const Buffer challenge = from_hex("0102030405");
  EXPECT_EQ(to_hex(chap_md5_response(0xff, "s3cr3t!", challenge)), "f30c41b927df4f3a58c9b1871ebe28d5");
}

TEST(AuthChapMd5, IdentifierIsPartOfTheHash) {
  const Buffer challenge = from_hex("000102030405060708090a0b0c0d0e0f");
  EXPECT_NE(chap_md5_response(0x2a, "secret", challenge), chap_md5_response(0x2b, "secret", challenge));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
