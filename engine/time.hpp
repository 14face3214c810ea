// Engine time. EngineClock deliberately has no now(): only adapters (the Asio shard, SimNet,
// a pcap replayer) make Time values, so nothing inside engine/ can read a clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace l2tp {

struct EngineClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<EngineClock>;
  static constexpr bool is_steady = true;
};

using Time = EngineClock::time_point;
using Duration = std::chrono::nanoseconds;

using namespace std::chrono_literals;

inline Time time_from_ns(std::int64_t ns) {
  return Time(Duration(ns));
}
inline std::int64_t to_ns(Time t) {
  return t.time_since_epoch().count();
}
inline double to_seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace l2tp
