// A replay in virtual time: the played side as a driver on a SimNet whose other hosts are the
// live peer(s), stepped one arrival or deadline at a time so the player acts at exactly its
// due time. For tests, and for replaying against l2tpsim's own LAC or LNS without sockets.
#pragma once

#include <functional>

#include "engine/sim/sim_net.hpp"
#include "replay/replayer.hpp"
#include "replay/tunnel_mux.hpp"

namespace l2tp::replay {

struct SimReplay {
  ReplayOutcome outcome;
  std::vector<LiveDatagram> transcript;  // the live wire, as the filter saw it
};

// Plays `script` (made from conv.tunnels[script.tunnel]) from cfg.local against the peer on
// `net` (cfg.target for a LAC; a LAC must dial cfg.local for an LNS), for at most `limit` of
// virtual time. Uses the net's on_event hook. `after_step`: the live peer's own acts (a test's
// LAC hanging up), called after every step with the time; to be called at a given time, the
// peer arms a deadline on its own driver (a filter's poll_timeout). `peer_events`: every event
// of the net's other nodes (the net's one hook is taken; a simulated l2tpsim LAC or LNS needs
// its own events).
using PeerEvents = std::function<void(Node&, const NodeEvent&)>;
SimReplay replay_in_sim(sim::SimNet& net, const capture::Conversations& conv, const ReplayScript& script,
                        const ReplayConfig& cfg, const DiffOptions& diff, Duration limit,
                        const std::function<void(Time)>& after_step = {}, const PeerEvents& peer_events = {});

// --tunnel all in virtual time: every script (each made from conv.tunnels[script.tunnel]) played
// at once from cfg.local by one driver (tunnel_mux.hpp). One outcome per script, in order.
struct SimReplayAll {
  std::vector<ReplayOutcome> outcomes;
  std::vector<LiveDatagram> transcript;  // the whole live wire
};
SimReplayAll replay_all_in_sim(sim::SimNet& net, const capture::Conversations& conv,
                               const std::vector<const ReplayScript*>& scripts, const ReplayConfig& cfg,
                               const DiffOptions& diff, Duration limit,
                               const std::function<void(Time)>& after_step = {},
                               const PeerEvents& peer_events = {});

}  // namespace l2tp::replay
