// MS-CHAP computations against the RFC worked examples:
// - RFC 2759 9.2 (user "User", password "clientPass"): ChallengeHash, NtPasswordHash,
//   NT-Response, PasswordHashHash and the AuthenticatorResponse.
// - RFC 2433 B.2 (password "MyPw", challenge 102DB5DF085D3041): NtPasswordHash and
//   NtChallengeResponse.
// Values the RFCs do not give were computed with independent tools: MD4 of UTF-16LE with
// `python3 -c 'print(pw.encode("utf-16-le").hex())' | xxd -r -p | openssl dgst -md4
// -provider legacy -provider default`, and LAN Manager values with `openssl enc -des-ecb`
// over "KGS!@#$%" (the LM hash of "password", E52CAC67419A9A224A3B108F3FA6CB6D, is also the
// widely published one).
#include "engine/ppp/auth/mschap.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::from_hex;

const Buffer kAuthChallenge = from_hex("5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28");
const Buffer kPeerChallenge = from_hex("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E");
const Buffer kV1Challenge = from_hex("10 2D B5 DF 08 5D 30 41");

Bytes16 b16(const Buffer& b) {
  return Bytes16(b.data(), 16);
}
Bytes8 b8(const Buffer& b) {
  return Bytes8(b.data(), 8);
}

TEST(AuthMsChapV2, Rfc2759Section9_2_Password) {
  EXPECT_EQ(to_hex(utf16le("clientPass")), "63006c00690065006e0074005000610073007300");
  EXPECT_EQ(to_upper_hex(nt_password_hash("clientPass")), "44EBBA8D5312B8D611474411F56989AE");
  EXPECT_EQ(to_upper_hex(hash_nt_password_hash(nt_password_hash("clientPass"))),
            "41C00C584BD2D91C4017A2A12FA59F3F");
}

TEST(AuthMsChapV2, Rfc2759Section9_2_ChallengeHash) {
  EXPECT_EQ(to_upper_hex(challenge_hash(b16(kPeerChallenge), b16(kAuthChallenge), "User")),
            "D02E4386BCE91226");
}

TEST(AuthMsChapV2, Rfc2759Section9_2_NtResponse) {
  EXPECT_EQ(
      to_upper_hex(generate_nt_response(b16(kAuthChallenge), b16(kPeerChallenge), "User", "clientPass")),
      "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");
}

TEST(AuthMsChapV2, P086_Rfc2759Section9_2_AuthenticatorResponse) {
  const ChallengeResponseValue nt =
      generate_nt_response(b16(kAuthChallenge), b16(kPeerChallenge), "User", "clientPass");
  EXPECT_EQ(
      generate_authenticator_response("clientPass", nt, b16(kPeerChallenge), b16(kAuthChallenge), "User"),
      "S=407A5589115FD0D6209F510FE9C04566932CDA56");
}

TEST(AuthMsChapV2, P085_ResponseValueLayout) {
  const Buffer v = mschap2_response_value(b16(kAuthChallenge), b16(kPeerChallenge), "User", "clientPass");
  ASSERT_EQ(v.size(), kMsChapResponseSize);
  EXPECT_EQ(to_upper_hex(Bytes(v).subspan(0, 16)), to_upper_hex(kPeerChallenge));
  EXPECT_EQ(to_hex(Bytes(v).subspan(16, 8)), "0000000000000000");
  EXPECT_EQ(to_upper_hex(Bytes(v).subspan(24, 24)), "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");
  EXPECT_EQ(v[48], 0);  // Flags MUST be zero
}

TEST(AuthMsChapV2, UserNameDropsTheDomain) {
  EXPECT_EQ(mschap_user_name("BIGCO\\johndoe"), "johndoe");
  EXPECT_EQ(mschap_user_name("johndoe"), "johndoe");
  EXPECT_EQ(mschap_user_name("A\\B\\c"), "c");
  EXPECT_EQ(mschap_user_name(""), "");
}

TEST(AuthMsChapV1, Rfc2433AppendixB2) {
  EXPECT_EQ(to_hex(utf16le("MyPw")), "4d00790050007700");
  EXPECT_EQ(to_upper_hex(nt_password_hash("MyPw")), "FC156AF7EDCD6C0EDDE3337D427F4EAC");
  EXPECT_EQ(to_upper_hex(nt_challenge_response(b8(kV1Challenge), "MyPw")),
            "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61");
}

TEST(AuthMsChapV1, P081_ResponseValueLayout) {
  const Buffer v = mschap1_response_value(b8(kV1Challenge), "MyPw");
  ASSERT_EQ(v.size(), kMsChapResponseSize);
  EXPECT_EQ(to_hex(Bytes(v).subspan(0, 24)), std::string(48, '0'));  // LM zero-filled
  EXPECT_EQ(to_upper_hex(Bytes(v).subspan(24, 24)), "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61");
  EXPECT_EQ(v[48], 1);  // use the NT response
}

TEST(AuthMsChapV1, LanManagerKnownAnswers) {
  EXPECT_EQ(to_upper_hex(*lm_password_hash("password")), "E52CAC67419A9A224A3B108F3FA6CB6D");
  EXPECT_EQ(to_upper_hex(*lm_password_hash("PassWord")), "E52CAC67419A9A224A3B108F3FA6CB6D");  // case-blind
  EXPECT_EQ(to_hex(*lm_challenge_response(b8(kV1Challenge), "MyPw")),
            "91881d0152ab0c33c524135ec24a95ee64e23cdc2d33347d");
  EXPECT_EQ(lm_password_hash("fifteen-chars!!"), std::nullopt);
  EXPECT_NE(lm_password_hash("fourteen-chars"), std::nullopt);
}

TEST(AuthMsChapPassword, NonAsciiIsUtf16) {
  // python3: "pässwörd".encode("utf-16-le"); MD4 via openssl dgst -md4.
  EXPECT_EQ(to_hex(utf16le("p\xc3\xa4sswörd")), "7000e400730073007700f60072006400");
  EXPECT_EQ(to_hex(nt_password_hash("pässwörd")), "0553152250ac01adb4213cb9938663e4");
  // U+1F600 needs a surrogate pair.
  EXPECT_EQ(to_hex(utf16le("p\xf0\x9f\x98\x80w")), "70003dd800de7700");
  EXPECT_EQ(to_hex(nt_password_hash("p\xf0\x9f\x98\x80w")), "6b06667388f00da5001c1f5f34131271");
}

TEST(AuthMsChapPassword, InvalidUtf8FallsBackToLatin1) {
  EXPECT_EQ(to_hex(utf16le("\xff")), "ff00");
  EXPECT_EQ(to_hex(utf16le("a\xc3")), "6100c300");             // truncated sequence
  EXPECT_EQ(to_hex(utf16le("\xc0\xaf")), "c000af00");          // overlong "/"
  EXPECT_EQ(to_hex(utf16le("\xed\xa0\x80")), "ed00a0008000");  // encoded surrogate
  EXPECT_EQ(to_hex(utf16le("")), "");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
