// Whole L2TP messages: control messages with their AVPs (RFC 2661 3.2, 6) and data messages
// carrying a PPP frame (3.1). Decode never trusts input; encode writes exactly what the value
// says, faults included.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"
#include "engine/util/rng.hpp"
#include "engine/wire/avp.hpp"
#include "engine/wire/header.hpp"

namespace l2tp::wire {

struct ControlMessage {
  Header header;
  std::vector<Avp> avps;  // wire order

  bool is_zlb() const { return avps.empty(); }
  // The Message Type value when the first AVP is a readable Message Type AVP (R039).
  std::optional<std::uint16_t> message_type() const;
  std::optional<MessageType> known_type() const;
  const Avp* find(AvpType t) const;
  std::size_t count(AvpType t) const;
};

// A control message with a correct header (Ns/Nr to be set by the caller) and Message Type.
ControlMessage make_control(MessageType type, TunnelId tunnel, SessionId session);
ControlMessage make_zlb(TunnelId tunnel, Seq ns, Seq nr);

// Decodes one control datagram. With a secret, hidden AVPs are revealed using the most recent
// Random Vector before them (R038); without one they stay Concealed. Errors are structural only
// (header, AVP framing); a value that breaks its attribute's format is kept Raw and flagged for
// the checker, so the checker sees everything the peer sent.
// `mode` Lenient reads a control message without L or S bit too (see HeaderMode).
Result<ControlMessage, DecodeError> decode_control(Bytes dgram, std::optional<Bytes> secret = std::nullopt,
                                                   HeaderMode mode = HeaderMode::Strict);

struct DataMessage {
  Header header;
  Bytes ppp;  // the PPP frame, a view into the datagram
};

Result<DataMessage, DecodeError> decode_data(Bytes dgram);

enum class EncodeError : std::uint8_t {
  AvpTooLong,      // an AVP would exceed the 10-bit Length field (R026)
  MessageTooLong,  // the message would exceed the 16-bit Length field (R013)
};
std::string_view to_string(EncodeError e);

struct EncodeOptions {
  Bytes secret;                               // for AVPs marked hidden
  Rng* rng = nullptr;                         // hidden padding octets; zeroes when null
  std::uint16_t hidden_padding = 0;           // default padding octets per hidden AVP (R034)
  std::optional<std::uint16_t> length_field;  // fault: header Length written instead of the true one

  static EncodeOptions hiding(Bytes secret, Rng* rng = nullptr, std::uint16_t padding = 0) {
    EncodeOptions o;
    o.secret = secret;
    o.rng = rng;
    o.hidden_padding = padding;
    return o;
  }
};

// Appends the encoded message to `out`. Hidden AVPs use the most recent Random Vector AVP
// before them in `m.avps` (an empty vector if none: what a broken peer would do, R032).
Result<void, EncodeError> encode_control(const ControlMessage& m, const EncodeOptions& opt, Buffer& out);

// Appends a data message; Length is computed when h.has_length (or `length_field`, a fault).
Result<void, EncodeError> encode_data(const Header& h, Bytes ppp, Buffer& out,
                                      std::optional<std::uint16_t> length_field = std::nullopt);

}  // namespace l2tp::wire
