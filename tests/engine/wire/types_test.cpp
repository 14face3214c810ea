#include "engine/wire/types.hpp"

#include <gtest/gtest.h>

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(Seq, ModularOrderingAcrossWrap) {
  EXPECT_TRUE(Seq::before(Seq{1}, Seq{2}));
  EXPECT_FALSE(Seq::before(Seq{2}, Seq{1}));
  EXPECT_TRUE(Seq::before(Seq{65535}, Seq{0}));
  EXPECT_TRUE(Seq::before(Seq{65000}, Seq{100}));
  EXPECT_FALSE(Seq::before(Seq{5}, Seq{5}));
  EXPECT_TRUE(Seq::before(Seq{0}, Seq{32767}));
  EXPECT_FALSE(Seq::before(Seq{0}, Seq{32768}));
  EXPECT_EQ(Seq{65535}.next().value, 0);
  EXPECT_EQ(Seq::distance(Seq{65534}, Seq{2}), 4);
}

TEST(MessageType, R020_DefinedTypes) {
  for (std::uint16_t v = 0; v < 40; ++v) {
    const bool known = v == 1 || v == 2 || v == 3 || v == 4 || v == 6 || (v >= 7 && v <= 12) || v == 14 ||
                       v == 15 || v == 16;
    EXPECT_EQ(is_known_message_type(v), known) << v;
  }
  EXPECT_EQ(to_string(MessageType::StopCcn), "StopCCN");
  EXPECT_TRUE(is_session_message(MessageType::Cdn));
  EXPECT_FALSE(is_session_message(MessageType::Hello));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
