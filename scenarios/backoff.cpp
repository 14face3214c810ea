#include "scenarios/backoff.hpp"

#include <cstdio>

namespace l2tp::scenario {

namespace {

using std::chrono::milliseconds;
constexpr Duration kNoise = milliseconds(50);
constexpr Duration kCap = milliseconds(7500);

bool at_cap(Duration a, Duration b) {
  return a >= kCap && b >= kCap;
}

}  // namespace

bool backoff_grows(const std::vector<Duration>& gaps) {
  if (gaps.size() < 2) return false;
  bool stepwise = true;
  for (std::size_t i = 1; i < gaps.size(); ++i)
    stepwise = stepwise && (at_cap(gaps[i - 1], gaps[i]) || gaps[i] * 2 + 2 * kNoise >= gaps[i - 1] * 3);
  if (stepwise) return true;
  if (gaps.size() < 3) return false;
  for (std::size_t i = 1; i < gaps.size(); ++i)
    if (!at_cap(gaps[i - 1], gaps[i]) && gaps[i] + kNoise < gaps[i - 1]) return false;
  for (std::size_t i = 2; i < gaps.size(); ++i)
    if (!at_cap(gaps[i - 2], gaps[i]) && gaps[i] + kNoise < gaps[i - 2] * 2) return false;
  return true;
}

std::string gaps_text(const std::vector<Duration>& gaps) {
  std::string out;
  for (const auto g : gaps) {
    char b[32];
    std::snprintf(b, sizeof b, "%s%.1f s", out.empty() ? "" : ", ", to_seconds(g));
    out += b;
  }
  return out;
}

}  // namespace l2tp::scenario
