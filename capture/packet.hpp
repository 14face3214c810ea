// What the capture layer yields and takes: one UDP datagram (or one IP-protocol-115 L2TPv3
// packet) with its timestamp and addresses. Independent of libpcap so engine-side code and
// tests can build these by hand.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/util/bytes.hpp"

namespace l2tp::capture {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4 octets

  static IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
  // Parses dotted-quad or RFC 5952 text; returns false on anything else.
  static bool parse(const std::string& text, IpAddress& out);
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
};

struct Endpoint {
  IpAddress addr;
  std::uint16_t port = 0;
  std::string to_string() const;  // "1.2.3.4:1701" or "[::1]:1701"
  bool operator==(const Endpoint&) const = default;
};

enum class Transport : std::uint8_t {
  Udp,       // payload is the UDP payload
  L2tpv3Ip,  // IP protocol 115 (L2TPv3 over IP, RFC 3931 4.1.1.1); ports are 0
};

struct CapturedPacket {
  std::uint64_t frame = 0;   // 1-based frame number in the capture file, as Wireshark counts
  std::int64_t time_ns = 0;  // since the Unix epoch
  Transport transport = Transport::Udp;
  Endpoint src, dst;
  Buffer payload;                 // what the file holds of the payload
  std::uint32_t wire_length = 0;  // payload length the UDP/IP header claims
  bool truncated = false;         // snaplen cut the payload: payload.size() < wire_length
  bool reassembled = false;       // rebuilt from IP fragments
};

}  // namespace l2tp::capture
