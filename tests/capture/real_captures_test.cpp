// The public captures in tests/data/captures (see its README.md), cross-checked with tshark.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capture/pcap_reader.hpp"
#include "capture_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

std::vector<std::uint64_t> tshark_frames(const std::string& path, const std::string& filter) {
  std::vector<std::uint64_t> out;
  const auto result =
      run_command("tshark -n -r '" + path + "' -Y '" + filter + "' -T fields -e frame.number");
  EXPECT_EQ(result.status, 0) << "tshark failed on " << path;
  for (const std::string& line : lines_of(result.out)) out.push_back(std::stoull(line));
  return out;
}

std::vector<std::uint64_t> frames_where(const ReadResult& read, bool (*keep)(const CapturedPacket&)) {
  std::vector<std::uint64_t> out;
  for (const auto& p : read.packets) {
    if (keep(p)) out.push_back(p.frame);
  }
  return out;
}

bool is_l2tp_udp(const CapturedPacket& p) {
  return p.transport == Transport::Udp && (p.src.port == 1701 || p.dst.port == 1701);
}

bool is_l2tpv3_ip(const CapturedPacket& p) {
  return p.transport == Transport::L2tpv3Ip;
}

ReadResult read_capture(const std::string& name) {
  auto read = read_all(data_file(name));
  EXPECT_TRUE(read.error.empty()) << read.error;
  EXPECT_EQ(category_sum(read.stats), read.stats.frames) << name;
  return read;
}

TEST(PcapReaderCaptures, JnetpcapSessionIsAllL2tpOverUdp) {
  const std::string name = "jnetpcap-legacy_test-l2tp.pcap";
  const auto read = read_capture(name);
  EXPECT_EQ(read.stats.frames, 168u);
  ASSERT_EQ(read.packets.size(), 168u);
  for (std::size_t i = 0; i < read.packets.size(); ++i) {
    const auto& p = read.packets[i];
    EXPECT_EQ(p.frame, i + 1);
    EXPECT_TRUE(is_l2tp_udp(p)) << "frame " << p.frame;
    EXPECT_FALSE(p.truncated);
    EXPECT_EQ(p.payload.size(), p.wire_length) << "frame " << p.frame << ": Ethernet padding must be trimmed";
  }
  if (!have_tshark()) return;
  EXPECT_EQ(frames_where(read, is_l2tp_udp), tshark_frames(data_file(name), "udp.port==1701"));
  const auto times =
      run_command("tshark -n -r '" + data_file(name) + "' -c 1 -T fields -e frame.time_epoch -e udp.length");
  const auto fields = lines_of(times.out);
  ASSERT_EQ(fields.size(), 1u);
  // "1081444578.123456000\t88": seconds.nanoseconds, then the UDP length.
  const std::string& line = fields[0];
  const std::size_t dot = line.find('.'), tab = line.find('\t');
  ASSERT_NE(tab, std::string::npos);
  const std::int64_t ns =
      std::stoll(line.substr(0, dot)) * 1'000'000'000 + std::stoll(line.substr(dot + 1, 9));
  EXPECT_EQ(read.packets[0].time_ns, ns);
  EXPECT_EQ(read.packets[0].wire_length + 8, std::stoul(line.substr(tab + 1)));
}

TEST(PcapReaderCaptures, Xdp2L2tpv3OverIp) {
  const std::string name = "xdp2_l2tp.pcap";
  const auto read = read_capture(name);
  EXPECT_EQ(read.stats.frames, 38u);
  EXPECT_EQ(read.stats.udp, 0u);
  EXPECT_EQ(read.stats.skipped_non_ip, 7u) << "Ethernet configuration-testing (0x9000) frames";
  EXPECT_EQ(read.stats.skipped_other_proto, 6u) << "OSPF";
  ASSERT_EQ(read.packets.size(), 25u);
  for (const auto& p : read.packets) {
    EXPECT_EQ(p.transport, Transport::L2tpv3Ip);
    EXPECT_EQ(p.src.port, 0);
    EXPECT_FALSE(p.truncated);
  }
  EXPECT_EQ(read.packets[0].src.addr, IpAddress::v4(3, 3, 3, 3));
  EXPECT_EQ(read.packets[0].dst.addr, IpAddress::v4(2, 2, 2, 2));
  EXPECT_EQ(read.packets[0].wire_length, 84u - 20u);
  if (!have_tshark()) return;
  EXPECT_EQ(frames_where(read, is_l2tpv3_ip), tshark_frames(data_file(name), "ip.proto==115"));
}

TEST(PcapReaderCaptures, Xdp2L2tpInsidePppoe) {
  const std::string name = "xdp2_l7_l2tp.pcap";
  const auto read = read_capture(name);
  ASSERT_EQ(read.packets.size(), 4u);
  for (const auto& p : read.packets) {
    EXPECT_TRUE(is_l2tp_udp(p));
    EXPECT_FALSE(p.truncated);
  }
  EXPECT_EQ(read.packets[0].src, (Endpoint{IpAddress::v4(109, 6, 1, 72), 1701}));
  EXPECT_EQ(read.packets[0].wire_length, 32u - 8u);
  if (!have_tshark()) return;
  EXPECT_EQ(frames_where(read, is_l2tp_udp), tshark_frames(data_file(name), "udp.port==1701"));
}

TEST(PcapReaderCaptures, PacketnetSinglePacket) {
  const auto read = read_capture("packetnet_l2tp.pcap");
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_TRUE(is_l2tp_udp(read.packets[0]));
}

TEST(PcapReaderCaptures, FlowcontainerIpsecHasNoL2tpOnPort1701) {
  const std::string name = "flowcontainer_l2tp.pcap";
  const auto read = read_capture(name);
  EXPECT_EQ(read.stats.frames, 2350u);
  EXPECT_TRUE(frames_where(read, is_l2tp_udp).empty());
  for (const auto& p : read.packets) EXPECT_TRUE(p.src.port == 4500 || p.dst.port == 4500) << p.frame;
  if (!have_tshark()) return;
  EXPECT_TRUE(tshark_frames(data_file(name), "l2tp").empty());
  EXPECT_EQ(read.stats.udp, tshark_frames(data_file(name), "udp").size());
}

TEST(PcapReaderCaptures, TcpdumpAvpOverflowYieldsTruncatedDatagrams) {
  const std::string name = "tcpdump_l2tp-avp-overflow.pcap";
  const auto read = read_capture(name);
  EXPECT_EQ(read.stats.frames, 20u);
  EXPECT_EQ(read.stats.malformed, 2u) << "two records of 8 bytes";
  ASSERT_EQ(read.packets.size(), 18u);
  for (const auto& p : read.packets) {
    EXPECT_TRUE(p.truncated) << p.frame;
    EXPECT_LT(p.payload.size(), p.wire_length);
    EXPECT_EQ(p.payload.size(), 58u - 14u - 20u - 8u);
  }
  EXPECT_EQ(read.packets[0].wire_length, 6632u - 8u);
  EXPECT_EQ(read.stats.truncated, 18u);
  if (!have_tshark()) return;
  EXPECT_EQ(frames_where(read, is_l2tp_udp), tshark_frames(data_file(name), "udp.port==1701"));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
