// Durations as people write them in options and scenario files: "90", "90s", "250ms", "1.5m",
// "2min", "1h" (a bare number is seconds; blanks are ignored). One parser for the whole
// program, so --ramp, --session-lifetime and a scenario's wait: read times alike.
#pragma once

#include <optional>
#include <string_view>

#include "engine/time.hpp"

namespace l2tp {

// nullopt for anything else, a negative or non-finite value, or one longer than `max_seconds`.
std::optional<Duration> parse_duration_text(std::string_view text, double max_seconds);

}  // namespace l2tp
