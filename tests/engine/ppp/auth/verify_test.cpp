// The local credential check for each method, right and wrong password, and Response
// Values of the wrong size. MS-CHAP known answers come from RFC 2759 9.2 and RFC 2433 B.2;
// CHAP-MD5 from Python's hashlib (see chap_md5_test.cpp).
#include "engine/ppp/auth/verify.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::from_hex;

Credentials rfc2759_credentials(std::string user = "User") {
  Credentials c;
  c.method = Method::MsChapV2;
  c.user = std::move(user);
  c.chap_id = 1;
  c.challenge = from_hex("5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28");
  c.response = from_hex(
      "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"
      "00 00 00 00 00 00 00 00"
      "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF"
      "00");
  return c;
}

Credentials rfc2433_credentials() {
  Credentials c;
  c.method = Method::MsChapV1;
  c.user = "someone";
  c.challenge = from_hex("10 2D B5 DF 08 5D 30 41");
  c.response = Buffer(24, 0);
  const Buffer nt = from_hex("4E 9D 3C 8F 9C FD 38 5D 5B F4 D3 24 67 91 95 6C A4 C3 51 AB 40 9A 3D 61");
  c.response.insert(c.response.end(), nt.begin(), nt.end());
  c.response.push_back(1);
  return c;
}

TEST(AuthVerifyWithPassword, Pap) {
  Credentials c;
  c.method = Method::Pap;
  c.user = "bob";
  c.password = "secret";
  EXPECT_TRUE(verify_with_password(c, "secret").accepted);
  const Verdict no = verify_with_password(c, "Secret");
  EXPECT_FALSE(no.accepted);
  EXPECT_EQ(no.message, "");  // the authenticator writes the text
  EXPECT_EQ(no.reason, "wrong password");
  EXPECT_FALSE(verify_with_password(c, "secret2").accepted);
  EXPECT_FALSE(verify_with_password(c, "").accepted);
}

TEST(AuthVerifyWithPassword, P070_ChapMd5) {
  Credentials c;
  c.method = Method::ChapMd5;
  c.chap_id = 0x2a;
  c.challenge = from_hex("000102030405060708090a0b0c0d0e0f");
  c.response = from_hex("03dc98c5a832692b49df73cf48fcb4e9");
  EXPECT_TRUE(verify_with_password(c, "secret").accepted);
  EXPECT_FALSE(verify_with_password(c, "secrets").accepted);
  c.chap_id = 0x2b;  // the Identifier is hashed too
  EXPECT_FALSE(verify_with_password(c, "secret").accepted);
  c.chap_id = 0x2a;
  c.response.pop_back();
  const Verdict v = verify_with_password(c, "secret");
  EXPECT_FALSE(v.accepted);
  EXPECT_EQ(v.reason, "CHAP-MD5 response has 15 octets, expected 16");
}

TEST(AuthVerifyWithPassword, P081_MsChapV1NtResponse) {
  const Credentials c = rfc2433_credentials();
  EXPECT_TRUE(verify_with_password(c, "MyPw").accepted);
  EXPECT_FALSE(verify_with_password(c, "mypw").accepted);  // NT passwords are case-sensitive
  EXPECT_TRUE(verify_with_password(c, "MyPw").authenticator_response.empty());
}

TEST(AuthVerifyWithPassword, MsChapV1LanManagerResponseWhenFlagIsZero) {
  Credentials c = rfc2433_credentials();
  const Buffer lm = from_hex("91881d0152ab0c33c524135ec24a95ee64e23cdc2d33347d");
  std::copy(lm.begin(), lm.end(), c.response.begin());
  c.response[48] = 0;
  EXPECT_TRUE(verify_with_password(c, "MyPw").accepted);
  EXPECT_TRUE(verify_with_password(c, "MYPW").accepted);  // LAN Manager is case-blind
  EXPECT_FALSE(verify_with_password(c, "other").accepted);
}

TEST(AuthVerifyWithPassword, MsChapV1WrongSizes) {
  Credentials c = rfc2433_credentials();
  c.response.push_back(0);
  EXPECT_EQ(verify_with_password(c, "MyPw").reason, "MS-CHAPv1 response has 50 octets, expected 49");
  c = rfc2433_credentials();
  c.challenge.push_back(0);
  EXPECT_FALSE(verify_with_password(c, "MyPw").accepted);
}

TEST(AuthVerifyWithPassword, P086_MsChapV2ComputesAuthenticatorResponse) {
  const Verdict v = verify_with_password(rfc2759_credentials(), "clientPass");
  EXPECT_TRUE(v.accepted);
  EXPECT_EQ(v.authenticator_response, "S=407A5589115FD0D6209F510FE9C04566932CDA56");
  const Verdict no = verify_with_password(rfc2759_credentials(), "clientpass");
  EXPECT_FALSE(no.accepted);
  EXPECT_TRUE(no.authenticator_response.empty());
}

TEST(AuthVerifyWithPassword, MsChapV2HashesTheNameWithoutDomain) {
  EXPECT_TRUE(verify_with_password(rfc2759_credentials("CORP\\User"), "clientPass").accepted);
  EXPECT_FALSE(verify_with_password(rfc2759_credentials("user"), "clientPass").accepted);
}

TEST(AuthVerifyWithPassword, MsChapV2WrongSizes) {
  Credentials c = rfc2759_credentials();
  c.challenge.resize(8);
  EXPECT_EQ(verify_with_password(c, "clientPass").reason, "MS-CHAPv2 challenge has 8 octets, expected 16");
  c = rfc2759_credentials();
  c.response.resize(48);
  EXPECT_FALSE(verify_with_password(c, "clientPass").accepted);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
