#include "engine/wire/message.hpp"

#include <gtest/gtest.h>

#include "engine/wire/checker.hpp"
#include "tests/support/sample_messages.hpp"

namespace l2tp::wire {
namespace L2TPSIM_FILE_ID {

using testing::kTestSecret;
using testing::sample_messages;

Buffer encode_ok(const ControlMessage& m, const EncodeOptions& opt = {}) {
  Buffer out;
  auto r = encode_control(m, opt, out);
  EXPECT_TRUE(r);
  return out;
}

void expect_same_avps(const ControlMessage& sent, const ControlMessage& got) {
  ASSERT_EQ(sent.avps.size(), got.avps.size());
  for (std::size_t i = 0; i < sent.avps.size(); ++i) {
    const Avp& a = sent.avps[i];
    const Avp& b = got.avps[i];
    EXPECT_EQ(a.vendor, b.vendor);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.mandatory, b.mandatory);
    EXPECT_EQ(a.hidden, b.hidden);
    EXPECT_EQ(a.value, b.value) << avp_display_name(a.vendor, a.type);
    EXPECT_FALSE(b.malformed_value);
  }
}

TEST(ControlMessage, EveryMessageTypeRoundTrips) {
  for (const auto& m : sample_messages(false)) {
    const Buffer wire = encode_ok(m);
    auto d = decode_control(wire);
    ASSERT_TRUE(d) << describe(d.error());
    EXPECT_EQ(d->message_type(), m.message_type());
    EXPECT_EQ(d->header.tunnel, m.header.tunnel);
    EXPECT_EQ(d->header.session, m.header.session);
    EXPECT_EQ(d->header.ns, m.header.ns);
    EXPECT_EQ(d->header.nr, m.header.nr);
    EXPECT_EQ(d->header.length, wire.size());
    expect_same_avps(m, *d);
  }
}

TEST(ControlMessage, EveryMessageTypeRoundTripsHidden_R035) {
  SeededRng rng(7);
  auto opt = EncodeOptions::hiding(as_bytes(kTestSecret), &rng, 5);
  for (const auto& m : sample_messages(true)) {
    const Buffer wire = encode_ok(m, opt);
    auto d = decode_control(wire, as_bytes(kTestSecret));
    ASSERT_TRUE(d);
    expect_same_avps(m, *d);
    for (const auto& a : d->avps) {
      if (!a.hidden) continue;
      EXPECT_EQ(a.hidden_state, HiddenState::Revealed);
      EXPECT_EQ(a.hidden_padding, 5);  // R034
    }
    // Without the secret the values stay concealed and are not mistaken for clear values.
    auto blind = decode_control(wire);
    ASSERT_TRUE(blind);
    for (const auto& a : blind->avps)
      if (a.hidden) {
        EXPECT_EQ(a.hidden_state, HiddenState::Concealed);
      }
  }
}

TEST(ControlMessage, R037_EachHiddenAvpUsesTheLatestRandomVector) {
  auto m = make_control(MessageType::Iccn, TunnelId{1}, SessionId{2});
  m.avps.push_back(make_avp(AvpType::RandomVector, avp::Octets{Buffer(16, 1)}));
  auto a = make_avp(AvpType::TxConnectSpeed, std::uint32_t{1000});
  a.hidden = true;
  m.avps.push_back(a);
  m.avps.push_back(make_avp(AvpType::RandomVector, avp::Octets{Buffer(20, 2)}));
  auto b = make_avp(AvpType::FramingType, std::uint32_t{2});
  b.hidden = true;
  m.avps.push_back(b);
  const Buffer wire = encode_ok(m, EncodeOptions::hiding(as_bytes(kTestSecret)));
  auto d = decode_control(wire, as_bytes(kTestSecret));
  ASSERT_TRUE(d);
  expect_same_avps(m, *d);
}

TEST(ControlMessage, ZlbHasNoAvps_R001) {
  const Buffer wire = encode_ok(make_zlb(TunnelId{3}, Seq{1}, Seq{2}));
  EXPECT_EQ(wire.size(), 12u);
  auto d = decode_control(wire);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->is_zlb());
  EXPECT_FALSE(d->message_type());
  EXPECT_TRUE(check_control(*d, wire.size()).empty());
}

TEST(ControlMessage, VendorAndUnknownAvpsAreKeptRaw) {
  auto m = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  m.avps.push_back(make_raw_avp(9, 1, false, Buffer{1, 2, 3}));
  m.avps.push_back(make_raw_avp(0, 999, true, Buffer{0, 1}));
  auto d = decode_control(encode_ok(m));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->avps.size(), 3u);
  EXPECT_EQ(d->avps[1].vendor, 9);
  EXPECT_EQ(std::get<avp::Raw>(d->avps[1].value).bytes, (Buffer{1, 2, 3}));
  EXPECT_TRUE(d->avps[2].mandatory);
  EXPECT_EQ(d->avps[2].type, 999);
}

TEST(ControlMessage, EveryTruncationDecodesToAValueOrAnError) {
  SeededRng rng(1);
  for (bool hidden : {false, true}) {
    for (const auto& m : sample_messages(hidden)) {
      const Buffer wire = encode_ok(m, EncodeOptions::hiding(as_bytes(kTestSecret), &rng, 3));
      for (std::size_t n = 0; n < wire.size(); ++n) {
        Buffer cut(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_FALSE(decode_control(cut, as_bytes(kTestSecret))) << n;  // Length no longer fits
        // With the Length field patched to match, the AVP walk sees the cut.
        if (n >= 12) {
          cut[2] = static_cast<std::uint8_t>(n >> 8);
          cut[3] = static_cast<std::uint8_t>(n);
          auto d = decode_control(cut, as_bytes(kTestSecret));
          if (!d) {
            EXPECT_TRUE(d.error().rule == Rule::R026 || d.error().rule == Rule::R028);
          }
        }
      }
    }
  }
}

TEST(ControlMessage, MalformedLengthFaultsAreWrittenAndRejected) {
  auto m = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  // AVP Length shorter than its header (R026), longer than the message (R028).
  for (std::uint16_t bad : {0, 5, 200}) {
    auto f = m;
    f.avps[0].fault.length_field = bad;
    auto d = decode_control(encode_ok(f));
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().rule, bad < 6 ? Rule::R026 : Rule::R028);
  }
  // Header Length larger or smaller than the datagram (R013).
  for (std::uint16_t bad : {9, 11, 40}) {
    EncodeOptions opt;
    opt.length_field = bad;
    auto d = decode_control(encode_ok(m, opt));
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().rule, Rule::R013);
  }
}

TEST(ControlMessage, WrongValueLengthIsKeptAndFlagged_R079) {
  auto m = make_control(MessageType::StopCcn, TunnelId{1}, SessionId{0});
  m.avps.push_back(
      make_raw_avp(0, static_cast<std::uint16_t>(AvpType::AssignedTunnelId), true, Buffer{0, 1, 2}));
  m.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{1, std::nullopt, ""}));
  const Buffer wire = encode_ok(m);
  auto d = decode_control(wire);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->avps[1].malformed_value);
  const auto v = check_control(*d, wire.size());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, Rule::R079);
}

TEST(ControlMessage, BadHiddenPaddingFaultIsDetected_R033) {
  auto m = make_control(MessageType::Icrp, TunnelId{1}, SessionId{2});
  m.avps.push_back(make_avp(AvpType::RandomVector, avp::Octets{Buffer(16, 9)}));
  auto a = make_avp(AvpType::AssignedSessionId, std::uint16_t{5});
  a.hidden = true;
  a.fault.hidden_length_field = 40;
  m.avps.push_back(a);
  const Buffer wire = encode_ok(m, EncodeOptions::hiding(as_bytes(kTestSecret)));
  auto d = decode_control(wire, as_bytes(kTestSecret));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->avps[2].hidden_state, HiddenState::BadSubformat);
}

TEST(ControlMessage, EncoderRefusesOversizedAvps) {
  auto m = make_control(MessageType::Sccrq, TunnelId{0}, SessionId{0});
  m.avps.push_back(make_avp(AvpType::HostName, std::string(1100, 'x')));
  Buffer out;
  auto r = encode_control(m, {}, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), EncodeError::AvpTooLong);
}

TEST(DataMessage, CarriesThePppFrameWithAndWithoutAddressControl) {
  const Buffer with = {0xFF, 0x03, 0xC0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0};
  const Buffer without(with.begin() + 2, with.end());
  for (const Buffer& ppp : {with, without}) {
    Header h;
    h.has_length = h.has_sequence = h.priority = true;
    h.tunnel = TunnelId{4};
    h.session = SessionId{5};
    Buffer out;
    ASSERT_TRUE(encode_data(h, ppp, out));
    auto d = decode_data(out);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->header.priority);
    EXPECT_EQ(Buffer(d->ppp.begin(), d->ppp.end()), ppp);
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::wire
