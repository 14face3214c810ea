#include "ipsec/vici_message.hpp"

namespace l2tp::ipsec {

namespace {

enum class Element : std::uint8_t {
  SectionStart = 1,
  SectionEnd = 2,
  KeyValue = 3,
  ListStart = 4,
  ListItem = 5,
  ListEnd = 6,
};

constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxValue = 65535;

ViciError error(ViciError::Kind k, std::size_t offset = 0) {
  return ViciError{k, offset};
}

void put_u8(Buffer& out, std::uint8_t v) {
  out.push_back(v);
}

Result<void, ViciError> put_name(Buffer& out, std::string_view name) {
  if (name.size() > kMaxName) return unexpected(error(ViciError::Kind::TooLong));
  out.push_back(static_cast<std::uint8_t>(name.size()));
  out.insert(out.end(), name.begin(), name.end());
  return {};
}

Result<void, ViciError> put_value(Buffer& out, std::string_view value) {
  if (value.size() > kMaxValue) return unexpected(error(ViciError::Kind::TooLong));
  out.push_back(static_cast<std::uint8_t>(value.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(value.size() & 0xff));
  out.insert(out.end(), value.begin(), value.end());
  return {};
}

bool get_name(Reader& r, std::string& out) {
  std::uint8_t len = 0;
  Bytes b;
  if (!r.u8(len) || !r.bytes(len, b)) return false;
  out.assign(as_string_view(b));
  return true;
}

bool get_value(Reader& r, std::string& out) {
  std::uint16_t len = 0;
  Bytes b;
  if (!r.u16(len) || !r.bytes(len, b)) return false;
  out.assign(as_string_view(b));
  return true;
}

Result<void, ViciError> encode_section(const ViciSection& s, Buffer& out, std::size_t depth) {
  if (depth > kViciMaxDepth) return unexpected(error(ViciError::Kind::TooDeep));
  for (const auto& e : s.entries) {
    switch (e.kind) {
      case ViciEntry::Kind::Value:
        put_u8(out, static_cast<std::uint8_t>(Element::KeyValue));
        L2TP_TRY(put_name(out, e.key));
        L2TP_TRY(put_value(out, e.value));
        break;
      case ViciEntry::Kind::List:
        put_u8(out, static_cast<std::uint8_t>(Element::ListStart));
        L2TP_TRY(put_name(out, e.key));
        for (const auto& item : e.items) {
          put_u8(out, static_cast<std::uint8_t>(Element::ListItem));
          L2TP_TRY(put_value(out, item));
        }
        put_u8(out, static_cast<std::uint8_t>(Element::ListEnd));
        break;
      case ViciEntry::Kind::Section:
        put_u8(out, static_cast<std::uint8_t>(Element::SectionStart));
        L2TP_TRY(put_name(out, e.key));
        L2TP_TRY(encode_section(e.section, out, depth + 1));
        put_u8(out, static_cast<std::uint8_t>(Element::SectionEnd));
        break;
    }
  }
  return {};
}

}  // namespace

std::string_view to_string(ViciPacketType t) {
  switch (t) {
    case ViciPacketType::CmdRequest:
      return "CMD_REQUEST";
    case ViciPacketType::CmdResponse:
      return "CMD_RESPONSE";
    case ViciPacketType::CmdUnknown:
      return "CMD_UNKNOWN";
    case ViciPacketType::EventRegister:
      return "EVENT_REGISTER";
    case ViciPacketType::EventUnregister:
      return "EVENT_UNREGISTER";
    case ViciPacketType::EventConfirm:
      return "EVENT_CONFIRM";
    case ViciPacketType::EventUnknown:
      return "EVENT_UNKNOWN";
    case ViciPacketType::Event:
      return "EVENT";
  }
  return "unknown";
}

std::string to_string(const ViciError& e) {
  std::string what;
  switch (e.kind) {
    case ViciError::Kind::Empty:
      what = "empty packet";
      break;
    case ViciError::Kind::UnknownPacketType:
      what = "unknown packet type";
      break;
    case ViciError::Kind::Truncated:
      what = "truncated";
      break;
    case ViciError::Kind::UnknownElement:
      what = "unknown message element";
      break;
    case ViciError::Kind::UnbalancedSection:
      what = "unbalanced section";
      break;
    case ViciError::Kind::ListNotClosed:
      what = "list not closed";
      break;
    case ViciError::Kind::ItemOutsideList:
      what = "list item outside a list";
      break;
    case ViciError::Kind::TooDeep:
      what = "sections nested too deep";
      break;
    case ViciError::Kind::TrailingBytes:
      what = "trailing octets";
      break;
    case ViciError::Kind::TooLong:
      what = "name, value or packet too long";
      break;
  }
  return "VICI: " + what + " at octet " + std::to_string(e.offset);
}

bool vici_named(ViciPacketType t) {
  return t == ViciPacketType::CmdRequest || t == ViciPacketType::EventRegister ||
         t == ViciPacketType::EventUnregister || t == ViciPacketType::Event;
}

bool vici_has_message(ViciPacketType t) {
  return t == ViciPacketType::CmdRequest || t == ViciPacketType::CmdResponse || t == ViciPacketType::Event;
}

ViciSection& ViciSection::add(std::string key, std::string value) {
  ViciEntry e;
  e.key = std::move(key);
  e.kind = ViciEntry::Kind::Value;
  e.value = std::move(value);
  entries.push_back(std::move(e));
  return *this;
}

ViciSection& ViciSection::add_list(std::string key, std::vector<std::string> items) {
  ViciEntry e;
  e.key = std::move(key);
  e.kind = ViciEntry::Kind::List;
  e.items = std::move(items);
  entries.push_back(std::move(e));
  return *this;
}

ViciSection& ViciSection::add_section(std::string key) {
  ViciEntry e;
  e.key = std::move(key);
  e.kind = ViciEntry::Kind::Section;
  entries.push_back(std::move(e));
  return entries.back().section;
}

const std::string* ViciSection::value(std::string_view key) const {
  for (const auto& e : entries)
    if (e.kind == ViciEntry::Kind::Value && e.key == key) return &e.value;
  return nullptr;
}

const std::vector<std::string>* ViciSection::list(std::string_view key) const {
  for (const auto& e : entries)
    if (e.kind == ViciEntry::Kind::List && e.key == key) return &e.items;
  return nullptr;
}

const ViciSection* ViciSection::section(std::string_view key) const {
  for (const auto& e : entries)
    if (e.kind == ViciEntry::Kind::Section && e.key == key) return &e.section;
  return nullptr;
}

std::string ViciSection::value_or(std::string_view key, std::string_view fallback) const {
  const auto* v = value(key);
  return v ? *v : std::string(fallback);
}

Result<void, ViciError> encode_message(const ViciSection& m, Buffer& out) {
  return encode_section(m, out, 0);
}

Result<ViciSection, ViciError> decode_message(Bytes data) {
  Reader r(data);
  ViciSection root;
  // The open sections, innermost last; pointers stay valid because only the innermost grows.
  std::vector<ViciSection*> open{&root};
  while (!r.empty()) {
    const std::size_t at = r.offset();
    std::uint8_t type = 0;
    (void)r.u8(type);
    ViciSection& cur = *open.back();
    switch (static_cast<Element>(type)) {
      case Element::SectionStart: {
        std::string name;
        if (!get_name(r, name)) return unexpected(error(ViciError::Kind::Truncated, at));
        if (open.size() > kViciMaxDepth) return unexpected(error(ViciError::Kind::TooDeep, at));
        open.push_back(&cur.add_section(std::move(name)));
        break;
      }
      case Element::SectionEnd:
        if (open.size() == 1) return unexpected(error(ViciError::Kind::UnbalancedSection, at));
        open.pop_back();
        break;
      case Element::KeyValue: {
        std::string name, value;
        if (!get_name(r, name) || !get_value(r, value))
          return unexpected(error(ViciError::Kind::Truncated, at));
        cur.add(std::move(name), std::move(value));
        break;
      }
      case Element::ListStart: {
        std::string name;
        if (!get_name(r, name)) return unexpected(error(ViciError::Kind::Truncated, at));
        std::vector<std::string> items;
        for (;;) {
          const std::size_t item_at = r.offset();
          std::uint8_t t = 0;
          if (!r.u8(t)) return unexpected(error(ViciError::Kind::ListNotClosed, item_at));
          if (t == static_cast<std::uint8_t>(Element::ListEnd)) break;
          if (t != static_cast<std::uint8_t>(Element::ListItem))
            return unexpected(error(ViciError::Kind::ListNotClosed, item_at));
          std::string v;
          if (!get_value(r, v)) return unexpected(error(ViciError::Kind::Truncated, item_at));
          items.push_back(std::move(v));
        }
        cur.add_list(std::move(name), std::move(items));
        break;
      }
      case Element::ListItem:
      case Element::ListEnd:
        return unexpected(error(ViciError::Kind::ItemOutsideList, at));
      default:
        return unexpected(error(ViciError::Kind::UnknownElement, at));
    }
  }
  if (open.size() != 1) return unexpected(error(ViciError::Kind::UnbalancedSection, data.size()));
  return root;
}

Result<Buffer, ViciError> encode_packet(const ViciPacket& p) {
  Buffer out;
  out.push_back(static_cast<std::uint8_t>(p.type));
  if (vici_named(p.type)) L2TP_TRY(put_name(out, p.name));
  if (vici_has_message(p.type)) L2TP_TRY(encode_message(p.message, out));
  if (out.size() > kViciMaxPacket) return unexpected(error(ViciError::Kind::TooLong));
  return out;
}

Result<ViciPacket, ViciError> decode_packet(Bytes data) {
  Reader r(data);
  std::uint8_t type = 0;
  if (!r.u8(type)) return unexpected(error(ViciError::Kind::Empty));
  if (type > static_cast<std::uint8_t>(ViciPacketType::Event))
    return unexpected(error(ViciError::Kind::UnknownPacketType));
  ViciPacket p;
  p.type = static_cast<ViciPacketType>(type);
  if (vici_named(p.type) && !get_name(r, p.name)) return unexpected(error(ViciError::Kind::Truncated, 1));
  const std::size_t body = r.offset();
  if (!vici_has_message(p.type)) {
    if (!r.empty()) return unexpected(error(ViciError::Kind::TrailingBytes, body));
    return p;
  }
  auto m = decode_message(r.rest());
  if (!m) {
    ViciError e = m.error();
    e.offset += body;
    return unexpected(e);
  }
  p.message = std::move(m).value();
  return p;
}

Result<Buffer, ViciError> encode_segment(const ViciPacket& p) {
  auto packet = encode_packet(p);
  if (!packet) return unexpected(packet.error());
  const auto n = static_cast<std::uint32_t>(packet->size());
  Buffer out{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
             static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  out.insert(out.end(), packet->begin(), packet->end());
  return out;
}

}  // namespace l2tp::ipsec
