// Configuration Option lists (RFC 1661 6) and the reply rules of 5.2-5.4. See options.hpp.
#include "engine/ppp/options.hpp"

#include <algorithm>

namespace l2tp::ppp {

std::optional<Result<Option, std::string>> OptionReader::next() {
  if (failed_ || reader_.empty()) return std::nullopt;
  const std::size_t at = reader_.offset();
  const Bytes rest = reader_.rest();
  std::uint8_t type = 0, length = 0;
  if (!reader_.u8(type) || !reader_.u8(length)) {
    failed_ = true;
    return Result<Option, std::string>(
        unexpected("option at offset " + std::to_string(at) + " has no Length octet"));
  }
  if (length < 2 || length > rest.size()) {
    failed_ = true;
    return Result<Option, std::string>(unexpected("option " + std::to_string(type) + " at offset " +
                                                  std::to_string(at) + " has Length " +
                                                  std::to_string(length) + (length < 2 ? " (below 2)" : "") +
                                                  (length > rest.size() ? " (past the list)" : "")));
  }
  Option o;
  o.type = type;
  o.raw = rest.first(length);
  (void)reader_.bytes(length - 2u, o.value);
  return Result<Option, std::string>(o);
}

Result<std::vector<Option>, std::string> parse_options(Bytes options) {
  std::vector<Option> out;
  out.reserve(options.size() / 2);  // at most one option per two octets: one allocation, no regrowth
  OptionReader r(options);
  while (auto o = r.next()) {
    if (!*o) return unexpected(o->error());
    out.push_back(o->value());
  }
  return out;
}

bool is_option_subsequence(Bytes part, Bytes whole) {
  auto sub = parse_options(part);
  auto all = parse_options(whole);
  if (!sub || !all) return false;
  std::size_t j = 0;
  for (const Option& o : *sub) {
    while (j < all->size() && !std::ranges::equal((*all)[j].raw, o.raw)) ++j;
    if (j == all->size()) return false;
    ++j;
  }
  return true;
}

void write_option(Buffer& out, std::uint8_t type, Bytes value) {
  Writer w(out);
  w.u8(type);
  w.u8(static_cast<std::uint8_t>(value.size() + 2));
  w.bytes(value);
}
void write_option_u8(Buffer& out, std::uint8_t type, std::uint8_t value) {
  const std::uint8_t v[1] = {value};
  write_option(out, type, v);
}
void write_option_u16(Buffer& out, std::uint8_t type, std::uint16_t value) {
  const std::uint8_t v[2] = {static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
  write_option(out, type, v);
}
void write_option_u32(Buffer& out, std::uint8_t type, std::uint32_t value) {
  const std::uint8_t v[4] = {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
                             static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
  write_option(out, type, v);
}
void write_option_u64(Buffer& out, std::uint8_t type, std::uint64_t value) {
  Buffer v;
  Writer(v).u64(value);
  write_option(out, type, v);
}

std::optional<std::uint16_t> option_u16(const Option& o) {
  std::uint16_t v = 0;
  Reader r(o.value);
  if (o.value.size() != 2 || !r.u16(v)) return std::nullopt;
  return v;
}
std::optional<std::uint32_t> option_u32(const Option& o) {
  std::uint32_t v = 0;
  Reader r(o.value);
  if (o.value.size() != 4 || !r.u32(v)) return std::nullopt;
  return v;
}
std::optional<std::uint64_t> option_u64(const Option& o) {
  std::uint64_t v = 0;
  Reader r(o.value);
  if (o.value.size() != 8 || !r.u64(v)) return std::nullopt;
  return v;
}

void ReplyBuilder::nak(const Option& o, Bytes suggested, bool may_reject) {
  entries_.push_back({Kind::Nak, o.type, Buffer(o.raw.begin(), o.raw.end()),
                      Buffer(suggested.begin(), suggested.end()), may_reject});
}
void ReplyBuilder::nak_u16(const Option& o, std::uint16_t v, bool may_reject) {
  Buffer b;
  Writer(b).u16(v);
  nak(o, b, may_reject);
}
void ReplyBuilder::nak_u32(const Option& o, std::uint32_t v, bool may_reject) {
  Buffer b;
  Writer(b).u32(v);
  nak(o, b, may_reject);
}
void ReplyBuilder::nak_u64(const Option& o, std::uint64_t v, bool may_reject) {
  Buffer b;
  Writer(b).u64(v);
  nak(o, b, may_reject);
}
void ReplyBuilder::reject(const Option& o) {
  entries_.push_back({Kind::Reject, o.type, Buffer(o.raw.begin(), o.raw.end()), {}});
}
void ReplyBuilder::append_nak(std::uint8_t type, Bytes value) {
  entries_.push_back({Kind::Append, type, {}, Buffer(value.begin(), value.end())});
}

bool ReplyBuilder::has_reject() const {
  return std::ranges::any_of(entries_, [](const Entry& e) { return e.kind == Kind::Reject; });
}
bool ReplyBuilder::has_nak() const {
  return std::ranges::any_of(entries_, [](const Entry& e) { return e.kind != Kind::Reject; });
}

Code ReplyBuilder::finish(Buffer& reply, bool reject_instead_of_nak) const {
  reply.clear();
  auto rejected = [&](const Entry& e) {
    return e.kind == Kind::Reject || (e.kind == Kind::Nak && reject_instead_of_nak && e.may_reject);
  };
  if (std::ranges::any_of(entries_, rejected)) {
    for (const Entry& e : entries_)
      if (rejected(e)) Writer(reply).bytes(e.raw);
    return Code::ConfRej;
  }
  const bool appended = !reject_instead_of_nak;  // past Max-Failure we solicit nothing more
  auto naked = [&](const Entry& e) { return e.kind == Kind::Nak || (e.kind == Kind::Append && appended); };
  if (!std::ranges::any_of(entries_, naked)) return Code::ConfAck;
  for (const Entry& e : entries_)
    if (e.kind == Kind::Nak) write_option(reply, e.type, e.value);
  for (const Entry& e : entries_)
    if (e.kind == Kind::Append && appended) write_option(reply, e.type, e.value);
  return Code::ConfNak;
}

}  // namespace l2tp::ppp
