// When a LAC opens its calls: --setup-rate (or a --ramp of rates over time) spread evenly, one
// call every 1/rate seconds, never a burst at the top of a second; --max-outstanding caps the
// calls in setup at once. A slot of the schedule that finds nothing to open, or no room under
// the cap, is forgone: the pacer never catches up with a burst after a pause. No I/O: the
// runner asks at `now` how many may start (virtual time in the tests).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace l2tp::peers {

// Calls per second over the run, piecewise linear between points (`--ramp 0:100,60s:2000`:
// 100/s at the start, rising evenly to 2,000/s at 60 s, held after). Before the first point
// its rate holds; one point is a constant rate. Empty, or all rates 0: no pacing (all at once).
class RateProfile {
 public:
  struct Point {
    double at_s = 0;  // seconds from the start of setup
    double rate = 0;  // calls per second
  };
  RateProfile() = default;
  explicit RateProfile(std::vector<Point> points);  // sorted by time, times distinct
  static RateProfile constant(double rate);
  // "T:R,T:R,...": T seconds (a plain number or with a unit: 90, 90s, 2m, 1h), R calls/s.
  // nullopt and `error` when it is not.
  static std::optional<RateProfile> parse(const std::string& text, std::string& error);

  bool unpaced() const { return unpaced_; }
  double rate_at(double t_s) const;
  // Calls the profile has scheduled from 0 to t_s: the integral of the rate.
  double calls_by(double t_s) const;
  // The same profile with every rate multiplied by `f` (a shard's share).
  RateProfile scaled(double f) const;
  const std::vector<Point>& points() const { return points_; }
  std::string to_string() const;

 private:
  std::vector<Point> points_;
  bool unpaced_ = true;
};

class SetupPacer {
 public:
  // `max_outstanding` 0: no cap.
  SetupPacer(RateProfile profile, std::uint64_t max_outstanding, Time start);

  // How many calls may start at `now`, at most `wanted`, with `outstanding` calls in setup now.
  // The first call may start at once, call k (0-based) once the profile has scheduled k calls.
  std::uint64_t take(Time now, std::uint64_t wanted, std::uint64_t outstanding);
  // How long until it is worth asking again: one call's interval at the rate of `now`, within
  // 2 ms and 100 ms.
  Duration interval(Time now) const;
  std::uint64_t taken() const { return taken_; }
  // From `now` on, `rate` calls per second (> 0) instead of the profile (--stats-listen's POST
  // /control/rate): the next call one interval at the new rate after `now`, then evenly.
  void set_rate(double rate, Time now);

 private:
  RateProfile profile_;
  std::uint64_t max_outstanding_;
  Time start_;
  std::uint64_t used_ = 0;  // schedule slots taken or forgone
  std::uint64_t taken_ = 0;
};

}  // namespace l2tp::peers
