#include "replay/sim_replay.hpp"

#include "engine/sim/sim_loop.hpp"

namespace l2tp::replay {

namespace {

// The player's side of the one loop of virtual time (engine/sim/sim_loop): it acts after every
// step of the net, until it has finished or nothing is due on the net before `end`.
template <class Player>
class PlayerOwner final : public sim::LoopOwner {
 public:
  PlayerOwner(sim::SimNet& net, Driver& driver, Player& player, Time end,
              const std::function<void(Time)>& after_step)
      : net_(net), driver_(driver), player_(player), end_(end), after_step_(after_step) {}
  bool done() const override {
    if (player_.finished() || net_.now() >= end_) return true;
    const auto next = net_.next_due();
    return !next || *next > end_;
  }
  bool run_posted() override { return false; }
  std::optional<Time> next_own() const override { return std::nullopt; }
  void fire_due(Time) override {}
  void stepped(Time now) override {
    player_.act(driver_.node(), now);
    net_.pump(driver_.node());
    if (after_step_) after_step_(now);
  }

 private:
  sim::SimNet& net_;
  Driver& driver_;
  Player& player_;
  Time end_;
  const std::function<void(Time)>& after_step_;
};

// Plays until the player has finished or `limit` has passed, then lets the last
// acknowledgements (a StopCCN's ZLB) reach the wire too.
template <class Player>
void play(sim::SimNet& net, Driver& driver, Player& player, Duration limit,
          const std::function<void(Time)>& after_step) {
  const Time end = net.now() + limit;
  player.start(driver.node(), net.now());
  net.pump(driver.node());
  PlayerOwner<Player> owner(net, driver, player, end, after_step);
  sim::run_loop(net, owner);
  net.run(std::min(end, net.now() + std::chrono::seconds(2)));
}

}  // namespace

SimReplay replay_in_sim(sim::SimNet& net, const capture::Conversations& conv, const ReplayScript& script,
                        const ReplayConfig& cfg, const DiffOptions& diff, Duration limit,
                        const std::function<void(Time)>& after_step, const PeerEvents& peer_events) {
  Driver& driver = net.add_driver(cfg.local, replay_node_config(script, cfg));
  Replayer replayer(conv.tunnels[script.tunnel], script, cfg, net.rng());
  driver.set_filter(&replayer.wire_filter());
  driver.set_ppp(replayer.make_ppp());
  net.on_event([&](Node& n, const NodeEvent& ev) {
    if (&n == &driver.node())
      replayer.handle_event(ev, net.now());
    else if (peer_events)
      peer_events(n, ev);
  });
  play(net, driver, replayer, limit, after_step);
  net.on_event(nullptr);
  // The driver lives on with the net; the replayer does not.
  driver.set_filter(nullptr);
  driver.set_ppp(nullptr);
  SimReplay out;
  out.outcome = replayer.outcome(conv.tunnels[script.tunnel], cfg.local, diff);
  out.transcript = replayer.filter().transcript();
  return out;
}

SimReplayAll replay_all_in_sim(sim::SimNet& net, const capture::Conversations& conv,
                               const std::vector<const ReplayScript*>& scripts, const ReplayConfig& cfg,
                               const DiffOptions& diff, Duration limit,
                               const std::function<void(Time)>& after_step, const PeerEvents& peer_events) {
  SimReplayAll out;
  if (scripts.empty()) return out;
  std::vector<MuxTunnel> tunnels;
  for (const ReplayScript* s : scripts) tunnels.push_back(MuxTunnel{&conv.tunnels[s->tunnel], s});
  Driver& driver = net.add_driver(cfg.local, replay_node_config(*scripts.front(), cfg));
  TunnelMux mux(tunnels, cfg, net.rng());
  driver.set_filter(&mux.wire_filter());
  driver.set_ppp(mux.make_ppp());
  net.on_event([&](Node& n, const NodeEvent& ev) {
    if (&n == &driver.node())
      mux.handle_event(ev, net.now());
    else if (peer_events)
      peer_events(n, ev);
  });
  play(net, driver, mux, limit, after_step);
  net.on_event(nullptr);
  driver.set_filter(nullptr);
  driver.set_ppp(nullptr);
  out.outcomes = mux.outcomes(cfg.local, diff);
  out.transcript = mux.transcript();
  return out;
}

}  // namespace l2tp::replay
