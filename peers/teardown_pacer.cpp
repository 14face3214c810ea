#include "peers/teardown_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace l2tp::peers {

TeardownPacer::TeardownPacer(std::vector<Call> calls, double rate, Time start)
    : calls_(std::move(calls)), rate_(rate), start_(start) {}

std::size_t TeardownPacer::due_by(Time now) const {
  if (rate_ <= 0) return calls_.size();
  // The first call at once, then one every 1/rate seconds.
  const double due = std::floor(rate_ * std::max(0.0, to_seconds(now - start_))) + 1;
  return due >= static_cast<double>(calls_.size()) ? calls_.size() : static_cast<std::size_t>(due);
}

Duration TeardownPacer::interval() const {
  const double s = rate_ > 0 ? std::clamp(1.0 / rate_, 0.002, 0.1) : 0.002;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace l2tp::peers
