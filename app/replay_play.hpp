// `l2tpsim replay FILE --play lac|lns`: one side of a captured tunnel played against a live
// peer on UDP sockets (one peers::Shard driving the Replayer), then the outcome and the
// differences from the capture.
#pragma once

#include <string>

#include "replay/replayer.hpp"

namespace l2tpsim::app {

struct PlayRun {
  std::string capture;  // the file, for the report
  const l2tp::capture::Conversations* conversations = nullptr;
  const l2tp::replay::ReplayScript* script = nullptr;
  l2tp::replay::ReplayConfig config;
  l2tp::replay::DiffOptions diff;
  std::string pcap, json;
  l2tp::Duration limit{};
  std::uint64_t seed = 1;
};

// Runs the replay; returns the exit status (0 matched, 1 differed or not up, 2 a socket or
// file that could not be opened).
int play_on_sockets(const PlayRun& run);

}  // namespace l2tpsim::app
