// One side of a captured tunnel played by a Driver: the node configured like the captured side
// (tunnel authentication, receive window, sequencing), PPP seeded from the capture, the
// ReplayFilter shaping what the node sends, and the ReplayPlayer's actions applied to the node.
// Sans-I/O: the adapter (SimNet in sim_replay.hpp, the socket shard in app/replay_play.cpp)
// passes node events and calls act() whenever it wakes (the filter's poll_timeout brings the
// driver back when an action is due).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/driver/driver.hpp"
#include "replay/ppp_acts.hpp"
#include "replay/ppp_seed.hpp"
#include "replay/replay_filter.hpp"
#include "replay/replay_player.hpp"
#include "replay/replay_report.hpp"
#include "replay/replay_script.hpp"

namespace l2tp::replay {

struct ReplayConfig {
  std::string secret;    // the live tunnel secret (--secret)
  std::string password;  // PPP (--password)
  Timing timing;
  bool send_concealed = false;
  net::Endpoint local;   // where we send from (LAC) or listen (LNS)
  net::Endpoint target;  // LAC: the live LNS
  // --sessions N: the script's calls are clones (session_clones.hpp), N per captured call; the
  // PPP user (LAC) from --user, else the captured one with the call number appended.
  std::size_t sessions = 1;
  std::string user;
};

// The node configuration that plays `script`.
NodeConfig replay_node_config(const ReplayScript& script, const ReplayConfig& cfg);

class Replayer final : private PacketSink {
 public:
  // `tunnel`, `script` and `rng` must outlive the replayer.
  Replayer(const capture::Tunnel& tunnel, const ReplayScript& script, const ReplayConfig& cfg, Rng& rng);

  // What the adapter puts on its driver: the filter (every datagram crosses it) and the PPP
  // layer (nullptr when the capture has no PPP). Both refer to the replayer: the driver must
  // drop them (or die) before the replayer does.
  ReplayFilter& wire_filter() { return filter_; }
  std::unique_ptr<PppLayer> make_ppp();
  // --tunnel all: the driver's one PPP layer, made by another replayer (tunnel_mux.hpp), which
  // passes this replayer's links coming up to ppp_link_up.
  void attach_ppp(PppLayer* layer) { ppp_ = layer; }
  void ppp_link_up(LinkKey key, const ppp::LinkUp& up);
  // LNS: the authorizer of our links (the capture's user and addresses); nullptr for a LAC.
  Authorizer* authorizer();
  // A tunnel the peer opened is ours (tunnel_mux.hpp routes by Tunnel ID).
  void bind_tunnel(TunnelId id, Time now) { player_.tunnel_opened(id, now); }
  std::optional<TunnelId> live_tunnel() const { return player_.tunnel(); }

  // The run starts now; the initiator's SCCRQ is queued on `node`.
  void start(Node& node, Time now);
  // Every event of the driver's node.
  void handle_event(const NodeEvent& ev, Time now);
  // Applies the actions due at `now` to the node; the caller drains the driver afterwards.
  void act(Node& node, Time now);

  bool finished() const { return player_.finished(); }
  // What came up and what differed from `captured` (the tunnel the script was made from); `us`:
  // our endpoint on the live wire.
  ReplayOutcome outcome(const capture::Tunnel& captured, const net::Endpoint& us,
                        const DiffOptions& options) const;
  const ReplayFilter& filter() const { return filter_; }
  const ReplayPlayer& player() const { return player_; }
  const PppSeed& ppp_seed() const { return seed_; }

 private:
  // A captured WEN or SLI (ActionKind::SendMessage) through the live control channel.
  void send_captured(Node& node, const PlayerAction& a, Time now);
  void link_up(LinkKey key, const ppp::LinkUp& up) override { ppp_link_up(key, up); }
  // The filter wakes the driver for the player's next action or the next PPP act.
  void rearm();
  void packet(LinkKey, Bytes) override {}
  void link_down(LinkKey) override {}

  const ReplayScript& script_;
  ReplayConfig cfg_;
  Rng& rng_;
  PppSeed seed_;
  std::unique_ptr<SeededAuthorizer> authorizer_;
  PppLayer* ppp_ = nullptr;  // owned by the driver (make_ppp)
  // By captured call: our side ended LCP (Terminate-Request) before its CDN.
  std::vector<bool> terminate_first_;
  std::vector<std::string> notes_;  // captured messages that could not be sent
  ReplayFilter filter_;
  ReplayPlayer player_;
  PppActs acts_;  // echoes and IPv4 packets the side sent over PPP
  Time now_{};
};

}  // namespace l2tp::replay
