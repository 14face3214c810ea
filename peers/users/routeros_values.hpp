// Parsers for the RouterOS property values a secrets file uses: addresses, "address or pool"
// references, pool ranges, DNS lists, times ("1h30m", "00:30:00"), yes/no and byte counts.
// Each reports what it expected and where in the value it went wrong, so the file parser can
// turn the offset into a line and column.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.hpp"
#include "peers/users/ipv4.hpp"

namespace l2tp::peers {

// What a value parser did not like, and the offset in the value where that starts.
struct ValueError {
  std::size_t offset = 0;
  std::string message;
};

template <typename T>
using ValueResult = Result<T, ValueError>;

// `s` in double quotes, for error messages ("default-profile: no profile named \"x\"").
std::string double_quoted(std::string_view s);

// Strict dotted-quad IPv4 ("10.0.0.1"; no leading zeros, no IPv6).
std::optional<net::IpAddress> parse_ipv4(std::string_view text);

// A fixed IPv4 address or a pool name; "" means unset. Text that looks like an address attempt
// (digits and dots only, or holding ':' or '/') but does not parse is an error, never a pool.
ValueResult<AddressRef> parse_address_or_pool(std::string_view text);

// Comma list of IPv4 addresses (dns-server), at most `max` of them; "" is an empty list.
ValueResult<std::vector<net::IpAddress>> parse_ipv4_list(std::string_view text, std::size_t max);

// Comma list of "a-b" ranges, single addresses and CIDR prefixes (ranges=). A prefix shorter
// than /31 yields its hosts only (network and broadcast addresses are not handed out); host
// bits set, backwards ranges and ranges overlapping each other are errors.
ValueResult<std::vector<Ipv4Range>> parse_ranges(std::string_view text);

// RouterOS time: "90" (seconds), "1w2d3h4m5s", "500ms", "00:30:00", "1d 02:00:00".
ValueResult<std::chrono::milliseconds> parse_routeros_time(std::string_view text);

ValueResult<bool> parse_yes_no(std::string_view text);

// A non-negative decimal count (limit-bytes-in=1000000).
ValueResult<std::uint64_t> parse_count(std::string_view text);

}  // namespace l2tp::peers
