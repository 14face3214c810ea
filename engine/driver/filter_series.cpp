#include "engine/driver/filter_series.hpp"

namespace l2tp {

void FilterSeries::take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
                        Time now) {
  (dir == WireDirection::Out ? node_ : wire_).take(dir, src, dst, bytes, now);
}

bool FilterSeries::poll(Time now, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) {
  // What the first stage lets through enters the second; what the second lets through is done.
  WireDirection d{};
  net::Endpoint s, t;
  for (bool moved = true; moved;) {
    moved = false;
    while (wire_.poll(now, d, s, t, between_)) {
      if (d == WireDirection::Out) {
        dir = d;
        src = s;
        dst = t;
        out = std::move(between_);
        return true;
      }
      node_.take(d, s, t, between_, now);
      moved = true;
    }
    while (node_.poll(now, d, s, t, between_)) {
      if (d == WireDirection::In) {
        dir = d;
        src = s;
        dst = t;
        out = std::move(between_);
        return true;
      }
      wire_.take(d, s, t, between_, now);
      moved = true;
    }
  }
  return false;
}

std::optional<Time> FilterSeries::poll_timeout() const {
  const auto a = wire_.poll_timeout(), b = node_.poll_timeout();
  if (!a) return b;
  if (!b) return a;
  return *a < *b ? a : b;
}

}  // namespace l2tp
