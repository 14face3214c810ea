#include "ipsec/charon_reason.hpp"

#include <gtest/gtest.h>

namespace l2tp::ipsec {
namespace L2TPSIM_FILE_ID {

// The lines charon 5.9.8 streamed (control-log) in each case, taken from real runs.
TEST(CharonReason, KernelWithoutEspIsSaidPlainly) {
  const std::vector<std::string> log{
      "selected proposal: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ",
      "received netlink error: Protocol not supported (93)",
      "unable to add SAD entry with SPI ceb8b2a1 (FAILED)",
      "unable to install inbound and outbound IPsec SA (SAD) in kernel",
  };
  const auto r = failure_reason("establishing CHILD_SA 'l2tp' failed", log, "192.0.2.2");
  EXPECT_EQ(r.rfind("kernel has no ESP", 0), 0u) << r;
  EXPECT_NE(r.find("192.0.2.2"), std::string::npos);
  EXPECT_NE(r.find("(charon: unable to add SAD entry with SPI ceb8b2a1 (FAILED))"), std::string::npos) << r;
}

TEST(CharonReason, WrongPreSharedKey) {
  const std::vector<std::string> log{
      "invalid HASH_V1 payload length, decryption failed?",
      "could not decrypt payloads",
      "giving up after 3 retransmits",
      "establishing IKE_SA failed, peer not responding",
  };
  const auto r = failure_reason("establishing CHILD_SA 'l2tp' failed", log, "192.0.2.2");
  EXPECT_NE(r.find("pre-shared key differs"), std::string::npos) << r;
  EXPECT_NE(r.find("--ipsec-secret"), std::string::npos);
}

TEST(CharonReason, SilentPeerAndNoProposal) {
  EXPECT_NE(failure_reason("x", {"establishing IKE_SA failed, peer not responding"}, "p")
                .find("no answer to IKE from p"),
            std::string::npos);
  EXPECT_NE(
      failure_reason("x", {"received NO_PROPOSAL_CHOSEN error notify"}, "p").find("none of our proposals"),
      std::string::npos);
}

TEST(CharonReason, UnknownFailureKeepsCharonsWords) {
  EXPECT_EQ(failure_reason("establishing CHILD_SA 'l2tp' failed", {"something new"}, "p"),
            "establishing CHILD_SA 'l2tp' failed (charon: something new)");
  EXPECT_EQ(failure_reason("", {}, "p"), "IPsec failed");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ipsec
