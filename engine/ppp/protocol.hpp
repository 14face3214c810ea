// PPP protocol numbers and control-protocol codes (RFC 1661 2 and 5, RFC 1332, 5072, 3518,
// 1990, 1334, 1994), plus the Protocol-field validity rule. Shared by every part of engine/ppp.
#pragma once

#include <cstdint>
#include <string>

namespace l2tp::ppp {

namespace proto {
constexpr std::uint16_t kIp = 0x0021;
constexpr std::uint16_t kIpv6 = 0x0057;
constexpr std::uint16_t kBridged = 0x0031;
constexpr std::uint16_t kMp = 0x003d;
constexpr std::uint16_t kLcp = 0xc021;
constexpr std::uint16_t kPap = 0xc023;
constexpr std::uint16_t kChap = 0xc223;
constexpr std::uint16_t kIpcp = 0x8021;
constexpr std::uint16_t kIpv6cp = 0x8057;
constexpr std::uint16_t kBcp = 0x8031;
constexpr std::uint16_t kCcp = 0x80fd;
constexpr std::uint16_t kLqr = 0xc025;
}  // namespace proto

// Codes of LCP and the NCPs (RFC 1661 5). NCPs use 1-7 only; 8-11 are LCP's. A packet with
// any other value still parses (the enum holds any octet) and is Code-Rejected (RUC).
enum class Code : std::uint8_t {
  ConfReq = 1,
  ConfAck,
  ConfNak,
  ConfRej,
  TermReq,
  TermAck,
  CodeRej,
  ProtoRej,
  EchoReq,
  EchoRep,
  DiscardReq
};

// "Configure-Request", ... or "Code-0x20".
std::string to_string(Code code);

// "LCP", "IPCP", "IPv4", ... or "0x8029" for protocols without a name here.
std::string protocol_name(std::uint16_t protocol);

// P001 (RFC 1661 2): a Protocol value has an odd low octet and an even high octet. A frame
// breaking this rule carries an unrecognized protocol (Protocol-Reject it in LCP Opened).
constexpr bool valid_protocol(std::uint16_t protocol) {
  return (protocol & 0x0001) != 0 && (protocol & 0x0100) == 0;
}

}  // namespace l2tp::ppp
