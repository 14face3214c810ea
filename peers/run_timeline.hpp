// A run's timeline: one bucket per second from the run's origin (the same instant for every
// shard), with what happened in that second (calls attempted, established, failed by phase and
// by Result/Error Code, cleared; PPP links up; control retransmissions) and where it stood at
// its end (sessions and tunnels up). Events are counted at their own time; retransmissions and
// PPP outcomes come from the run's cumulative counters, sampled once a second (each sample's
// difference to the last goes to the second that just ended).
//
// The timelines of shards (or of runs sharing an origin) merge exactly, bucket by bucket: the
// counts add, and so do the levels (each shard's level carried forward over seconds in which
// it did not change). Memory grows with the run's length only: about 100 octets a second, a
// few more in seconds with failures; nothing per session.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/time.hpp"

namespace l2tp::peers {

// Where a setup failed: the tunnel, the L2TP call, or a PPP phase; ipsec: a call from a source
// whose IPsec SA did not come up (--use-ipsec), so no L2TP was sent for it.
enum class FailPhase : std::uint8_t { Tunnel, Call, Lcp, Auth, Ncp, Keepalive, Other, Ipsec };
inline constexpr std::size_t kFailPhases = 8;
const char* to_string(FailPhase p);  // tunnel, call, lcp, auth, ncp, keepalive, other, ipsec
FailPhase fail_phase_from(const std::string& ppp_phase);  // lcp, auth, ncp, keepalive

struct TimelineBucket {
  std::uint32_t setups = 0, established = 0, failed = 0, teardowns = 0, ppp_up = 0;
  // PPP renegotiated in place (LCP or IPCP again with the call kept), ours or the peer's.
  std::uint32_t ppp_renegotiations = 0;
  std::uint32_t retransmissions = 0;
  // L2TP data messages sent and received; dropped (for no established session, R135); IP packets
  // of the traffic probes (--traffic) that never came back.
  std::uint32_t data_sent = 0, data_received = 0, data_dropped = 0, data_lost = 0;
  std::uint32_t sessions_up = 0, tunnels_up = 0;  // at the end of the second
  bool level_set = false;                         // a level was recorded in this second
  std::array<std::uint32_t, kFailPhases> failed_by_phase{};
  // "2/6", "3", "none": only in seconds with failures.
  std::vector<std::pair<std::string, std::uint32_t>> failed_by_result;

  void add_result(const std::string& code, std::uint32_t n);
  TimelineBucket& operator+=(const TimelineBucket& o);  // counts and levels add
};

// The run's cumulative counters a sample reads.
struct TimelineTotals {
  std::uint64_t retransmissions = 0, ppp_up = 0, ppp_renegotiations = 0;
  std::uint64_t data_sent = 0, data_received = 0, data_dropped = 0, probes_lost = 0;
  std::map<std::string, std::uint64_t> ppp_failed_by_phase, ppp_failed_by_result;
};

class Timeline {
 public:
  void set_origin(Time origin) { origin_ = origin; }
  std::optional<Time> origin() const { return origin_; }

  void setup(Time at, std::uint32_t n = 1);
  void established(Time at);
  void failed(Time at, FailPhase phase, const std::string& result);
  void teardown(Time at);
  // The levels after a change at `at` (the last one in a second stands for its end).
  void levels(Time at, std::size_t sessions_up, std::size_t tunnels_up);
  // The cumulative counters at the end of second `second` (0-based from the origin): what grew
  // since the last sample is that second's.
  void sample(std::size_t second, const TimelineTotals& totals);

  // Another shard's timeline into this one (same origin; a different one is shifted by whole
  // seconds).
  void merge(const Timeline& o);
  // Every second from the origin to the last one with anything, levels carried forward.
  std::vector<TimelineBucket> buckets() const;
  std::size_t size() const { return buckets_.size(); }

 private:
  TimelineBucket& at(Time t);
  TimelineBucket& second(std::size_t s);

  std::optional<Time> origin_;
  std::vector<TimelineBucket> buckets_;
  TimelineTotals last_;
};

// JSON: [{t, setups, established, failed, teardowns, sessions_up, tunnels_up, retransmissions,
// ppp_up, failed_by_phase: {phase: n}, failed_by_result: {code: n}}, ...]; the two maps hold
// only what is not zero.
nlohmann::json timeline_json(const Timeline& t);

}  // namespace l2tp::peers
