// IP addresses and UDP endpoints: plain values shared by the engine (peer keys), the
// transport and the capture code.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace l2tp::net {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4 octets

  static IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
  // Parses dotted-quad or RFC 5952 text; returns false on anything else.
  static bool parse(const std::string& text, IpAddress& out);
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
};

// An IPv4 address in 4 octets where IpAddress takes 17: for what is IPv4 by definition (IPCP's
// addresses) and kept for every session of a load run.
struct Ipv4 {
  std::uint32_t value = 0;  // the first octet in the high byte
  static Ipv4 of(const IpAddress& a);
  IpAddress address() const;
  std::string to_string() const { return address().to_string(); }
  bool operator==(const Ipv4&) const = default;
};

struct Endpoint {
  IpAddress addr;
  std::uint16_t port = 0;
  std::string to_string() const;  // "1.2.3.4:1701" or "[::1]:1701"
  bool operator==(const Endpoint&) const = default;
};

}  // namespace l2tp::net

template <>
struct std::hash<l2tp::net::Endpoint> {
  std::size_t operator()(const l2tp::net::Endpoint& e) const noexcept {
    std::size_t h = e.port * 0x9E3779B97F4A7C15ULL + e.addr.v6;
    for (auto b : e.addr.bytes) h = (h ^ b) * 0x100000001B3ULL;
    return h;
  }
};
