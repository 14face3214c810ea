// Method names (RouterOS vocabulary) and the LCP Authentication-Protocol mapping.
#include "engine/ppp/auth/auth.hpp"

#include <gtest/gtest.h>

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

TEST(AuthMethod, RouterOsNamesRoundTrip) {
  EXPECT_STREQ(to_string(Method::Pap), "pap");
  EXPECT_STREQ(to_string(Method::ChapMd5), "chap");
  EXPECT_STREQ(to_string(Method::MsChapV1), "mschap1");
  EXPECT_STREQ(to_string(Method::MsChapV2), "mschap2");
  for (Method m : kAllMethods) EXPECT_EQ(method_from_string(to_string(m)), m);
  EXPECT_EQ(method_from_string("MSCHAP2"), std::nullopt);
  EXPECT_EQ(method_from_string("eap"), std::nullopt);
  EXPECT_EQ(method_from_string(""), std::nullopt);
}

TEST(AuthMethod, P064_PapIsC023WithoutData) {
  EXPECT_EQ(lcp_protocol(Method::Pap), 0xc023);
  EXPECT_EQ(chap_algorithm(Method::Pap), std::nullopt);
  EXPECT_EQ(method_from_lcp(0xc023, std::nullopt), Method::Pap);
  EXPECT_EQ(method_from_lcp(0xc023, 0x05), std::nullopt);
}

TEST(AuthMethod, P070_P079_P083_ChapAlgorithms) {
  EXPECT_EQ(lcp_protocol(Method::ChapMd5), 0xc223);
  EXPECT_EQ(chap_algorithm(Method::ChapMd5), 0x05);
  EXPECT_EQ(chap_algorithm(Method::MsChapV1), 0x80);
  EXPECT_EQ(chap_algorithm(Method::MsChapV2), 0x81);
  for (Method m : kAllMethods) EXPECT_EQ(method_from_lcp(lcp_protocol(m), chap_algorithm(m)), m);
  EXPECT_EQ(method_from_lcp(0xc223, std::nullopt), std::nullopt);
  EXPECT_EQ(method_from_lcp(0xc223, 0x06), std::nullopt);          // SHA-1 CHAP: not implemented
  EXPECT_EQ(method_from_lcp(0xc227, std::nullopt), std::nullopt);  // EAP
}

TEST(AuthConfig, PassiveWaitIsRestartTimesAttempts) {
  AuthConfig cfg;
  cfg.restart = std::chrono::seconds(2);
  cfg.max_attempts = 4;
  EXPECT_EQ(cfg.passive_wait(), std::chrono::seconds(8));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
