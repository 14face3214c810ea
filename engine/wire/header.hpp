// The L2TP header (RFC 2661 3.1): flags, optional fields, and their length checks.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"
#include "engine/wire/decode_error.hpp"
#include "engine/wire/types.hpp"

namespace l2tp::wire {

inline constexpr std::uint16_t kFlagT = 0x8000;
inline constexpr std::uint16_t kFlagL = 0x4000;
inline constexpr std::uint16_t kFlagS = 0x0800;
inline constexpr std::uint16_t kFlagO = 0x0200;
inline constexpr std::uint16_t kFlagP = 0x0100;
inline constexpr std::uint16_t kReservedMask = 0x3000 | 0x0400 | 0x00F0;  // the x bits
inline constexpr std::uint16_t kVersionMask = 0x000F;
inline constexpr std::uint8_t kVersion = 2;
inline constexpr std::size_t kControlHeaderSize = 12;  // T L S set: a ZLB is exactly this (R001)

// A decoded or to-be-encoded header. Fields behind a flag are meaningful only when it is set.
// Encoding writes what the flags say, so a fault can produce any header a broken peer would.
struct Header {
  bool control = false;             // T
  bool has_length = false;          // L
  bool has_sequence = false;        // S
  bool has_offset = false;          // O
  bool priority = false;            // P
  std::uint16_t reserved_bits = 0;  // x bits exactly as on the wire (within kReservedMask)
  std::uint8_t version = kVersion;
  std::uint16_t length = 0;  // L: total message length incl. header (R013)
  TunnelId tunnel;
  SessionId session;
  Seq ns, nr;                     // S
  std::uint16_t offset_size = 0;  // O: octets of padding after the Offset Size field (R019)

  // Filled by decode_header: octets before the payload (after any offset padding), and the
  // octets of the datagram beyond Length (a violation of R013 when non-zero).
  std::uint16_t header_size = 0;
  std::size_t trailing = 0;

  std::uint16_t flags_word() const;
  // The size of the encoded header for these flags, offset padding included.
  std::size_t encoded_size() const;
};

// A correct control header (T, L, S set; R002, R004, R007).
Header control_header(TunnelId tunnel, SessionId session, Seq ns, Seq nr);

// How decode_header treats a control message without the L or S bit (R004, R007). Strict: an
// error, as the engine needs (no Ns/Nr, nothing to deliver). Lenient: the header is read as
// its flags say (no Length: the message runs to the end of the datagram; no S: no Ns/Nr), so a
// capture decoder can still show what the packet says, as Wireshark does; the caller flags
// the rule (missing_control_bits).
enum class HeaderMode : std::uint8_t { Strict, Lenient };

// Decodes the header of one datagram. Checks Ver first (R012), then every length against the
// datagram, so the payload view [header_size, length) is always in bounds.
Result<Header, DecodeError> decode_header(Bytes dgram, HeaderMode mode = HeaderMode::Strict);

// The R004/R007 errors a Strict decode_header reports, all of them, for a header read Leniently.
std::vector<DecodeError> missing_control_bits(const Header& h);

// Appends the header; if has_length, the Length field is written as `length` (callers patch it
// afterwards with patch_length when they do not know it up front). Offset padding is zeroes.
void encode_header(const Header& h, Buffer& out);
// Rewrites the Length field of a header encoded at `at` with flags `h` (needs has_length).
void patch_length(const Header& h, Buffer& out, std::size_t at, std::uint16_t length);

}  // namespace l2tp::wire
