// Writes UDP datagrams to a pcap file as raw IP (LINKTYPE_RAW) with nanosecond timestamps, so
// Wireshark and tcpdump show what l2tpsim sent and received. The IP and UDP headers are
// synthesised: IPv4 (TTL 64, DF, increasing identification) or IPv6 (hop limit 64), both with
// correct checksums.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "capture/packet.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

struct pcap;
struct pcap_dumper;

namespace l2tp::capture {

struct WriterStats {
  std::uint64_t written = 0;          // frames written
  std::uint64_t cut = 0;              // payloads cut to fit one IP packet (the headers say so)
  std::uint64_t family_mismatch = 0;  // src and dst of different families: nothing written
};

class PcapWriter {
 public:
  // Largest UDP payload one unfragmented IP packet can carry.
  static constexpr std::size_t kMaxPayloadV4 = 65535 - 20 - 8;  // 65507
  static constexpr std::size_t kMaxPayloadV6 = 65535 - 8;       // 65527 (no jumbograms)

  // Creates (truncates) the file. The error names the path and why it failed.
  static Result<PcapWriter, std::string> open(const std::string& path);

  PcapWriter(PcapWriter&&) noexcept = default;
  PcapWriter& operator=(PcapWriter&&) noexcept = default;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter() = default;  // closes the file (the dumper first, then the pcap handle)

  // One datagram src -> dst; the family is src.addr.v6 and dst must match it (else nothing is
  // written and stats().family_mismatch grows). A payload larger than kMaxPayloadV4/V6 is cut
  // to fit and counted in stats().cut.
  void write(std::int64_t time_ns, const Endpoint& src, const Endpoint& dst, Bytes udp_payload);
  void flush();

  const WriterStats& stats() const { return stats_; }

 private:
  struct PcapCloser {
    void operator()(pcap* p) const;
  };
  struct DumperCloser {
    void operator()(pcap_dumper* d) const;
  };

  PcapWriter(std::unique_ptr<pcap, PcapCloser> pcap, std::unique_ptr<pcap_dumper, DumperCloser> dumper)
      : pcap_(std::move(pcap)), dumper_(std::move(dumper)) {}

  // Declared in this order so the dumper is closed before its pcap handle.
  std::unique_ptr<pcap, PcapCloser> pcap_;
  std::unique_ptr<pcap_dumper, DumperCloser> dumper_;
  Buffer frame_;  // reused between writes
  std::uint16_t next_ip_id_ = 1;
  WriterStats stats_;
};

}  // namespace l2tp::capture
