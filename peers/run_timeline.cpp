#include "peers/run_timeline.hpp"

#include <algorithm>
#include <cmath>

namespace l2tp::peers {

const char* to_string(FailPhase p) {
  switch (p) {
    case FailPhase::Tunnel:
      return "tunnel";
    case FailPhase::Call:
      return "call";
    case FailPhase::Lcp:
      return "lcp";
    case FailPhase::Auth:
      return "auth";
    case FailPhase::Ncp:
      return "ncp";
    case FailPhase::Keepalive:
      return "keepalive";
    case FailPhase::Other:
      return "other";
    case FailPhase::Ipsec:
      return "ipsec";
  }
  return "other";
}

FailPhase fail_phase_from(const std::string& p) {
  if (p == "lcp") return FailPhase::Lcp;
  if (p == "auth") return FailPhase::Auth;
  if (p == "ncp") return FailPhase::Ncp;
  if (p == "keepalive") return FailPhase::Keepalive;
  return FailPhase::Other;
}

void TimelineBucket::add_result(const std::string& code, std::uint32_t n) {
  for (auto& [c, k] : failed_by_result)
    if (c == code) {
      k += n;
      return;
    }
  failed_by_result.emplace_back(code, n);
}

TimelineBucket& TimelineBucket::operator+=(const TimelineBucket& o) {
  setups += o.setups;
  established += o.established;
  failed += o.failed;
  teardowns += o.teardowns;
  ppp_up += o.ppp_up;
  ppp_renegotiations += o.ppp_renegotiations;
  retransmissions += o.retransmissions;
  data_sent += o.data_sent;
  data_received += o.data_received;
  data_dropped += o.data_dropped;
  data_lost += o.data_lost;
  sessions_up += o.sessions_up;
  tunnels_up += o.tunnels_up;
  level_set = level_set || o.level_set;
  for (std::size_t i = 0; i < kFailPhases; ++i) failed_by_phase[i] += o.failed_by_phase[i];
  for (const auto& [c, n] : o.failed_by_result) add_result(c, n);
  return *this;
}

TimelineBucket& Timeline::second(std::size_t s) {
  if (s >= buckets_.size()) buckets_.resize(s + 1);
  return buckets_[s];
}

TimelineBucket& Timeline::at(Time t) {
  if (!origin_) origin_ = t;
  const double s = std::max(0.0, to_seconds(t - *origin_));
  return second(static_cast<std::size_t>(std::floor(s)));
}

void Timeline::setup(Time at_time, std::uint32_t n) {
  at(at_time).setups += n;
}

void Timeline::established(Time t) {
  ++at(t).established;
}

void Timeline::failed(Time t, FailPhase phase, const std::string& result) {
  TimelineBucket& b = at(t);
  if (phase != FailPhase::Tunnel) ++b.failed;  // `failed` counts calls; a tunnel has its own phase
  ++b.failed_by_phase[static_cast<std::size_t>(phase)];
  b.add_result(result, 1);
}

void Timeline::teardown(Time t) {
  ++at(t).teardowns;
}

void Timeline::levels(Time t, std::size_t sessions_up, std::size_t tunnels_up) {
  TimelineBucket& b = at(t);
  b.sessions_up = static_cast<std::uint32_t>(sessions_up);
  b.tunnels_up = static_cast<std::uint32_t>(tunnels_up);
  b.level_set = true;
}

void Timeline::sample(std::size_t s, const TimelineTotals& now) {
  TimelineBucket& b = second(s);
  b.retransmissions += static_cast<std::uint32_t>(now.retransmissions - last_.retransmissions);
  b.ppp_up += static_cast<std::uint32_t>(now.ppp_up - last_.ppp_up);
  // Every count only grows (a reaped tunnel's stay with the node, an ended link's probe figures
  // with the PPP layer); a sample never makes a second negative all the same.
  auto grew = [](std::uint64_t n, std::uint64_t was) {
    return static_cast<std::uint32_t>(n > was ? n - was : 0);
  };
  b.ppp_renegotiations += grew(now.ppp_renegotiations, last_.ppp_renegotiations);
  b.data_sent += grew(now.data_sent, last_.data_sent);
  b.data_received += grew(now.data_received, last_.data_received);
  b.data_dropped += grew(now.data_dropped, last_.data_dropped);
  b.data_lost += grew(now.probes_lost, last_.probes_lost);
  for (const auto& [phase, n] : now.ppp_failed_by_phase) {
    const auto was = last_.ppp_failed_by_phase[phase];
    if (n <= was) continue;
    const auto grew = static_cast<std::uint32_t>(n - was);
    b.failed += grew;
    b.failed_by_phase[static_cast<std::size_t>(fail_phase_from(phase))] += grew;
  }
  for (const auto& [code, n] : now.ppp_failed_by_result)
    if (const auto was = last_.ppp_failed_by_result[code]; n > was)
      b.add_result(code, static_cast<std::uint32_t>(n - was));
  last_ = now;
}

std::vector<TimelineBucket> Timeline::buckets() const {
  std::vector<TimelineBucket> out = buckets_;
  std::uint32_t sessions = 0, tunnels = 0;
  for (auto& b : out) {
    if (b.level_set) {
      sessions = b.sessions_up;
      tunnels = b.tunnels_up;
    } else {
      b.sessions_up = sessions;
      b.tunnels_up = tunnels;
      b.level_set = true;
    }
  }
  return out;
}

void Timeline::merge(const Timeline& o) {
  if (o.buckets_.empty()) return;
  std::ptrdiff_t shift = 0;
  if (origin_ && o.origin_)
    shift = static_cast<std::ptrdiff_t>(std::floor(to_seconds(*o.origin_ - *origin_)));
  if (!origin_) origin_ = o.origin_;
  std::vector<TimelineBucket> mine = buckets(), theirs = o.buckets();
  if (shift < 0) {  // theirs starts earlier: it becomes the origin
    mine.insert(mine.begin(), static_cast<std::size_t>(-shift), TimelineBucket{});
    origin_ = o.origin_;
    shift = 0;
  }
  const std::size_t n = std::max(mine.size(), theirs.size() + static_cast<std::size_t>(shift));
  // Levels carry forward past each one's last second.
  auto level_at = [](const std::vector<TimelineBucket>& v, std::size_t i) {
    return v.empty() ? TimelineBucket{} : v[std::min(i, v.size() - 1)];
  };
  std::vector<TimelineBucket> merged(n);
  for (std::size_t i = 0; i < n; ++i) {
    TimelineBucket b = i < mine.size() ? mine[i] : TimelineBucket{};
    if (i >= mine.size()) {
      const TimelineBucket l = level_at(mine, i);
      b.sessions_up = l.sessions_up;
      b.tunnels_up = l.tunnels_up;
    }
    TimelineBucket t;
    if (i >= static_cast<std::size_t>(shift)) {
      const std::size_t j = i - static_cast<std::size_t>(shift);
      if (j < theirs.size()) {
        t = theirs[j];
      } else {
        const TimelineBucket l = level_at(theirs, j);
        t.sessions_up = l.sessions_up;
        t.tunnels_up = l.tunnels_up;
      }
    }
    b += t;
    b.level_set = true;
    merged[i] = std::move(b);
  }
  buckets_ = std::move(merged);
}

nlohmann::json timeline_json(const Timeline& t) {
  nlohmann::json list = nlohmann::json::array();
  std::size_t s = 0;
  for (const auto& b : t.buckets()) {
    nlohmann::json phases = nlohmann::json::object(), results = nlohmann::json::object();
    for (std::size_t i = 0; i < kFailPhases; ++i)
      if (b.failed_by_phase[i]) phases[to_string(static_cast<FailPhase>(i))] = b.failed_by_phase[i];
    for (const auto& [code, n] : b.failed_by_result) results[code] = n;
    list.push_back({{"t", s++},
                    {"setups", b.setups},
                    {"established", b.established},
                    {"failed", b.failed},
                    {"teardowns", b.teardowns},
                    {"sessions_up", b.sessions_up},
                    {"tunnels_up", b.tunnels_up},
                    {"retransmissions", b.retransmissions},
                    {"data_sent", b.data_sent},
                    {"data_received", b.data_received},
                    {"data_dropped", b.data_dropped},
                    {"data_lost", b.data_lost},
                    {"ppp_up", b.ppp_up},
                    {"ppp_renegotiations", b.ppp_renegotiations},
                    {"failed_by_phase", std::move(phases)},
                    {"failed_by_result", std::move(results)}});
  }
  return list;
}

}  // namespace l2tp::peers
