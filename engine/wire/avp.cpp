#include "engine/wire/avp.hpp"

#include <cstdio>

namespace l2tp::wire {

std::optional<Result<AvpView, DecodeError>> AvpReader::next() {
  if (failed_ || r_.empty()) return std::nullopt;
  const std::size_t at = base_ + r_.offset();
  auto fail = [&](DecodeErrorKind kind, Rule rule, std::optional<std::uint16_t> type) {
    failed_ = true;
    return std::optional<Result<AvpView, DecodeError>>(unexpected(DecodeError{kind, rule, at, type}));
  };
  std::uint16_t flags = 0;
  AvpView v;
  v.offset = at;
  if (!r_.u16(flags)) return fail(DecodeErrorKind::AvpLengthBelowSix, Rule::R026, std::nullopt);
  v.header.mandatory = flags & kAvpFlagM;
  v.header.hidden = flags & kAvpFlagH;
  v.header.reserved = static_cast<std::uint8_t>((flags & kAvpReservedMask) >> 10);
  v.header.length = flags & kAvpLengthMask;
  if (v.header.length < kAvpHeaderSize)
    return fail(DecodeErrorKind::AvpLengthBelowSix, Rule::R026, std::nullopt);
  // Length is at least 6 from here, so the remaining fields fit if Length does.
  if (r_.remaining() + 2 < v.header.length) {
    std::optional<std::uint16_t> type;
    if (r_.remaining() >= 4) {
      std::uint16_t vendor = 0, t = 0;
      (void)r_.u16(vendor);
      (void)r_.u16(t);
      type = t;
    }
    return fail(DecodeErrorKind::AvpBeyondMessage, Rule::R028, type);
  }
  (void)r_.u16(v.header.vendor);
  (void)r_.u16(v.header.type);
  (void)r_.bytes(v.header.length - kAvpHeaderSize, v.value);
  return std::optional<Result<AvpView, DecodeError>>(v);
}

Avp make_avp(AvpType type, AvpValue value) {
  Avp a;
  a.type = static_cast<std::uint16_t>(type);
  const AvpSpec* spec = find_avp_spec(kIetfVendor, a.type);
  a.mandatory = spec ? spec->mandatory : false;
  a.value = std::move(value);
  return a;
}

Avp make_raw_avp(std::uint16_t vendor, std::uint16_t type, bool mandatory, Buffer bytes) {
  Avp a;
  a.vendor = vendor;
  a.type = type;
  a.mandatory = mandatory;
  a.value = avp::Raw{std::move(bytes)};
  return a;
}

std::optional<AvpValue> decode_value(const AvpSpec& spec, Bytes value) {
  if (value.size() < spec.min_len || value.size() > spec.max_len) return std::nullopt;
  Reader r(value);
  switch (spec.shape) {
    case ValueShape::Empty:
      return AvpValue{avp::Empty{}};
    case ValueShape::U16: {
      std::uint16_t v = 0;
      (void)r.u16(v);
      return AvpValue{v};
    }
    case ValueShape::U32: {
      std::uint32_t v = 0;
      (void)r.u32(v);
      return AvpValue{v};
    }
    case ValueShape::U64: {
      std::uint64_t v = 0;
      (void)r.u64(v);
      return AvpValue{v};
    }
    case ValueShape::Octets:
      return AvpValue{avp::Octets{Buffer(value.begin(), value.end())}};
    case ValueShape::Text:
      return AvpValue{std::string(as_string_view(value))};
    case ValueShape::ResultCode: {
      // R046/R048: Length 8, 10 or 10+n. A 3-octet value is not one of those.
      if (value.size() == 3) return std::nullopt;
      avp::ResultCode rc;
      (void)r.u16(rc.result);
      std::uint16_t err = 0;
      if (r.u16(err)) rc.error = err;
      rc.message = std::string(as_string_view(r.rest()));
      return AvpValue{rc};
    }
    case ValueShape::ProtocolVersion: {
      avp::ProtocolVersion pv;
      (void)r.u8(pv.ver);
      (void)r.u8(pv.rev);
      return AvpValue{pv};
    }
    case ValueShape::Q931Cause: {
      avp::Q931Cause q;
      (void)r.u16(q.cause);
      (void)r.u8(q.message);
      q.advisory = std::string(as_string_view(r.rest()));
      return AvpValue{q};
    }
    case ValueShape::CallErrors: {
      avp::CallErrors c;
      (void)r.u16(c.reserved);
      (void)r.u32(c.crc);
      (void)r.u32(c.framing);
      (void)r.u32(c.hardware_overruns);
      (void)r.u32(c.buffer_overruns);
      (void)r.u32(c.timeouts);
      (void)r.u32(c.alignment);
      return AvpValue{c};
    }
    case ValueShape::Accm: {
      avp::Accm a;
      (void)r.u16(a.reserved);
      (void)r.u32(a.send);
      (void)r.u32(a.receive);
      return AvpValue{a};
    }
    case ValueShape::DisconnectCause: {
      avp::DisconnectCause d;
      (void)r.u16(d.code);
      (void)r.u16(d.protocol);
      (void)r.u8(d.direction);
      d.message = std::string(as_string_view(r.rest()));
      return AvpValue{d};
    }
    case ValueShape::Raw:
      return AvpValue{avp::Raw{Buffer(value.begin(), value.end())}};
  }
  return std::nullopt;
}

namespace {

struct ValueEncoder {
  Writer w;
  void operator()(const avp::Empty&) {}
  void operator()(std::uint16_t v) { w.u16(v); }
  void operator()(std::uint32_t v) { w.u32(v); }
  void operator()(std::uint64_t v) { w.u64(v); }
  void operator()(const avp::Octets& o) { w.bytes(o.bytes); }
  void operator()(const std::string& s) { w.bytes(as_bytes(s)); }
  void operator()(const avp::ResultCode& rc) {
    w.u16(rc.result);
    // An Error Message needs the Error Code field before it (4.4.2).
    if (rc.error || !rc.message.empty()) w.u16(rc.error.value_or(0));
    w.bytes(as_bytes(rc.message));
  }
  void operator()(const avp::ProtocolVersion& pv) {
    w.u8(pv.ver);
    w.u8(pv.rev);
  }
  void operator()(const avp::Q931Cause& q) {
    w.u16(q.cause);
    w.u8(q.message);
    w.bytes(as_bytes(q.advisory));
  }
  void operator()(const avp::CallErrors& c) {
    w.u16(c.reserved);
    for (auto v : {c.crc, c.framing, c.hardware_overruns, c.buffer_overruns, c.timeouts, c.alignment})
      w.u32(v);
  }
  void operator()(const avp::Accm& a) {
    w.u16(a.reserved);
    w.u32(a.send);
    w.u32(a.receive);
  }
  void operator()(const avp::DisconnectCause& d) {
    w.u16(d.code);
    w.u16(d.protocol);
    w.u8(d.direction);
    w.bytes(as_bytes(d.message));
  }
  void operator()(const avp::Raw& r) { w.bytes(r.bytes); }
};

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

struct ValueFormatter {
  std::string operator()(const avp::Empty&) const { return "(empty)"; }
  std::string operator()(std::uint16_t v) const { return std::to_string(v); }
  std::string operator()(std::uint32_t v) const { return std::to_string(v); }
  std::string operator()(std::uint64_t v) const {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
  }
  std::string operator()(const avp::Octets& o) const { return to_hex(o.bytes); }
  std::string operator()(const std::string& s) const {
    std::string out = "\"";  // built with += : GCC 12 -O3 warns falsely (-Wrestrict) on a + chain
    out += printable(s);
    out += '"';
    return out;
  }
  std::string operator()(const avp::ResultCode& rc) const {
    std::string s = "result " + std::to_string(rc.result);
    if (rc.error) s += " error " + std::to_string(*rc.error);
    if (!rc.message.empty()) s += " \"" + printable(rc.message) + "\"";
    return s;
  }
  std::string operator()(const avp::ProtocolVersion& pv) const {
    return std::to_string(pv.ver) + "." + std::to_string(pv.rev);
  }
  std::string operator()(const avp::Q931Cause& q) const {
    std::string s = "cause " + std::to_string(q.cause) + " msg " + std::to_string(q.message);
    if (!q.advisory.empty()) s += " \"" + printable(q.advisory) + "\"";
    return s;
  }
  std::string operator()(const avp::CallErrors& c) const {
    return "crc " + std::to_string(c.crc) + " framing " + std::to_string(c.framing) + " hw-overruns " +
           std::to_string(c.hardware_overruns) + " buf-overruns " + std::to_string(c.buffer_overruns) +
           " timeouts " + std::to_string(c.timeouts) + " alignment " + std::to_string(c.alignment);
  }
  std::string operator()(const avp::Accm& a) const {
    char buf[48];
    std::snprintf(buf, sizeof buf, "send 0x%08x recv 0x%08x", a.send, a.receive);
    return buf;
  }
  std::string operator()(const avp::DisconnectCause& d) const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "code %u protocol 0x%04x direction %u", d.code, d.protocol, d.direction);
    std::string s = buf;
    if (!d.message.empty()) s += " \"" + printable(d.message) + "\"";
    return s;
  }
  std::string operator()(const avp::Raw& r) const { return "raw " + to_hex(r.bytes); }
};

}  // namespace

void encode_value(const AvpValue& v, Buffer& out) {
  std::visit(ValueEncoder{Writer(out)}, v);
}

std::string format_value(const Avp& a) {
  return std::visit(ValueFormatter{}, a.value);
}

}  // namespace l2tp::wire
