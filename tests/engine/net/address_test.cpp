#include "engine/net/address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace l2tp::net {
namespace L2TPSIM_FILE_ID {

std::string canonical(const std::string& text) {
  IpAddress a;
  if (!IpAddress::parse(text, a)) return "<parse failed>";
  return a.to_string();
}

TEST(IpAddress, V4BuildsFirstFourOctets) {
  const IpAddress a = IpAddress::v4(192, 0, 2, 255);
  EXPECT_FALSE(a.v6);
  EXPECT_EQ(a.bytes[0], 192);
  EXPECT_EQ(a.bytes[3], 255);
  EXPECT_EQ(a.bytes[4], 0);
  EXPECT_EQ(a.to_string(), "192.0.2.255");
}

TEST(IpAddress, ParsesDottedQuad) {
  IpAddress a;
  ASSERT_TRUE(IpAddress::parse("10.1.2.3", a));
  EXPECT_EQ(a, IpAddress::v4(10, 1, 2, 3));
  EXPECT_EQ(canonical("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(canonical("255.255.255.255"), "255.255.255.255");
}

TEST(IpAddress, RejectsMalformedTextAndLeavesOutputAlone) {
  IpAddress a = IpAddress::v4(1, 2, 3, 4);
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1.2.3.-1", "1:::2",
        "12345::1", "1:2:3:4:5:6:7:8:9", "::g", "[::1]", "fe80::1%eth0"}) {
    EXPECT_FALSE(IpAddress::parse(bad, a)) << bad;
  }
  EXPECT_EQ(a, IpAddress::v4(1, 2, 3, 4));
}

TEST(IpAddress, ParsesIpv6) {
  IpAddress a;
  ASSERT_TRUE(IpAddress::parse("2001:db8::1", a));
  EXPECT_TRUE(a.v6);
  EXPECT_EQ(a.bytes[0], 0x20);
  EXPECT_EQ(a.bytes[1], 0x01);
  EXPECT_EQ(a.bytes[2], 0x0d);
  EXPECT_EQ(a.bytes[3], 0xb8);
  EXPECT_EQ(a.bytes[15], 0x01);
}

// RFC 5952 section 4: the one canonical text form.
TEST(IpAddress, FormatsIpv6PerRfc5952) {
  EXPECT_EQ(canonical("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");  // 4.1, 4.3
  EXPECT_EQ(canonical("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");            // 4.2.2: one group stays
  EXPECT_EQ(canonical("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");                     // 4.2.3: longest run
  EXPECT_EQ(canonical("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");               // 4.2.3: first of a tie
  EXPECT_EQ(canonical("::"), "::");
  EXPECT_EQ(canonical("::1"), "::1");
  EXPECT_EQ(canonical("1::"), "1::");
  EXPECT_EQ(canonical("fe80:0:0:0:0:0:0:0"), "fe80::");
  EXPECT_EQ(canonical("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(canonical("::ffff:192.0.2.1"), "::ffff:192.0.2.1");  // section 5: mapped IPv4
  EXPECT_EQ(canonical("::ffff:c000:0201"), "::ffff:192.0.2.1");
  EXPECT_EQ(canonical("0:0:0:0:0:fffe:c000:201"), "::fffe:c000:201");
}

TEST(IpAddress, FamiliesCompareUnequalEvenWithEqualBytes) {
  IpAddress v4 = IpAddress::v4(0, 0, 0, 0);
  IpAddress v6;
  v6.v6 = true;
  EXPECT_NE(v4, v6);
  EXPECT_EQ(v6.to_string(), "::");
}

TEST(NetEndpoint, FormatsWithPort) {
  EXPECT_EQ((Endpoint{IpAddress::v4(1, 2, 3, 4), 1701}).to_string(), "1.2.3.4:1701");
  IpAddress a;
  ASSERT_TRUE(IpAddress::parse("::1", a));
  EXPECT_EQ((Endpoint{a, 1701}).to_string(), "[::1]:1701");
  EXPECT_EQ((Endpoint{a, 0}).to_string(), "[::1]:0");
  EXPECT_EQ((Endpoint{IpAddress::v4(1, 2, 3, 4), 65535}).to_string(), "1.2.3.4:65535");
}

TEST(Ipv4, RoundTripsThroughIpAddressInFourOctets) {
  const IpAddress a = IpAddress::v4(10, 64, 200, 254);
  const Ipv4 v = Ipv4::of(a);
  EXPECT_EQ(v.value, 0x0A40C8FEu);  // the first octet high
  EXPECT_EQ(v.address(), a);
  EXPECT_EQ(v.to_string(), "10.64.200.254");
  static_assert(sizeof(Ipv4) == 4);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::net
