// The RADIUS packet (RFC 2865 3 and 5): Code, Identifier, Length, Authenticator, then
// attributes as type/length/value. A Packet holds what is on the wire (User-Password already
// hidden, authenticators as computed); signing and checking live in authenticators.hpp. The
// decoder counts before it reads: every length is checked against the datagram, nothing is
// over-read, and a malformed packet is an error value naming what broke.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/radius/types.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::radius {

inline constexpr std::size_t kHeaderSize = 20;       // Code, Identifier, Length, Authenticator
inline constexpr std::size_t kMaxPacketSize = 4096;  // RFC 2865 3: Length is 20..4096
inline constexpr std::size_t kMaxValueSize = 253;    // an attribute's Length octet covers 2 + value

using Authenticator = std::array<std::uint8_t, 16>;

struct Attribute {
  AttrType type{};
  Buffer value;
};

// One sub-attribute of a Vendor-Specific attribute in the format RFC 2865 5.26 recommends
// (Vendor-Id, then vendor type, vendor length, value), which Microsoft's RFC 2548 uses.
struct VendorAttribute {
  std::uint32_t vendor = 0;
  std::uint8_t type = 0;
  Buffer value;
};

struct Packet {
  Code code = Code::AccessRequest;
  std::uint8_t identifier = 0;
  Authenticator authenticator{};
  std::vector<Attribute> attributes;  // wire order; unknown types kept

  void add(AttrType t, Bytes value);
  void add_string(AttrType t, std::string_view s) { add(t, as_bytes(s)); }
  void add_u32(AttrType t, std::uint32_t v);
  void add_address(AttrType t, const net::IpAddress& a);  // 4 octets (or 16 for an IPv6 address)
  // One Vendor-Specific attribute holding one sub-attribute.
  void add_vendor(std::uint32_t vendor, std::uint8_t type, Bytes value);

  const Attribute* find(AttrType t) const;  // the first of that type, or null
  std::vector<const Attribute*> find_all(AttrType t) const;
  // The value of the first well-formed vendor sub-attribute of (vendor, type) in any
  // Vendor-Specific attribute; malformed Vendor-Specific values are skipped.
  std::optional<Buffer> find_vendor(std::uint32_t vendor, std::uint8_t type) const;
};

// Integer (4 octets) and address (4 octets) attribute values; nullopt when the size is wrong.
std::optional<std::uint32_t> as_u32(const Attribute& a);
std::optional<net::IpAddress> as_ipv4(const Attribute& a);
inline std::string_view as_text(const Attribute& a) {
  return as_string_view(a.value);
}

enum class DecodeErrorKind : std::uint8_t {
  TooShort,                 // fewer than 20 octets: no complete header
  LengthBelowHeader,        // Length field below 20 (RFC 2865 3: silently discard)
  LengthBeyondDatagram,     // Length field larger than the datagram (RFC 2865 3: silently discard)
  LengthAboveMaximum,       // Length field above 4096 (RFC 2865 3)
  AttributeLengthBelowTwo,  // an attribute's Length octet below 2: the walk cannot go on
  AttributeBeyondPacket,    // an attribute runs past Length
  VendorTooShort,           // Vendor-Specific value shorter than its 4-octet Vendor-Id
  VendorSubLengthInvalid,   // a vendor sub-attribute length below 2 or past the attribute
};

struct DecodeError {
  DecodeErrorKind kind = DecodeErrorKind::TooShort;
  std::size_t offset = 0;  // octet offset in the datagram (in the attribute value for vendor errors)
};

std::string_view to_string(DecodeErrorKind k);
std::string describe(const DecodeError& e);

// Decodes one datagram. Octets past the Length field are padding and ignored (RFC 2865 3).
Result<Packet, DecodeError> decode(Bytes dgram);

// Splits a Vendor-Specific value into its sub-attributes.
Result<std::vector<VendorAttribute>, DecodeError> decode_vendor(Bytes value);

// Serialises a packet as it stands (no signing). Fails when a value exceeds 253 octets or the
// packet 4096, naming the attribute.
Result<Buffer, std::string> encode(const Packet& p);

}  // namespace l2tp::radius
