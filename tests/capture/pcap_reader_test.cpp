#include "capture/pcap_reader.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capture_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

TEST(PcapReader, EthernetIpv4UdpWithPaddingAndMicrosecondTime) {
  Buffer frame = ethernet(0x0800, l2tp_v4());
  frame.resize(frame.size() + 6, 0xee);  // Ethernet trailer the IP total length excludes
  std::vector<PcapRecord> recs{{frame, 1700000000, 250000}};
  const auto read = read_bytes(pcap_file(DLT_EN10MB, recs));
  EXPECT_EQ(read.link_type, DLT_EN10MB);
  ASSERT_EQ(read.packets.size(), 1u);
  expect_l2tp_payload(read.packets[0], 1);
  EXPECT_EQ(read.packets[0].time_ns, 1'700'000'000'250'000'000);
  EXPECT_EQ(read.packets[0].src, (Endpoint{kA, 1701}));
  EXPECT_EQ(read.packets[0].dst, (Endpoint{kB, 1701}));
  EXPECT_EQ(read.stats.udp, 1u);
  EXPECT_TRUE(read.error.empty()) << read.error;
}

TEST(PcapReader, BigEndianNanosecondFile) {
  std::vector<PcapRecord> recs{{ethernet(0x86dd, l2tp_v6()), 1700000000, 999999999}};
  const auto read = read_bytes(pcap_file(DLT_EN10MB, recs, /*nano=*/true, /*big_endian=*/true));
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_EQ(read.packets[0].time_ns, 1'700'000'000'999'999'999);
  EXPECT_EQ(read.packets[0].src.to_string(), "[2001:db8::a]:1701");
  EXPECT_EQ(read.packets[0].dst.port, 1702);
}

TEST(PcapReader, SnaplenCutRecordsAreMarkedTruncated) {
  const Buffer big = pattern(1000);
  Buffer frame = ethernet(0x0800, ipv4(kA, kB, 17, udp(1701, 1701, big)));
  const int wire = static_cast<int>(frame.size());
  frame.resize(14 + 20 + 8 + 100);
  // A UDP length larger than the IP packet claims: the UDP header rules, the payload is short.
  const Buffer liar = ethernet(0x0800, ipv4(kA, kB, 17, udp(1701, 1701, kPayload, 500)));
  std::vector<PcapRecord> recs{{frame, 1, 0, wire}, {liar}};
  const auto read = read_bytes(pcap_file(DLT_EN10MB, recs, false, false, 142));
  ASSERT_EQ(read.packets.size(), 2u);
  EXPECT_TRUE(read.packets[0].truncated);
  EXPECT_EQ(read.packets[0].wire_length, 1000u);
  EXPECT_EQ(read.packets[0].payload, Buffer(big.begin(), big.begin() + 100));
  EXPECT_TRUE(read.packets[1].truncated);
  EXPECT_EQ(read.packets[1].wire_length, 492u);
  EXPECT_EQ(read.packets[1].payload, kPayload);
  EXPECT_EQ(read.stats.truncated, 2u);
  EXPECT_EQ(read.stats.udp, 2u);
}

// --- pcapng, written by hand: SHB, IDB, EPBs ---

void block(Buffer& out, std::uint32_t type, Bytes body) {
  const auto total = static_cast<std::uint32_t>(12 + body.size());
  put32(out, type, false);
  put32(out, total, false);
  out.insert(out.end(), body.begin(), body.end());
  put32(out, total, false);
}

Buffer pcapng(std::uint16_t link_type, std::optional<std::uint8_t> tsresol,
              const std::vector<std::pair<std::uint64_t, Buffer>>& packets) {
  Buffer out, shb, idb;
  put32(shb, 0x1a2b3c4d, false);  // byte-order magic
  put16(shb, 1, false);
  put16(shb, 0, false);
  put32(shb, 0xffffffff, false);  // section length unknown
  put32(shb, 0xffffffff, false);
  block(out, 0x0a0d0d0a, shb);
  put16(idb, link_type, false);
  put16(idb, 0, false);
  put32(idb, 0, false);  // snaplen: none
  if (tsresol) {
    put16(idb, 9, false);  // if_tsresol
    put16(idb, 1, false);
    idb.insert(idb.end(), {*tsresol, 0, 0, 0});
    put32(idb, 0, false);  // opt_endofopt
  }
  block(out, 1, idb);
  for (const auto& [ts, data] : packets) {
    Buffer epb;
    put32(epb, 0, false);  // interface 0
    put32(epb, static_cast<std::uint32_t>(ts >> 32), false);
    put32(epb, static_cast<std::uint32_t>(ts), false);
    put32(epb, static_cast<std::uint32_t>(data.size()), false);
    put32(epb, static_cast<std::uint32_t>(data.size()), false);
    epb.insert(epb.end(), data.begin(), data.end());
    epb.resize((epb.size() + 3) / 4 * 4, 0);
    block(out, 6, epb);
  }
  return out;
}

TEST(PcapReader, PcapngWithNanosecondResolution) {
  const std::uint64_t t = 1'700'000'000'123'456'789;
  const auto read = read_bytes(
      pcapng(DLT_EN10MB, 9, {{t, ethernet(0x0806, pattern(28))}, {t + 1, ethernet(0x0800, l2tp_v4())}}));
  EXPECT_TRUE(read.error.empty()) << read.error;
  ASSERT_EQ(read.packets.size(), 1u);
  expect_l2tp_payload(read.packets[0], 2);
  EXPECT_EQ(read.packets[0].time_ns, static_cast<std::int64_t>(t + 1));
}

TEST(PcapReader, PcapngWithDefaultMicrosecondResolution) {
  const auto read =
      read_bytes(pcapng(DLT_EN10MB, std::nullopt, {{1'700'000'000'000'001, ethernet(0x86dd, l2tp_v6())}}));
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_EQ(read.packets[0].time_ns, 1'700'000'000'000'001'000);
}

TEST(PcapReader, OpenRefusesUnreadableFiles) {
  auto missing = PcapReader::open("/nonexistent-l2tpsim/x.pcap");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("/nonexistent-l2tpsim/x.pcap"), std::string::npos) << missing.error();

  TempFile text("reader");
  write_file(text.path(), as_bytes("this is not a capture file at all"));
  auto not_pcap = PcapReader::open(text.path());
  ASSERT_FALSE(not_pcap.has_value());
  EXPECT_NE(not_pcap.error().find(text.path()), std::string::npos) << not_pcap.error();

  TempFile wifi("reader");
  write_file(wifi.path(), pcap_file(105, records({pattern(30)})));  // 802.11
  auto unsupported = PcapReader::open(wifi.path());
  ASSERT_FALSE(unsupported.has_value());
  EXPECT_NE(unsupported.error().find("unsupported link type 105"), std::string::npos) << unsupported.error();
}

TEST(PcapReader, DamagedRecordStopsReadingWithAnError) {
  Buffer file = pcap_file(DLT_EN10MB, records({ethernet(0x0800, l2tp_v4()), ethernet(0x0800, l2tp_v4())}));
  file.resize(file.size() - 10);  // the second record is cut short
  const auto read = read_bytes(file);
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_FALSE(read.error.empty());
  EXPECT_EQ(read.stats.frames, 1u);
}

TEST(PcapReader, MovedReaderContinuesWhereItWas) {
  TempFile file("reader");
  write_file(file.path(), pcap_file(101, records({l2tp_v4(), l2tp_v6(), l2tp_v4()})));
  auto opened = PcapReader::open(file.path());
  ASSERT_TRUE(opened.has_value()) << opened.error();
  PcapReader reader = std::move(opened.value());
  ASSERT_TRUE(reader.next().has_value());
  PcapReader moved = std::move(reader);
  auto second = moved.next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->frame, 2u);
  EXPECT_TRUE(moved.next().has_value());
  EXPECT_FALSE(moved.next().has_value());
  EXPECT_FALSE(moved.next().has_value());
  EXPECT_EQ(moved.stats().frames, 3u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
