// Traffic selectors as charon lists them ("10.0.0.1/32[udp/l2f]", "192.0.2.0/24",
// "0.0.0.0/0[udp]"): the address prefix, to tell whether a source came through a CHILD SA.
#pragma once

#include <optional>
#include <string_view>

#include "engine/net/address.hpp"

namespace l2tp::ipsec {

struct AddressPrefix {
  net::IpAddress addr;
  unsigned bits = 0;
  bool covers(const net::IpAddress& a) const;
};

// The prefix of a selector; none for what is not ADDR[/BITS][PROTO/PORT] (ranges, "dynamic").
std::optional<AddressPrefix> selector_prefix(std::string_view ts);

}  // namespace l2tp::ipsec
