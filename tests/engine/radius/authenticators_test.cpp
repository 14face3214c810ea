// RADIUS cryptography against known answers: RFC 2865 section 7 (password hiding, Response
// Authenticator), RFC 2202 2 (HMAC-MD5), and values computed with python3 hashlib/hmac for
// Message-Authenticator (RFC 3579 3.2) and the Accounting Request Authenticator (RFC 2866 3).
#include "engine/radius/authenticators.hpp"

#include <gtest/gtest.h>

namespace l2tp::radius {
namespace L2TPSIM_FILE_ID {

Buffer from_hex(std::string_view hex) {
  Buffer out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

Authenticator auth_of(std::string_view hex) {
  Authenticator a{};
  const Buffer b = from_hex(hex);
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

constexpr std::string_view kSecret = "xyzzy5461";
const Authenticator kRfcRequestAuth = auth_of("0f403f9473978057bd83d5cb98f4227a");  // RFC 2865 7.1

TEST(RadiusHmacMd5, Rfc2202Vectors) {
  EXPECT_EQ(to_hex(hmac_md5(Buffer(16, 0x0b), as_bytes("Hi There"))), "9294727a3638bb1c13f48ef8158bfc9d");
  EXPECT_EQ(to_hex(hmac_md5(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "750c783e6ab0b503eaa86e310a5db738");
  // A key longer than the 64-octet block is hashed first.
  EXPECT_EQ(
      to_hex(hmac_md5(Buffer(80, 0xaa), as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
}

TEST(RadiusUserPassword, HidesAsInRfc2865Example) {
  auto h = hide_password("arctangent", kSecret, kRfcRequestAuth);
  ASSERT_TRUE(h);
  EXPECT_EQ(to_hex(*h), "0dbe708d93d413ce3196e43f782a0aee");
  auto back = unhide_password(*h, kSecret, kRfcRequestAuth);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "arctangent");
}

TEST(RadiusUserPassword, ChainsBlocksBeyondSixteenOctets) {
  const std::string pw = "a much longer password, 40 octets long!!";
  auto h = hide_password(pw, kSecret, kRfcRequestAuth);
  ASSERT_TRUE(h);
  EXPECT_EQ(
      to_hex(*h),
      "0dec7e8c91d254c7308c835a0a0a7a8fe8544284c3f569959ea30b0a95d5e2afa0f69debb5c25e5beed676ee74e4cef0");
  EXPECT_EQ(*unhide_password(*h, kSecret, kRfcRequestAuth), pw);
  EXPECT_NE(*unhide_password(*h, "other", kRfcRequestAuth), pw);
}

TEST(RadiusUserPassword, Limits) {
  EXPECT_EQ(hide_password("", kSecret, kRfcRequestAuth)->size(), 16u);
  EXPECT_EQ(hide_password(std::string(128, 'p'), kSecret, kRfcRequestAuth)->size(), 128u);
  EXPECT_FALSE(hide_password(std::string(129, 'p'), kSecret, kRfcRequestAuth));
  EXPECT_FALSE(unhide_password(Buffer(15, 0), kSecret, kRfcRequestAuth));
  EXPECT_FALSE(unhide_password(Buffer{}, kSecret, kRfcRequestAuth));
  EXPECT_FALSE(unhide_password(Buffer(144, 0), kSecret, kRfcRequestAuth));
}

TEST(RadiusResponseAuthenticator, SignsRfc2865AcceptsExactly) {
  // RFC 2865 7.1 Access-Accept, authenticator field blanked, then signed.
  const Buffer rfc = from_hex("0200002686fe220e7624ba2a1005f6bf9b55e0b20606000000010f06000000000e06c0a80103");
  Buffer b = rfc;
  std::fill(b.begin() + 4, b.begin() + 20, 0);
  ASSERT_TRUE(sign_response(b, kRfcRequestAuth, kSecret));
  EXPECT_EQ(b, rfc);
  EXPECT_TRUE(verify_response(rfc, kRfcRequestAuth, kSecret, false));
  // RFC 2865 7.2, the CHAP exchange.
  const Buffer chap_accept = from_hex(
      "0201003815efbc7dab26cfa3dc34d9c03c8601a40606000000020706000000010806fffffffe0a06000000020d060000000"
      "10c06000005dc");
  EXPECT_TRUE(verify_response(chap_accept, auth_of("2aee86f08d0d55969ca5978e0d3367a2"), kSecret, false));
}

TEST(RadiusResponseAuthenticator, RejectsForgeryWrongSecretAndWrongRequest) {
  const Buffer rfc = from_hex("0200002686fe220e7624ba2a1005f6bf9b55e0b20606000000010f06000000000e06c0a80103");
  for (std::size_t i = 0; i < rfc.size(); ++i) {
    if (i == 2 || i == 3) continue;  // Length changes are decode errors, also refused
    Buffer b = rfc;
    b[i] ^= 0x01;
    EXPECT_FALSE(verify_response(b, kRfcRequestAuth, kSecret, false)) << i;
  }
  EXPECT_FALSE(verify_response(rfc, kRfcRequestAuth, "xyzzy5462", false));
  EXPECT_FALSE(verify_response(rfc, auth_of("00000000000000000000000000000000"), kSecret, false));
  auto e = verify_response(rfc, kRfcRequestAuth, kSecret, true);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("Message-Authenticator"), std::string::npos);
}

TEST(RadiusMessageAuthenticator, SignsAccessRequestAsHmacMd5) {
  // The RFC 2865 7.1 request with a zeroed Message-Authenticator appended (Length 74).
  Buffer b = from_hex(
      "0100004a0f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110"
      "050600000003501200000000000000000000000000000000");
  ASSERT_TRUE(sign_request(b, kSecret));
  EXPECT_EQ(to_hex(Bytes(b).subspan(58)), "63b78a6b9d2f149989fbf57ea21d194c");
  EXPECT_EQ(to_hex(Bytes(b).subspan(4, 16)), "0f403f9473978057bd83d5cb98f4227a");  // untouched
  EXPECT_TRUE(verify_request(b, kSecret));
  b[25] ^= 1;  // a change in User-Password
  EXPECT_FALSE(verify_request(b, kSecret));
}

TEST(RadiusMessageAuthenticator, ResponseSignedAndChecked) {
  // Access-Accept (Framed-IP-Address 10.0.0.1, Message-Authenticator) answering RFC 2865 7.1.
  const Buffer expect =
      from_hex("0200002c187408bc082f32d4186a99a1667ed43208060a0000015012135b02202b5ff73f8d6ff96fc99d77bf");
  Buffer b =
      from_hex("0200002c0000000000000000000000000000000008060a000001501200000000000000000000000000000000");
  ASSERT_TRUE(sign_response(b, kRfcRequestAuth, kSecret));
  EXPECT_EQ(b, expect);
  EXPECT_TRUE(verify_response(expect, kRfcRequestAuth, kSecret, true));
  // Re-signing the Response Authenticator after tampering with the MA still fails the MA.
  Buffer forged = expect;
  forged[30] ^= 0x80;
  std::fill(forged.begin() + 4, forged.begin() + 20, 0);
  const auto body = Bytes(forged).subspan(20);
  const auto ra = crypto::md5({Bytes(forged).first(4), kRfcRequestAuth, body, as_bytes(kSecret)});
  std::copy(ra.begin(), ra.end(), forged.begin() + 4);
  auto e = verify_response(forged, kRfcRequestAuth, kSecret, false);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("Message-Authenticator does not match"), std::string::npos) << e.error();
}

TEST(RadiusMessageAuthenticator, WrongSizeOrDuplicateIsRefused) {
  Buffer b = from_hex("020000180000000000000000000000000000000050040000");
  EXPECT_FALSE(sign_response(b, kRfcRequestAuth, kSecret));
  Buffer two = from_hex(
      "0200003800000000000000000000000000000000501200000000000000000000000000000000"
      "501200000000000000000000000000000000");
  EXPECT_FALSE(sign_response(two, kRfcRequestAuth, kSecret));
}

TEST(RadiusAccountingAuthenticator, Rfc2866RequestAuthenticator) {
  // Acct-Status-Type Start, Acct-Session-Id "abc", NAS-Identifier "nas"; Identifier 7.
  Buffer b = from_hex(
      "0407002400000000000000000000000000000000280600000001"
      "2c05616263"
      "20056e6173");
  ASSERT_TRUE(sign_request(b, kSecret));
  EXPECT_EQ(to_hex(b), "04070024174d0a2e1ad64d5dde7d98bb9e1875de2806000000012c0561626320056e6173");
  EXPECT_TRUE(verify_request(b, kSecret));
  EXPECT_FALSE(verify_request(b, "wrong"));
  b.back() ^= 1;
  EXPECT_FALSE(verify_request(b, kSecret));
}

TEST(RadiusAccountingAuthenticator, MessageAuthenticatorComputedOverZeroAuthenticator) {
  Buffer b = from_hex(
      "0407002c00000000000000000000000000000000280600000001"
      "501200000000000000000000000000000000");
  ASSERT_TRUE(sign_request(b, kSecret));
  EXPECT_EQ(to_hex(b),
            "0407002c6881e8370dc1571d4ccf5181148166e92806000000015012f8d7ccf4465d5fac6e60f3b90949c8ad");
  EXPECT_TRUE(verify_request(b, kSecret));
  b[30] ^= 1;  // inside the Message-Authenticator
  auto e = verify_request(b, kSecret);
  EXPECT_FALSE(e);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::radius
