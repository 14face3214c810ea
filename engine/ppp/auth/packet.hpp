// The wire format of PAP (RFC 1334 2.2) and CHAP (RFC 1994 4) packets, as carried after the
// PPP Protocol field: Code, Identifier, Length (2 octets, counting the header), data. The
// parsers check Length against the octets present (a shorter Length is fine: octets past it
// are padding and ignored, RFC 1661 5), and never read past it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::ppp::auth {

inline constexpr std::size_t kPacketHeaderSize = 4;

enum class PapCode : std::uint8_t { AuthenticateRequest = 1, AuthenticateAck = 2, AuthenticateNak = 3 };
enum class ChapCode : std::uint8_t { Challenge = 1, Response = 2, Success = 3, Failure = 4 };

enum class PacketError : std::uint8_t {
  ShorterThanHeader,   // fewer than 4 octets
  LengthBelowHeader,   // Length field < 4
  LengthBeyondPacket,  // Length field > octets received
  BadValueSize,        // CHAP Value-Size 0 or past Length
  BadPapField,         // PAP Peer-ID/Passwd length past Length
};
const char* to_string(PacketError e);

struct PacketView {
  std::uint8_t code = 0;
  std::uint8_t id = 0;
  Bytes data;  // exactly Length - 4 octets
};
Result<PacketView, PacketError> parse_packet(Bytes packet);

// CHAP Challenge and Response (RFC 1994 4.1): Value-Size, Value, Name (the rest).
struct ChapValueView {
  Bytes value;
  Bytes name;
};
Result<ChapValueView, PacketError> parse_chap_value(Bytes data);

// PAP Authenticate-Request (RFC 1334 2.2.1): Peer-ID Length, Peer-ID, Passwd-Length, Password.
struct PapRequestView {
  Bytes peer_id;
  Bytes password;
};
Result<PapRequestView, PacketError> parse_pap_request(Bytes data);
// PAP Ack/Nak Message (2.2.2). Lenient, since the text is for display only (P069): no data
// gives an empty message, and a Msg-Length past the data is cut to what is there.
std::string_view parse_pap_message(Bytes data);

// Writers replace the contents of `out` with one packet. Callers keep fields with a one-octet
// length (PAP Peer-ID, Password, Message; CHAP Value) within 255 octets.
void write_chap_value(Buffer& out, ChapCode code, std::uint8_t id, Bytes value, std::string_view name);
void write_chap_status(Buffer& out, ChapCode code, std::uint8_t id, std::string_view message);
void write_pap_request(Buffer& out, std::uint8_t id, std::string_view peer_id, std::string_view password);
void write_pap_reply(Buffer& out, PapCode code, std::uint8_t id, std::string_view message);

}  // namespace l2tp::ppp::auth
