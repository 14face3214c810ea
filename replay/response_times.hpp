// How fast the peer answered us, exchange by exchange, live against the capture: for every
// message of the peer that answers one of ours (SCCRP to our SCCRQ, ICRP to our ICRQ, a PPP
// Configure-Ack to our Configure-Request, a PAP Authenticate-Ack to our Authenticate-Request,
// ...), the time from our message's first transmission to the answer. Times vary from run to
// run, so they are reported, not judged; an answer far slower than captured earns a note.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/conversation.hpp"

namespace l2tp::replay {

struct ResponseTime {
  std::string exchange;               // "tunnel: SCCRP", "call 1: PAP Authenticate-Ack"
  std::optional<double> captured_ms;  // nullopt: the captured peer gave no such answer
  double live_ms = 0;
  std::uint64_t frame_captured = 0, frame_live = 0;  // the answers
};

// Every answer of the live peer (side `live_played ^ 1` of `live`), in live order, with the
// captured peer's time for the same exchange (side `played ^ 1` of `captured`). Only the first
// answer of each kind per tunnel or call counts.
// `clones`: --sessions N, live call j stands against captured call j / N.
std::vector<ResponseTime> response_times(const capture::Tunnel& captured, std::uint8_t played,
                                         const capture::Tunnel* live, std::uint8_t live_played,
                                         std::size_t clones = 1);

// "0.4 ms", "12.3 ms", "1.50 s".
std::string format_ms(double ms);

// Live answers more than kSlowFactor times slower than captured and over kSlowFloorMs.
constexpr double kSlowFactor = 10, kSlowFloorMs = 1000;
std::vector<std::string> slow_answer_notes(const std::vector<ResponseTime>& times);

}  // namespace l2tp::replay
