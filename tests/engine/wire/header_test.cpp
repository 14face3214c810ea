#include "engine/wire/header.hpp"

#include <gtest/gtest.h>

namespace l2tp::wire {
namespace L2TPSIM_FILE_ID {

Buffer encode(const Header& h, std::size_t payload = 0) {
  Buffer out;
  encode_header(h, out);
  out.insert(out.end(), payload, 0x5A);
  if (h.has_length) patch_length(h, out, 0, static_cast<std::uint16_t>(out.size()));
  return out;
}

TEST(Header, ZlbIsTwelveOctets_R001) {
  const Header h = control_header(TunnelId{0x1234}, SessionId{0}, Seq{5}, Seq{9});
  const Buffer b = encode(h);
  ASSERT_EQ(b.size(), kControlHeaderSize);
  EXPECT_EQ(to_hex(b), "c802000c1234000000050009");  // R003: network byte order
  auto d = decode_header(b);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->control);
  EXPECT_EQ(d->tunnel.value, 0x1234);
  EXPECT_EQ(d->ns.value, 5);
  EXPECT_EQ(d->nr.value, 9);
  EXPECT_EQ(d->header_size, 12);
}

TEST(Header, EveryDataFlagCombinationRoundTrips) {
  for (int bits = 0; bits < 16; ++bits) {
    for (std::uint16_t pad : {0, 3}) {
      Header h;
      h.has_length = bits & 1;
      h.has_sequence = bits & 2;
      h.has_offset = bits & 4;
      h.priority = bits & 8;
      h.offset_size = h.has_offset ? pad : 0;
      h.tunnel = TunnelId{7};
      h.session = SessionId{9};
      h.ns = Seq{100};
      h.nr = Seq{200};
      const Buffer b = encode(h, 10);
      auto d = decode_header(b);
      ASSERT_TRUE(d) << bits;
      EXPECT_EQ(d->has_length, h.has_length);
      EXPECT_EQ(d->has_sequence, h.has_sequence);
      EXPECT_EQ(d->has_offset, h.has_offset);
      EXPECT_EQ(d->priority, h.priority);
      EXPECT_EQ(d->tunnel.value, 7);
      EXPECT_EQ(d->session.value, 9);
      if (h.has_sequence) {
        EXPECT_EQ(d->ns.value, 100);
      }
      if (h.has_offset) {
        EXPECT_EQ(d->offset_size, pad);
      }
      EXPECT_EQ(d->header_size, h.encoded_size());
      EXPECT_EQ(b.size() - d->header_size, 10u);
    }
  }
}

TEST(Header, R012_UnknownVersionsAreRejectedFirst) {
  Buffer b = encode(control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{}));
  for (std::uint8_t v : {0, 4, 15}) {
    b[1] = static_cast<std::uint8_t>((b[1] & 0xF0) | v);
    auto d = decode_header(b);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().kind, DecodeErrorKind::UnsupportedVersion);
    EXPECT_EQ(d.error().rule, Rule::R012);
  }
  b[1] = (b[1] & 0xF0) | 3;
  EXPECT_EQ(decode_header(b).error().kind, DecodeErrorKind::L2tpv3);
  b[1] = (b[1] & 0xF0) | 1;
  EXPECT_EQ(decode_header(b).error().kind, DecodeErrorKind::L2f);
  EXPECT_EQ(decode_header(b).error().rule, Rule::R340);
}

TEST(Header, R013_LengthBeyondDatagramIsRejected) {
  Buffer b = encode(control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{}));
  b[3] = 13;
  auto d = decode_header(b);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, DecodeErrorKind::LengthBeyondDatagram);
}

TEST(Header, R013_LengthBelowHeaderIsRejected) {
  Buffer b = encode(control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{}));
  b[3] = 11;
  EXPECT_EQ(decode_header(b).error().kind, DecodeErrorKind::LengthBelowHeader);
}

TEST(Header, R013_TrailingOctetsAreCountedNotDecoded) {
  Buffer b = encode(control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{}));
  b.push_back(0);
  b.push_back(0);
  auto d = decode_header(b);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->trailing, 2u);
}

TEST(Header, EveryTruncationIsAnErrorNeverAnOverRead) {
  Header h;
  h.has_length = h.has_sequence = h.has_offset = true;
  h.offset_size = 4;
  const Buffer full = encode(h);
  for (std::size_t n = 0; n < full.size(); ++n) {
    Buffer cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    auto d = decode_header(cut);
    EXPECT_FALSE(d) << n;
  }
  EXPECT_TRUE(decode_header(full));
}

TEST(Header, R019_OffsetPastEndIsRejected) {
  Header h;
  h.has_offset = true;
  h.offset_size = 50;
  Buffer b;
  encode_header(h, b);
  b.resize(b.size() - 40);
  EXPECT_EQ(decode_header(b).error().kind, DecodeErrorKind::OffsetBeyondEnd);
}

TEST(Header, R004_R007_ControlWithoutLengthOrSequenceIsRejected) {
  Header h = control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{});
  h.has_length = false;
  EXPECT_EQ(decode_header(encode(h)).error().kind, DecodeErrorKind::ControlWithoutLength);
  h = control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{});
  h.has_sequence = false;
  EXPECT_EQ(decode_header(encode(h)).error().kind, DecodeErrorKind::ControlWithoutSequence);
}

TEST(Header, R004_R007_LenientModeReadsWhatTheFlagsSayAndNamesTheMissingBits) {
  Header h = control_header(TunnelId{7}, SessionId{9}, Seq{}, Seq{});
  h.has_sequence = false;
  Buffer b = encode(h);
  const auto d = decode_header(b, HeaderMode::Lenient);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->control);
  EXPECT_FALSE(d->has_sequence);
  EXPECT_EQ(d->tunnel.value, 7);
  EXPECT_EQ(d->session.value, 9);
  EXPECT_EQ(d->header_size, 8);  // flags, Length, Tunnel ID, Session ID
  const auto missing = missing_control_bits(*d);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].rule, Rule::R007);

  h.has_length = false;
  const auto both = decode_header(encode(h), HeaderMode::Lenient);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->header_size, 6);
  EXPECT_EQ(missing_control_bits(*both).size(), 2u);
  EXPECT_TRUE(
      missing_control_bits(*decode_header(encode(control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{}))))
          .empty());
}

TEST(Header, R005_ReservedBitsAreKeptForTheChecker) {
  Header h = control_header(TunnelId{1}, SessionId{0}, Seq{}, Seq{});
  h.reserved_bits = kReservedMask;
  auto d = decode_header(encode(h));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reserved_bits, kReservedMask);
  EXPECT_EQ(d->version, 2);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::wire
