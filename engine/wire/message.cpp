#include "engine/wire/message.hpp"

#include <algorithm>

#include "engine/wire/hidden.hpp"

namespace l2tp::wire {

std::optional<std::uint16_t> ControlMessage::message_type() const {
  if (avps.empty() || !avps.front().is(AvpType::MessageType)) return std::nullopt;
  if (const auto* v = avps.front().get<std::uint16_t>()) return *v;
  return std::nullopt;
}

std::optional<MessageType> ControlMessage::known_type() const {
  const auto t = message_type();
  if (!t || !is_known_message_type(*t)) return std::nullopt;
  return static_cast<MessageType>(*t);
}

const Avp* ControlMessage::find(AvpType t) const {
  for (const auto& a : avps)
    if (a.is(t)) return &a;
  return nullptr;
}

std::size_t ControlMessage::count(AvpType t) const {
  std::size_t n = 0;
  for (const auto& a : avps) n += a.is(t);
  return n;
}

ControlMessage make_control(MessageType type, TunnelId tunnel, SessionId session) {
  ControlMessage m;
  m.header = control_header(tunnel, session, Seq{}, Seq{});
  m.avps.reserve(12);  // an ICRQ, ICCN or SCCRQ carries 6-12 AVPs: one allocation, not four
  m.avps.push_back(make_avp(AvpType::MessageType, static_cast<std::uint16_t>(type)));
  return m;
}

ControlMessage make_zlb(TunnelId tunnel, Seq ns, Seq nr) {
  ControlMessage m;
  m.header = control_header(tunnel, SessionId{}, ns, nr);
  return m;
}

Result<ControlMessage, DecodeError> decode_control(Bytes dgram, std::optional<Bytes> secret,
                                                   HeaderMode mode) {
  auto header = decode_header(dgram, mode);
  if (!header) return unexpected(header.error());
  if (!header->control)
    return unexpected(DecodeError{DecodeErrorKind::NotControl, Rule::R002, 0, std::nullopt});
  ControlMessage m;
  m.header = *header;
  const std::size_t end = m.header.has_length ? m.header.length : dgram.size();
  AvpReader reader(dgram.subspan(m.header.header_size, end - m.header.header_size), m.header.header_size);
  Bytes random_vector;
  bool have_vector = false;
  // At least 8 octets an AVP: room for all of them at once (a ZLB, none, allocates nothing).
  if (end > m.header.header_size) m.avps.reserve(std::min<std::size_t>(12, (end - m.header.header_size) / 8));
  while (auto next = reader.next()) {
    if (!*next) return unexpected(next->error());
    const AvpView& v = next->value();
    Avp a;
    a.vendor = v.header.vendor;
    a.type = v.header.type;
    a.mandatory = v.header.mandatory;
    a.hidden = v.header.hidden;
    a.reserved_bits = v.header.reserved;
    a.wire_length = v.header.length;
    a.offset = v.offset;

    Bytes value = v.value;
    Buffer revealed;
    if (a.hidden) {
      if (!have_vector) {
        a.hidden_state = HiddenState::NoVector;
      } else if (!secret) {
        a.hidden_state = HiddenState::Concealed;
      } else {
        Revealed r = unhide_value(a.type, value, *secret, random_vector);
        a.hidden_state = r.length_ok ? HiddenState::Revealed : HiddenState::BadSubformat;
        a.hidden_padding = r.padding;
        revealed = std::move(r.value);
        value = revealed;
      }
    }
    const AvpSpec* spec = find_avp_spec(a.vendor, a.type);
    const bool readable = !a.hidden || a.hidden_state == HiddenState::Revealed;
    std::optional<AvpValue> typed;
    if (spec && readable) typed = decode_value(*spec, value);
    if (typed) {
      a.value = std::move(*typed);
    } else {
      a.malformed_value = spec && readable;
      a.value = avp::Raw{Buffer(value.begin(), value.end())};
    }
    // R038: each Random Vector applies to the hidden AVPs after it. It is never hidden (R045),
    // so its clear octets are the vector even when its own H bit is (wrongly) set.
    if (a.is(AvpType::RandomVector)) {
      random_vector = v.value;
      have_vector = true;
    }
    m.avps.push_back(std::move(a));
  }
  return m;
}

Result<DataMessage, DecodeError> decode_data(Bytes dgram) {
  auto header = decode_header(dgram);
  if (!header) return unexpected(header.error());
  DataMessage d;
  d.header = *header;
  const std::size_t end = d.header.has_length ? d.header.length : dgram.size();
  d.ppp = dgram.subspan(d.header.header_size, end - d.header.header_size);
  return d;
}

std::string_view to_string(EncodeError e) {
  switch (e) {
    case EncodeError::AvpTooLong:
      return "AVP longer than 1023 octets";
    case EncodeError::MessageTooLong:
      return "message longer than 65535 octets";
  }
  return "encode error";
}

Result<void, EncodeError> encode_control(const ControlMessage& m, const EncodeOptions& opt, Buffer& out) {
  const std::size_t start = out.size();
  encode_header(m.header, out);
  Buffer scratch;        // only touched for hidden AVPs
  Buffer random_vector;  // a copy: `out` may reallocate while we hide with it
  for (const Avp& a : m.avps) {
    const std::size_t at = out.size();
    Writer w(out);
    w.u16(0);  // flags and length, patched below
    w.u16(a.vendor);
    w.u16(a.type);
    if (a.hidden) {
      scratch.clear();
      encode_value(a.value, scratch);
      Buffer pad(a.hide_padding.value_or(opt.hidden_padding), 0);
      if (opt.rng) opt.rng->fill(pad);
      hide_value(a.type, scratch, opt.secret, random_vector, pad, out, a.fault.hidden_length_field);
    } else {
      encode_value(a.value, out);
    }
    const std::size_t len = out.size() - at;
    if (len > kAvpMaxLength && !a.fault.length_field) return unexpected(EncodeError::AvpTooLong);
    std::uint16_t flags = static_cast<std::uint16_t>(
        a.fault.length_field.value_or(static_cast<std::uint16_t>(len)) & kAvpLengthMask);
    if (a.mandatory) flags |= kAvpFlagM;
    if (a.hidden) flags |= kAvpFlagH;
    flags |= static_cast<std::uint16_t>(((a.reserved_bits | a.fault.reserved_bits) & 0x0F) << 10);
    w.patch_u16(at, flags);
    if (a.is(AvpType::RandomVector))
      random_vector.assign(out.begin() + static_cast<std::ptrdiff_t>(at + kAvpHeaderSize), out.end());
  }
  const std::size_t total = out.size() - start;
  if (total > 0xFFFF) return unexpected(EncodeError::MessageTooLong);
  patch_length(m.header, out, start, opt.length_field.value_or(static_cast<std::uint16_t>(total)));
  return {};
}

Result<void, EncodeError> encode_data(const Header& h, Bytes ppp, Buffer& out,
                                      std::optional<std::uint16_t> length_field) {
  const std::size_t start = out.size();
  // The data path: one allocation for the whole datagram (at most 12 header octets and the
  // Offset Size field), not several as the header grows.
  out.reserve(start + kControlHeaderSize + 2 + (h.has_offset ? h.offset_size : 0) + ppp.size());
  encode_header(h, out);
  out.insert(out.end(), ppp.begin(), ppp.end());
  const std::size_t total = out.size() - start;
  if (total > 0xFFFF && h.has_length) return unexpected(EncodeError::MessageTooLong);
  patch_length(h, out, start, length_field.value_or(static_cast<std::uint16_t>(total)));
  return {};
}

}  // namespace l2tp::wire
