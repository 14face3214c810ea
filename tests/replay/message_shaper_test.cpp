// The shaper keeps the captured AVPs (order, flags, vendor and unknown AVPs, values) and takes
// only the live parts from the engine's message.
#include "replay/message_shaper.hpp"

#include <gtest/gtest.h>

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

wire::ControlMessage captured_icrq() {
  auto m = wire::make_control(MessageType::Icrq, TunnelId{7}, SessionId{0});
  m.avps.push_back(wire::make_avp(AvpType::AssignedSessionId, std::uint16_t{99}));
  m.avps.push_back(wire::make_raw_avp(311, 5, false, Buffer{1, 2, 3}));  // a vendor AVP
  m.avps.push_back(wire::make_avp(AvpType::CallSerialNumber, std::uint32_t{1234}));
  m.avps.push_back(wire::make_raw_avp(0, 250, false, Buffer{9}));  // unknown IETF type
  m.avps.push_back(wire::make_avp(AvpType::BearerType, std::uint32_t{2}));
  m.avps.back().mandatory = false;  // as a sloppy peer sent it
  return m;
}

wire::ControlMessage live_icrq() {
  auto m = wire::make_control(MessageType::Icrq, TunnelId{40}, SessionId{0});
  m.header.ns = Seq{3};
  m.header.nr = Seq{2};
  m.avps.push_back(wire::make_avp(AvpType::AssignedSessionId, std::uint16_t{5}));
  m.avps.push_back(wire::make_avp(AvpType::CallSerialNumber, std::uint32_t{1}));
  m.avps.push_back(wire::make_avp(AvpType::BearerType, std::uint32_t{3}));
  return m;
}

TEST(MessageShaper, KeepsCapturedAvpsAndTakesLiveIdsAndHeader) {
  SeededRng rng(1);
  const Shaped s = shape_message(captured_icrq(), live_icrq(), ShapeOptions{}, rng);
  EXPECT_EQ(s.message.header.tunnel.value, 40);
  EXPECT_EQ(s.message.header.ns.value, 3);
  EXPECT_EQ(s.message.header.nr.value, 2);
  ASSERT_EQ(s.message.avps.size(), 6u);
  EXPECT_TRUE(s.message.avps[0].is(AvpType::MessageType));
  EXPECT_EQ(*s.message.avps[1].get<std::uint16_t>(), 5);  // our live Assigned Session ID
  EXPECT_EQ(s.message.avps[2].vendor, 311);
  EXPECT_EQ(*s.message.avps[3].get<std::uint32_t>(), 1234u);  // the captured serial number
  EXPECT_EQ(s.message.avps[4].type, 250);
  EXPECT_EQ(*s.message.avps[5].get<std::uint32_t>(), 2u);  // captured bearer type, captured M=0
  EXPECT_FALSE(s.message.avps[5].mandatory);
  EXPECT_TRUE(s.notes.empty());
}

TEST(MessageShaper, ChallengeResponseIsLiveAndAChallengeWithoutSecretIsLeftOut) {
  auto cap = wire::make_control(MessageType::Sccrp, TunnelId{1}, SessionId{0});
  cap.avps.push_back(wire::make_avp(AvpType::Challenge, avp::Octets{Buffer(16, 0xAA)}));
  cap.avps.push_back(wire::make_avp(AvpType::ChallengeResponse, avp::Octets{Buffer(16, 0xBB)}));
  auto live = wire::make_control(MessageType::Sccrp, TunnelId{2}, SessionId{0});
  live.avps.push_back(wire::make_avp(AvpType::ChallengeResponse, avp::Octets{Buffer(16, 0xCC)}));
  SeededRng rng(1);
  const Shaped s = shape_message(cap, live, ShapeOptions{}, rng);
  ASSERT_EQ(s.message.avps.size(), 2u);
  EXPECT_TRUE(s.message.avps[1].is(AvpType::ChallengeResponse));
  EXPECT_EQ(s.message.avps[1].get<avp::Octets>()->bytes, Buffer(16, 0xCC));
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("Challenge"), std::string::npos);
}

TEST(MessageShaper, HiddenAvpIsHiddenAgainUnderAFreshRandomVector) {
  auto cap = wire::make_control(MessageType::Icrq, TunnelId{1}, SessionId{0});
  cap.avps.push_back(wire::make_avp(AvpType::RandomVector, avp::Octets{Buffer(16, 0x11)}));
  cap.avps.push_back(wire::make_avp(AvpType::CallSerialNumber, std::uint32_t{77}));
  cap.avps.back().hidden = true;
  cap.avps.back().hidden_state = wire::HiddenState::Revealed;
  SeededRng rng(2);
  const Shaped s = shape_message(cap, wire::make_control(MessageType::Icrq, TunnelId{9}, SessionId{0}),
                                 ShapeOptions{true, false}, rng);
  const std::string secret = "s3cret";
  const Bytes key(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size());
  auto bytes = encode_shaped(s, key, rng);
  ASSERT_TRUE(bytes.has_value());
  auto back = wire::decode_control(*bytes, key);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->avps.size(), 3u);
  EXPECT_NE(back->avps[1].get<avp::Octets>()->bytes, Buffer(16, 0x11));  // fresh vector
  EXPECT_TRUE(back->avps[2].hidden);
  EXPECT_EQ(back->avps[2].hidden_state, wire::HiddenState::Revealed);
  EXPECT_EQ(*back->avps[2].get<std::uint32_t>(), 77u);
}

TEST(MessageShaper, ConcealedAvpIsLeftOutOrSentAsCaptured) {
  auto cap = wire::make_control(MessageType::Icrq, TunnelId{1}, SessionId{0});
  cap.avps.push_back(
      wire::make_raw_avp(0, static_cast<std::uint16_t>(AvpType::CallingNumber), true, Buffer{1, 2, 3, 4}));
  cap.avps.back().hidden = true;
  cap.avps.back().hidden_state = wire::HiddenState::Concealed;
  const auto live = wire::make_control(MessageType::Icrq, TunnelId{9}, SessionId{0});
  SeededRng rng(3);
  EXPECT_EQ(shape_message(cap, live, ShapeOptions{}, rng).message.avps.size(), 1u);
  const Shaped s = shape_message(cap, live, ShapeOptions{false, true}, rng);
  auto bytes = encode_shaped(s, {}, rng);
  ASSERT_TRUE(bytes.has_value());
  auto back = wire::decode_control(*bytes);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->avps.size(), 2u);
  EXPECT_TRUE(back->avps[1].hidden);
  EXPECT_TRUE(back->avps[1].mandatory);
  EXPECT_EQ(back->avps[1].get<avp::Raw>()->bytes, (Buffer{1, 2, 3, 4}));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
