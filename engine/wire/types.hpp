// Strong types for the identifiers and counters that cross the wire (RFC 2661 3.1).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

namespace l2tp {

// The recipient's identifier, as carried in the header (R014). 0 means "not yet assigned".
struct TunnelId {
  std::uint16_t value = 0;
  auto operator<=>(const TunnelId&) const = default;
};

// Same for sessions (R015); 0 is the tunnel itself or "not yet assigned".
struct SessionId {
  std::uint16_t value = 0;
  auto operator<=>(const SessionId&) const = default;
};

// A 16-bit sequence number with modulo 2^16 ordering (RFC 2661 5.8): a is "before" b when
// b - a, taken mod 2^16, lies in 1..32767.
struct Seq {
  std::uint16_t value = 0;

  bool operator==(const Seq&) const = default;
  Seq next() const { return Seq{static_cast<std::uint16_t>(value + 1)}; }
  // Distance from a to b, mod 2^16.
  static std::uint16_t distance(Seq a, Seq b) { return static_cast<std::uint16_t>(b.value - a.value); }
  static bool before(Seq a, Seq b) {
    const std::uint16_t d = distance(a, b);
    return d != 0 && d < 0x8000;
  }
};

// Control message types (RFC 2661 3.2, R020). Values outside the named ones are kept as-is.
enum class MessageType : std::uint16_t {
  Sccrq = 1,
  Sccrp = 2,
  Scccn = 3,
  StopCcn = 4,
  Hello = 6,
  Ocrq = 7,
  Ocrp = 8,
  Occn = 9,
  Icrq = 10,
  Icrp = 11,
  Iccn = 12,
  Cdn = 14,
  Wen = 15,
  Sli = 16,
};

inline constexpr MessageType kAllMessageTypes[] = {
    MessageType::Sccrq, MessageType::Sccrp, MessageType::Scccn, MessageType::StopCcn, MessageType::Hello,
    MessageType::Ocrq,  MessageType::Ocrp,  MessageType::Occn,  MessageType::Icrq,    MessageType::Icrp,
    MessageType::Iccn,  MessageType::Cdn,   MessageType::Wen,   MessageType::Sli};

bool is_known_message_type(std::uint16_t v);
// "SCCRQ", "StopCCN", ...; "Unknown" for values outside R020's list.
std::string_view to_string(MessageType t);
// True for messages that belong to a session (R023 vs R024 disposition).
bool is_session_message(MessageType t);

}  // namespace l2tp
