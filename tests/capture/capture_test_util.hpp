// Helpers shared by the capture tests: temporary files, hand-built frames and pcap/pcapng files,
// an independent Internet checksum, and running tshark. Header-only, test code only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "capture/packet.hpp"
#include "capture/pcap_reader.hpp"
#include "engine/util/bytes.hpp"

#ifndef L2TPSIM_TEST_DATA_DIR
#error "L2TPSIM_TEST_DATA_DIR must be defined (the tests/data directory)"
#endif

namespace l2tp::capture::test {

inline Buffer bytes_of(std::initializer_list<int> values) {
  Buffer out;
  for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

inline Buffer concat(std::initializer_list<Bytes> parts) {
  Buffer out;
  for (Bytes p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Buffer pattern(std::size_t n, std::uint8_t seed = 1) {
  Buffer out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 7);
  return out;
}

// A file in the temporary directory, removed when the object goes.
class TempFile {
 public:
  explicit TempFile(const std::string& stem) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = stem + "-" + std::to_string(::getpid());
    if (info != nullptr) name += std::string("-") + info->test_suite_name() + "-" + info->name();
    path_ = (std::filesystem::temp_directory_path() / name).string();
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, Bytes data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

inline Buffer read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Buffer((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// --- Independent checksum (written separately from capture/pcap_writer.cpp on purpose) ---

inline std::uint16_t ones_complement_sum(std::initializer_list<Bytes> parts) {
  std::uint32_t sum = 0;
  for (Bytes part : parts) {
    for (std::size_t i = 0; i < part.size(); ++i) {
      sum += (i % 2 == 0) ? std::uint32_t{part[i]} << 8 : part[i];
      sum = (sum & 0xffff) + (sum >> 16);
    }
  }
  return static_cast<std::uint16_t>(sum);
}

// --- Frame builders (checksums left 0; the reader does not check them) ---

struct Ipv4Options {
  std::uint16_t id = 0x1234;
  std::uint16_t flags_offset = 0;  // raw field: 0x2000 = MF, low 13 bits = offset / 8
  Buffer ip_options;               // multiple of 4 bytes
  int total_length = -1;           // override of the header's total length
};

inline Buffer ipv4(const IpAddress& src, const IpAddress& dst, std::uint8_t protocol, Bytes payload,
                   const Ipv4Options& o = {}) {
  Buffer out;
  Writer w(out);
  const std::size_t header = 20 + o.ip_options.size();
  w.u8(static_cast<std::uint8_t>(0x40 | (header / 4)));
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(o.total_length >= 0 ? o.total_length : header + payload.size()));
  w.u16(o.id);
  w.u16(o.flags_offset);
  w.u8(64);
  w.u8(protocol);
  w.u16(0);
  w.bytes(Bytes(src.bytes.data(), 4));
  w.bytes(Bytes(dst.bytes.data(), 4));
  w.bytes(o.ip_options);
  w.bytes(payload);
  return out;
}

inline Buffer ipv6(const IpAddress& src, const IpAddress& dst, std::uint8_t next_header, Bytes payload,
                   int payload_length = -1) {
  Buffer out;
  Writer w(out);
  w.u32(0x60000000);
  w.u16(static_cast<std::uint16_t>(payload_length >= 0 ? payload_length : payload.size()));
  w.u8(next_header);
  w.u8(64);
  w.bytes(src.bytes);
  w.bytes(dst.bytes);
  w.bytes(payload);
  return out;
}

// An IPv6 extension header (hop-by-hop, routing, destination options) of (len + 1) * 8 bytes.
inline Buffer ipv6_ext(std::uint8_t next_header, std::uint8_t len_units) {
  Buffer out((std::size_t{len_units} + 1) * 8, 0);
  out[0] = next_header;
  out[1] = len_units;
  if (out.size() > 2) out[2] = 1;  // PadN option
  if (out.size() > 3) out[3] = static_cast<std::uint8_t>(out.size() - 4);
  return out;
}

inline Buffer ipv6_fragment_header(std::uint8_t next_header, std::uint32_t offset, bool more,
                                   std::uint32_t id) {
  Buffer out;
  Writer w(out);
  w.u8(next_header);
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(offset | (more ? 1 : 0)));
  w.u32(id);
  return out;
}

inline Buffer udp(std::uint16_t sport, std::uint16_t dport, Bytes payload, int length = -1) {
  Buffer out;
  Writer w(out);
  w.u16(sport);
  w.u16(dport);
  w.u16(static_cast<std::uint16_t>(length >= 0 ? length : 8 + payload.size()));
  w.u16(0);
  w.bytes(payload);
  return out;
}

inline Buffer ethernet(std::uint16_t ethertype, Bytes payload) {
  Buffer out = bytes_of({0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2});
  Writer w(out);
  w.u16(ethertype);
  w.bytes(payload);
  return out;
}

inline IpAddress v6(const std::string& text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// --- pcap files built by hand (little-endian unless told otherwise) ---

struct PcapRecord {
  Buffer data;
  std::uint32_t sec = 1700000000;
  std::uint32_t frac = 0;  // microseconds or nanoseconds, as the file's magic says
  int orig_len = -1;       // wire length; -1 = data.size()
};

inline void put32(Buffer& b, std::uint32_t v, bool big) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (big ? 24 - 8 * i : 8 * i)));
}
inline void put16(Buffer& b, std::uint16_t v, bool big) {
  for (int i = 0; i < 2; ++i) b.push_back(static_cast<std::uint8_t>(v >> (big ? 8 - 8 * i : 8 * i)));
}

inline Buffer pcap_file(std::uint32_t link_type, const std::vector<PcapRecord>& records, bool nano = false,
                        bool big_endian = false, std::uint32_t snaplen = 65535) {
  Buffer out;
  put32(out, nano ? 0xa1b23c4d : 0xa1b2c3d4, big_endian);
  put16(out, 2, big_endian);
  put16(out, 4, big_endian);
  put32(out, 0, big_endian);  // thiszone
  put32(out, 0, big_endian);  // sigfigs
  put32(out, snaplen, big_endian);
  put32(out, link_type, big_endian);
  for (const PcapRecord& r : records) {
    put32(out, r.sec, big_endian);
    put32(out, r.frac, big_endian);
    put32(out, static_cast<std::uint32_t>(r.data.size()), big_endian);
    put32(out, static_cast<std::uint32_t>(r.orig_len >= 0 ? r.orig_len : r.data.size()), big_endian);
    out.insert(out.end(), r.data.begin(), r.data.end());
  }
  return out;
}

// Reads a whole file; fails the test if it cannot be opened.
struct ReadResult {
  std::vector<CapturedPacket> packets;
  ReaderStats stats;
  int link_type = -1;
  std::string error;
};

inline ReadResult read_all(const std::string& path) {
  ReadResult out;
  auto reader = PcapReader::open(path);
  EXPECT_TRUE(reader.has_value()) << (reader ? "" : reader.error());
  if (!reader) return out;
  while (auto p = reader->next()) out.packets.push_back(std::move(*p));
  out.stats = reader->stats();
  out.link_type = reader->link_type();
  out.error = reader->error();
  return out;
}

inline ReadResult read_bytes(Bytes file) {
  TempFile tmp("l2tpsim-capture");
  write_file(tmp.path(), file);
  return read_all(tmp.path());
}

inline std::uint64_t category_sum(const ReaderStats& s) {
  return s.udp + s.l2tpv3_ip + s.skipped_non_ip + s.skipped_other_proto + s.malformed + s.fragments;
}

// --- Common test traffic: one L2TP datagram over IPv4 or IPv6 ---

inline const IpAddress kA = IpAddress::v4(192, 0, 2, 1);
inline const IpAddress kB = IpAddress::v4(198, 51, 100, 2);
inline const Buffer kPayload = pattern(24);

inline Buffer l2tp_v4() {
  return ipv4(kA, kB, 17, udp(1701, 1701, kPayload));
}
inline Buffer l2tp_v6() {
  return ipv6(v6("2001:db8::a"), v6("2001:db8::b"), 17, udp(1701, 1702, kPayload));
}

inline std::vector<PcapRecord> records(std::initializer_list<Buffer> frames) {
  std::vector<PcapRecord> out;
  for (const Buffer& f : frames) out.push_back(PcapRecord{f});
  return out;
}

inline ReadResult read_frames(std::uint32_t link_type, std::initializer_list<Buffer> frames) {
  return read_bytes(pcap_file(link_type, records(frames)));
}

inline void expect_l2tp_payload(const CapturedPacket& p, std::uint64_t frame) {
  EXPECT_EQ(p.frame, frame);
  EXPECT_EQ(p.transport, Transport::Udp);
  EXPECT_EQ(p.payload, kPayload);
  EXPECT_EQ(p.wire_length, kPayload.size());
  EXPECT_FALSE(p.truncated);
  EXPECT_FALSE(p.reassembled);
}

// --- tshark ---

struct CommandOutput {
  int status = -1;
  std::string out;
};

inline CommandOutput run_command(const std::string& command) {
  CommandOutput result;
  std::FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  result.status = ::pclose(pipe);
  return result;
}

// tshark is required by these tests: a missing tshark is a failure, never a skip.
inline bool have_tshark() {
  const bool found = run_command("command -v tshark").status == 0;
  if (!found) {
    ADD_FAILURE() << "tshark is not installed, but this test cross-checks with it (apt-get install tshark)";
  }
  return found;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

inline std::string data_file(const std::string& name) {
  return std::string(L2TPSIM_TEST_DATA_DIR) + "/captures/" + name;
}

}  // namespace l2tp::capture::test
