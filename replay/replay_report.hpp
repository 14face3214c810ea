// The outcome of a replay: whether the live tunnel, calls and PPP came up, and what differed
// from the capture (replay_diff.hpp), as the console summary and the JSON of --json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "replay/replay_diff.hpp"
#include "replay/replay_filter.hpp"

namespace l2tp::replay {

struct ReplayOutcome {
  std::string capture;
  std::size_t tunnel = 0;  // index in the capture's tunnels
  std::string played;      // "LAC" or "LNS"
  bool tunnel_up = false;
  std::size_t sessions_up = 0, ppp_up = 0;
  std::size_t captured_sessions = 0;
  std::vector<Difference> differences;
  std::vector<std::string> notes;
  bool matched() const { return tunnel_up && differences.empty(); }
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

// What the played side sent in the capture's PPP and the live run did not (frames the replay
// does not make: LCP Identification, CCP, IP packets...), one note per call: why a live pcap
// is shorter than the captured call.
std::vector<std::string> unplayed_ppp(const capture::Tunnel& captured, std::uint8_t played,
                                      const capture::Conversations& live, const net::Endpoint& us);

std::string outcome_text(const ReplayOutcome& o);
nlohmann::json outcome_json(const ReplayOutcome& o);

}  // namespace l2tp::replay
