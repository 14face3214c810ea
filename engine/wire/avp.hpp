// AVPs (RFC 2661 4.1): the header, a zero-copy reader over a message's AVPs, and the owning
// Avp with a typed value used by decoded and to-be-sent messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"
#include "engine/wire/avp_spec.hpp"
#include "engine/wire/avp_value.hpp"
#include "engine/wire/decode_error.hpp"

namespace l2tp::wire {

inline constexpr std::uint16_t kAvpFlagM = 0x8000;
inline constexpr std::uint16_t kAvpFlagH = 0x4000;
inline constexpr std::uint16_t kAvpReservedMask = 0x3C00;
inline constexpr std::uint16_t kAvpLengthMask = 0x03FF;

struct AvpHeader {
  bool mandatory = false;
  bool hidden = false;
  std::uint8_t reserved = 0;  // the four reserved flag bits (R021), shifted to bits 0..3
  std::uint16_t length = 0;   // whole AVP, header included (R026)
  std::uint16_t vendor = 0;
  std::uint16_t type = 0;
};

// One AVP as it sits in the datagram; `value` points into the caller's buffer.
struct AvpView {
  AvpHeader header;
  Bytes value;
  std::size_t offset = 0;  // of the AVP header in the datagram
};

// Walks the AVPs of one control message without copying. After the first error the walk stops
// (R026: nothing after a bad Length can be trusted to be aligned).
class AvpReader {
 public:
  // `avps` is the message after its header; `base` is where it starts in the datagram.
  explicit AvpReader(Bytes avps, std::size_t base = 0) : r_(avps), base_(base) {}
  // nullopt at the end; an error once, then nullopt.
  std::optional<Result<AvpView, DecodeError>> next();

 private:
  Reader r_;
  std::size_t base_;
  bool failed_ = false;
};

// How a hidden AVP's value was obtained on decode.
enum class HiddenState : std::uint8_t {
  Clear,         // H bit not set
  Revealed,      // unhidden with the secret and the preceding Random Vector (R038)
  Concealed,     // no secret given: value is the ciphertext, as Raw
  NoVector,      // H set but no Random Vector precedes it (R032): value is the ciphertext
  BadSubformat,  // revealed original length exceeds the hidden data (R033): value is the plaintext, Raw
};

// Faults the encoder can write on purpose (what a broken peer would send).
struct AvpFault {
  std::optional<std::uint16_t> length_field;         // Length written instead of the true one
  std::optional<std::uint16_t> hidden_length_field;  // original-length field inside the hidden subformat
  std::uint8_t reserved_bits = 0;                    // set reserved flag bits (R021)
};

struct Avp {
  std::uint16_t vendor = kIetfVendor;
  std::uint16_t type = 0;
  bool mandatory = false;
  bool hidden = false;  // on decode: H bit seen; on encode: hide this value (RFC 2661 4.3)
  AvpValue value;

  // Decode facts.
  std::uint8_t reserved_bits = 0;
  std::uint16_t wire_length = 0;  // the Length field as received
  HiddenState hidden_state = HiddenState::Clear;
  std::uint16_t hidden_padding = 0;  // padding octets found after the original value
  bool malformed_value = false;      // value did not fit its attribute's format; kept as Raw
  std::size_t offset = 0;            // of the AVP in the datagram

  // Encode knobs.
  std::optional<std::uint16_t> hide_padding;  // padding octets to add when hiding (else the default)
  AvpFault fault;

  bool is(AvpType t) const { return vendor == kIetfVendor && type == static_cast<std::uint16_t>(t); }
  template <typename V>
  const V* get() const {
    return std::get_if<V>(&value);
  }
};

// An AVP with the M bit its spec demands.
Avp make_avp(AvpType type, AvpValue value);
// A vendor or unknown AVP with a raw value.
Avp make_raw_avp(std::uint16_t vendor, std::uint16_t type, bool mandatory, Buffer bytes);

// Parses a value by its spec's shape and length bounds; nullopt when it does not fit.
std::optional<AvpValue> decode_value(const AvpSpec& spec, Bytes value);
// Appends the wire form of a value.
void encode_value(const AvpValue& v, Buffer& out);
// A short human-readable rendering of a value for decode output.
std::string format_value(const Avp& a);

}  // namespace l2tp::wire
