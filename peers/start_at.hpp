// --start-at TIME (issue 12): every agent of a run on many machines starts at one wall-clock
// instant. TIME is ISO 8601 with an explicit zone (2026-12-05T21:50:00Z, ...+01:00, fractions of
// a second allowed) or Unix seconds (1796507400, 1796507400.25); a time without a zone is refused,
// since every machine would read it in its own.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>

namespace l2tp::peers {

using WallTime = std::chrono::system_clock::time_point;

std::optional<WallTime> parse_start_at(const std::string& text, std::string& error);
// "2026-12-05T21:50:00.000Z"
std::string utc_text(WallTime t);
// Milliseconds since the Unix epoch.
std::int64_t unix_ms(WallTime t);

enum class StartWait { Started, Late, Interrupted };
// Sleeps until `at` (a timer, no polling), saying on `err` what it waits for; SIGINT or SIGTERM
// ends the wait (Interrupted). A time already past starts at once with a warning (Late): an
// agent whose machine came up late still runs, and `report merge` aligns it on absolute time.
StartWait wait_until_start(WallTime at, std::ostream& err, const std::string& prefix);

}  // namespace l2tp::peers
