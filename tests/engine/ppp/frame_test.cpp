// PPP frames and control packets: Address/Control and Protocol-field compression both ways
// (P001, P060-P063), Length handling (P024), and malformed input that must give an error
// rather than an over-read (every truncation of valid frames and packets).
#include "engine/ppp/frame.hpp"

#include <gtest/gtest.h>

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

Bytes b(const Buffer& v) {
  return v;
}

TEST(PppProtocol, P001_ValidProtocolHasOddLowAndEvenHighOctet) {
  for (std::uint16_t p : {proto::kIp, proto::kIpv6, proto::kLcp, proto::kPap, proto::kChap, proto::kIpcp,
                          proto::kIpv6cp, proto::kBcp, proto::kCcp, proto::kMp, proto::kBridged})
    EXPECT_TRUE(valid_protocol(p)) << std::hex << p;
  EXPECT_FALSE(valid_protocol(0x0022));  // even low octet
  EXPECT_FALSE(valid_protocol(0x0121));  // odd high octet
  EXPECT_FALSE(valid_protocol(0xc020));
}

TEST(PppProtocol, Names) {
  EXPECT_EQ(protocol_name(proto::kLcp), "LCP");
  EXPECT_EQ(protocol_name(proto::kIpcp), "IPCP");
  EXPECT_EQ(protocol_name(proto::kIpv6cp), "IPv6CP");
  EXPECT_EQ(protocol_name(proto::kIp), "IPv4");
  EXPECT_EQ(protocol_name(0x8029), "0x8029");
  EXPECT_EQ(to_string(Code::ConfRej), "Configure-Reject");
  EXPECT_EQ(to_string(static_cast<Code>(0x20)), "Code-0x20");
}

TEST(PppFrame, ParsesUncompressedFrame) {
  const Buffer f = {0xff, 0x03, 0xc0, 0x21, 1, 2, 0, 4};
  auto r = parse_frame(f);
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_TRUE(r->address_control);
  EXPECT_EQ(r->protocol, proto::kLcp);
  EXPECT_EQ(Buffer(r->payload.begin(), r->payload.end()), (Buffer{1, 2, 0, 4}));
  EXPECT_EQ(r->payload.data(), f.data() + 4) << "a view into the input";
}

TEST(PppFrame, P061_P063_AcceptsCompressedFields) {
  auto r = parse_frame(Buffer{0x21, 0x45, 0x00});
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->address_control);
  EXPECT_EQ(r->protocol, proto::kIp);
  EXPECT_EQ(r->payload.size(), 2u);
  r = parse_frame(Buffer{0x00, 0x21, 0x45});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->protocol, proto::kIp) << "1- and 2-octet fields mean the same (P061)";
  r = parse_frame(Buffer{0xff, 0x03, 0x57, 0x60});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->protocol, proto::kIpv6);
  r = parse_frame(Buffer{0xc0, 0x21});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->payload.empty());
}

TEST(PppFrame, P001_InvalidProtocolValueIsReportedNotRefused) {
  auto r = parse_frame(Buffer{0xff, 0x03, 0x00, 0x22, 9});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->protocol, 0x0022);
  EXPECT_FALSE(valid_protocol(r->protocol));  // the link Protocol-Rejects it
}

TEST(PppFrame, MalformedFramesAreErrors) {
  EXPECT_FALSE(parse_frame(Buffer{}).has_value());
  EXPECT_FALSE(parse_frame(Buffer{0xff}).has_value());
  EXPECT_FALSE(parse_frame(Buffer{0xff, 0x05, 0x21}).has_value());
  EXPECT_FALSE(parse_frame(Buffer{0xff, 0x03}).has_value());
  EXPECT_FALSE(parse_frame(Buffer{0xff, 0x03, 0xc0}).has_value());
  EXPECT_FALSE(parse_frame(Buffer{0x80}).has_value());
}

TEST(PppFrame, EveryTruncationOfAFrameIsHandled) {
  const Buffer f = {0xff, 0x03, 0x80, 0x21, 1, 7, 0, 10, 3, 6, 10, 0, 0, 1};
  for (std::size_t n = 0; n <= f.size(); ++n) {
    const Buffer cut(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = parse_frame(cut);
    EXPECT_EQ(r.has_value(), n >= 4) << n;
    if (r) {
      EXPECT_EQ(r->payload.size(), n - 4);
      if (auto p = parse_packet(r->payload)) {
        EXPECT_LE(p->data.size() + 4, r->payload.size());
      }
    }
  }
}

TEST(PppFrame, P060_P062_WritesFullFieldsByDefault) {
  Buffer out;
  write_frame(out, proto::kIp, b({0x45}));
  EXPECT_EQ(out, (Buffer{0xff, 0x03, 0x00, 0x21, 0x45}));
}

TEST(PppFrame, CompressesWhatThePeerAgreedToReceive) {
  Buffer out;
  write_frame(out, proto::kIp, b({0x45}), {.acfc = true, .pfc = true});
  EXPECT_EQ(out, (Buffer{0x21, 0x45}));
  out.clear();
  write_frame(out, proto::kIpcp, b({1}), {.acfc = true, .pfc = true});
  EXPECT_EQ(out, (Buffer{0x80, 0x21, 1})) << "PFC only shortens protocols below 0x0100";
  out.clear();
  write_frame(out, proto::kIp, b({0x45}), {.acfc = false, .pfc = true});
  EXPECT_EQ(out, (Buffer{0xff, 0x03, 0x21, 0x45}));
}

TEST(PppFrame, P060_P062_LcpIsNeverCompressed) {
  Buffer out;
  write_frame(out, proto::kLcp, b({9, 1, 0, 8, 0, 0, 0, 0}), {.acfc = true, .pfc = true});
  EXPECT_EQ(Buffer(out.begin(), out.begin() + 4), (Buffer{0xff, 0x03, 0xc0, 0x21}));
}

TEST(PppFrame, WriteAppends) {
  Buffer out = {0xaa};
  write_frame(out, proto::kIp, {});
  EXPECT_EQ(out, (Buffer{0xaa, 0xff, 0x03, 0x00, 0x21}));
}

TEST(PppPacket, ParsesAndWrites) {
  Buffer out;
  write_packet(out, Code::ConfReq, 0x42, b({1, 4, 5, 0xdc}));
  EXPECT_EQ(out, (Buffer{1, 0x42, 0, 8, 1, 4, 5, 0xdc}));
  auto p = parse_packet(out);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->code, Code::ConfReq);
  EXPECT_EQ(p->id, 0x42);
  EXPECT_EQ(Buffer(p->data.begin(), p->data.end()), (Buffer{1, 4, 5, 0xdc}));
}

TEST(PppPacket, P024_OctetsPastLengthArePadding) {
  auto p = parse_packet(Buffer{5, 1, 0, 6, 'h', 'i', 0, 0, 0});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->data.size(), 2u);
}

TEST(PppPacket, P024_InvalidLengthIsAnError) {
  auto p = parse_packet(Buffer{1, 1, 0, 9, 1, 2});
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().find("exceeds"), std::string::npos);
  EXPECT_FALSE(parse_packet(Buffer{1, 1, 0, 3, 1}).has_value());
  EXPECT_FALSE(parse_packet(Buffer{1, 1, 0}).has_value());
  EXPECT_FALSE(parse_packet(Buffer{}).has_value());
  EXPECT_TRUE(parse_packet(Buffer{6, 1, 0, 4}).has_value());
}

// A packet framed in its own buffer is the frame write_frame makes, for every format and for
// LCP (never compressed, P060, P062).
TEST(PppFrame, FramedInPlaceEqualsWrittenFrame) {
  const Buffer packet{0x01, 0x07, 0x00, 0x08, 0x01, 0x04, 0x05, 0xDC};
  for (const std::uint16_t protocol : {proto::kLcp, proto::kIpcp, proto::kIp, proto::kChap})
    for (const bool acfc : {false, true})
      for (const bool pfc : {false, true}) {
        FrameFormat fmt;
        fmt.acfc = acfc;
        fmt.pfc = pfc;
        Buffer written;
        write_frame(written, protocol, packet, fmt);
        Buffer in_place = packet;
        frame_in_place(in_place, protocol, fmt);
        EXPECT_EQ(in_place, written) << std::hex << protocol << " acfc " << acfc << " pfc " << pfc;
      }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
