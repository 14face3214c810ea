#include "capture/conversation_decode.hpp"

#include "engine/ppp/auth/packet.hpp"
#include "engine/ppp/frame.hpp"
#include "engine/ppp/protocol.hpp"

namespace l2tp::capture {
namespace {

constexpr std::size_t kLengthField = 2;  // offset of Length when the L bit is set

bool has_l_bit(Bytes b) {
  return !b.empty() && (b[0] & (wire::kFlagL >> 8)) != 0;
}

// The datagram with its Length field (if any) set to `size`, which is at most its own size.
Buffer with_length(Bytes payload, std::size_t size) {
  Buffer copy(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(size));
  if (has_l_bit(copy) && copy.size() >= kLengthField + 2)
    Writer(copy).patch_u16(kLengthField, static_cast<std::uint16_t>(size));
  return copy;
}

// The header, reading past a Length or Offset that points beyond the datagram: then the
// message is taken to run to the end of what is there (and `error` says why).
std::optional<wire::Header> read_header(Bytes payload, std::optional<DecodeError>& error, PayloadKind& kind) {
  auto h = wire::decode_header(payload, wire::HeaderMode::Lenient);
  if (h) return *h;
  switch (h.error().kind) {
    case DecodeErrorKind::L2tpv3:
      kind = PayloadKind::V3;
      return std::nullopt;
    case DecodeErrorKind::L2f:
    case DecodeErrorKind::UnsupportedVersion:
    case DecodeErrorKind::Truncated:
      kind = PayloadKind::NotL2tp;
      return std::nullopt;
    default:
      break;
  }
  error = h.error();
  if (payload.size() > 0xFFFF) return std::nullopt;  // no UDP payload is this long
  Buffer patched = with_length(payload, payload.size());
  if (h.error().kind == DecodeErrorKind::OffsetBeyondEnd)
    patched[0] &= static_cast<std::uint8_t>(~(wire::kFlagO >> 8));
  auto again = wire::decode_header(patched, wire::HeaderMode::Lenient);
  if (!again) return std::nullopt;
  again->length = static_cast<std::uint16_t>(payload.size());
  return *again;
}

// The AVPs of a control message. When one cannot be framed (R026, R028), the message is
// decoded again cut just before it, so the AVPs in front of the damage are kept.
void read_avps(Bytes message, std::optional<Bytes> secret, DecodedPayload& out) {
  Buffer patched;
  Bytes input = message;
  if (out.error) {  // the header needed a patched Length
    patched = with_length(message, message.size());
    input = patched;
  }
  auto m = wire::decode_control(input, secret, wire::HeaderMode::Lenient);
  if (m) {
    out.message = std::move(*m);
    return;
  }
  const DecodeError avp_error = m.error();
  if (!out.error) out.error = avp_error;
  if (avp_error.offset < out.header.header_size || avp_error.offset > message.size()) {
    out.message.header = out.header;
    return;
  }
  Buffer cut = with_length(message, avp_error.offset);
  auto before = wire::decode_control(cut, secret, wire::HeaderMode::Lenient);
  if (before) out.message = std::move(*before);
  out.message.header = out.header;
}

}  // namespace

DecodedPayload decode_payload(Bytes payload, std::optional<Bytes> secret) {
  DecodedPayload out;
  PayloadKind kind = PayloadKind::NotL2tp;
  auto header = read_header(payload, out.error, kind);
  if (!header) {
    out.kind = out.error ? PayloadKind::NotL2tp : kind;
    out.error.reset();
    return out;
  }
  out.header = *header;
  const std::size_t end =
      header->has_length ? std::min<std::size_t>(header->length, payload.size()) : payload.size();
  out.message_bytes = payload.first(end);
  if (header->control) {
    out.kind = PayloadKind::Control;
    read_avps(out.message_bytes, secret, out);
    return out;
  }
  out.kind = PayloadKind::Data;
  const bool offset_broken = out.error && out.error->kind == DecodeErrorKind::OffsetBeyondEnd;
  if (!offset_broken && header->header_size <= end)
    out.ppp = payload.subspan(header->header_size, end - header->header_size);
  return out;
}

std::optional<std::uint16_t> assigned_id(const wire::ControlMessage& m, AvpType type) {
  const wire::Avp* a = m.find(type);
  if (a == nullptr) return std::nullopt;
  if (const auto* v = a->get<std::uint16_t>()) return *v;
  return std::nullopt;
}

std::optional<std::uint16_t> ppp_protocol(Bytes ppp_frame) {
  auto f = ppp::parse_frame(ppp_frame);
  if (!f) return std::nullopt;
  return f->protocol;
}

std::optional<PppUser> ppp_user(Bytes ppp_frame) {
  auto f = ppp::parse_frame(ppp_frame);
  if (!f) return std::nullopt;
  if (f->protocol != ppp::proto::kPap && f->protocol != ppp::proto::kChap) return std::nullopt;
  auto p = ppp::auth::parse_packet(f->payload);
  if (!p) return std::nullopt;
  if (f->protocol == ppp::proto::kPap) {
    if (p->code != static_cast<std::uint8_t>(ppp::auth::PapCode::AuthenticateRequest)) return std::nullopt;
    auto req = ppp::auth::parse_pap_request(p->data);
    if (!req) return std::nullopt;
    return PppUser{std::string(as_string_view(req->peer_id)), "PAP"};
  }
  if (p->code != static_cast<std::uint8_t>(ppp::auth::ChapCode::Response)) return std::nullopt;
  auto value = ppp::auth::parse_chap_value(p->data);
  if (!value) return std::nullopt;
  return PppUser{std::string(as_string_view(value->name)), "CHAP"};
}

}  // namespace l2tp::capture
