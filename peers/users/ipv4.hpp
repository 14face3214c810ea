// IPv4 values the users/pools code works with: an address as a 32-bit number (so ranges are
// arithmetic), an inclusive range, and a RouterOS address property that holds either a fixed
// address or the name of a pool ("remote-address=10.0.0.1" or "remote-address=POOL1").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/net/address.hpp"

namespace l2tp::peers {

// Host-order value of an IPv4 address (10.0.0.1 -> 0x0A000001), so ranges can be counted.
inline std::uint32_t to_u32(const net::IpAddress& a) {
  return (std::uint32_t{a.bytes[0]} << 24) | (std::uint32_t{a.bytes[1]} << 16) |
         (std::uint32_t{a.bytes[2]} << 8) | std::uint32_t{a.bytes[3]};
}
inline net::IpAddress from_u32(std::uint32_t v) {
  return net::IpAddress::v4(static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                            static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v));
}

// first..last, both included; first <= last.
struct Ipv4Range {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  std::uint64_t size() const { return std::uint64_t{last} - first + 1; }
  bool contains(std::uint32_t a) const { return a >= first && a <= last; }
  bool overlaps(const Ipv4Range& o) const { return first <= o.last && o.first <= last; }
  bool operator==(const Ipv4Range&) const = default;
};

// A local-address/remote-address property: unset, a fixed address, or a pool name.
struct AddressRef {
  std::optional<net::IpAddress> address;
  std::string pool;
  bool empty() const { return !address && pool.empty(); }
  bool operator==(const AddressRef&) const = default;
};

}  // namespace l2tp::peers
