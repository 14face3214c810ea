#include "engine/ip/ipv4.hpp"

#include <gtest/gtest.h>

namespace l2tp::ip {
namespace L2TPSIM_FILE_ID {

constexpr Ipv4 kA = 0x0a000001, kB = 0x0a000002;

TEST(Ipv4Test, HeaderChecksumKnownAnswer) {
  // The worked example of an IPv4 header checksum (192.168.0.1 -> 192.168.0.199, UDP): b861.
  const Buffer h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                    0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(h), 0xb861);
}

TEST(Ipv4Test, IcmpEchoRoundTrip) {
  const Buffer data = {1, 2, 3, 4, 5};
  Buffer out;
  write_icmp_echo(out, kA, kB, IcmpEcho{true, 0x1234, 7, data}, 99);
  ASSERT_EQ(out.size(), 20u + 8 + 5);
  const auto ip = parse_ipv4(out);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->src, kA);
  EXPECT_EQ(ip->dst, kB);
  EXPECT_EQ(ip->protocol, proto::kIcmp);
  const auto echo = parse_icmp_echo(ip->payload);
  ASSERT_TRUE(echo);
  EXPECT_TRUE(echo->request);
  EXPECT_EQ(echo->id, 0x1234);
  EXPECT_EQ(echo->seq, 7);
  EXPECT_EQ(Buffer(echo->data.begin(), echo->data.end()), data);
}

TEST(Ipv4Test, UdpRoundTripAndChecksum) {
  const Buffer data = {9, 8, 7};
  Buffer out;
  write_udp(out, kA, kB, 5000, 7, data, 1);
  const auto ip = parse_ipv4(out);
  ASSERT_TRUE(ip);
  const auto udp = parse_udp(*ip);
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->src_port, 5000);
  EXPECT_EQ(udp->dst_port, 7);
  EXPECT_EQ(udp->data.size(), 3u);
  out.back() ^= 0xff;  // a flipped payload bit breaks the UDP checksum
  const auto bad = parse_ipv4(out);
  ASSERT_TRUE(bad);
  EXPECT_FALSE(parse_udp(*bad));
}

TEST(Ipv4Test, RejectsEveryTruncationAndBadHeaderChecksum) {
  Buffer out;
  write_icmp_echo(out, kA, kB, IcmpEcho{true, 1, 1, {}}, 1);
  for (std::size_t n = 0; n < out.size(); ++n) {
    const auto ip = parse_ipv4(Bytes(out).first(n));
    EXPECT_FALSE(ip) << n;
  }
  out[8] ^= 1;  // TTL changed without fixing the checksum
  EXPECT_FALSE(parse_ipv4(out));
}

TEST(Ipv4Test, RejectsFragments) {
  Buffer out;
  write_udp(out, kA, kB, 1, 2, {}, 1);
  out[6] = 0x20;  // more fragments
  out[10] = out[11] = 0;
  const std::uint16_t sum = internet_checksum(Bytes(out).first(20));
  out[10] = static_cast<std::uint8_t>(sum >> 8);
  out[11] = static_cast<std::uint8_t>(sum);
  EXPECT_FALSE(parse_ipv4(out));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ip
