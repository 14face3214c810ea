// readdress_ipv4: a captured packet given new addresses keeps its payload and gets right
// checksums again (header, TCP and UDP over the pseudo-header, ICMP), each checked here by an
// independent sum.
#include <gtest/gtest.h>

#include "engine/ip/ipv4.hpp"

namespace l2tp::ip {
namespace L2TPSIM_FILE_ID {

constexpr Ipv4 kOldSrc = 0xac100a02, kOldDst = 0xac100a01;  // 172.16.10.2 -> 172.16.10.1
constexpr Ipv4 kNewSrc = 0x0a000002, kNewDst = 0x0a000001;

// A TCP segment (header without options, then `data`) in an IPv4 packet, checksums left zero.
Buffer tcp_packet(Ipv4 src, Ipv4 dst, const Buffer& data) {
  Buffer p = {0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto::kTcp, 0, 0};
  for (const Ipv4 a : {src, dst})
    for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<std::uint8_t>(a >> s));
  const Buffer tcp = {0x10, 0x5f, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0xdc, 0x98, 0, 0, 0, 0};
  p.insert(p.end(), tcp.begin(), tcp.end());
  p.insert(p.end(), data.begin(), data.end());
  p[2] = static_cast<std::uint8_t>(p.size() >> 8);
  p[3] = static_cast<std::uint8_t>(p.size());
  return p;
}

std::uint32_t read32(const Buffer& b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 |
         b[at + 3];
}

// The TCP checksum over the pseudo-header (RFC 793 3.1) sums to zero when right.
bool tcp_checksum_ok(const Buffer& p) {
  Buffer pseudo(p.begin() + 12, p.begin() + 20);
  const std::size_t len = p.size() - 20;
  pseudo.insert(pseudo.end(),
                {0, proto::kTcp, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)});
  pseudo.insert(pseudo.end(), p.begin() + 20, p.end());
  return internet_checksum(pseudo) == 0;
}

TEST(Readdress, TcpGetsNewAddressesAndRightChecksums) {
  const Buffer data = {'G', 'E', 'T', ' ', '/'};
  Buffer p = tcp_packet(kOldSrc, kOldDst, data);
  ASSERT_TRUE(readdress_ipv4(p, kNewSrc, kNewDst));
  const auto ip = parse_ipv4(p);  // verifies the header checksum
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->src, kNewSrc);
  EXPECT_EQ(ip->dst, kNewDst);
  EXPECT_TRUE(tcp_checksum_ok(p));
  EXPECT_EQ(Buffer(p.end() - 5, p.end()), data);
}

TEST(Readdress, UdpAndIcmpChecksumsVerifyAfterwards) {
  Buffer udp;
  write_udp(udp, kOldSrc, kOldDst, 137, 137, Buffer{1, 2, 3}, 5);
  ASSERT_TRUE(readdress_ipv4(udp, kNewSrc, 0xffffffff));
  const auto u = parse_ipv4(udp);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->dst, 0xffffffffu);
  ASSERT_TRUE(parse_udp(*u));  // checksum verified (non-zero)
  Buffer icmp;
  write_icmp_echo(icmp, kOldSrc, kOldDst, IcmpEcho{true, 1, 2, Buffer{9}}, 6);
  icmp[22] ^= 0xff;  // a wrong captured checksum is made right too
  ASSERT_TRUE(readdress_ipv4(icmp, kNewSrc, kNewDst));
  const auto i = parse_ipv4(icmp);
  ASSERT_TRUE(i);
  EXPECT_TRUE(parse_icmp_echo(i->payload));
}

TEST(Readdress, TrailingOctetsCutAndShortPacketsRefused) {
  Buffer p = tcp_packet(kOldSrc, kOldDst, {});
  const std::size_t total = p.size();
  p.push_back(0);  // link padding after Total Length
  ASSERT_TRUE(readdress_ipv4(p, kNewSrc, kNewDst));
  EXPECT_EQ(p.size(), total);
  Buffer cut = tcp_packet(kOldSrc, kOldDst, {1, 2, 3});
  cut.resize(cut.size() - 1);  // shorter than its Total Length
  const Buffer before = cut;
  EXPECT_FALSE(readdress_ipv4(cut, kNewSrc, kNewDst));
  EXPECT_EQ(cut, before);
  EXPECT_EQ(read32(before, 12), kOldSrc);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ip
