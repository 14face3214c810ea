#include "engine/wire/avp.hpp"

#include <gtest/gtest.h>

namespace l2tp::wire {
namespace L2TPSIM_FILE_ID {

Buffer avp_bytes(std::uint16_t flags_len, std::uint16_t vendor, std::uint16_t type, Buffer value) {
  Buffer b;
  Writer w(b);
  w.u16(flags_len);
  w.u16(vendor);
  w.u16(type);
  w.bytes(value);
  return b;
}

TEST(AvpReader, WalksAvpsWithoutCopying) {
  Buffer b = avp_bytes(0x8008, 0, 0, {0, 1});
  Buffer c = avp_bytes(0x0008, 9, 77, {0xAA, 0xBB});
  b.insert(b.end(), c.begin(), c.end());
  AvpReader r(b, 12);
  auto first = r.next();
  ASSERT_TRUE(first && *first);
  EXPECT_TRUE((*first)->header.mandatory);
  EXPECT_EQ((*first)->offset, 12u);
  EXPECT_EQ((*first)->value.data(), b.data() + 6);
  auto second = r.next();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->header.vendor, 9);
  EXPECT_EQ((*second)->header.type, 77);
  EXPECT_FALSE(r.next());
}

TEST(AvpReader, R026_LengthBelowSixStopsWalk) {
  for (std::uint16_t len = 0; len < 6; ++len) {
    Buffer b = avp_bytes(len, 0, 0, {0, 1});
    Buffer more = avp_bytes(0x8008, 0, 0, {0, 1});
    b.insert(b.end(), more.begin(), more.end());
    AvpReader r(b);
    auto e = r.next();
    ASSERT_TRUE(e);
    ASSERT_FALSE(*e);
    EXPECT_EQ(e->error().kind, DecodeErrorKind::AvpLengthBelowSix);
    EXPECT_EQ(e->error().rule, Rule::R026);
    EXPECT_FALSE(r.next()) << "walk must stop after a bad length";
  }
}

TEST(AvpReader, R028_LengthPastEndIsRejected) {
  Buffer b = avp_bytes(0x8009, 0, 9, {0, 1});
  AvpReader r(b);
  auto e = r.next();
  ASSERT_TRUE(e && !*e);
  EXPECT_EQ(e->error().kind, DecodeErrorKind::AvpBeyondMessage);
  EXPECT_EQ(e->error().avp_type, 9);
}

TEST(AvpReader, EveryTruncationOfAnAvpIsAnError) {
  const Buffer full = avp_bytes(0x800A, 0, 15, {1, 2, 3, 4});
  for (std::size_t n = 1; n < full.size(); ++n) {
    AvpReader r(Bytes(full.data(), n));
    auto e = r.next();
    ASSERT_TRUE(e) << n;
    EXPECT_FALSE(*e) << n;
  }
}

TEST(AvpReader, ReservedBitsAndHiddenFlagAreReported) {
  Buffer b = avp_bytes(0x8000 | 0x4000 | 0x3C00 | 8, 0, 9, {0, 1});
  AvpReader r(b);
  auto v = r.next();
  ASSERT_TRUE(v && *v);
  EXPECT_TRUE((*v)->header.hidden);
  EXPECT_EQ((*v)->header.reserved, 0x0F);
  EXPECT_EQ((*v)->header.length, 8);
}

TEST(AvpValue, EveryAttributeRoundTripsThroughItsShape) {
  for (const AvpSpec& spec : all_avp_specs()) {
    Buffer value;
    // A value of the minimum legal length (and 3 more octets where the length may vary).
    const std::size_t len = spec.min_len == spec.max_len ? spec.min_len : spec.min_len + 3;
    for (std::size_t i = 0; i < len; ++i) value.push_back(static_cast<std::uint8_t>(0x30 + i));
    if (spec.shape == ValueShape::ResultCode) value = {0, 2, 0, 6, 'o', 'k'};
    auto typed = decode_value(spec, value);
    ASSERT_TRUE(typed) << spec.name;
    Buffer again;
    encode_value(*typed, again);
    EXPECT_EQ(again, value) << spec.name;
  }
}

TEST(AvpValue, LengthsOutsideTheTableAreNotTyped) {
  for (const AvpSpec& spec : all_avp_specs()) {
    if (spec.min_len > 0) {
      EXPECT_FALSE(decode_value(spec, Buffer(spec.min_len - 1, 0))) << spec.name;
    }
    if (spec.max_len < kAvpMaxValue) {
      EXPECT_FALSE(decode_value(spec, Buffer(spec.max_len + 1, 0))) << spec.name;
    }
  }
}

TEST(AvpValue, R046_ResultCodeForms) {
  const AvpSpec& spec = *find_avp_spec(0, 1);
  auto only = decode_value(spec, Buffer{0, 1});
  ASSERT_TRUE(only);
  EXPECT_FALSE(std::get<avp::ResultCode>(*only).error);
  EXPECT_FALSE(decode_value(spec, Buffer{0, 1, 0}));  // Length 9 is none of 8, 10, 10+n
  auto with_msg = decode_value(spec, Buffer{0, 2, 0, 8, 'x'});
  ASSERT_TRUE(with_msg);
  EXPECT_EQ(std::get<avp::ResultCode>(*with_msg).error, 8);
  EXPECT_EQ(std::get<avp::ResultCode>(*with_msg).message, "x");
}

TEST(AvpValue, Q931AndDisconnectCauseCarryOptionalText) {
  auto q = decode_value(*find_avp_spec(0, 12), Buffer{0, 16, 0x80, 'h', 'i'});
  ASSERT_TRUE(q);
  EXPECT_EQ(std::get<avp::Q931Cause>(*q).cause, 16);
  EXPECT_EQ(std::get<avp::Q931Cause>(*q).advisory, "hi");
  auto d = decode_value(*find_avp_spec(0, 46), Buffer{0, 5, 0xC0, 0x21, 1});
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<avp::DisconnectCause>(*d).protocol, 0xC021);
  EXPECT_FALSE(decode_value(*find_avp_spec(0, 46), Buffer{0, 5, 0xC0, 0x21}));
}

TEST(AvpSpec, VendorAndUndefinedTypesHaveNoSpec) {
  EXPECT_EQ(find_avp_spec(9, 1), nullptr);
  EXPECT_EQ(find_avp_spec(0, 20), nullptr);
  EXPECT_EQ(find_avp_spec(0, 40), nullptr);
  EXPECT_EQ(find_avp_spec(0, 999), nullptr);
  EXPECT_EQ(avp_display_name(9, 1), "Vendor 9 type 1");
  EXPECT_EQ(avp_display_name(0, 999), "Unknown type 999");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::wire
