// The RADIUS codec against the packets printed in RFC 2865 section 7, and every way a
// datagram can lie about its lengths.
#include "engine/radius/packet.hpp"

#include <gtest/gtest.h>

namespace l2tp::radius {
namespace L2TPSIM_FILE_ID {

Buffer from_hex(std::string_view hex) {
  Buffer out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// RFC 2865 7.1: nemo's PAP Access-Request (secret "xyzzy5461", password "arctangent").
const Buffer kRfcPapRequest = from_hex(
    "010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110"
    "050600000003");
// RFC 2865 7.2: flopsy's CHAP Access-Accept.
const Buffer kRfcChapAccept = from_hex(
    "0201003815efbc7dab26cfa3dc34d9c03c8601a40606000000020706000000010806fffffffe0a06000000020d060000000"
    "10c06000005dc");

TEST(RadiusPacket, DecodesRfc2865PapRequest) {
  auto p = decode(kRfcPapRequest);
  ASSERT_TRUE(p) << describe(p.error());
  EXPECT_EQ(p->code, Code::AccessRequest);
  EXPECT_EQ(p->identifier, 0);
  EXPECT_EQ(to_hex(p->authenticator), "0f403f9473978057bd83d5cb98f4227a");
  ASSERT_EQ(p->attributes.size(), 4u);
  EXPECT_EQ(as_text(*p->find(AttrType::UserName)), "nemo");
  EXPECT_EQ(to_hex(p->find(AttrType::UserPassword)->value), "0dbe708d93d413ce3196e43f782a0aee");
  EXPECT_EQ(as_ipv4(*p->find(AttrType::NasIpAddress))->to_string(), "192.168.1.16");
  EXPECT_EQ(as_u32(*p->find(AttrType::NasPort)), 3u);
}

TEST(RadiusPacket, DecodesRfc2865ChapAcceptAndReencodesIdentically) {
  auto p = decode(kRfcChapAccept);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->code, Code::AccessAccept);
  EXPECT_EQ(p->identifier, 1);
  EXPECT_EQ(as_u32(*p->find(AttrType::ServiceType)), kServiceTypeFramed);
  EXPECT_EQ(as_u32(*p->find(AttrType::FramedProtocol)), kFramedProtocolPpp);
  EXPECT_EQ(as_ipv4(*p->find(AttrType::FramedIpAddress))->to_string(), "255.255.255.254");
  EXPECT_EQ(as_u32(*p->find(static_cast<AttrType>(12))), 1500u);  // Framed-MTU, unknown to us, kept
  auto again = encode(*p);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, kRfcChapAccept);
}

TEST(RadiusPacket, OctetsPastLengthArePadding) {
  Buffer padded = kRfcPapRequest;
  padded.insert(padded.end(), {0xde, 0xad, 0xbe, 0xef});
  auto p = decode(padded);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->attributes.size(), 4u);
  EXPECT_EQ(*encode(*p), kRfcPapRequest);
}

DecodeErrorKind error_of(const Buffer& b) {
  auto p = decode(b);
  EXPECT_FALSE(p);
  return p ? DecodeErrorKind::TooShort : p.error().kind;
}

TEST(RadiusPacket, LengthFieldErrors) {
  EXPECT_EQ(error_of(Buffer(kRfcPapRequest.begin(), kRfcPapRequest.begin() + 19)), DecodeErrorKind::TooShort);
  Buffer b = kRfcPapRequest;
  b[3] = 19;
  EXPECT_EQ(error_of(b), DecodeErrorKind::LengthBelowHeader);
  b[3] = 57;  // one past the datagram
  EXPECT_EQ(error_of(b), DecodeErrorKind::LengthBeyondDatagram);
  Buffer big(4200, 0);
  big[0] = 1;
  big[2] = 0x10;
  big[3] = 0x01;  // 4097
  EXPECT_EQ(error_of(big), DecodeErrorKind::LengthAboveMaximum);
}

TEST(RadiusPacket, AttributeLengthErrors) {
  Buffer b = kRfcPapRequest;
  b[21] = 1;  // User-Name length 1
  EXPECT_EQ(error_of(b), DecodeErrorKind::AttributeLengthBelowTwo);
  EXPECT_EQ(decode(b).error().offset, 20u);
  b = kRfcPapRequest;
  b[51] = 7;  // NAS-Port claims one octet more than the packet has
  EXPECT_EQ(error_of(b), DecodeErrorKind::AttributeBeyondPacket);
  b = kRfcPapRequest;
  b[3] = 55;  // Length cuts the last attribute
  EXPECT_EQ(error_of(b), DecodeErrorKind::AttributeBeyondPacket);
  b[3] = 51;  // Length leaves a lone type octet
  EXPECT_EQ(error_of(b), DecodeErrorKind::AttributeBeyondPacket);
}

TEST(RadiusPacket, EveryTruncationAndLengthCorruptionIsAValueOrAnError) {
  for (std::size_t n = 0; n <= kRfcChapAccept.size(); ++n) {
    Buffer cut(kRfcChapAccept.begin(), kRfcChapAccept.begin() + static_cast<std::ptrdiff_t>(n));
    auto p = decode(cut);
    EXPECT_EQ(p.has_value(), n == kRfcChapAccept.size()) << n;
  }
  for (std::size_t i = 0; i < kRfcChapAccept.size(); ++i) {
    for (int v : {0, 1, 2, 0x7f, 0xff}) {
      Buffer b = kRfcChapAccept;
      b[i] = static_cast<std::uint8_t>(v);
      auto p = decode(b);
      if (p) {
        EXPECT_TRUE(encode(*p));  // whatever decodes re-encodes
      }
    }
  }
}

TEST(RadiusPacket, VendorSpecificSubAttributes) {
  Packet p;
  p.add_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::ChapError),
               as_bytes("\x05"
                        "E=691 R=0"));
  auto wire = encode(p);
  ASSERT_TRUE(wire);
  // Type 26, Length 2+4+2+10, Vendor-Id 311, vendor type 2, vendor length 12 (RFC 2548 2.1.5).
  EXPECT_EQ(to_hex(Bytes(*wire).subspan(20)), "1a1200000137020c05453d36393120523d30");
  auto back = decode(*wire);
  ASSERT_TRUE(back);
  auto v = back->find_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::ChapError));
  ASSERT_TRUE(v);
  EXPECT_EQ(as_string_view(*v),
            "\x05"
            "E=691 R=0");
  EXPECT_FALSE(back->find_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::Chap2Success)));
  EXPECT_FALSE(back->find_vendor(9, static_cast<std::uint8_t>(MsAttr::ChapError)));
}

TEST(RadiusPacket, MalformedVendorSpecificIsSkippedNotTrusted) {
  EXPECT_EQ(decode_vendor(from_hex("000001")).error().kind, DecodeErrorKind::VendorTooShort);
  EXPECT_EQ(decode_vendor(from_hex("000001371a01")).error().kind, DecodeErrorKind::VendorSubLengthInvalid);
  EXPECT_EQ(decode_vendor(from_hex("000001371a0541")).error().kind, DecodeErrorKind::VendorSubLengthInvalid);
  Packet p;
  p.add(AttrType::VendorSpecific, from_hex("000001371a0941"));  // sub-length past the end
  p.add_vendor(kVendorMicrosoft, 26, as_bytes("xS=1"));
  auto v = p.find_vendor(kVendorMicrosoft, 26);
  ASSERT_TRUE(v);
  EXPECT_EQ(as_string_view(*v), "xS=1");
}

TEST(RadiusPacket, EncodeRefusesOversizedValuesAndPackets) {
  Packet p;
  p.add(AttrType::ReplyMessage, Buffer(254, 'x'));
  auto e = encode(p);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("Reply-Message"), std::string::npos) << e.error();
  Packet q;
  for (int i = 0; i < 16; ++i) q.add(AttrType::ReplyMessage, Buffer(253, 'x'));
  auto f = encode(q);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().find("4096"), std::string::npos) << f.error();
  q.attributes.pop_back();  // 20 + 15 * 255 = 3845
  EXPECT_TRUE(encode(q));
}

TEST(RadiusPacket, NamesUnknownNumbers) {
  EXPECT_EQ(to_string(Code::AccountingResponse), "Accounting-Response");
  EXPECT_EQ(to_string(static_cast<Code>(40)), "Code 40");
  EXPECT_EQ(to_string(AttrType::MessageAuthenticator), "Message-Authenticator");
  EXPECT_EQ(to_string(static_cast<AttrType>(99)), "Attribute 99");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::radius
