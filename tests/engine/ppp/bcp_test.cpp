// BCP (RFC 3518 5): which options we acknowledge, which we reject, what we request, and two
// endpoints negotiating so bridged frames may flow (P118).
#include "engine/ppp/bcp.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/cp_pair.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using testing::CpPair;

Buffer request_of(Bcp& p) {
  Buffer b;
  p.build_request(b);
  return b;
}

struct Judged {
  Code code;
  Buffer reply;
};
Judged judge(Bcp& p, const Buffer& options) {
  Judged j;
  j.code = p.judge_request(options, j.reply, false);
  return j;
}

TEST(Bcp, RequestsNothingByDefault) {
  Bcp p({});
  EXPECT_TRUE(request_of(p).empty());
}

TEST(Bcp, RequestsWhatIsConfigured) {
  BcpConfig cfg;
  cfg.mac_support = {bcp_mac::kEthernet, 4};
  cfg.mac_address = MacAddress{0x02, 0, 0, 0, 0, 1};
  cfg.tagged_frames = true;
  cfg.management_inline = true;
  Bcp p(cfg);
  EXPECT_EQ(request_of(p), (Buffer{3, 3, 1, 3, 3, 4, 6, 8, 0x02, 0, 0, 0, 0, 1, 8, 3, 1, 9, 2}));
}

TEST(Bcp, AcksTheOptionsOfATransparentBridge) {
  Bcp p({});
  const Buffer offer = {1, 4, 0x12, 0x31, 3,    3,    1,    3,    3, 4, 4, 3, 1,
                        6, 8, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 8, 3, 1, 9, 2};
  EXPECT_EQ(judge(p, offer).code, Code::ConfAck);
  EXPECT_EQ(p.peer_mac_support(), (std::vector<std::uint8_t>{1, 4}));
  EXPECT_EQ(p.peer_mac(), (MacAddress{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}));
  EXPECT_TRUE(p.peer_tinygram());
  EXPECT_TRUE(p.peer_tagged_frames());
  EXPECT_TRUE(p.peer_management_inline());
}

TEST(Bcp, RejectsWhatWeDoNotDo) {
  Bcp p({});
  const Buffer offer = {5,    6, 0, 0, 0, 1,        // LAN-Identification (obsolete)
                        7,    3, 1,                 // Spanning-Tree-Protocol (old)
                        10,   2,                    // Bridge Control Packet Indicator
                        6,    8, 0, 0, 0, 0, 0, 0,  // MAC-Address zero: assign me one
                        4,    3, 3,                 // Tinygram with a bad value
                        0x70, 2};                   // unknown
  const auto j = judge(p, offer);
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, offer);
}

TEST(Bcp, BridgeAndLineIdentificationExcludeEachOther) {
  Bcp p({});
  const auto j = judge(p, {1, 4, 0x12, 0x31, 2, 4, 0x45, 0x61});
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, (Buffer{2, 4, 0x45, 0x61}));
}

TEST(Bcp, RejectedOptionsAreDropped) {
  BcpConfig cfg;
  cfg.mac_support = {1, 4};
  cfg.management_inline = true;
  Bcp p(cfg);
  ASSERT_TRUE(p.handle_reject(Buffer{3, 3, 4, 9, 2}));
  EXPECT_EQ(request_of(p), (Buffer{3, 3, 1}));
}

TEST(BcpPairs, P118_BothEndsOpen) {
  BcpConfig a_cfg;
  a_cfg.mac_support = {bcp_mac::kEthernet};
  a_cfg.management_inline = true;
  Bcp a(a_cfg), b({});
  CpPair pair(a.automaton(), b.automaton());
  pair.start();
  ASSERT_TRUE(pair.drive_until_opened());
  EXPECT_EQ(b.peer_mac_support(), std::vector<std::uint8_t>{bcp_mac::kEthernet});
  EXPECT_TRUE(b.peer_management_inline());
  EXPECT_TRUE(a.management_inline());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
