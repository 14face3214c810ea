// The graceful teardown at --teardown-rate: calls cleared (CDN) evenly over time, tunnel by
// tunnel, each tunnel's StopCCN right after the CDN of its last call. All at once, 10,000
// tunnels put tens of thousands of CDNs (each tunnel's whole control window) and StopCCNs on
// the peer's socket in one instant; a server sized for the setup rate drops most of them and
// the teardown becomes a storm of retransmissions. No I/O: the runner asks what is due.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/time.hpp"

namespace l2tp::peers {

class TeardownPacer {
 public:
  using Call = std::pair<std::uint16_t, std::uint16_t>;  // our Tunnel ID, our Session ID

  // `calls` in tunnel order (a tunnel's calls together); `rate` calls per second, 0: all at once.
  TeardownPacer(std::vector<Call> calls, double rate, Time start);

  // The calls due by `now` not released yet, at most `max` of them, in order:
  // f(call, last_of_its_tunnel).
  template <class F>
  void release(Time now, std::size_t max, F&& f) {
    const std::size_t due = std::min(due_by(now), next_ + max);
    for (; next_ < due; ++next_) {
      const bool last = next_ + 1 == calls_.size() || calls_[next_ + 1].first != calls_[next_].first;
      f(calls_[next_], last);
    }
  }
  bool done() const { return next_ == calls_.size(); }
  // Calls due by `now` remain (release was given a smaller `max`).
  bool due(Time now) const { return next_ < due_by(now); }
  // How often to ask: one call's interval, within 2 ms and 100 ms.
  Duration interval() const;

 private:
  std::size_t due_by(Time now) const;

  std::vector<Call> calls_;
  double rate_;
  Time start_;
  std::size_t next_ = 0;
};

}  // namespace l2tp::peers
