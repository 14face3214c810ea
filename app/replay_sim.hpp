// `l2tpsim replay FILE --play lac|lns --sim`: the played side against l2tpsim's own LNS (a LAC
// played) or LAC (an LNS played) on a simulated network in virtual time, in this process, no
// sockets. The peer is made as conform --sim makes its DUT (conform_sim.hpp), from --sim-options
// and defaults taken from the capture; the run is replay/sim_replay.hpp's; the reports are the
// socket run's (report_replay), marked simulated; the pcap has virtual timestamps, so the same
// --seed gives the same bytes.
#pragma once

#include "app/replay_play.hpp"

namespace l2tpsim::app {

// Runs `run` (run.sim set; config.local and config.target are chosen here). The exit status is
// play_on_sockets's; 2 also for --sim-options that are wrong or cannot be simulated.
int play_in_sim(const PlayRun& run);

}  // namespace l2tpsim::app
