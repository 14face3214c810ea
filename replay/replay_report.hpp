// The outcome of a replay: whether the live tunnel, calls and PPP came up, what differed from
// the capture (replay_diff.hpp), every exchange compared, the peer's response times
// (response_times.hpp) and the two ladders (ladder.hpp); as the console summary and the JSON of
// --json, for one tunnel or (--tunnel all) every tunnel played.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "replay/ladder.hpp"
#include "replay/replay_diff.hpp"
#include "replay/replay_filter.hpp"
#include "replay/response_times.hpp"

namespace l2tp::replay {

// A rule of RFC 2661 the live peer broke, as the passive checker saw it (peers/passive_checker):
// not a difference from the capture (the captured peer may have broken it too), reported apart.
struct PeerFinding {
  std::string rule;   // "R024"
  std::string level;  // its catalogue level: MUST-level fails (is_mandatory_level), others warn
  std::string detail;
  std::uint64_t frame_live = 0;  // the live datagram that shows it
  bool stateful = false;         // found by the engine (Ns/Nr, state), not the per-message rules
};
struct PeerFindings {
  std::uint64_t total = 0;
  std::map<std::string, std::uint64_t> by_rule;
  std::vector<PeerFinding> kept;  // the first 100
  bool must() const;              // a MUST-level rule among them
};
PeerFindings peer_findings(const peers::PassiveChecker& checker);

struct ReplayOutcome {
  std::string capture;
  std::size_t tunnel = 0;  // index in the capture's tunnels
  std::string played;      // "LAC" or "LNS"
  bool tunnel_up = false;
  std::size_t sessions_up = 0, ppp_up = 0;
  std::size_t captured_sessions = 0;
  std::vector<Difference> differences;
  std::vector<ExchangeRow> exchanges;  // every exchange compared; each difference in one
  std::vector<ResponseTime> response_times;
  std::vector<LadderRow> ladder;
  std::vector<std::string> notes;
  PeerFindings findings;  // the live peer's own violations; `matched` does not look at them
  bool matched() const { return tunnel_up && differences.empty(); }
};

// A whole replay: one outcome per tunnel played, the aggregate when `all` (--tunnel all).
struct ReplayReport {
  std::vector<ReplayOutcome> tunnels;
  bool all = false;
  std::string capture, played;
  std::string peer;       // the live peer's address (LAC played) or where we listened (LNS played)
  std::string pcap;       // the live run's pcap, "" when none was written
  double duration_s = 0;  // of virtual time when simulated
  // How the peer was simulated (replay --sim: in virtual time, which peer, the seed that repeats
  // it); "" for a live peer on sockets. Every report says so.
  std::string simulated;
  bool tunnel_up() const;  // every tunnel played came up
  std::size_t sessions_up() const;
  std::size_t ppp_up() const;
  std::size_t captured_sessions() const;
  std::size_t differences() const;
  bool matched() const;  // every tunnel played matched
  std::uint64_t peer_violations() const;
  bool must_violations() const;  // the live peer broke a MUST-level rule (--fail-on-violation)
};

// The live run's conversations, read from the filter's transcript as any capture is.
// `secret`: the live tunnel secret, so hidden AVPs (a hidden Assigned Session ID) are read.
capture::Conversations live_conversations(const std::vector<LiveDatagram>& transcript,
                                          const std::string& secret = "");

// Compares the live run (its transcript; `us`: our endpoint in it) with the captured tunnel.
// `played`: the side we played in the capture.
std::vector<Difference> compare_live(const capture::Tunnel& captured, std::uint8_t played,
                                     const capture::Conversations& live, const net::Endpoint& us,
                                     const DiffOptions& options);
// The same into `o`: its differences, exchanges, response times (a note for each answer far
// slower than captured) and ladder.
void compare_into(ReplayOutcome& o, const capture::Tunnel& captured, std::uint8_t played,
                  const capture::Conversations& live, const net::Endpoint& us, const DiffOptions& options);

// What the played side sent in the capture's PPP and the live run did not (frames the replay
// does not make: LCP Identification, CCP, IP packets...), one note per call: why a live pcap
// is shorter than the captured call.
std::vector<std::string> unplayed_ppp(const capture::Tunnel& captured, std::uint8_t played,
                                      const capture::Conversations& live, const net::Endpoint& us,
                                      std::size_t clones = 1);

std::string outcome_text(const ReplayOutcome& o);
nlohmann::json outcome_json(const ReplayOutcome& o);
// One tunnel: as outcome_text/outcome_json. All: each tunnel's, then the aggregate (JSON: the
// top-level fields of one outcome summed over the tunnels, each difference and response time
// with its `tunnel`, and a `tunnels` list of the per-tunnel objects).
std::string report_text(const ReplayReport& r);
nlohmann::json report_json(const ReplayReport& r);

}  // namespace l2tp::replay
