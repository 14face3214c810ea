// What went wrong with a peer's bytes: one enumerator per distinct malformation, each tied to
// the requirement it breaks, and where in the datagram it was found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/wire/rules.hpp"

namespace l2tp {

enum class DecodeErrorKind : std::uint8_t {
  Truncated,               // datagram shorter than the fixed header fields its flags announce
  UnsupportedVersion,      // Ver not 2 (R012)
  L2f,                     // Ver 1: L2F, silently discarded (R340)
  L2tpv3,                  // Ver 3: L2TPv3, recognised but not decoded here
  LengthBelowHeader,       // Length field smaller than the header it is part of (R013)
  LengthBeyondDatagram,    // Length field larger than the datagram (R013)
  OffsetBeyondEnd,         // Offset Size points past the end of the message (R019)
  ControlWithoutLength,    // control message without L bit: cannot be framed (R004)
  ControlWithoutSequence,  // control message without S bit: no Ns/Nr (R007)
  NotControl,              // decode_control was given a data message (T bit clear)
  AvpLengthBelowSix,       // AVP Length < 6; nothing after it can be trusted (R026)
  AvpBeyondMessage,        // AVP Length runs past the end of the message (R028)
};

struct DecodeError {
  DecodeErrorKind kind = DecodeErrorKind::Truncated;
  Rule rule = Rule::R013;
  std::size_t offset = 0;                 // octet offset in the datagram
  std::optional<std::uint16_t> avp_type;  // for AVP-level errors
};

std::string_view to_string(DecodeErrorKind k);
std::string describe(const DecodeError& e);

}  // namespace l2tp
