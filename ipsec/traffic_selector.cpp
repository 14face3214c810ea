#include "ipsec/traffic_selector.hpp"

#include <string>

namespace l2tp::ipsec {

bool AddressPrefix::covers(const net::IpAddress& a) const {
  if (a.v6 != addr.v6) return false;
  const unsigned total = addr.v6 ? 128 : 32;
  const unsigned bits_checked = bits > total ? total : bits;
  for (unsigned i = 0; i < bits_checked; ++i) {
    const unsigned octet = i / 8, mask = 0x80u >> (i % 8);
    if ((a.bytes[octet] & mask) != (addr.bytes[octet] & mask)) return false;
  }
  return true;
}

std::optional<AddressPrefix> selector_prefix(std::string_view ts) {
  const auto bracket = ts.find('[');
  std::string_view net = ts.substr(0, bracket);
  std::string_view bits_text;
  if (const auto slash = net.find('/'); slash != std::string_view::npos) {
    bits_text = net.substr(slash + 1);
    net = net.substr(0, slash);
  }
  AddressPrefix p;
  if (!net::IpAddress::parse(std::string(net), p.addr)) return std::nullopt;
  const unsigned total = p.addr.v6 ? 128 : 32;
  p.bits = total;
  if (!bits_text.empty()) {
    unsigned v = 0;
    for (char c : bits_text) {
      if (c < '0' || c > '9' || v > total) return std::nullopt;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > total) return std::nullopt;
    p.bits = v;
  }
  return p;
}

}  // namespace l2tp::ipsec
