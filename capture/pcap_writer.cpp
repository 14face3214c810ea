#include "capture/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace l2tp::capture {

namespace {

constexpr int kSnapLen = 262144;
constexpr std::uint8_t kIpProtoUdp = 17;
constexpr std::uint8_t kTtl = 64;

// One's-complement sum of big-endian 16-bit words (RFC 1071); an odd final byte is padded.
std::uint64_t sum_words(Bytes data, std::uint64_t sum) {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += (std::uint32_t{data[i]} << 8) | data[i + 1];
  if (i < data.size()) sum += std::uint32_t{data[i]} << 8;
  return sum;
}

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

Bytes addr_bytes(const IpAddress& a) {
  return Bytes(a.bytes.data(), a.v6 ? 16 : 4);
}

}  // namespace

void PcapWriter::PcapCloser::operator()(pcap* p) const {
  pcap_close(p);
}
void PcapWriter::DumperCloser::operator()(pcap_dumper* d) const {
  pcap_dump_close(d);
}

Result<PcapWriter, std::string> PcapWriter::open(const std::string& path) {
  // fopen + pcap_dump_fopen rather than pcap_dump_open, which would take "-" to mean stdout.
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return unexpected("cannot open pcap file '" + path + "' for writing: " + std::strerror(errno));
  }
  std::unique_ptr<pcap, PcapCloser> handle(
      pcap_open_dead_with_tstamp_precision(DLT_RAW, kSnapLen, PCAP_TSTAMP_PRECISION_NANO));
  if (!handle) {
    std::fclose(file);
    return unexpected("cannot open pcap file '" + path +
                      "' for writing: libpcap could not allocate a handle");
  }
  std::unique_ptr<pcap_dumper, DumperCloser> dumper(pcap_dump_fopen(handle.get(), file));
  if (!dumper) {  // libpcap has closed `file` already (the header write failed)
    std::string why = pcap_geterr(handle.get());
    return unexpected("cannot open pcap file '" + path + "' for writing: " + why);
  }
  return PcapWriter(std::move(handle), std::move(dumper));
}

void PcapWriter::write(std::int64_t time_ns, const Endpoint& src, const Endpoint& dst, Bytes udp_payload) {
  if (!dumper_) return;  // moved from
  if (src.addr.v6 != dst.addr.v6) {
    ++stats_.family_mismatch;
    return;
  }
  const bool v6 = src.addr.v6;
  const std::size_t max_payload = v6 ? kMaxPayloadV6 : kMaxPayloadV4;
  if (udp_payload.size() > max_payload) {
    udp_payload = udp_payload.first(max_payload);
    ++stats_.cut;
  }
  const auto udp_length = static_cast<std::uint16_t>(8 + udp_payload.size());

  frame_.clear();
  Writer w(frame_);
  if (v6) {
    w.u32(0x60000000);  // version 6, traffic class 0, flow label 0
    w.u16(udp_length);  // payload length
    w.u8(kIpProtoUdp);  // next header
    w.u8(kTtl);         // hop limit
    w.bytes(addr_bytes(src.addr));
    w.bytes(addr_bytes(dst.addr));
  } else {
    w.u8(0x45);  // version 4, IHL 5
    w.u8(0);     // DSCP / ECN
    w.u16(static_cast<std::uint16_t>(20 + udp_length));
    w.u16(next_ip_id_++);
    w.u16(0x4000);  // DF, fragment offset 0
    w.u8(kTtl);
    w.u8(kIpProtoUdp);
    w.u16(0);  // header checksum, patched below
    w.bytes(addr_bytes(src.addr));
    w.bytes(addr_bytes(dst.addr));
    w.patch_u16(10, fold(sum_words(Bytes(frame_.data(), 20), 0)));
  }
  const std::size_t udp_at = frame_.size();
  w.u16(src.port);
  w.u16(dst.port);
  w.u16(udp_length);
  w.u16(0);  // checksum, patched below
  w.bytes(udp_payload);

  // Pseudo-header: RFC 768 (IPv4) and RFC 8200 8.1 (IPv6); both sum to the same words.
  std::uint64_t sum = sum_words(addr_bytes(src.addr), 0);
  sum = sum_words(addr_bytes(dst.addr), sum);
  sum += kIpProtoUdp;
  sum += udp_length;
  sum = sum_words(Bytes(frame_).subspan(udp_at), sum);
  std::uint16_t checksum = fold(sum);
  if (checksum == 0) checksum = 0xffff;  // 0 means "no checksum" (and is forbidden over IPv6)
  w.patch_u16(udp_at + 6, checksum);

  pcap_pkthdr header{};
  // Floor division, so times before the epoch still get a fraction in [0, 1e9).
  std::int64_t sec = time_ns / 1'000'000'000;
  std::int64_t nsec = time_ns % 1'000'000'000;
  if (nsec < 0) {
    nsec += 1'000'000'000;
    --sec;
  }
  header.ts.tv_sec = static_cast<time_t>(sec);
  header.ts.tv_usec = static_cast<suseconds_t>(nsec);  // holds nanoseconds at NANO precision
  header.caplen = static_cast<bpf_u_int32>(frame_.size());
  header.len = header.caplen;
  pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &header, frame_.data());
  ++stats_.written;
}

void PcapWriter::flush() {
  if (dumper_) pcap_dump_flush(dumper_.get());
}

}  // namespace l2tp::capture
