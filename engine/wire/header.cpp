#include "engine/wire/header.hpp"

namespace l2tp::wire {

std::uint16_t Header::flags_word() const {
  std::uint16_t w = static_cast<std::uint16_t>((reserved_bits & kReservedMask) | (version & kVersionMask));
  if (control) w |= kFlagT;
  if (has_length) w |= kFlagL;
  if (has_sequence) w |= kFlagS;
  if (has_offset) w |= kFlagO;
  if (priority) w |= kFlagP;
  return w;
}

std::size_t Header::encoded_size() const {
  std::size_t n = 6;  // flags, Tunnel ID, Session ID
  if (has_length) n += 2;
  if (has_sequence) n += 4;
  if (has_offset) n += 2 + offset_size;
  return n;
}

Header control_header(TunnelId tunnel, SessionId session, Seq ns, Seq nr) {
  Header h;
  h.control = h.has_length = h.has_sequence = true;
  h.tunnel = tunnel;
  h.session = session;
  h.ns = ns;
  h.nr = nr;
  return h;
}

Result<Header, DecodeError> decode_header(Bytes dgram, HeaderMode mode) {
  Reader r(dgram);
  auto fail = [&](DecodeErrorKind kind, Rule rule) {
    return unexpected(DecodeError{kind, rule, r.offset(), std::nullopt});
  };
  std::uint16_t w = 0;
  if (!r.u16(w)) return fail(DecodeErrorKind::Truncated, Rule::R013);

  Header h;
  h.version = static_cast<std::uint8_t>(w & kVersionMask);
  // R012: the version is judged before anything else, so L2F and L2TPv3 are never misread.
  if (h.version == 1) return unexpected(DecodeError{DecodeErrorKind::L2f, Rule::R340, 0, std::nullopt});
  if (h.version == 3) return unexpected(DecodeError{DecodeErrorKind::L2tpv3, Rule::R012, 0, std::nullopt});
  if (h.version != kVersion)
    return unexpected(DecodeError{DecodeErrorKind::UnsupportedVersion, Rule::R012, 0, std::nullopt});

  h.control = w & kFlagT;
  h.has_length = w & kFlagL;
  h.has_sequence = w & kFlagS;
  h.has_offset = w & kFlagO;
  h.priority = w & kFlagP;
  h.reserved_bits = w & kReservedMask;

  if (mode == HeaderMode::Strict) {
    if (h.control && !h.has_length) return fail(DecodeErrorKind::ControlWithoutLength, Rule::R004);
    if (h.control && !h.has_sequence) return fail(DecodeErrorKind::ControlWithoutSequence, Rule::R007);
  }

  if (h.has_length && !r.u16(h.length)) return fail(DecodeErrorKind::Truncated, Rule::R013);
  if (!r.u16(h.tunnel.value) || !r.u16(h.session.value)) return fail(DecodeErrorKind::Truncated, Rule::R013);
  if (h.has_sequence && (!r.u16(h.ns.value) || !r.u16(h.nr.value)))
    return fail(DecodeErrorKind::Truncated, Rule::R013);
  if (h.has_offset && !r.u16(h.offset_size)) return fail(DecodeErrorKind::Truncated, Rule::R013);

  std::size_t end = dgram.size();
  if (h.has_length) {
    if (h.length > dgram.size())
      return unexpected(DecodeError{DecodeErrorKind::LengthBeyondDatagram, Rule::R013, 2, std::nullopt});
    if (h.length < r.offset())
      return unexpected(DecodeError{DecodeErrorKind::LengthBelowHeader, Rule::R013, 2, std::nullopt});
    end = h.length;
    h.trailing = dgram.size() - h.length;
  }
  if (h.has_offset && r.offset() + h.offset_size > end)
    return unexpected(
        DecodeError{DecodeErrorKind::OffsetBeyondEnd, Rule::R019, r.offset() - 2, std::nullopt});
  h.header_size = static_cast<std::uint16_t>(r.offset() + (h.has_offset ? h.offset_size : 0));
  return h;
}

std::vector<DecodeError> missing_control_bits(const Header& h) {
  std::vector<DecodeError> out;
  if (!h.control) return out;
  if (!h.has_length)
    out.push_back(DecodeError{DecodeErrorKind::ControlWithoutLength, Rule::R004, 2, std::nullopt});
  if (!h.has_sequence)
    out.push_back(DecodeError{DecodeErrorKind::ControlWithoutSequence, Rule::R007, 2, std::nullopt});
  return out;
}

void encode_header(const Header& h, Buffer& out) {
  Writer w(out);
  w.u16(h.flags_word());
  if (h.has_length) w.u16(h.length);
  w.u16(h.tunnel.value);
  w.u16(h.session.value);
  if (h.has_sequence) {
    w.u16(h.ns.value);
    w.u16(h.nr.value);
  }
  if (h.has_offset) {
    w.u16(h.offset_size);
    out.insert(out.end(), h.offset_size, 0);
  }
}

void patch_length(const Header& h, Buffer& out, std::size_t at, std::uint16_t length) {
  if (h.has_length) Writer(out).patch_u16(at + 2, length);
}

}  // namespace l2tp::wire
