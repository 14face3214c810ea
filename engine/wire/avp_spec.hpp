// One row per attribute of RFC 2661 4.4 (and RFC 3145): value format, legal value lengths
// (before hiding), the M bit it must carry, whether it may be hidden, and the requirement row
// that states all this. The decoder and the checker both read this table.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/wire/avp_value.hpp"
#include "engine/wire/rules.hpp"

namespace l2tp {

inline constexpr std::uint16_t kAvpHeaderSize = 6;
inline constexpr std::uint16_t kAvpMaxLength = 1023;  // 10-bit Length field (R026)
inline constexpr std::uint16_t kAvpMaxValue = kAvpMaxLength - kAvpHeaderSize;
inline constexpr std::uint16_t kIetfVendor = 0;

struct AvpSpec {
  AvpType type;
  std::string_view name;
  ValueShape shape;
  std::uint16_t min_len;  // value octets, before hiding
  std::uint16_t max_len;
  bool mandatory;  // the M bit the sender must set
  bool may_hide;
  Rule format_rule;  // the row giving M, H and Length for this attribute
};

std::span<const AvpSpec> all_avp_specs();
// nullptr for vendor AVPs and IETF types RFC 2661/3145 do not define.
const AvpSpec* find_avp_spec(std::uint16_t vendor, std::uint16_t type);
// Name for display: the spec's name, or "Vendor 9 type 1" / "Unknown type 99".
std::string avp_display_name(std::uint16_t vendor, std::uint16_t type);

}  // namespace l2tp
