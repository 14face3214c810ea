// PPP frames as L2TP carries them (RFC 2661 5.1: HDLC-like framing without flags, FCS or
// byte stuffing; the frame may start with Address/Control FF 03) and control-protocol packets
// (RFC 1661 5: Code, Identifier, Length, Data). Parsers return views into the input and never
// read past it; writers append to a caller-owned buffer.
#pragma once

#include <cstdint>
#include <string>

#include "engine/ppp/protocol.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::ppp {

struct Frame {
  std::uint16_t protocol = 0;    // as read; may break P001 (check with valid_protocol)
  Bytes payload;                 // the Information field (plus any padding), a view into the input
  bool address_control = false;  // the frame started with FF 03
};

// Accepts FF 03 present or absent (ACFC, RFC 1661 6.6) and a 1- or 2-octet Protocol field
// (PFC, 6.5: an odd first octet ends the field). Errors: an empty frame, FF not followed by
// 03, a frame ending inside the Protocol field. Whether compression was negotiated is the
// caller's business (P061, P063).
Result<Frame, std::string> parse_frame(Bytes ppp);

// What the peer agreed to receive: it requested ACFC/PFC and we acknowledged (RFC 1661 6.5,
// 6.6: requesting the option says "I can receive compressed frames").
struct FrameFormat {
  bool acfc = false;
  bool pfc = false;
  bool operator==(const FrameFormat&) const = default;
};

// Appends a frame to `out`. LCP frames always carry FF 03 and a 2-octet protocol whatever
// `fmt` says (P060, P062); PFC only shortens protocols whose high octet is zero.
void write_frame(Buffer& out, std::uint16_t protocol, Bytes payload, FrameFormat fmt = {});
// The same frame made of `packet` itself, its header put in front: no second buffer per packet
// (write_packet leaves room for it).
void frame_in_place(Buffer& packet, std::uint16_t protocol, FrameFormat fmt = {});

// A control-protocol packet (LCP, IPCP, IPv6CP, BCP...).
struct Packet {
  Code code{};
  std::uint8_t id = 0;
  Bytes data;  // Length - 4 octets, a view into the input; octets past Length are not included
};

// P024 (RFC 1661 5): octets past Length are padding and ignored; a Length above the packet's
// size or below 4 is an error (the caller silently discards such packets).
Result<Packet, std::string> parse_packet(Bytes cp);

// Appends Code, Identifier, Length and `data`. `data` must leave Length within 16 bits.
void write_packet(Buffer& out, Code code, std::uint8_t id, Bytes data);

}  // namespace l2tp::ppp
