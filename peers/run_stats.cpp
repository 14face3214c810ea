#include "peers/run_stats.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <variant>

namespace l2tp::peers {

namespace {

std::uint32_t session_key(TunnelId t, SessionId s) {
  return std::uint32_t{t.value} << 16 | s.value;
}

// Keeps `f` in `kept` while it has room, else counts it.
void keep_or_count(std::vector<Failure>& kept, std::size_t limit, Failure f, std::uint64_t& omitted,
                   FailureCounts& omitted_by) {
  if (kept.size() < limit) {
    kept.push_back(std::move(f));
    return;
  }
  ++omitted;
  omitted_by.add(f);
}

}  // namespace

std::string result_code(const std::optional<ResultInfo>& r) {
  if (!r) return "none";
  std::string code = std::to_string(r->result);
  if (r->error) code += "/" + std::to_string(*r->error);
  return code;
}

void FailureCounts::add(const Failure& f) {
  ++by_phase[f.phase];
  ++by_result[result_code(f.result)];
}

FailureCounts& FailureCounts::operator+=(const FailureCounts& o) {
  for (const auto& [k, n] : o.by_phase) by_phase[k] += n;
  for (const auto& [k, n] : o.by_result) by_result[k] += n;
  return *this;
}

Percentiles percentiles(const LatencyHistogram& h) {
  Percentiles p;
  p.count = static_cast<std::size_t>(h.count());
  if (h.empty()) return p;
  p.p50 = h.percentile_ms(0.50);
  p.p90 = h.percentile_ms(0.90);
  p.p99 = h.percentile_ms(0.99);
  p.max = static_cast<double>(h.max_us()) / 1000.0;
  return p;
}

void RunStats::add_failure(Failure f) {
  keep_or_count(failures, keep_failures, std::move(f), failures_omitted, failures_omitted_by);
}

void RunStats::add_cancelled(Failure f) {
  keep_or_count(cancelled, keep_failures, std::move(f), cancelled_omitted, cancelled_omitted_by);
}

FailureCounts RunStats::failure_counts() const {
  FailureCounts c = failures_omitted_by;
  for (const auto& f : failures) c.add(f);
  return c;
}

FailureCounts RunStats::cancelled_counts() const {
  FailureCounts c = cancelled_omitted_by;
  for (const auto& f : cancelled) c.add(f);
  return c;
}

std::vector<RunStats::SessionKey> RunStats::up_sessions() const {
  std::vector<SessionKey> up;
  up.reserve(sessions_up_);
  sessions_.for_each([&](std::uint32_t key, std::uint32_t state) {
    if (state == kUp) up.emplace_back(static_cast<std::uint16_t>(key >> 16), static_cast<std::uint16_t>(key));
  });
  std::sort(up.begin(), up.end());
  return up;
}

Percentiles percentiles(std::vector<double> values) {
  Percentiles p;
  p.count = values.size();
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  auto rank = [&](double q) {
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(k, 1, values.size()) - 1];
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.max = values.back();
  return p;
}

void RunStats::tunnel_attempted(TunnelId t) {
  ++tunnels_attempted;
  if (const auto was = tunnels_.find(t.value); was && *was == kUp) --tunnels_up_;
  tunnels_.set(t.value, kPending);
}

void RunStats::session_attempted(TunnelId t, SessionId s, Time now) {
  ++sessions_attempted;
  if (!first_attempt) first_attempt = now;
  timeline.setup(now);
  const std::uint32_t key = session_key(t, s);
  if (const auto was = sessions_.find(key); was && *was == kUp) --sessions_up_;
  sessions_.set(key, kPending);
}

void RunStats::session_refused(TunnelId t, const std::string& reason, Time now, FailPhase phase) {
  ++sessions_attempted;
  ++sessions_failed;
  if (!first_attempt) first_attempt = now;
  timeline.setup(now);
  timeline.failed(now, phase, "none");
  add_failure(Failure{t, SessionId{}, phase == FailPhase::Ipsec ? "ipsec" : "not-opened", false, std::nullopt,
                      reason});
}

void RunStats::on_event(const NodeEvent& ev, bool tearing_down) {
  const TunnelId tid = ev.tunnel;
  const Time at = ev.event.at;
  if (const auto* up = std::get_if<TunnelUp>(&ev.event.body)) {
    if (tunnels_.find(tid.value) != kUp) ++tunnels_up_;
    tunnels_.set(tid.value, kUp);
    ++tunnels_established;
    tunnel_latency.record(up->setup_time);
    timeline.levels(at, sessions_up_, tunnels_up_);
  } else if (const auto* down = std::get_if<TunnelDown>(&ev.event.body)) {
    const auto was = tunnels_.erase(tid.value);
    if (was == kUp) {
      --tunnels_up_;
      ++tunnels_closed;
      tunnels_closed_by_peer += down->by_peer;
    } else if (tearing_down && !down->by_peer) {
      ++tunnels_cancelled;
      add_cancelled(Failure{tid, std::nullopt, std::string(to_string(down->phase)), false, std::nullopt, ""});
    } else {
      ++tunnels_failed;
      Failure f{tid,           std::nullopt, std::string(to_string(down->phase)),
                down->by_peer, down->result, down->reason};
      // Still waiting for the SCCRP, no StopCCN and no Result Code of ours: the control channel
      // gave up retransmitting the SCCRQ, so not even a ZLB acknowledged it.
      f.unanswered =
          down->phase == tunnel::TunnelState::WaitCtlReply && !down->by_peer && !down->result.has_value();
      tunnels_unanswered += f.unanswered ? 1 : 0;
      timeline.failed(at, FailPhase::Tunnel, result_code(f.result));
      add_failure(std::move(f));
    }
    timeline.levels(at, sessions_up_, tunnels_up_);
  } else if (const auto* up = std::get_if<SessionUp>(&ev.event.body)) {
    const std::uint32_t key = session_key(tid, up->local);
    if (sessions_.find(key) != kUp) ++sessions_up_;
    sessions_.set(key, kUp);
    ++sessions_established;
    session_latency.record(up->setup_time);
    timeline.established(at);
    timeline.levels(at, sessions_up_, tunnels_up_);
    // The LNS never sees the attempt itself: the call began setup_time before it came up.
    if (const Time began = at - up->setup_time; !first_attempt || began < *first_attempt)
      first_attempt = began;
    if (!first_session_up) first_session_up = at;
    last_session_up = at;
  } else if (const auto* down = std::get_if<SessionDown>(&ev.event.body)) {
    const auto was = sessions_.erase(session_key(tid, down->local));
    if (was == kUp) {
      --sessions_up_;
      ++sessions_closed;
      sessions_closed_by_peer += down->by_peer;
      timeline.teardown(at);
      timeline.levels(at, sessions_up_, tunnels_up_);
    } else if (tearing_down && !down->by_peer) {
      ++sessions_cancelled;
      add_cancelled(Failure{tid, down->local, std::string(to_string(down->phase)), false, std::nullopt, ""});
    } else {
      ++sessions_failed;
      timeline.failed(at, FailPhase::Call, result_code(down->result));
      add_failure(Failure{tid, down->local, std::string(to_string(down->phase)), down->by_peer, down->result,
                          down->reason});
    }
  }
}

control::ChannelStats RunStats::channel_totals(const Node& node) const {
  control::ChannelStats total = node.retired_channels();
  node.for_each_tunnel([&](const tunnel::Tunnel& t) { total += t.channel().stats(); });
  return total;
}

tunnel::TunnelStats RunStats::tunnel_totals(const Node& node) const {
  tunnel::TunnelStats total = node.retired_tunnels();
  node.for_each_tunnel([&](const tunnel::Tunnel& t) { total += t.stats(); });
  return total;
}

StatusCounts status_counts(const RunStats& s) {
  StatusCounts c;
  c.tunnels_up = s.tunnels_up_now();
  c.sessions_up = s.sessions_up_now();
  c.sessions_pending = s.sessions_pending();
  c.tunnels_failed = s.tunnels_failed;
  c.sessions_failed = s.sessions_failed;
  c.sessions_established = s.sessions_established;
  return c;
}

StatusCounts& StatusCounts::operator+=(const StatusCounts& o) {
  tunnels_up += o.tunnels_up;
  sessions_up += o.sessions_up;
  sessions_pending += o.sessions_pending;
  tunnels_failed += o.tunnels_failed;
  sessions_failed += o.sessions_failed;
  sessions_established += o.sessions_established;
  ppp_up += o.ppp_up;
  ppp_failed += o.ppp_failed;
  half_open += o.half_open;
  new_peers_refused += o.new_peers_refused;
  retransmissions += o.retransmissions;
  ppp = ppp || o.ppp;
  return *this;
}

void RunStats::merge(const RunStats& o) {
  tunnels_attempted += o.tunnels_attempted;
  tunnels_established += o.tunnels_established;
  tunnels_failed += o.tunnels_failed;
  tunnels_cancelled += o.tunnels_cancelled;
  tunnels_closed += o.tunnels_closed;
  tunnels_closed_by_peer += o.tunnels_closed_by_peer;
  tunnels_unanswered += o.tunnels_unanswered;
  sessions_attempted += o.sessions_attempted;
  sessions_established += o.sessions_established;
  sessions_failed += o.sessions_failed;
  sessions_cancelled += o.sessions_cancelled;
  sessions_closed += o.sessions_closed;
  sessions_closed_by_peer += o.sessions_closed_by_peer;
  peer_violations += o.peer_violations;
  // The other's kept ones while there is room here; the rest counted as omitted.
  for (const auto& f : o.failures) add_failure(f);
  for (const auto& f : o.cancelled) add_cancelled(f);
  failures_omitted += o.failures_omitted;
  cancelled_omitted += o.cancelled_omitted;
  failures_omitted_by += o.failures_omitted_by;
  cancelled_omitted_by += o.cancelled_omitted_by;
  for (const auto& [rule, n] : o.violations_by_rule) violations_by_rule[rule] += n;
  session_latency.merge(o.session_latency);
  tunnel_latency.merge(o.tunnel_latency);
  ipsec_latency.merge(o.ipsec_latency);
  ipsec = ipsec || o.ipsec;
  timeline.merge(o.timeline);
  auto earliest = [](std::optional<Time>& a, const std::optional<Time>& b) {
    if (b && (!a || *b < *a)) a = b;
  };
  auto latest = [](std::optional<Time>& a, const std::optional<Time>& b) {
    if (b && (!a || *b > *a)) a = b;
  };
  earliest(first_attempt, o.first_attempt);
  earliest(first_session_up, o.first_session_up);
  latest(last_session_up, o.last_session_up);
  o.sessions_.for_each([&](std::uint32_t key, std::uint32_t state) {
    if (sessions_.find(key) == kUp) --sessions_up_;
    sessions_.set(key, state);
    sessions_up_ += state == kUp;
  });
  o.tunnels_.for_each([&](std::uint32_t key, std::uint32_t state) {
    if (tunnels_.find(key) == kUp) --tunnels_up_;
    tunnels_.set(key, state);
    tunnels_up_ += state == kUp;
  });
}

}  // namespace l2tp::peers
