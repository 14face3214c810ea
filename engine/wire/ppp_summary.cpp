#include "engine/wire/ppp_summary.hpp"

namespace l2tp::wire {
namespace {

// Protocols whose packets start with Code and Identifier (RFC 1661 5, 1334, 1994).
bool has_code_field(std::uint16_t p) {
  return p == 0xC021 || p == 0xC023 || p == 0xC223 || p == 0x8021 || p == 0x8057 || p == 0x80FD ||
         p == 0x8031 || p == 0xC025 || p == 0x80FB;
}

}  // namespace

PppSummary summarize_ppp(Bytes frame) {
  PppSummary s;
  Reader r(frame);
  if (frame.size() >= 2 && frame[0] == 0xFF && frame[1] == 0x03) {
    s.address_control = true;
    (void)r.skip(2);
  }
  std::uint8_t first = 0;
  if (!r.u8(first)) return s;
  // RFC 1661 2: an odd first octet is a compressed one-octet protocol field.
  if (first & 1) {
    s.protocol = first;
  } else {
    std::uint8_t second = 0;
    if (!r.u8(second)) return s;
    s.protocol = static_cast<std::uint16_t>((first << 8) | second);
  }
  s.valid = true;
  if (has_code_field(s.protocol)) {
    std::uint8_t code = 0, id = 0;
    if (r.u8(code)) s.code = code;
    if (r.u8(id)) s.identifier = id;
  }
  return s;
}

std::string_view ppp_protocol_name(std::uint16_t p) {
  switch (p) {
    case 0x0021:
      return "IPv4";
    case 0x0057:
      return "IPv6";
    case 0x003D:
      return "MP";
    case 0x00FD:
      return "CCP-data";
    case 0xC021:
      return "LCP";
    case 0xC023:
      return "PAP";
    case 0xC223:
      return "CHAP";
    case 0xC025:
      return "LQR";
    case 0x8021:
      return "IPCP";
    case 0x8057:
      return "IPv6CP";
    case 0x80FD:
      return "CCP";
    case 0x8031:
      return "BCP";
    case 0x80FB:
      return "CCP-link";
    default:
      return "";
  }
}

std::string_view ppp_code_name(std::uint16_t protocol, std::uint8_t code) {
  if (protocol == 0xC023) {
    switch (code) {
      case 1:
        return "Authenticate-Request";
      case 2:
        return "Authenticate-Ack";
      case 3:
        return "Authenticate-Nak";
      default:
        return "";
    }
  }
  if (protocol == 0xC223) {
    switch (code) {
      case 1:
        return "Challenge";
      case 2:
        return "Response";
      case 3:
        return "Success";
      case 4:
        return "Failure";
      default:
        return "";
    }
  }
  switch (code) {
    case 1:
      return "Configure-Request";
    case 2:
      return "Configure-Ack";
    case 3:
      return "Configure-Nak";
    case 4:
      return "Configure-Reject";
    case 5:
      return "Terminate-Request";
    case 6:
      return "Terminate-Ack";
    case 7:
      return "Code-Reject";
    case 8:
      return "Protocol-Reject";
    case 9:
      return "Echo-Request";
    case 10:
      return "Echo-Reply";
    case 11:
      return "Discard-Request";
    case 12:
      return "Identification";
    case 13:
      return "Time-Remaining";
    case 14:
      return "Reset-Request";
    case 15:
      return "Reset-Ack";
    default:
      return "";
  }
}

}  // namespace l2tp::wire
