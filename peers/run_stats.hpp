// What a LAC or LNS run counts: tunnels and sessions established, failed (with the phase and
// the peer's result/error codes), cleared, cancelled by our own teardown; setup latencies; the
// control channels' retransmissions, duplicates and out-of-order messages summed over every
// tunnel the run had, including those the node has already forgotten.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/control/control_channel.hpp"
#include "engine/node.hpp"

namespace l2tp::peers {

struct Failure {
  TunnelId tunnel;
  std::optional<SessionId> session;  // none: the tunnel itself failed
  std::string phase;                 // the state it was in (RFC 2661 section 7 names)
  bool by_peer = false;              // the peer's StopCCN/CDN, or our decision/timeout
  std::optional<ResultInfo> result;  // the Result Code AVP (ours or the peer's)
  std::string reason;
  // LAC: the tunnel's SCCRQ was never answered, not even acknowledged, through every
  // retransmission (RFC 2661 5.8): nothing came back from the LNS for this tunnel.
  bool unanswered = false;
};

struct Percentiles {
  std::size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Percentiles percentiles(std::vector<double> values);

// What the status line shows, summed over shards.
struct StatusCounts {
  std::size_t tunnels_up = 0, sessions_up = 0, sessions_pending = 0;
  std::uint64_t tunnels_failed = 0, sessions_failed = 0, sessions_established = 0;
  std::size_t ppp_up = 0;
  std::uint64_t ppp_failed = 0;
  std::size_t half_open = 0;
  std::uint64_t new_peers_refused = 0;
  bool ppp = false;
  StatusCounts& operator+=(const StatusCounts& o);
};

class RunStats;
// The L2TP part of the counts (no PPP, no half-open tunnels).
StatusCounts status_counts(const RunStats& s);

class RunStats {
 public:
  // The LAC asked for a session (open_session returned an ID), or could not open one.
  void session_attempted(TunnelId t, SessionId s, Time now);
  void session_refused(TunnelId t, const std::string& reason, Time now);
  void tunnel_attempted(TunnelId t);

  // Every event of the node, in order. `tearing_down`: we are closing everything, so a call or
  // tunnel we clear before it came up counts as cancelled, not failed.
  void on_event(const NodeEvent& ev, bool tearing_down);

  // Every tunnel the run had: the forgotten ones plus those the node still holds (the node keeps
  // the statistics of the tunnels it forgets, Node::retired_channels).
  control::ChannelStats channel_totals(const Node& node) const;

  // Counters.
  std::uint64_t tunnels_attempted = 0, tunnels_established = 0, tunnels_failed = 0;
  std::uint64_t tunnels_cancelled = 0, tunnels_closed = 0, tunnels_closed_by_peer = 0;
  std::uint64_t tunnels_unanswered = 0;  // failures with Failure::unanswered
  std::uint64_t sessions_attempted = 0, sessions_established = 0, sessions_failed = 0;
  std::uint64_t sessions_cancelled = 0, sessions_closed = 0, sessions_closed_by_peer = 0;
  std::uint64_t peer_violations = 0;  // from the passive checker, at the end of the run
  std::vector<Failure> failures;
  std::vector<Failure> cancelled;  // not up yet when our teardown cleared them: where they were
  std::map<std::string, std::uint64_t> violations_by_rule;
  std::vector<double> session_latency_ms, tunnel_latency_ms;
  std::optional<Time> first_attempt, last_session_up, first_session_up;

  std::size_t sessions_up_now() const { return up_sessions_.size(); }
  std::size_t tunnels_up_now() const { return up_tunnels_.size(); }
  std::size_t sessions_pending() const { return pending_sessions_.size(); }
  std::size_t tunnels_pending() const { return pending_tunnels_.size(); }

  using SessionKey = std::pair<std::uint16_t, std::uint16_t>;  // our tunnel ID, our session ID
  const std::set<SessionKey>& up_sessions() const { return up_sessions_; }

  // Another shard's statistics into these (the shards' Tunnel IDs never overlap).
  void merge(const RunStats& o);

 private:
  std::set<SessionKey> pending_sessions_, up_sessions_;
  std::set<std::uint16_t> pending_tunnels_, up_tunnels_;
};

}  // namespace l2tp::peers
