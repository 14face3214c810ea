// `l2tpsim replay FILE --play lac|lns`: one side of a captured tunnel (or, --tunnel all, of every
// playable tunnel at once) played against a live peer on UDP sockets (one peers::Shard driving
// the Replayer or the TunnelMux), then the outcome and the differences from the capture, on the
// console and as --json, --junit and --html. `--sim`: replay_sim.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capture/pcap_writer.hpp"
#include "replay/replayer.hpp"

namespace l2tpsim::app {

struct PlayRun {
  std::string capture;  // the file, for the report
  const l2tp::capture::Conversations* conversations = nullptr;
  std::vector<const l2tp::replay::ReplayScript*> scripts;  // one, or every tunnel (all)
  bool all = false;                                        // --tunnel all
  l2tp::replay::ReplayConfig config;
  l2tp::replay::DiffOptions diff;
  std::string pcap, json, junit, html;
  l2tp::Duration limit{};
  std::uint64_t seed = 1;
  bool fail_on_violation = false;  // a MUST-level finding of the passive checker exits 1
  // --sim: the peer is l2tpsim's own LNS or LAC in virtual time (replay_sim.hpp), configured
  // by these `l2tpsim lns|lac` options; config.local and config.target are left to it.
  bool sim = false;
  std::string sim_options;
};

// Runs the replay; returns the exit status (0 matched, 1 differed or not up, or with
// fail_on_violation the live peer broke a MUST-level rule; 2 a socket or file that could not
// be opened).
int play_on_sockets(const PlayRun& run);

// --pcap's writer into `out` (left empty without --pcap); false, said on stderr, when the file
// cannot be written (exit status 2).
bool open_replay_pcap(const PlayRun& run, std::optional<l2tp::capture::PcapWriter>& out);

// The end of every replay, on sockets or simulated: the console summary, then --json, --junit
// and --html (each written even when another fails); returns the exit status as above.
int report_replay(const PlayRun& run, const l2tp::replay::ReplayReport& report);

}  // namespace l2tpsim::app
