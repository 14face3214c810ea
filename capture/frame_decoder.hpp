// Turns one captured link-layer frame into a CapturedPacket: link layer (Ethernet with VLAN tags
// and PPPoE, Linux cooked v1/v2, raw IP, BSD loopback), IPv4 or IPv6 (extension headers,
// fragments), then UDP or IP protocol 115. No libpcap and no I/O, so tests and fuzzers can feed
// it bytes directly; PcapReader feeds it the records of a file. Every length read from the frame
// is checked before use.
#pragma once

#include <cstdint>
#include <optional>

#include "capture/ip_reassembly.hpp"
#include "capture/packet.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::capture {

// Link types (the values libpcap's pcap_datalink() returns on Linux; LINKTYPE_RAW 101 is
// accepted too, for callers that pass the file header's value).
enum class LinkType : int {
  Null = 0,           // DLT_NULL: 4-byte address family, host byte order of the capturer
  Ethernet = 1,       // DLT_EN10MB
  Raw = 12,           // DLT_RAW: IPv4 or IPv6 by the version nibble
  LinktypeRaw = 101,  // LINKTYPE_RAW as stored in files
  Loop = 108,         // DLT_LOOP: like Null, network byte order
  LinuxSll = 113,     // DLT_LINUX_SLL
  Ipv4 = 228,         // LINKTYPE_IPV4
  Ipv6 = 229,         // LINKTYPE_IPV6
  LinuxSll2 = 276,    // DLT_LINUX_SLL2
};

bool link_type_supported(int link_type);

struct ReaderStats {
  // Every frame lands in exactly one of the next seven counters, so frames == udp + l2tpv3_ip +
  // esp + skipped_non_ip + skipped_other_proto + malformed + fragments.
  std::uint64_t frames = 0;
  std::uint64_t udp = 0;                  // unfragmented UDP datagrams yielded
  std::uint64_t l2tpv3_ip = 0;            // unfragmented IP protocol 115 packets yielded
  std::uint64_t esp = 0;                  // unfragmented ESP packets yielded (yield_esp only)
  std::uint64_t skipped_non_ip = 0;       // the link layer carries neither IPv4 nor IPv6
  std::uint64_t skipped_other_proto = 0;  // IP, but not UDP or 115 (fragments of such included)
  std::uint64_t malformed = 0;            // too short or inconsistent to reach the payload
  std::uint64_t fragments = 0;            // IP fragments taken into reassembly (or cut, see below)

  // Counted besides the frame categories:
  std::uint64_t truncated = 0;             // yielded packets with payload.size() < wire_length
  std::uint64_t reassembled = 0;           // datagrams rebuilt from fragments and yielded
  std::uint64_t incomplete_fragments = 0;  // fragments whose datagram never completed: evicted,
                                           // contradicted, left at end of file, or cut by snaplen
  std::uint64_t reassembled_dropped = 0;   // rebuilt but not yielded (bad UDP header, or IPv6
                                           // headers after the Fragment header lead elsewhere)
};

class FrameDecoder {
 public:
  // yield_esp: ESP (IP protocol 50) is yielded too, as Transport::Esp, for `decode --esp-sa`;
  // fragmented ESP is not reassembled (senders size ESP to the path MTU).
  explicit FrameDecoder(int link_type, IpReassembler::Limits limits = {}, bool yield_esp = false)
      : link_type_(link_type), reassembler_(limits), yield_esp_(yield_esp) {}

  // One record, in file order. Returns the UDP datagram or protocol-115 packet it carries, or
  // completes, if any; everything else is only counted.
  std::optional<CapturedPacket> decode(std::uint64_t frame, std::int64_t time_ns, Bytes data);

  // End of input: fragments still waiting are counted as incomplete.
  void finish();

  const ReaderStats& stats() const { return stats_; }
  int link_type() const { return link_type_; }

 private:
  enum class Verdict : std::uint8_t {
    Yield,             // `out` is an unfragmented packet
    YieldReassembled,  // the frame was a fragment and completed `out`
    Fragment,          // the frame was a fragment; nothing to yield yet
    NonIp,
    OtherProto,
    Malformed,
  };

  // What an IP layer found, before the transport header is read.
  struct IpPayload {
    IpAddress src, dst;
    std::uint8_t protocol = 0;
    Bytes data;                 // captured bytes of the payload
    std::uint32_t claimed = 0;  // payload length the IP header claims
  };

  Verdict decode_ip(Bytes ip, int version_hint, std::uint64_t frame, std::int64_t time_ns,
                    CapturedPacket& out);
  Verdict decode_ipv4(Bytes ip, std::uint64_t frame, std::int64_t time_ns, CapturedPacket& out);
  Verdict decode_ipv6(Bytes ip, std::uint64_t frame, std::int64_t time_ns, CapturedPacket& out);
  // Feeds a fragment in; on Verdict::YieldReassembled, done_ holds the rebuilt datagram.
  Verdict add_fragment(const Fragment& fragment, bool cut);
  // Fills `out` from the transport header; Yield, OtherProto or Malformed.
  static Verdict decode_transport(const IpPayload& ip, CapturedPacket& out);
  // A rebuilt datagram's verdict: YieldReassembled, or Fragment if it cannot be yielded.
  Verdict finish_reassembled(IpPayload& ip, CapturedPacket& out);

  int link_type_;
  IpReassembler reassembler_;
  bool yield_esp_ = false;
  ReaderStats stats_;
  ReassembledDatagram done_;
  std::uint64_t cut_fragments_ = 0;
  bool finished_ = false;
};

}  // namespace l2tp::capture
