#include "capture/pcap_writer.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <string>
#include <vector>

#include "capture/pcap_reader.hpp"
#include "capture_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using test::TempFile;

const Endpoint kLac4{IpAddress::v4(192, 0, 2, 1), 1701};
const Endpoint kLns4{IpAddress::v4(198, 51, 100, 7), 40000};

Endpoint v6_endpoint(const std::string& text, std::uint16_t port) {
  return Endpoint{test::v6(text), port};
}

std::uint32_t le32(const Buffer& b, std::size_t at) {
  return std::uint32_t{b[at]} | (std::uint32_t{b[at + 1]} << 8) | (std::uint32_t{b[at + 2]} << 16) |
         (std::uint32_t{b[at + 3]} << 24);
}
std::uint16_t be16(Bytes b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

// The raw frames of a little-endian pcap file, parsed here independently of libpcap.
std::vector<Buffer> raw_frames(const std::string& path) {
  const Buffer file = test::read_file(path);
  std::vector<Buffer> frames;
  std::size_t at = 24;
  while (at + 16 <= file.size()) {
    const std::uint32_t caplen = le32(file, at + 8);
    EXPECT_EQ(caplen, le32(file, at + 12)) << "the writer never cuts a frame";
    at += 16;
    if (at + caplen > file.size()) break;
    frames.emplace_back(file.begin() + static_cast<std::ptrdiff_t>(at),
                        file.begin() + static_cast<std::ptrdiff_t>(at + caplen));
    at += caplen;
  }
  EXPECT_EQ(at, file.size());
  return frames;
}

TEST(PcapWriter, WritesIpv4DatagramsThatReadBackUnchanged) {
  TempFile file("writer");
  const Buffer a = test::pattern(37);
  const Buffer b = test::pattern(1200, 9);
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    writer->write(1'700'000'000'123'456'789, kLac4, kLns4, a);
    writer->write(1'700'000'001'000'000'001, kLns4, kLac4, b);
    writer->write(1'700'000'002'000'000'000, kLac4, kLns4, Bytes{});
    EXPECT_EQ(writer->stats().written, 3u);
  }
  const auto read = test::read_all(file.path());
  EXPECT_EQ(read.link_type, DLT_RAW);
  ASSERT_EQ(read.packets.size(), 3u);
  EXPECT_EQ(read.packets[0].frame, 1u);
  EXPECT_EQ(read.packets[0].time_ns, 1'700'000'000'123'456'789);
  EXPECT_EQ(read.packets[0].src, kLac4);
  EXPECT_EQ(read.packets[0].dst, kLns4);
  EXPECT_EQ(read.packets[0].payload, a);
  EXPECT_EQ(read.packets[0].wire_length, a.size());
  EXPECT_FALSE(read.packets[0].truncated);
  EXPECT_EQ(read.packets[1].time_ns, 1'700'000'001'000'000'001);
  EXPECT_EQ(read.packets[1].src, kLns4);
  EXPECT_EQ(read.packets[1].payload, b);
  EXPECT_TRUE(read.packets[2].payload.empty());
  EXPECT_EQ(read.packets[2].frame, 3u);
  EXPECT_EQ(read.stats.udp, 3u);
  EXPECT_EQ(read.stats.frames, 3u);
}

TEST(PcapWriter, WritesIpv6DatagramsThatReadBackUnchanged) {
  TempFile file("writer");
  const Endpoint src = v6_endpoint("2001:db8::1", 1701);
  const Endpoint dst = v6_endpoint("2001:db8:0:1::ff", 1701);
  const Buffer payload = test::pattern(333);
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    writer->write(42, src, dst, payload);
  }
  const auto read = test::read_all(file.path());
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_TRUE(read.packets[0].src.addr.v6);
  EXPECT_EQ(read.packets[0].src, src);
  EXPECT_EQ(read.packets[0].dst, dst);
  EXPECT_EQ(read.packets[0].payload, payload);
  EXPECT_EQ(read.packets[0].time_ns, 42);
}

TEST(PcapWriter, FileIsNanosecondRawIpPcap) {
  TempFile file("writer");
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    writer->write(5'000'000'007, kLac4, kLns4, test::pattern(3));
  }
  const Buffer bytes = test::read_file(file.path());
  ASSERT_GE(bytes.size(), 24u + 16u);
  EXPECT_EQ(le32(bytes, 0), 0xa1b23c4du) << "nanosecond pcap magic";
  EXPECT_EQ(le32(bytes, 20), 101u) << "LINKTYPE_RAW";
  EXPECT_EQ(le32(bytes, 24), 5u);
  EXPECT_EQ(le32(bytes, 28), 7u);
}

TEST(PcapWriter, Ipv4HeadersAndChecksumsAreCorrect) {
  TempFile file("writer");
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    for (std::size_t n : {0u, 1u, 2u, 99u, 1400u}) writer->write(0, kLac4, kLns4, test::pattern(n));
  }
  const auto frames = raw_frames(file.path());
  ASSERT_EQ(frames.size(), 5u);
  std::uint16_t previous_id = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const Bytes f = frames[i];
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    ASSERT_GE(f.size(), 28u);
    EXPECT_EQ(f[0], 0x45);
    EXPECT_EQ(be16(f, 2), f.size()) << "total length";
    EXPECT_EQ(be16(f, 6), 0x4000) << "DF, no offset";
    EXPECT_EQ(f[8], 64) << "TTL";
    EXPECT_EQ(f[9], 17) << "UDP";
    if (i > 0) {
      EXPECT_EQ(be16(f, 4), static_cast<std::uint16_t>(previous_id + 1)) << "IP ID increases";
    }
    previous_id = be16(f, 4);
    EXPECT_EQ(test::ones_complement_sum({f.first(20)}), 0xffff) << "IPv4 header checksum";

    const Bytes udp = f.subspan(20);
    EXPECT_EQ(be16(udp, 4), udp.size()) << "UDP length";
    EXPECT_NE(be16(udp, 6), 0) << "UDP checksum present";
    const Buffer pseudo = test::concat(
        {f.subspan(12, 8), test::bytes_of({0, 17, int(udp.size() >> 8), int(udp.size() & 0xff)})});
    EXPECT_EQ(test::ones_complement_sum({pseudo, udp}), 0xffff) << "UDP checksum over the pseudo-header";
  }
}

TEST(PcapWriter, Ipv6HeadersAndChecksumsAreCorrect) {
  TempFile file("writer");
  const Endpoint src = v6_endpoint("fe80::1", 1701);
  const Endpoint dst = v6_endpoint("2001:db8:ffff::abcd", 50000);
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    for (std::size_t n : {0u, 7u, 512u}) writer->write(0, src, dst, test::pattern(n, 3));
  }
  const auto frames = raw_frames(file.path());
  ASSERT_EQ(frames.size(), 3u);
  for (const Buffer& frame : frames) {
    const Bytes f = frame;
    ASSERT_GE(f.size(), 48u);
    EXPECT_EQ(f[0] >> 4, 6);
    EXPECT_EQ(be16(f, 4), f.size() - 40) << "payload length";
    EXPECT_EQ(f[6], 17);
    EXPECT_EQ(f[7], 64) << "hop limit";
    const Bytes udp = f.subspan(40);
    // RFC 8200 8.1: src, dst, 32-bit upper-layer length, 3 zero bytes, next header.
    const Buffer pseudo =
        test::concat({f.subspan(8, 32),
                      test::bytes_of({0, 0, int(udp.size() >> 8), int(udp.size() & 0xff), 0, 0, 0, 17})});
    EXPECT_EQ(test::ones_complement_sum({pseudo, udp}), 0xffff);
  }
}

// A payload whose checksum computes to 0 must carry 0xffff (RFC 768; 0 means "none").
TEST(PcapWriter, ZeroChecksumIsWrittenAsAllOnes) {
  TempFile file("writer");
  Buffer payload = test::pattern(10);
  payload[8] = payload[9] = 0;
  // Sum of everything the checksum covers, with the two free bytes at 0.
  const std::uint16_t udp_len = static_cast<std::uint16_t>(8 + payload.size());
  const Buffer pseudo = test::concat({Bytes(kLac4.addr.bytes.data(), 4), Bytes(kLns4.addr.bytes.data(), 4),
                                      test::bytes_of({0, 17, udp_len >> 8, udp_len & 0xff})});
  const Buffer header = test::bytes_of({kLac4.port >> 8, kLac4.port & 0xff, kLns4.port >> 8,
                                        kLns4.port & 0xff, udp_len >> 8, udp_len & 0xff, 0, 0});
  const std::uint16_t partial = test::ones_complement_sum({pseudo, header, payload});
  const std::uint16_t fill = static_cast<std::uint16_t>(0xffff - partial);  // makes the sum 0xffff
  payload[8] = static_cast<std::uint8_t>(fill >> 8);
  payload[9] = static_cast<std::uint8_t>(fill);
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    writer->write(0, kLac4, kLns4, payload);
  }
  const auto frames = raw_frames(file.path());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(be16(frames[0], 26), 0xffff);
}

TEST(PcapWriter, TsharkFindsChecksumsGood) {
  if (!test::have_tshark()) return;
  TempFile file("writer");
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    for (std::size_t n : {0u, 1u, 13u, 1000u}) writer->write(0, kLac4, kLns4, test::pattern(n, 5));
    for (std::size_t n : {0u, 3u, 1460u}) {
      writer->write(0, v6_endpoint("2001:db8::1", 1701), v6_endpoint("2001:db8::2", 1701), test::pattern(n));
    }
  }
  const auto result = test::run_command("tshark -n -r '" + file.path() +
                                        "' -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE"
                                        " -T fields -E separator=, -e ip.version -e udp.checksum.status"
                                        " -e ip.checksum.status");
  ASSERT_EQ(result.status, 0) << result.out;
  const auto lines = test::lines_of(result.out);
  ASSERT_EQ(lines.size(), 7u) << result.out;
  // Field values: checksum status 1 = Good (0 = Bad, 2 = Unverified).
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(lines[i], "4,1,1") << "IPv4 frame " << i + 1;
  for (std::size_t i = 4; i < 7; ++i) EXPECT_EQ(lines[i], "6,1,") << "IPv6 frame " << i + 1;
}

TEST(PcapWriter, OversizedPayloadsAreCutToFitAndCounted) {
  TempFile file("writer");
  const Buffer huge = test::pattern(70000);
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    writer->write(0, kLac4, kLns4, huge);
    writer->write(0, v6_endpoint("::1", 1), v6_endpoint("::2", 2), huge);
    writer->write(0, kLac4, kLns4, Bytes(huge).first(PcapWriter::kMaxPayloadV4));
    EXPECT_EQ(writer->stats().cut, 2u);
    EXPECT_EQ(writer->stats().written, 3u);
  }
  const auto read = test::read_all(file.path());
  ASSERT_EQ(read.packets.size(), 3u);
  EXPECT_EQ(read.packets[0].payload.size(), 65507u);
  EXPECT_EQ(read.packets[0].wire_length, 65507u);
  EXPECT_TRUE(std::equal(read.packets[0].payload.begin(), read.packets[0].payload.end(), huge.begin()));
  EXPECT_EQ(read.packets[1].payload.size(), 65527u);
  EXPECT_FALSE(read.packets[1].truncated);
  EXPECT_EQ(read.packets[2].payload.size(), 65507u);
}

TEST(PcapWriter, MixedAddressFamiliesAreRefusedAndCounted) {
  TempFile file("writer");
  {
    auto writer = PcapWriter::open(file.path());
    ASSERT_TRUE(writer.has_value()) << writer.error();
    writer->write(0, kLac4, v6_endpoint("::1", 1701), test::pattern(4));
    EXPECT_EQ(writer->stats().family_mismatch, 1u);
    EXPECT_EQ(writer->stats().written, 0u);
  }
  EXPECT_TRUE(test::read_all(file.path()).packets.empty());
}

TEST(PcapWriter, OpenErrorNamesPathAndReason) {
  const std::string path = "/nonexistent-l2tpsim-dir/out.pcap";
  auto writer = PcapWriter::open(path);
  ASSERT_FALSE(writer.has_value());
  EXPECT_NE(writer.error().find(path), std::string::npos) << writer.error();
  EXPECT_NE(writer.error().find("No such file or directory"), std::string::npos) << writer.error();
}

TEST(PcapWriter, MovedWriterKeepsWritingAndFlushMakesDataVisible) {
  TempFile file("writer");
  auto opened = PcapWriter::open(file.path());
  ASSERT_TRUE(opened.has_value()) << opened.error();
  PcapWriter writer = std::move(opened.value());
  writer.write(1, kLac4, kLns4, test::pattern(20));
  PcapWriter moved = std::move(writer);
  moved.write(2, kLns4, kLac4, test::pattern(21));
  moved.flush();
  const auto read = test::read_all(file.path());  // while `moved` is still open
  ASSERT_EQ(read.packets.size(), 2u);
  EXPECT_EQ(read.packets[1].time_ns, 2);
  EXPECT_EQ(read.packets[1].payload.size(), 21u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
