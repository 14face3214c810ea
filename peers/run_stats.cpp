#include "peers/run_stats.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <variant>

namespace l2tp::peers {

namespace {

double to_ms(Duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

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
  pending_tunnels_.insert(t.value);
}

void RunStats::session_attempted(TunnelId t, SessionId s, Time now) {
  ++sessions_attempted;
  if (!first_attempt) first_attempt = now;
  pending_sessions_.insert({t.value, s.value});
}

void RunStats::session_refused(TunnelId t, const std::string& reason, Time now) {
  ++sessions_attempted;
  ++sessions_failed;
  if (!first_attempt) first_attempt = now;
  failures.push_back(Failure{t, SessionId{}, "not-opened", false, std::nullopt, reason});
}

void RunStats::on_event(const NodeEvent& ev, bool tearing_down) {
  const TunnelId tid = ev.tunnel;
  const Time at = ev.event.at;
  if (const auto* up = std::get_if<TunnelUp>(&ev.event.body)) {
    pending_tunnels_.erase(tid.value);
    up_tunnels_.insert(tid.value);
    ++tunnels_established;
    tunnel_latency_ms.push_back(to_ms(up->setup_time));
  } else if (const auto* down = std::get_if<TunnelDown>(&ev.event.body)) {
    pending_tunnels_.erase(tid.value);
    if (up_tunnels_.erase(tid.value) != 0) {
      ++tunnels_closed;
      tunnels_closed_by_peer += down->by_peer;
    } else if (tearing_down && !down->by_peer) {
      ++tunnels_cancelled;
      cancelled.push_back(
          Failure{tid, std::nullopt, std::string(to_string(down->phase)), false, std::nullopt, ""});
    } else {
      ++tunnels_failed;
      Failure f{tid,           std::nullopt, std::string(to_string(down->phase)),
                down->by_peer, down->result, down->reason};
      // Still waiting for the SCCRP, no StopCCN and no Result Code of ours: the control channel
      // gave up retransmitting the SCCRQ, so not even a ZLB acknowledged it.
      f.unanswered =
          down->phase == tunnel::TunnelState::WaitCtlReply && !down->by_peer && !down->result.has_value();
      tunnels_unanswered += f.unanswered ? 1 : 0;
      failures.push_back(std::move(f));
    }
  } else if (const auto* up = std::get_if<SessionUp>(&ev.event.body)) {
    const SessionKey key{tid.value, up->local.value};
    pending_sessions_.erase(key);
    up_sessions_.insert(key);
    ++sessions_established;
    session_latency_ms.push_back(to_ms(up->setup_time));
    // The LNS never sees the attempt itself: the call began setup_time before it came up.
    if (const Time began = at - up->setup_time; !first_attempt || began < *first_attempt)
      first_attempt = began;
    if (!first_session_up) first_session_up = at;
    last_session_up = at;
  } else if (const auto* down = std::get_if<SessionDown>(&ev.event.body)) {
    const SessionKey key{tid.value, down->local.value};
    pending_sessions_.erase(key);
    if (up_sessions_.erase(key) != 0) {
      ++sessions_closed;
      sessions_closed_by_peer += down->by_peer;
    } else if (tearing_down && !down->by_peer) {
      ++sessions_cancelled;
      cancelled.push_back(
          Failure{tid, down->local, std::string(to_string(down->phase)), false, std::nullopt, ""});
    } else {
      ++sessions_failed;
      failures.push_back(Failure{tid, down->local, std::string(to_string(down->phase)), down->by_peer,
                                 down->result, down->reason});
    }
  }
}

control::ChannelStats RunStats::channel_totals(const Node& node) const {
  control::ChannelStats total = node.retired_channels();
  node.for_each_tunnel([&](const tunnel::Tunnel& t) { total += t.channel().stats(); });
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
  failures.insert(failures.end(), o.failures.begin(), o.failures.end());
  cancelled.insert(cancelled.end(), o.cancelled.begin(), o.cancelled.end());
  for (const auto& [rule, n] : o.violations_by_rule) violations_by_rule[rule] += n;
  session_latency_ms.insert(session_latency_ms.end(), o.session_latency_ms.begin(),
                            o.session_latency_ms.end());
  tunnel_latency_ms.insert(tunnel_latency_ms.end(), o.tunnel_latency_ms.begin(), o.tunnel_latency_ms.end());
  auto earliest = [](std::optional<Time>& a, const std::optional<Time>& b) {
    if (b && (!a || *b < *a)) a = b;
  };
  auto latest = [](std::optional<Time>& a, const std::optional<Time>& b) {
    if (b && (!a || *b > *a)) a = b;
  };
  earliest(first_attempt, o.first_attempt);
  earliest(first_session_up, o.first_session_up);
  latest(last_session_up, o.last_session_up);
  pending_sessions_.insert(o.pending_sessions_.begin(), o.pending_sessions_.end());
  up_sessions_.insert(o.up_sessions_.begin(), o.up_sessions_.end());
  pending_tunnels_.insert(o.pending_tunnels_.begin(), o.pending_tunnels_.end());
  up_tunnels_.insert(o.up_tunnels_.begin(), o.up_tunnels_.end());
}

}  // namespace l2tp::peers
