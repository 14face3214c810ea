// What the capture layer yields and takes: one UDP datagram (or one IP-protocol-115 L2TPv3
// packet) with its timestamp and addresses. Independent of libpcap so engine-side code and
// tests can build these by hand.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::capture {

using net::Endpoint;
using net::IpAddress;

enum class Transport : std::uint8_t {
  Udp,       // payload is the UDP payload
  L2tpv3Ip,  // IP protocol 115 (L2TPv3 over IP, RFC 3931 4.1.1.1); ports are 0
  Esp,       // IP protocol 50 (RFC 4303), from the SPI on; ports are 0; only when asked for
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
