#include "engine/net/address.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace l2tp::net {

Ipv4 Ipv4::of(const IpAddress& a) {
  return Ipv4{std::uint32_t{a.bytes[0]} << 24 | std::uint32_t{a.bytes[1]} << 16 |
              std::uint32_t{a.bytes[2]} << 8 | a.bytes[3]};
}

IpAddress Ipv4::address() const {
  return IpAddress::v4(static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
                       static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value));
}

IpAddress IpAddress::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  IpAddress out;
  out.bytes[0] = a;
  out.bytes[1] = b;
  out.bytes[2] = c;
  out.bytes[3] = d;
  return out;
}

bool IpAddress::parse(const std::string& text, IpAddress& out) {
  IpAddress parsed;
  if (text.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, text.c_str(), parsed.bytes.data()) != 1) return false;
  } else {
    parsed.v6 = true;
    if (inet_pton(AF_INET6, text.c_str(), parsed.bytes.data()) != 1) return false;
  }
  out = parsed;
  return true;
}

namespace {

std::string dotted_quad(const std::uint8_t* b) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  return buf;
}

// RFC 5952: lower-case hex, no leading zeros, the longest run (first if tied) of two or more
// zero groups becomes "::", and IPv4-mapped addresses end in dotted-quad.
std::string rfc5952(const std::array<std::uint8_t, 16>& b) {
  std::uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<std::uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
  const bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 &&
                      groups[4] == 0 && groups[5] == 0xffff;
  const int hex_groups = mapped ? 6 : 8;

  int best_start = -1, best_len = 0;
  for (int i = 0; i < hex_groups;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < hex_groups && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;

  std::string out;
  for (int i = 0; i < hex_groups; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", groups[i]);
    out += buf;
  }
  if (mapped) {
    if (out.back() != ':') out += ':';
    out += dotted_quad(&b[12]);
  }
  return out;
}

}  // namespace

std::string IpAddress::to_string() const {
  return v6 ? rfc5952(bytes) : dotted_quad(bytes.data());
}

std::string Endpoint::to_string() const {
  const std::string port_text = std::to_string(port);
  // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on a chain of operator+.
  std::string out;
  if (addr.v6) out += '[';
  out += addr.to_string();
  if (addr.v6) out += ']';
  out += ':';
  out += port_text;
  return out;
}

}  // namespace l2tp::net
