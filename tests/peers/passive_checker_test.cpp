// peers/passive_checker: every datagram from the peer held against the stateless rules, the
// engine's findings added, counted per rule and listed with the frame that shows them.
#include "peers/passive_checker.hpp"

#include <gtest/gtest.h>

#include "engine/wire/message.hpp"
#include "tests/support/sample_messages.hpp"

namespace l2tp::peers {
namespace {

Buffer encode(const wire::ControlMessage& m, const std::string& secret = "") {
  Buffer b;
  EXPECT_TRUE(wire::encode_control(m, wire::EncodeOptions::hiding(as_bytes(secret)), b));
  return b;
}

TEST(PassiveChecker, CorrectMessagesBreakNothingHiddenOnesIncluded) {
  PassiveChecker c(testing::kTestSecret);
  std::uint64_t frame = 0;
  for (bool hidden : {false, true})
    for (const auto& m : testing::sample_messages(hidden))
      c.observe(encode(m, testing::kTestSecret), ++frame, Time{});
  EXPECT_EQ(c.total(), 0u) << (c.kept().empty() ? "" : c.kept()[0].rule + " " + c.kept()[0].detail);
}

TEST(PassiveChecker, R010_R185_EachViolationIsCountedAndListedWithItsFrame) {
  PassiveChecker c("", 2);
  auto m = wire::make_control(MessageType::Sccrq, TunnelId{}, SessionId{});
  m.header.priority = true;  // R010: P bit on a control message
  m.avps.push_back(wire::make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
  m.avps.push_back(wire::make_avp(AvpType::FramingCapabilities, std::uint32_t{3}));
  m.avps.push_back(wire::make_avp(AvpType::AssignedTunnelId, std::uint16_t{5}));  // no Host Name: R185
  const Buffer bytes = encode(m);
  c.observe(bytes, 7, Time{});
  c.observe(bytes, 9, Time{});
  EXPECT_EQ(c.total(), 4u);
  EXPECT_EQ(c.by_rule().at("R010"), 2u);
  EXPECT_EQ(c.by_rule().at("R185"), 2u);
  ASSERT_EQ(c.kept().size(), 2u);  // keeps the first two
  EXPECT_EQ(c.kept()[0].frame, 7u);
  EXPECT_FALSE(c.kept()[0].stateful);
  // The engine's finding is blamed on the last datagram in.
  c.engine_violation("R134", "ICRQ before the tunnel was established", Time{});
  EXPECT_EQ(c.total(), 5u);
  EXPECT_EQ(c.by_rule().at("R134"), 1u);
}

TEST(PassiveChecker, UndecodableDatagramIsAViolationNotACrash) {
  PassiveChecker c("");
  c.observe(Buffer{0xc8, 0x02, 0x00}, 1, Time{});  // a header cut short
  ASSERT_EQ(c.total(), 1u);
  EXPECT_EQ(c.kept()[0].frame, 1u);
}

}  // namespace
}  // namespace l2tp::peers
