#include "engine/util/duration_text.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace l2tp {

std::optional<Duration> parse_duration_text(std::string_view text, double max_seconds) {
  std::string t;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) t += c;
  // The longest suffix first: "ms" before "s", "min" before "m".
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ms", 1e-3}, {"min", 60}, {"s", 1}, {"m", 60}, {"h", 3600}};
  double scale = 1;
  for (const auto& [suffix, factor] : kUnits) {
    if (t.size() > suffix.size() && std::string_view(t).ends_with(suffix)) {
      scale = factor;
      t.resize(t.size() - suffix.size());
      break;
    }
  }
  if (t.empty()) return std::nullopt;
  double v = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v) || v < 0 || v * scale > max_seconds)
    return std::nullopt;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(v * scale));
}

}  // namespace l2tp
