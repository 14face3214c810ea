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

}  // namespace l2tp::peers
