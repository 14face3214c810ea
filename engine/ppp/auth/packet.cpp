#include "engine/ppp/auth/packet.hpp"

#include <algorithm>
#include <cassert>

namespace l2tp::ppp::auth {
namespace {

void begin(Buffer& out, std::uint8_t code, std::uint8_t id) {
  out.clear();
  out.reserve(64);  // a PAP request or a CHAP value with a name: one allocation, not several
  Writer w(out);
  w.u8(code);
  w.u8(id);
  w.u16(0);  // Length, patched by finish()
}

void finish(Buffer& out) {
  assert(out.size() <= 0xffff);
  Writer(out).patch_u16(2, static_cast<std::uint16_t>(out.size()));
}

void put_counted(Writer& w, Bytes field) {
  assert(field.size() <= 0xff);
  w.u8(static_cast<std::uint8_t>(field.size()));
  w.bytes(field);
}

}  // namespace

const char* to_string(PacketError e) {
  switch (e) {
    case PacketError::ShorterThanHeader:
      return "shorter than the 4-octet header";
    case PacketError::LengthBelowHeader:
      return "Length field below 4";
    case PacketError::LengthBeyondPacket:
      return "Length field beyond the received octets";
    case PacketError::BadValueSize:
      return "CHAP Value-Size zero or beyond Length";
    case PacketError::BadPapField:
      return "PAP Peer-ID or Password length beyond Length";
  }
  return "?";
}

Result<PacketView, PacketError> parse_packet(Bytes packet) {
  Reader r(packet);
  PacketView v;
  std::uint16_t length = 0;
  if (!r.u8(v.code) || !r.u8(v.id) || !r.u16(length)) return unexpected(PacketError::ShorterThanHeader);
  if (length < kPacketHeaderSize) return unexpected(PacketError::LengthBelowHeader);
  if (length > packet.size()) return unexpected(PacketError::LengthBeyondPacket);
  v.data = packet.subspan(kPacketHeaderSize, length - kPacketHeaderSize);
  return v;
}

Result<ChapValueView, PacketError> parse_chap_value(Bytes data) {
  Reader r(data);
  std::uint8_t size = 0;
  ChapValueView v;
  // RFC 1994 4.1: Value-Size is at least one octet.
  if (!r.u8(size) || size == 0 || !r.bytes(size, v.value)) return unexpected(PacketError::BadValueSize);
  v.name = r.rest();
  return v;
}

Result<PapRequestView, PacketError> parse_pap_request(Bytes data) {
  Reader r(data);
  std::uint8_t len = 0;
  PapRequestView v;
  if (!r.u8(len) || !r.bytes(len, v.peer_id)) return unexpected(PacketError::BadPapField);
  if (!r.u8(len) || !r.bytes(len, v.password)) return unexpected(PacketError::BadPapField);
  return v;
}

std::string_view parse_pap_message(Bytes data) {
  if (data.empty()) return {};
  const std::size_t len = std::min<std::size_t>(data[0], data.size() - 1);
  return as_string_view(data.subspan(1, len));
}

void write_chap_value(Buffer& out, ChapCode code, std::uint8_t id, Bytes value, std::string_view name) {
  begin(out, static_cast<std::uint8_t>(code), id);
  Writer w(out);
  put_counted(w, value);
  w.bytes(as_bytes(name));
  finish(out);
}

void write_chap_status(Buffer& out, ChapCode code, std::uint8_t id, std::string_view message) {
  begin(out, static_cast<std::uint8_t>(code), id);
  Writer(out).bytes(as_bytes(message));
  finish(out);
}

void write_pap_request(Buffer& out, std::uint8_t id, std::string_view peer_id, std::string_view password) {
  begin(out, static_cast<std::uint8_t>(PapCode::AuthenticateRequest), id);
  Writer w(out);
  put_counted(w, as_bytes(peer_id));
  put_counted(w, as_bytes(password));
  finish(out);
}

void write_pap_reply(Buffer& out, PapCode code, std::uint8_t id, std::string_view message) {
  begin(out, static_cast<std::uint8_t>(code), id);
  Writer w(out);
  put_counted(w, as_bytes(message.substr(0, 0xff)));
  finish(out);
}

}  // namespace l2tp::ppp::auth
