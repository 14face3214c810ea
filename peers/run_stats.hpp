// What a LAC or LNS run counts: tunnels and sessions established, failed (with the phase and
// the peer's result/error codes), cleared, cancelled by our own teardown; setup latencies; the
// control channels' retransmissions, duplicates and out-of-order messages summed over every
// tunnel the run had, including those the node has already forgotten.
//
// Nothing here grows with the number of sessions a run has had: the first failures and
// cancellations are kept whole (keep_failures each), the rest only counted by phase and
// Result/Error Code; latencies are histograms; the live tunnels and sessions are flat tables
// that shrink back as sessions end (a run of an hour of churn holds what is up now).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/control/control_channel.hpp"
#include "engine/node.hpp"
#include "engine/util/flat_key_map.hpp"
#include "engine/util/latency_histogram.hpp"
#include "peers/run_timeline.hpp"

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
// The same read from a histogram (in milliseconds; within its 1% precision).
Percentiles percentiles(const LatencyHistogram& h);

// "2", "2/6", or "none" without a Result Code.
std::string result_code(const std::optional<ResultInfo>& r);

// Failures (or cancellations) by phase and by Result/Error Code ("2", "2/6"; "none" without a
// Result Code), over every one of the run, kept or not.
struct FailureCounts {
  std::map<std::string, std::uint64_t> by_phase, by_result;
  void add(const Failure& f);
  FailureCounts& operator+=(const FailureCounts& o);
};

// What the status line shows, summed over shards.
struct StatusCounts {
  std::size_t tunnels_up = 0, sessions_up = 0, sessions_pending = 0;
  std::uint64_t tunnels_failed = 0, sessions_failed = 0, sessions_established = 0;
  std::size_t ppp_up = 0;
  std::uint64_t ppp_failed = 0;
  std::size_t half_open = 0;
  std::uint64_t new_peers_refused = 0;
  std::uint64_t retransmissions = 0;  // control messages sent again, so far
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
  // `phase` Ipsec: its source has no IPsec SA (failure phase `ipsec`, not `not-opened`).
  void session_refused(TunnelId t, const std::string& reason, Time now, FailPhase phase = FailPhase::Call);
  void tunnel_attempted(TunnelId t);

  // Every event of the node, in order. `tearing_down`: we are closing everything, so a call or
  // tunnel we clear before it came up counts as cancelled, not failed.
  void on_event(const NodeEvent& ev, bool tearing_down);

  // Every tunnel the run had: the forgotten ones plus those the node still holds (the node keeps
  // the statistics of the tunnels it forgets, Node::retired_channels).
  control::ChannelStats channel_totals(const Node& node) const;
  // The tunnels' statistics (data messages), the node's forgotten tunnels included.
  tunnel::TunnelStats tunnel_totals(const Node& node) const;

  // Counters.
  std::uint64_t tunnels_attempted = 0, tunnels_established = 0, tunnels_failed = 0;
  std::uint64_t tunnels_cancelled = 0, tunnels_closed = 0, tunnels_closed_by_peer = 0;
  std::uint64_t tunnels_unanswered = 0;  // failures with Failure::unanswered
  std::uint64_t sessions_attempted = 0, sessions_established = 0, sessions_failed = 0;
  std::uint64_t sessions_cancelled = 0, sessions_closed = 0, sessions_closed_by_peer = 0;
  std::uint64_t peer_violations = 0;  // from the passive checker, at the end of the run
  // The first failures and cancellations (not up yet when our teardown cleared them: where
  // they were), at most keep_failures of each; those beyond only counted, in *_omitted.
  std::vector<Failure> failures;
  std::vector<Failure> cancelled;
  std::size_t keep_failures = kKeptFailures;
  std::uint64_t failures_omitted = 0, cancelled_omitted = 0;
  FailureCounts failures_omitted_by, cancelled_omitted_by;
  std::map<std::string, std::uint64_t> violations_by_rule;
  LatencyHistogram session_latency, tunnel_latency;
  // --use-ipsec (LAC): initiate until the CHILD SA was up, per source address, before the L2TP
  // run (one shard holds them, so a merge counts each once).
  LatencyHistogram ipsec_latency;
  bool ipsec = false;  // the run used IPsec: its latency is reported even when no SA came up
  // Second by second (peers/run_timeline.hpp): the events above at their time, the levels up.
  Timeline timeline;
  std::optional<Time> first_attempt, last_session_up, first_session_up;

  static constexpr std::size_t kKeptFailures = 1000;
  // A failure or cancellation: kept whole while fewer than keep_failures are, else counted.
  void add_failure(Failure f);
  void add_cancelled(Failure f);
  // Every failure (cancellation) of the run by phase and Result/Error Code, kept or omitted.
  FailureCounts failure_counts() const;
  FailureCounts cancelled_counts() const;

  std::size_t sessions_up_now() const { return sessions_up_; }
  std::size_t tunnels_up_now() const { return tunnels_up_; }
  std::size_t sessions_pending() const { return sessions_.size() - sessions_up_; }
  std::size_t tunnels_pending() const { return tunnels_.size() - tunnels_up_; }

  using SessionKey = std::pair<std::uint16_t, std::uint16_t>;  // our tunnel ID, our session ID
  // The sessions up now, in (tunnel, session) order.
  std::vector<SessionKey> up_sessions() const;

  // Another shard's statistics into these (the shards' Tunnel IDs never overlap).
  void merge(const RunStats& o);

 private:
  // Live tunnels and sessions (key: our Tunnel ID, or Tunnel ID << 16 | Session ID), each
  // pending (0) or up (1); an entry goes when its tunnel or session does.
  static constexpr std::uint32_t kPending = 0, kUp = 1;
  FlatKeyMap sessions_, tunnels_;
  std::size_t sessions_up_ = 0, tunnels_up_ = 0;
};

}  // namespace l2tp::peers
