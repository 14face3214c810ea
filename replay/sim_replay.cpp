#include "replay/sim_replay.hpp"

namespace l2tp::replay {

SimReplay replay_in_sim(sim::SimNet& net, const capture::Conversations& conv, const ReplayScript& script,
                        const ReplayConfig& cfg, const DiffOptions& diff, Duration limit) {
  Driver& driver = net.add_driver(cfg.local, replay_node_config(script, cfg));
  Replayer replayer(conv.tunnels[script.tunnel], script, cfg, driver, net.rng());
  net.on_event([&](Node& n, const NodeEvent& ev) {
    if (&n == &driver.node()) replayer.handle_event(ev, net.now());
  });
  const Time end = net.now() + limit;
  replayer.start(net.now());
  net.pump(driver.node());
  while (!replayer.finished() && net.now() < end) {
    if (net.run(end, 1) == 0) break;
    replayer.act(net.now());
    net.pump(driver.node());
  }
  // The last acknowledgements (a StopCCN's ZLB) reach the wire too.
  net.run(std::min(end, net.now() + std::chrono::seconds(2)));
  net.on_event(nullptr);
  SimReplay out;
  out.outcome = replayer.outcome(conv.tunnels[script.tunnel], cfg.local, diff);
  out.transcript = replayer.filter().transcript();
  return out;
}

}  // namespace l2tp::replay
