#include "engine/radius/packet.hpp"

namespace l2tp::radius {

void Packet::add(AttrType t, Bytes value) {
  attributes.push_back({t, Buffer(value.begin(), value.end())});
}

void Packet::add_u32(AttrType t, std::uint32_t v) {
  Buffer b;
  Writer(b).u32(v);
  attributes.push_back({t, std::move(b)});
}

void Packet::add_address(AttrType t, const net::IpAddress& a) {
  add(t, Bytes(a.bytes.data(), a.v6 ? 16 : 4));
}

void Packet::add_vendor(std::uint32_t vendor, std::uint8_t type, Bytes value) {
  Buffer b;
  Writer w(b);
  w.u32(vendor);
  w.u8(type);
  // An oversized sub-attribute gets a wrapped length here; encode() rejects the whole
  // attribute as longer than 253 octets before it reaches the wire.
  w.u8(static_cast<std::uint8_t>(value.size() + 2));
  w.bytes(value);
  attributes.push_back({AttrType::VendorSpecific, std::move(b)});
}

const Attribute* Packet::find(AttrType t) const {
  for (const auto& a : attributes)
    if (a.type == t) return &a;
  return nullptr;
}

std::vector<const Attribute*> Packet::find_all(AttrType t) const {
  std::vector<const Attribute*> out;
  for (const auto& a : attributes)
    if (a.type == t) out.push_back(&a);
  return out;
}

std::optional<Buffer> Packet::find_vendor(std::uint32_t vendor, std::uint8_t type) const {
  for (const auto* a : find_all(AttrType::VendorSpecific)) {
    auto subs = decode_vendor(a->value);
    if (!subs) continue;
    for (auto& s : *subs)
      if (s.vendor == vendor && s.type == type) return std::move(s.value);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> as_u32(const Attribute& a) {
  std::uint32_t v = 0;
  Reader r(a.value);
  if (a.value.size() != 4 || !r.u32(v)) return std::nullopt;
  return v;
}

std::optional<net::IpAddress> as_ipv4(const Attribute& a) {
  if (a.value.size() != 4) return std::nullopt;
  return net::IpAddress::v4(a.value[0], a.value[1], a.value[2], a.value[3]);
}

std::string_view to_string(DecodeErrorKind k) {
  switch (k) {
    case DecodeErrorKind::TooShort:
      return "shorter than the 20-octet header";
    case DecodeErrorKind::LengthBelowHeader:
      return "Length field below 20";
    case DecodeErrorKind::LengthBeyondDatagram:
      return "Length field beyond the datagram";
    case DecodeErrorKind::LengthAboveMaximum:
      return "Length field above 4096";
    case DecodeErrorKind::AttributeLengthBelowTwo:
      return "attribute Length below 2";
    case DecodeErrorKind::AttributeBeyondPacket:
      return "attribute runs past the packet Length";
    case DecodeErrorKind::VendorTooShort:
      return "Vendor-Specific shorter than its Vendor-Id";
    case DecodeErrorKind::VendorSubLengthInvalid:
      return "vendor sub-attribute length invalid";
  }
  return "unknown decode error";
}

std::string describe(const DecodeError& e) {
  return std::string(to_string(e.kind)) + " at offset " + std::to_string(e.offset);
}

Result<Packet, DecodeError> decode(Bytes dgram) {
  Reader r(dgram);
  std::uint8_t code = 0;
  std::uint16_t length = 0;
  Packet p;
  Bytes auth;
  if (!r.u8(code) || !r.u8(p.identifier) || !r.u16(length) || !r.bytes(p.authenticator.size(), auth))
    return unexpected(DecodeError{DecodeErrorKind::TooShort, 0});
  if (length < kHeaderSize) return unexpected(DecodeError{DecodeErrorKind::LengthBelowHeader, 2});
  if (length > kMaxPacketSize) return unexpected(DecodeError{DecodeErrorKind::LengthAboveMaximum, 2});
  if (length > dgram.size()) return unexpected(DecodeError{DecodeErrorKind::LengthBeyondDatagram, 2});
  p.code = static_cast<Code>(code);
  std::copy(auth.begin(), auth.end(), p.authenticator.begin());

  Reader attrs(dgram.subspan(kHeaderSize, length - kHeaderSize));
  while (!attrs.empty()) {
    const std::size_t at = kHeaderSize + attrs.offset();
    std::uint8_t type = 0, len = 0;
    if (!attrs.u8(type) || !attrs.u8(len))
      return unexpected(DecodeError{DecodeErrorKind::AttributeBeyondPacket, at});
    if (len < 2) return unexpected(DecodeError{DecodeErrorKind::AttributeLengthBelowTwo, at});
    Bytes value;
    if (!attrs.bytes(len - 2u, value))
      return unexpected(DecodeError{DecodeErrorKind::AttributeBeyondPacket, at});
    p.attributes.push_back({static_cast<AttrType>(type), Buffer(value.begin(), value.end())});
  }
  return p;
}

Result<std::vector<VendorAttribute>, DecodeError> decode_vendor(Bytes value) {
  Reader r(value);
  std::uint32_t vendor = 0;
  if (!r.u32(vendor)) return unexpected(DecodeError{DecodeErrorKind::VendorTooShort, 0});
  std::vector<VendorAttribute> out;
  while (!r.empty()) {
    const std::size_t at = r.offset();
    std::uint8_t type = 0, len = 0;
    Bytes v;
    if (!r.u8(type) || !r.u8(len) || len < 2 || !r.bytes(len - 2u, v))
      return unexpected(DecodeError{DecodeErrorKind::VendorSubLengthInvalid, at});
    out.push_back({vendor, type, Buffer(v.begin(), v.end())});
  }
  return out;
}

Result<Buffer, std::string> encode(const Packet& p) {
  Buffer out;
  out.reserve(kHeaderSize + 16 * p.attributes.size());
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(p.code));
  w.u8(p.identifier);
  w.u16(0);  // Length, patched below
  w.bytes(p.authenticator);
  for (const auto& a : p.attributes) {
    if (a.value.size() > kMaxValueSize)
      return unexpected(to_string(a.type) + " value of " + std::to_string(a.value.size()) +
                        " octets exceeds the 253 an attribute can hold");
    w.u8(static_cast<std::uint8_t>(a.type));
    w.u8(static_cast<std::uint8_t>(a.value.size() + 2));
    w.bytes(a.value);
  }
  if (out.size() > kMaxPacketSize)
    return unexpected(to_string(p.code) + " of " + std::to_string(out.size()) +
                      " octets exceeds the RADIUS maximum of 4096");
  w.patch_u16(2, static_cast<std::uint16_t>(out.size()));
  return out;
}

}  // namespace l2tp::radius
