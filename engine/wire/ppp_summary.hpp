// Just enough of a PPP frame to label a data message in decode output (protocol, code, id).
// The full PPP engine lives in engine/ppp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/util/bytes.hpp"

namespace l2tp::wire {

struct PppSummary {
  bool address_control = false;  // frame starts with FF 03
  bool valid = false;            // a protocol field could be read
  std::uint16_t protocol = 0;
  std::optional<std::uint8_t> code;  // for LCP-like control protocols
  std::optional<std::uint8_t> identifier;
};

PppSummary summarize_ppp(Bytes frame);
// "LCP", "PAP", "CHAP", "IPCP", "IPv6CP", "IPv4", ... or "" when unnamed.
std::string_view ppp_protocol_name(std::uint16_t protocol);
// "Configure-Request", ... for LCP/NCP codes; PAP/CHAP codes by protocol.
std::string_view ppp_code_name(std::uint16_t protocol, std::uint8_t code);

}  // namespace l2tp::wire
