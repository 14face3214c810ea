// IPv4 packets carried inside PPP sessions: ICMP echo and UDP, built with correct checksums and
// parsed without over-reading. Enough for the traffic probes and for answering pings; not a stack.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/util/bytes.hpp"

namespace l2tp::ip {

using Ipv4 = std::uint32_t;  // host order: 10.0.0.1 is 0x0a000001

namespace proto {
constexpr std::uint8_t kIcmp = 1, kTcp = 6, kUdp = 17;
}

struct Ipv4Header {
  Ipv4 src = 0, dst = 0;
  std::uint8_t protocol = 0;
  std::uint8_t ttl = 64;
  std::uint16_t id = 0;
  Bytes payload;  // up to Total Length, after the header and its options
};

// nullopt for anything that is not a well-formed, unfragmented IPv4 packet with a correct
// header checksum.
std::optional<Ipv4Header> parse_ipv4(Bytes packet);

struct IcmpEcho {
  bool request = true;  // type 8; false: echo reply (type 0)
  std::uint16_t id = 0, seq = 0;
  Bytes data;
};
std::optional<IcmpEcho> parse_icmp_echo(Bytes icmp);  // checksum verified

struct Udp {
  std::uint16_t src_port = 0, dst_port = 0;
  Bytes data;
};
std::optional<Udp> parse_udp(const Ipv4Header& ip);  // checksum verified when not zero

// Writers append a whole IPv4 packet to `out` (cleared first).
void write_icmp_echo(Buffer& out, Ipv4 src, Ipv4 dst, const IcmpEcho& echo, std::uint16_t ip_id);
void write_udp(Buffer& out, Ipv4 src, Ipv4 dst, std::uint16_t sport, std::uint16_t dport, Bytes data,
               std::uint16_t ip_id);

// Gives a whole IPv4 packet (as captured, any protocol) new source and destination addresses
// and makes its checksums right again: the header's (RFC 791), and for an unfragmented TCP, UDP
// or ICMP packet that one's (RFC 793, RFC 768: over the pseudo-header; a UDP checksum of 0, none
// computed, stays 0; RFC 792). The packet is cut to its Total Length. False (nothing changed)
// when it is not IPv4 or shorter than its Total Length.
bool readdress_ipv4(Buffer& packet, Ipv4 src, Ipv4 dst);

// The Internet checksum (RFC 1071) over `data`, starting from a partial sum.
std::uint16_t internet_checksum(Bytes data, std::uint32_t sum = 0);

}  // namespace l2tp::ip
