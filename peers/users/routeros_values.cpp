#include "peers/users/routeros_values.hpp"

#include <cctype>
#include <limits>

namespace l2tp::peers {

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// A decimal number without sign; false on overflow past `max`.
bool to_number(std::string_view s, std::uint64_t max, std::uint64_t& out) {
  if (!all_digits(s)) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// One piece of a comma list: its text (spaces trimmed) and its offset in the whole value.
struct Item {
  std::string_view text;
  std::size_t offset;
};

std::vector<Item> split_items(std::string_view text) {
  std::vector<Item> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::size_t b = start, e = end;
    while (b < e && text[b] == ' ') ++b;
    while (e > b && text[e - 1] == ' ') --e;
    items.push_back({text.substr(b, e - b), b});
    if (end == text.size()) break;
    start = end + 1;
  }
  return items;
}

ValueResult<Ipv4Range> parse_one_range(Item item) {
  const std::string_view t = item.text;
  const std::string expected =
      "expected a range (10.1.0.10-10.1.0.250), an address or a CIDR prefix (10.2.0.0/30), got " +
      double_quoted(t);
  if (const auto dash = t.find('-'); dash != std::string_view::npos) {
    const auto a = parse_ipv4(t.substr(0, dash));
    const auto b = parse_ipv4(t.substr(dash + 1));
    if (!a || !b) return unexpected(ValueError{item.offset, expected});
    const Ipv4Range r{to_u32(*a), to_u32(*b)};
    if (r.first > r.last)
      return unexpected(ValueError{item.offset, "range " + double_quoted(t) + " runs backwards"});
    return r;
  }
  if (const auto slash = t.find('/'); slash != std::string_view::npos) {
    const auto a = parse_ipv4(t.substr(0, slash));
    std::uint64_t len = 0;
    if (!a || !to_number(t.substr(slash + 1), 32, len)) return unexpected(ValueError{item.offset, expected});
    const std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
    const std::uint32_t net = to_u32(*a) & mask;
    if (net != to_u32(*a)) {
      return unexpected(ValueError{item.offset, double_quoted(t) + " has host bits set (the prefix is " +
                                                    from_u32(net).to_string() + "/" + std::to_string(len) +
                                                    ")"});
    }
    const std::uint32_t broadcast = net | ~mask;
    // Hosts only: a client given the network or broadcast address of its own prefix trips
    // some stacks, and RFC 3021 /31s have neither.
    if (len >= 31) return Ipv4Range{net, broadcast};
    return Ipv4Range{net + 1, broadcast - 1};
  }
  const auto a = parse_ipv4(t);
  if (!a) return unexpected(ValueError{item.offset, expected});
  return Ipv4Range{to_u32(*a), to_u32(*a)};
}

}  // namespace

std::optional<net::IpAddress> parse_ipv4(std::string_view text) {
  if (text.empty() || text.find(':') != std::string_view::npos) return std::nullopt;
  net::IpAddress a;
  if (!net::IpAddress::parse(std::string(text), a) || a.v6) return std::nullopt;
  return a;
}

ValueResult<AddressRef> parse_address_or_pool(std::string_view text) {
  AddressRef ref;
  if (text.empty()) return ref;
  if (auto a = parse_ipv4(text)) {
    ref.address = *a;
    return ref;
  }
  bool address_like = true;
  for (char c : text)
    address_like = address_like && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
  if (address_like || text.find_first_of(":/") != std::string_view::npos)
    return unexpected(ValueError{0, "expected an IPv4 address or a pool name, got " + double_quoted(text)});
  ref.pool = std::string(text);
  return ref;
}

ValueResult<std::vector<net::IpAddress>> parse_ipv4_list(std::string_view text, std::size_t max) {
  std::vector<net::IpAddress> out;
  if (text.empty()) return out;
  for (const auto& item : split_items(text)) {
    const auto a = parse_ipv4(item.text);
    if (!a)
      return unexpected(ValueError{item.offset, "expected an IPv4 address, got " + double_quoted(item.text)});
    if (out.size() == max)
      return unexpected(ValueError{item.offset, "at most " + std::to_string(max) + " addresses are allowed"});
    out.push_back(*a);
  }
  return out;
}

ValueResult<std::vector<Ipv4Range>> parse_ranges(std::string_view text) {
  std::vector<Ipv4Range> out;
  std::vector<std::string_view> texts;
  for (const auto& item : split_items(text)) {
    auto r = parse_one_range(item);
    if (!r) return unexpected(r.error());
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i].overlaps(*r)) {
        return unexpected(ValueError{item.offset, double_quoted(item.text) + " overlaps " +
                                                      double_quoted(texts[i]) + " in the same pool"});
      }
    }
    out.push_back(*r);
    texts.push_back(item.text);
  }
  return out;
}

ValueResult<std::chrono::milliseconds> parse_routeros_time(std::string_view text) {
  const ValueError bad{0, "expected a time such as 30s, 1h30m, 1d or 00:30:00, got " + double_quoted(text)};
  constexpr std::uint64_t kMax = std::uint64_t{1} << 40;  // ~35 years in ms: beyond any timeout
  std::uint64_t total_ms = 0;
  std::size_t i = 0;
  if (all_digits(text)) {
    std::uint64_t s = 0;
    if (!to_number(text, kMax / 1000, s)) return unexpected(bad);
    return std::chrono::milliseconds(s * 1000);
  }
  // Unit groups: 1w2d3h4m5s500ms, in any order RouterOS prints (largest first).
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    std::size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j < text.size() && text[j] == ':') break;  // the hh:mm:ss part
    std::uint64_t n = 0;
    if (!to_number(text.substr(i, j - i), kMax, n)) return unexpected(bad);
    std::uint64_t unit_ms = 0;
    if (text.substr(j, 2) == "ms") {
      unit_ms = 1;
      j += 2;
    } else if (j < text.size()) {
      switch (text[j]) {
        case 'w':
          unit_ms = 7 * 86400000ULL;
          break;
        case 'd':
          unit_ms = 86400000ULL;
          break;
        case 'h':
          unit_ms = 3600000ULL;
          break;
        case 'm':
          unit_ms = 60000ULL;
          break;
        case 's':
          unit_ms = 1000ULL;
          break;
        default:
          return unexpected(bad);
      }
      ++j;
    } else {
      return unexpected(bad);
    }
    if (n > kMax / unit_ms) return unexpected(bad);
    total_ms += n * unit_ms;
    if (total_ms > kMax) return unexpected(bad);
    i = j;
    while (i < text.size() && text[i] == ' ') ++i;
  }
  if (i < text.size()) {
    // hh:mm:ss
    const std::string_view rest = text.substr(i);
    if (rest.size() != 8 || rest[2] != ':' || rest[5] != ':') return unexpected(bad);
    std::uint64_t h = 0, m = 0, s = 0;
    if (!to_number(rest.substr(0, 2), 99, h) || !to_number(rest.substr(3, 2), 59, m) ||
        !to_number(rest.substr(6, 2), 59, s))
      return unexpected(bad);
    total_ms += ((h * 60 + m) * 60 + s) * 1000;
  }
  if (i == 0 && text.empty()) return unexpected(bad);
  if (total_ms > kMax) return unexpected(bad);
  return std::chrono::milliseconds(total_ms);
}

ValueResult<bool> parse_yes_no(std::string_view text) {
  if (text == "yes") return true;
  if (text == "no") return false;
  return unexpected(ValueError{0, "expected yes or no, got " + double_quoted(text)});
}

ValueResult<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t v = 0;
  if (!to_number(text, std::numeric_limits<std::uint64_t>::max(), v))
    return unexpected(ValueError{0, "expected a non-negative whole number, got " + double_quoted(text)});
  return v;
}

}  // namespace l2tp::peers
