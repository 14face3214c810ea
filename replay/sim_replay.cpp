#include "replay/sim_replay.hpp"

namespace l2tp::replay {

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
  const Time end = net.now() + limit;
  replayer.start(driver.node(), net.now());
  net.pump(driver.node());
  while (!replayer.finished() && net.now() < end) {
    if (net.run(end, 1) == 0) break;
    replayer.act(driver.node(), net.now());
    net.pump(driver.node());
    if (after_step) after_step(net.now());
  }
  // The last acknowledgements (a StopCCN's ZLB) reach the wire too.
  net.run(std::min(end, net.now() + std::chrono::seconds(2)));
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
  const Time end = net.now() + limit;
  mux.start(driver.node(), net.now());
  net.pump(driver.node());
  while (!mux.finished() && net.now() < end) {
    if (net.run(end, 1) == 0) break;
    mux.act(driver.node(), net.now());
    net.pump(driver.node());
    if (after_step) after_step(net.now());
  }
  net.run(std::min(end, net.now() + std::chrono::seconds(2)));
  net.on_event(nullptr);
  driver.set_filter(nullptr);
  driver.set_ppp(nullptr);
  out.outcomes = mux.outcomes(cfg.local, diff);
  out.transcript = mux.transcript();
  return out;
}

}  // namespace l2tp::replay
