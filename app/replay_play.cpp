#include "app/replay_play.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>

#include "capture/pcap_writer.hpp"
#include "peers/udp_transport.hpp"

namespace l2tpsim::app {

namespace {
// How often the socket run gives the player a chance to act (its actions are seconds apart).
constexpr auto kTick = std::chrono::milliseconds(20);
// After the tunnel is down: time for the last acknowledgements to cross.
constexpr auto kAfterDown = std::chrono::seconds(1);
}  // namespace

int play_on_sockets(const PlayRun& run) {
  using namespace l2tp;
  namespace asio = boost::asio;
  const replay::ReplayScript& script = *run.script;
  const capture::Tunnel& captured = run.conversations->tunnels[script.tunnel];
  replay::ReplayConfig cfg = run.config;

  asio::io_context io;
  SeededRng rng(run.seed ^ 0x5EED);
  std::optional<replay::Replayer> replayer;  // outlives the shard (its filter, the PPP sink)
  peers::Shard shard(io, replay::replay_node_config(script, cfg), run.seed);
  auto bound = shard.bind(cfg.local);
  if (!bound) {
    std::cerr << "l2tpsim replay: " << bound.error() << "\n";
    return 2;
  }
  cfg.local = *bound;
  if (!run.pcap.empty()) {
    auto writer = capture::PcapWriter::open(run.pcap);
    if (!writer) {
      std::cerr << "l2tpsim replay: cannot write " << run.pcap << ": " << writer.error() << "\n";
      return 2;
    }
    shard.set_pcap(std::move(*writer));
  }
  // The replayer dials from the address actually bound.
  replay::Replayer* r = &replayer.emplace(captured, script, cfg, rng);
  shard.set_filter(&r->wire_filter());
  shard.set_ppp(r->make_ppp());
  shard.on_event([r](Node&, const NodeEvent& ev, Time now) { r->handle_event(ev, now); });

  std::cerr << "l2tpsim replay: playing the " << capture::to_string(script.role) << " side of tunnel "
            << script.tunnel + 1 << " from " << cfg.local.to_string()
            << (script.initiator ? " to " + cfg.target.to_string() : std::string(", waiting for the peer"))
            << "\n";
  const Time end = peers::SteadyTime::now() + run.limit;
  std::optional<Time> down_at;
  bool interrupted = false;
  asio::steady_timer timer(io);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    interrupted = true;
    timer.cancel();
  });
  std::function<void()> tick = [&] {
    shard.act([r](Node& node, Time now) { r->act(node, now); });
    const Time now = peers::SteadyTime::now();
    if (r->finished() && !down_at) down_at = now;
    if (interrupted || now >= end || (down_at && now >= *down_at + kAfterDown)) {
      signals.cancel();
      shard.stop();
      return;
    }
    timer.expires_after(kTick);
    timer.async_wait([&](const boost::system::error_code&) { tick(); });
  };
  shard.act([r](Node& node, Time now) { r->start(node, now); });
  tick();
  io.run();

  replay::ReplayOutcome outcome = r->outcome(captured, cfg.local, run.diff);
  outcome.capture = run.capture;
  if (interrupted)
    outcome.notes.push_back("interrupted (SIGINT/SIGTERM) before the replay ended");
  else if (!r->finished())
    outcome.notes.push_back("the time limit ended the replay before the tunnel went down");
  std::cout << replay::outcome_text(outcome);
  if (!run.json.empty()) {
    std::ofstream out(run.json, std::ios::trunc);
    out << replay::outcome_json(outcome).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
    if (!out) {
      std::cerr << "l2tpsim replay: cannot write " << run.json << "\n";
      return 2;
    }
  }
  return outcome.matched() ? 0 : 1;
}

}  // namespace l2tpsim::app
