// One captured UDP payload read as far as it can be, for conversation extraction: the L2TP
// header even when the Length field or the capture cut it short, the AVPs of a control message
// up to the first one that cannot be framed, the PPP frame of a data message; and the PAP/CHAP
// user name a PPP frame carries. Only the engine's decoders read the bytes (bounds-checked, no
// exceptions); where they refuse, a patched copy (Length set to what is there, or the message
// cut before the bad AVP) lets them read what precedes the damage, and the error is kept.
#pragma once

#include <optional>
#include <string>

#include "engine/util/bytes.hpp"
#include "engine/wire/message.hpp"

namespace l2tp::capture {

enum class PayloadKind : std::uint8_t {
  Control,  // L2TPv2 control message (T bit)
  Data,     // L2TPv2 data message
  V3,       // L2TPv3 (version 3 in the header)
  NotL2tp,  // L2F, another version, or too short for the fixed header fields
};

struct DecodedPayload {
  PayloadKind kind = PayloadKind::NotL2tp;
  wire::Header header;               // Control and Data: as far as it could be read
  std::optional<DecodeError> error;  // the first problem: header, offset, or AVP framing
  wire::ControlMessage message;      // Control: header and the AVPs before any error
  Bytes message_bytes;               // the message up to Length (or what was captured)
  Bytes ppp;                         // Data: the PPP frame (empty when the header is broken)
};

// Reads one UDP payload. Views point into `payload`. `secret`: the tunnel secret, to reveal
// hidden AVPs (RFC 2661 4.3); without it they stay concealed.
DecodedPayload decode_payload(Bytes payload, std::optional<Bytes> secret = std::nullopt);

// The Assigned Tunnel ID / Session ID of a control message, when present and readable (a
// hidden AVP that could not be revealed has no value here).
std::optional<std::uint16_t> assigned_id(const wire::ControlMessage& m, AvpType type);

// The user name a PPP frame carries: the Peer-ID of a PAP Authenticate-Request (RFC 1334 2.2.1)
// or the Name of a CHAP Response (RFC 1994 4.1), with "PAP" or "CHAP" in `from`.
struct PppUser {
  std::string name;
  std::string from;
};
std::optional<PppUser> ppp_user(Bytes ppp_frame);

// The PPP protocol of a frame, when it can be read.
std::optional<std::uint16_t> ppp_protocol(Bytes ppp_frame);

}  // namespace l2tp::capture
