// MS-CHAP Failure and Success texts (RFC 2433 8, RFC 2759 5 and 6; P086, P088).
#include "engine/ppp/auth/mschap_message.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::from_hex;

TEST(AuthMsChapFailureText, P088_ParsesAllFields) {
  const MsChapFailure f =
      parse_mschap_failure("E=691 R=1 C=0123456789ABCDEF0123456789ABCDEF V=3 M=Access denied, try again");
  EXPECT_EQ(f.error, 691u);
  EXPECT_EQ(f.retry, true);
  EXPECT_EQ(f.challenge_hex, "0123456789ABCDEF0123456789ABCDEF");
  EXPECT_EQ(f.version, 3u);
  EXPECT_EQ(f.text, "Access denied, try again");
}

TEST(AuthMsChapFailureText, Rfc2433FormWithoutMessageOrChallenge) {
  const MsChapFailure f = parse_mschap_failure("E=648 R=0 V=2");
  EXPECT_EQ(f.error, 648u);
  EXPECT_EQ(f.retry, false);
  EXPECT_EQ(f.challenge_hex, "");
  EXPECT_EQ(f.version, 2u);
  EXPECT_EQ(f.text, "");
}

TEST(AuthMsChapFailureText, UnknownAndBrokenFieldsAreIgnored) {
  const MsChapFailure f = parse_mschap_failure("  X=1 E=abc R=7 junk V= M=");
  EXPECT_EQ(f.error, std::nullopt);
  EXPECT_EQ(f.retry, std::nullopt);
  EXPECT_EQ(f.version, std::nullopt);
  EXPECT_EQ(f.text, "");
  const MsChapFailure empty = parse_mschap_failure("");
  EXPECT_EQ(empty.error, std::nullopt);
}

TEST(AuthMsChapFailureText, P088_BuildsTheRfcForm) {
  const Buffer c = from_hex("000102030405060708090a0b0c0d0eff");
  EXPECT_EQ(build_mschap_failure(691, false, c, 3, "Authentication failed"),
            "E=691 R=0 C=000102030405060708090A0B0C0D0EFF V=3 M=Authentication failed");
  EXPECT_EQ(build_mschap_failure(649, true, {}, 2, ""), "E=649 R=1 V=2");
}

TEST(AuthMsChapFailureText, DescribeNamesTheError) {
  EXPECT_EQ(describe(parse_mschap_failure("E=691 R=0 C=00 V=3 M=bad password")),
            "MS-CHAP error 691 ERROR_AUTHENTICATION_FAILURE, retry not allowed: bad password");
  EXPECT_EQ(describe(parse_mschap_failure("E=12345")), "MS-CHAP error 12345");
  EXPECT_EQ(describe(parse_mschap_failure("")), "MS-CHAP error (no E= code)");
  EXPECT_STREQ(mschap_error_name(709), "ERROR_CHANGING_PASSWORD");
  EXPECT_EQ(mschap_error_name(1), nullptr);
}

TEST(AuthMsChapV2SuccessText, P086_ParsesAuthenticatorResponseAndMessage) {
  const auto s = parse_mschap2_success("S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Welcome home");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->authenticator_response, "S=407A5589115FD0D6209F510FE9C04566932CDA56");
  EXPECT_EQ(s->text, "Welcome home");
  const auto bare = parse_mschap2_success("S=407A5589115FD0D6209F510FE9C04566932CDA56");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->text, "");
}

TEST(AuthMsChapV2SuccessText, P087_MissingAuthenticatorResponse) {
  EXPECT_EQ(parse_mschap2_success("M=Welcome"), std::nullopt);
  EXPECT_EQ(parse_mschap2_success(""), std::nullopt);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
