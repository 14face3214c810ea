#include "ipsec/vici_message.hpp"

#include <gtest/gtest.h>

namespace l2tp::ipsec {
namespace L2TPSIM_FILE_ID {

Buffer bytes(std::initializer_list<int> v) {
  Buffer b;
  for (int x : v) b.push_back(static_cast<std::uint8_t>(x));
  return b;
}

TEST(ViciMessage, EncodesTheElementsOfTheReadme) {
  // strongSwan's vici README example: key1 = value1, section1 { sub-section { key2 = value2 }
  // list1 = [item1, item2] }.
  ViciSection m;
  m.add("key1", "value1");
  auto& s1 = m.add_section("section1");
  s1.add_section("sub-section").add("key2", "value2");
  s1.add_list("list1", {"item1", "item2"});
  Buffer out;
  ASSERT_TRUE(encode_message(m, out).has_value());
  const Buffer want = bytes({3,   4,   'k', 'e', 'y', '1', 0,   6,   'v', 'a', 'l', 'u', 'e', '1', 1,   8,
                             's', 'e', 'c', 't', 'i', 'o', 'n', '1', 1,   11,  's', 'u', 'b', '-', 's', 'e',
                             'c', 't', 'i', 'o', 'n', 3,   4,   'k', 'e', 'y', '2', 0,   6,   'v', 'a', 'l',
                             'u', 'e', '2', 2,   4,   5,   'l', 'i', 's', 't', '1', 5,   0,   5,   'i', 't',
                             'e', 'm', '1', 5,   0,   5,   'i', 't', 'e', 'm', '2', 6,   2});
  EXPECT_EQ(out, want);
  auto back = decode_message(out);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->value_or("key1", ""), "value1");
  const auto* sec = back->section("section1");
  ASSERT_NE(sec, nullptr);
  ASSERT_NE(sec->section("sub-section"), nullptr);
  EXPECT_EQ(sec->section("sub-section")->value_or("key2", ""), "value2");
  ASSERT_NE(sec->list("list1"), nullptr);
  EXPECT_EQ(*sec->list("list1"), (std::vector<std::string>{"item1", "item2"}));
}

TEST(ViciMessage, PacketsCarryNamesAndMessagesByType) {
  ViciPacket req;
  req.type = ViciPacketType::CmdRequest;
  req.name = "initiate";
  req.message.add("child", "l2tp");
  auto seg = encode_segment(req);
  ASSERT_TRUE(seg.has_value());
  // length 4 octets, type 0, name "initiate", then the message
  ASSERT_EQ(seg->size(), 4u + 1 + 1 + 8 + (1 + 1 + 5 + 2 + 4));
  EXPECT_EQ((*seg)[3], seg->size() - 4);
  EXPECT_EQ((*seg)[4], 0);
  EXPECT_EQ((*seg)[5], 8);
  auto back = decode_packet(Bytes(*seg).subspan(4));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->type, ViciPacketType::CmdRequest);
  EXPECT_EQ(back->name, "initiate");
  EXPECT_EQ(back->message.value_or("child", ""), "l2tp");

  auto confirm = decode_packet(bytes({5}));
  ASSERT_TRUE(confirm.has_value());
  EXPECT_EQ(confirm->type, ViciPacketType::EventConfirm);
  EXPECT_FALSE(decode_packet(bytes({5, 0})).has_value());  // EVENT_CONFIRM carries nothing
  EXPECT_EQ(decode_packet(bytes({5, 0})).error().kind, ViciError::Kind::TrailingBytes);
}

TEST(ViciMessage, RefusesMalformedPackets) {
  auto kind = [](Buffer b) { return decode_packet(b).error().kind; };
  EXPECT_EQ(kind({}), ViciError::Kind::Empty);
  EXPECT_EQ(kind(bytes({8})), ViciError::Kind::UnknownPacketType);
  EXPECT_EQ(kind(bytes({0, 5, 'a'})), ViciError::Kind::Truncated);                // name runs out
  EXPECT_EQ(kind(bytes({1, 3, 1, 'k', 0, 9, 'v'})), ViciError::Kind::Truncated);  // value runs out
  EXPECT_EQ(kind(bytes({1, 9})), ViciError::Kind::UnknownElement);
  EXPECT_EQ(kind(bytes({1, 2})), ViciError::Kind::UnbalancedSection);          // end without start
  EXPECT_EQ(kind(bytes({1, 1, 1, 's'})), ViciError::Kind::UnbalancedSection);  // left open
  EXPECT_EQ(kind(bytes({1, 4, 1, 'l', 5, 0, 0})), ViciError::Kind::ListNotClosed);
  EXPECT_EQ(kind(bytes({1, 4, 1, 'l', 3, 1, 'k', 0, 0, 6})), ViciError::Kind::ListNotClosed);
  EXPECT_EQ(kind(bytes({1, 5, 0, 0})), ViciError::Kind::ItemOutsideList);
  Buffer deep{1};
  for (std::size_t i = 0; i <= kViciMaxDepth; ++i) deep.insert(deep.end(), {1, 1, 's'});
  EXPECT_EQ(kind(deep), ViciError::Kind::TooDeep);
  // Offsets count from the type octet: the second element (a key whose name runs out) is at 6.
  EXPECT_EQ(decode_packet(bytes({1, 3, 1, 'k', 0, 0, 3, 9})).error().offset, 6u);
}

TEST(ViciMessage, RefusesToEncodeWhatTheWireCannotHold) {
  ViciSection m;
  m.add(std::string(256, 'k'), "v");
  Buffer out;
  EXPECT_EQ(encode_message(m, out).error().kind, ViciError::Kind::TooLong);
  ViciSection v;
  v.add("k", std::string(65536, 'v'));
  EXPECT_EQ(encode_message(v, out).error().kind, ViciError::Kind::TooLong);
}

TEST(ViciMessage, BinaryValuesRoundTrip) {
  ViciSection m;
  m.add("data", std::string("\0\xff\x01", 3));
  Buffer out;
  ASSERT_TRUE(encode_message(m, out).has_value());
  auto back = decode_message(out);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back->value("data"), std::string("\0\xff\x01", 3));
  EXPECT_EQ(back->value("missing"), nullptr);
  EXPECT_EQ(back->list("data"), nullptr);  // a value is not a list
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ipsec
