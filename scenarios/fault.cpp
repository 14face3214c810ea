// The fault layer (fault.hpp). Matching reads each datagram once with the engine's codec
// (decode_header, the AvpReader, decode_data and the PPP frame parser), tolerating anything a
// broken peer may send: what cannot be read simply matches no rule that asks about it.
//
// Edits of AVPs and headers are done on the bytes, not by decoding and re-encoding: decoded
// without the secret, a hidden AVP stays Concealed (its ciphertext kept as Raw with H set),
// and encode_control would hide that ciphertext a second time. Splicing bytes keeps every
// octet the rule does not touch exactly as it was: hidden values, reserved bits, offset
// padding, octets past Length, even AVPs after a broken one.
//
// Statistics: `matched` counts every datagram that reached a rule (no earlier rule took it)
// and fitted its match, also once its count is used up (the datagram then goes on to the
// next rules); `applied` counts the datagrams the action changed. An AVP or header edit that
// finds nothing to edit (the AVP is absent, the datagram is not a control message) lets the
// datagram pass untouched and does not use up the count.
#include "scenarios/fault.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "engine/ppp/frame.hpp"
#include "engine/ppp/protocol.hpp"
#include "engine/wire/avp.hpp"
#include "engine/wire/header.hpp"
#include "engine/wire/message.hpp"
#include "engine/wire/types.hpp"

namespace l2tp::scenario {

const char* to_string(Direction d) {
  switch (d) {
    case Direction::Out:
      return "out";
    case Direction::In:
      return "in";
  }
  return "?";
}

const char* to_string(FaultAction a) {
  switch (a) {
    case FaultAction::Drop:
      return "drop";
    case FaultAction::Delay:
      return "delay";
    case FaultAction::Duplicate:
      return "duplicate";
    case FaultAction::Reorder:
      return "reorder";
    case FaultAction::Corrupt:
      return "corrupt";
    case FaultAction::AddAvp:
      return "add-avp";
    case FaultAction::RemoveAvp:
      return "remove-avp";
    case FaultAction::AlterAvp:
      return "alter-avp";
    case FaultAction::AlterHeader:
      return "alter-header";
    case FaultAction::Truncate:
      return "truncate";
  }
  return "?";
}

namespace {

constexpr Duration kDefaultReorderHold = std::chrono::seconds(1);

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::uint16_t get_u16(const Buffer& b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

void put_u16(Buffer& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

// PPP protocols whose packets carry Code, Identifier, Length (LCP, PAP, CHAP, the NCPs...).
bool has_code(std::uint16_t protocol) {
  return protocol >= 0x8000 && protocol != ppp::proto::kLqr;
}

// What the rules can ask about one datagram, read once.
struct Facts {
  std::optional<wire::Header> header;
  bool zlb = false;                           // control, nothing after the header
  std::optional<std::uint16_t> message_type;  // control: a readable Message Type AVP first
  std::vector<std::uint16_t> avp_types;       // vendor-0 AVPs up to the first framing error
  std::optional<std::uint16_t> ppp_protocol;  // data
  std::optional<std::uint8_t> ppp_code;       // data, code-carrying protocols only
};

Facts read_facts(Bytes b) {
  Facts f;
  auto h = wire::decode_header(b);
  if (!h) return f;
  f.header = *h;
  const std::size_t end = h->has_length ? h->length : b.size();
  if (h->control) {
    f.zlb = h->header_size == end;
    wire::AvpReader reader(b.subspan(h->header_size, end - h->header_size), h->header_size);
    bool first = true;
    while (auto next = reader.next()) {
      if (!*next) break;
      const wire::AvpView& v = next->value();
      if (first && v.header.vendor == kIetfVendor &&
          v.header.type == static_cast<std::uint16_t>(AvpType::MessageType) && !v.header.hidden &&
          v.value.size() == 2)
        f.message_type = static_cast<std::uint16_t>((v.value[0] << 8) | v.value[1]);
      first = false;
      if (v.header.vendor == kIetfVendor) f.avp_types.push_back(v.header.type);
    }
    return f;
  }
  auto data = wire::decode_data(b);
  if (!data) return f;
  auto frame = ppp::parse_frame(data->ppp);
  if (!frame) return f;
  f.ppp_protocol = frame->protocol;
  if (has_code(frame->protocol))
    if (auto packet = ppp::parse_packet(frame->payload)) f.ppp_code = static_cast<std::uint8_t>(packet->code);
  return f;
}

bool message_fits(const std::string& want, const Facts& f) {
  if (want.empty() || iequals(want, "any")) return true;
  if (!f.header) return false;
  if (iequals(want, "data")) return !f.header->control;
  if (!f.header->control) return false;
  if (iequals(want, "ZLB")) return f.zlb;
  if (iequals(want, "control")) return !f.zlb;
  return f.message_type && iequals(l2tp::to_string(static_cast<MessageType>(*f.message_type)), want);
}

bool fits(const FaultMatch& m, const Datagram& d, const Facts& f) {
  if (m.direction != d.direction) return false;
  if (!message_fits(m.message, f)) return false;
  if (m.avp && std::find(f.avp_types.begin(), f.avp_types.end(), *m.avp) == f.avp_types.end()) return false;
  if (m.tunnel && (!f.header || f.header->tunnel.value != *m.tunnel)) return false;
  if (m.session && (!f.header || f.header->session.value != *m.session)) return false;
  if (m.ns && (!f.header || !f.header->has_sequence || f.header->ns.value != *m.ns)) return false;
  if (m.ppp_protocol && f.ppp_protocol != m.ppp_protocol) return false;
  if (m.ppp_code && f.ppp_code != m.ppp_code) return false;
  return true;
}

// Appends one AVP: flags (M, H, reserved bits) without the length, then the Length field (the
// true one unless `length_field` lies), Vendor ID, Attribute Type and value. False when the
// true length does not fit the 10-bit field and no lie was asked for.
bool put_avp(Buffer& out, std::uint16_t flags, std::uint16_t vendor, std::uint16_t type, Bytes value,
             std::optional<std::uint16_t> length_field) {
  const std::size_t len = kAvpHeaderSize + value.size();
  if (len > kAvpMaxLength && !length_field) return false;
  Writer w(out);
  w.u16(static_cast<std::uint16_t>(
      (flags & ~wire::kAvpLengthMask) |
      (length_field.value_or(static_cast<std::uint16_t>(len)) & wire::kAvpLengthMask)));
  w.u16(vendor);
  w.u16(type);
  w.bytes(value);
  return true;
}

std::uint16_t edit_flags(std::uint16_t flags, const AvpEdit& e) {
  if (e.mandatory) flags = *e.mandatory ? (flags | wire::kAvpFlagM) : (flags & ~wire::kAvpFlagM);
  if (e.hidden) flags = *e.hidden ? (flags | wire::kAvpFlagH) : (flags & ~wire::kAvpFlagH);
  return static_cast<std::uint16_t>(flags);
}

// Adds, removes or alters AVPs of a control message in place. The header Length grows or
// shrinks by what the edit added or took away (so a true Length stays true, and a lie stays
// the same lie); AVP Length fields are true unless the edit sets one.
bool edit_avps(Buffer& b, FaultAction action, const AvpEdit& e) {
  auto h = wire::decode_header(b);
  if (!h || !h->control) return false;
  const std::size_t end = h->has_length ? h->length : b.size();
  std::vector<wire::AvpView> avps;
  std::size_t parsed_end = h->header_size;  // after the last AVP the reader could frame
  wire::AvpReader reader(Bytes(b).subspan(h->header_size, end - h->header_size), h->header_size);
  while (auto next = reader.next()) {
    if (!*next) break;
    avps.push_back(next->value());
    parsed_end = avps.back().offset + avps.back().header.length;
  }
  auto selected = [&](const wire::AvpView& v) {
    return v.header.vendor == e.vendor && v.header.type == e.type;
  };

  Buffer out(b.begin(), b.begin() + h->header_size);
  out.reserve(b.size() + kAvpHeaderSize + (e.value ? e.value->size() : 0));
  bool changed = false;
  const std::size_t insert_at = std::min(e.position.value_or(avps.size()), avps.size());
  for (std::size_t i = 0; i <= avps.size(); ++i) {
    if (action == FaultAction::AddAvp && i == insert_at) {
      std::uint16_t flags = 0;
      if (e.mandatory.value_or(true)) flags |= wire::kAvpFlagM;
      if (e.hidden.value_or(false)) flags |= wire::kAvpFlagH;
      if (!put_avp(out, flags, e.vendor, e.type, e.value ? Bytes(*e.value) : Bytes(), e.length_field))
        return false;
      changed = true;
    }
    if (i == avps.size()) break;
    const wire::AvpView& v = avps[i];
    const Bytes whole = Bytes(b).subspan(v.offset, v.header.length);
    if (action == FaultAction::RemoveAvp && selected(v)) {
      changed = true;
    } else if (action == FaultAction::AlterAvp && selected(v)) {
      const Bytes value = e.value ? Bytes(*e.value) : v.value;
      if (!put_avp(out, edit_flags(get_u16(b, v.offset), e), v.header.vendor, v.header.type, value,
                   e.length_field))
        return false;
      changed = true;
    } else {
      out.insert(out.end(), whole.begin(), whole.end());
    }
  }
  if (!changed) return false;
  // Then what the reader could not frame and any octets past Length, as they were.
  out.insert(out.end(), b.begin() + static_cast<std::ptrdiff_t>(parsed_end), b.end());
  if (h->has_length) {
    const std::ptrdiff_t length = static_cast<std::ptrdiff_t>(h->length) +
                                  static_cast<std::ptrdiff_t>(out.size()) -
                                  static_cast<std::ptrdiff_t>(b.size());
    if (length < 0 || length > 0xFFFF) return false;
    put_u16(out, 2, static_cast<std::uint16_t>(length));
  }
  b = std::move(out);
  return true;
}

// Rewrites header fields where the (original) flags say they are (RFC 2661 3.1). A field the
// header does not carry, or that lies beyond the datagram, is left alone; new flags change the
// flags word only, never the layout, which is the point: the header then lies.
bool edit_header(Buffer& b, const HeaderEdit& e) {
  if (b.size() < 2) return false;
  std::uint16_t word = get_u16(b, 0);
  const bool has_length = word & wire::kFlagL;
  const bool has_sequence = word & wire::kFlagS;
  const std::size_t tunnel_at = has_length ? 4 : 2;
  auto put = [&](std::size_t at, std::optional<std::uint16_t> v) {
    if (v && at + 2 <= b.size()) put_u16(b, at, *v);
  };
  if (has_length) put(2, e.length_field);
  put(tunnel_at, e.tunnel);
  put(tunnel_at + 2, e.session);
  if (has_sequence) {
    put(tunnel_at + 4, e.ns);
    put(tunnel_at + 6, e.nr);
  }
  if (e.version)
    word = static_cast<std::uint16_t>((word & ~wire::kVersionMask) | (*e.version & wire::kVersionMask));
  if (e.set_flags) word |= *e.set_flags;
  if (e.clear_flags) word &= static_cast<std::uint16_t>(~*e.clear_flags);
  put_u16(b, 0, word);
  return true;
}

void corrupt(Buffer& b, const FaultRule& r) {
  if (r.corrupt_offset >= b.size()) return;
  const std::size_t n = std::min(r.corrupt_bytes, b.size() - r.corrupt_offset);
  for (std::size_t i = 0; i < n; ++i) b[r.corrupt_offset + i] ^= r.xor_mask;
}

}  // namespace

FaultLayer::FaultLayer(std::vector<FaultRule> rules) : rules_(std::move(rules)) {
  stats_.resize(rules_.size());
  skipped_.resize(rules_.size());
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    stats_[i].name = rules_[i].name.empty() ? "rule " + std::to_string(i + 1) : rules_[i].name;
    stats_[i].required = rules_[i].required;
  }
}

void FaultLayer::deliver(Datagram d) {
  const Direction dir = d.direction;
  ready_.push_back(std::move(d));
  release_held(dir);
}

void FaultLayer::release_held(Direction dir) {
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.direction == dir) {
      ready_.push_back(std::move(it->second));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
}

void FaultLayer::handle(Datagram d, Time now) {
  const Facts facts = read_facts(d.bytes);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& r = rules_[i];
    if (!fits(r.match, d, facts)) continue;
    FaultStats& st = stats_[i];
    ++st.matched;
    if (skipped_[i] < r.match.skip) {
      ++skipped_[i];
      deliver(std::move(d));
      return;
    }
    if (r.match.count && st.applied >= *r.match.count) continue;  // used up: later rules may act
    switch (r.action) {
      case FaultAction::Drop:
        break;
      case FaultAction::Delay:
        timed_.emplace_back(now + r.delay, std::move(d));
        break;
      case FaultAction::Reorder:
        held_.emplace_back(now + (r.delay > Duration::zero() ? r.delay : kDefaultReorderHold), std::move(d));
        break;
      case FaultAction::Duplicate: {
        const Direction dir = d.direction;
        const Datagram copy = d;
        ready_.push_back(std::move(d));
        for (unsigned c = 0; c < r.copies; ++c) {
          if (r.delay > Duration::zero())
            timed_.emplace_back(now + r.delay, copy);  // a stale copy, `delay` later
          else
            ready_.push_back(copy);
        }
        release_held(dir);  // after the original and all its copies
        break;
      }
      case FaultAction::Corrupt:
        corrupt(d.bytes, r);
        deliver(std::move(d));
        break;
      case FaultAction::Truncate:
        if (d.bytes.size() > r.truncate_to) d.bytes.resize(r.truncate_to);
        deliver(std::move(d));
        break;
      case FaultAction::AddAvp:
      case FaultAction::RemoveAvp:
      case FaultAction::AlterAvp:
      case FaultAction::AlterHeader: {
        const bool edited = r.action == FaultAction::AlterHeader ? edit_header(d.bytes, r.header)
                                                                 : edit_avps(d.bytes, r.action, r.avp);
        deliver(std::move(d));
        if (!edited) return;  // nothing to edit: passed untouched, count not used
        break;
      }
    }
    ++st.applied;
    return;
  }
  deliver(std::move(d));
}

std::optional<Datagram> FaultLayer::poll(Time now) {
  for (;;) {
    // The earliest due delayed datagram (first arrived among equals), then the earliest held.
    auto earliest = [](std::vector<std::pair<Time, Datagram>>& v) {
      auto best = v.end();
      for (auto it = v.begin(); it != v.end(); ++it)
        if (best == v.end() || it->first < best->first) best = it;
      return best;
    };
    auto t = earliest(timed_);
    auto h = earliest(held_);
    const bool t_due = t != timed_.end() && t->first <= now;
    const bool h_due = h != held_.end() && h->first <= now;
    if (t_due && (!h_due || t->first <= h->first)) {
      Datagram d = std::move(t->second);
      timed_.erase(t);
      deliver(std::move(d));  // a delivery: releases what Reorder holds in its direction
    } else if (h_due) {
      ready_.push_back(std::move(h->second));  // nothing came: released alone, others stay held
      held_.erase(h);
    } else {
      break;
    }
  }
  if (ready_.empty()) return std::nullopt;
  Datagram d = std::move(ready_.front());
  ready_.pop_front();
  return d;
}

std::optional<Time> FaultLayer::poll_timeout() const {
  std::optional<Time> next;
  for (const auto* v : {&timed_, &held_})
    for (const auto& [at, d] : *v)
      if (!next || at < *next) next = at;
  return next;
}

}  // namespace l2tp::scenario
