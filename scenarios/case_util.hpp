// Small formatting helpers the case logic's files share.
#pragma once

#include <cstdio>
#include <string>

#include "engine/time.hpp"

namespace l2tp::scenario {

inline std::string secs(Duration d) {
  char b[32];
  std::snprintf(b, sizeof b, "%g s", to_seconds(d));
  return b;
}

// Seconds from `origin` to `t` (a result's times are relative to the run's start).
inline double since(Time t, Time origin) {
  return to_seconds(t - origin);
}

}  // namespace l2tp::scenario
