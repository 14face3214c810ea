// The two conversations of a replay as ladder rows: the captured one (the played side and the
// captured peer) and the live one, each message or PPP negotiation packet a step, aligned row
// by row (the same sender, call and kind of message on one row; one side empty where the other
// has a step of its own) and marked where a difference names one of its frames. The HTML
// report draws them side by side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/conversation.hpp"
#include "replay/replay_diff.hpp"

namespace l2tp::replay {

struct LadderStep {
  bool from_us = false;  // sent by the played side
  std::string group;     // "tunnel", "call 1"
  std::string label;     // "SCCRQ", "CDN (result 3)", "LCP Configure-Request"
  std::uint64_t frame = 0;
  double t_ms = 0;  // since the tunnel's first message
};

struct LadderRow {
  std::optional<LadderStep> captured, live;
  bool differs = false;  // a difference names the captured or the live step's frame
};

// Steps per conversation beyond this are left out (the alignment is quadratic).
constexpr std::size_t kMaxLadderSteps = 1500;

// `played`/`live_played`: the played side in each; `live` nullptr: nothing came back live.
std::vector<LadderRow> ladder_rows(const capture::Tunnel& captured, std::uint8_t played,
                                   const capture::Tunnel* live, std::uint8_t live_played,
                                   const std::vector<Difference>& differences);

}  // namespace l2tp::replay
