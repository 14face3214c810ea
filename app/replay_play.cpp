#include "app/replay_play.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include "capture/pcap_writer.hpp"
#include "peers/udp_transport.hpp"
#include "replay/replay_html.hpp"
#include "replay/replay_junit.hpp"
#include "replay/tunnel_mux.hpp"

namespace l2tpsim::app {

namespace {
// How often the socket run gives the player a chance to act (its actions are seconds apart).
constexpr auto kTick = std::chrono::milliseconds(20);
// After the tunnel is down: time for the last acknowledgements to cross.
constexpr auto kAfterDown = std::chrono::seconds(1);
}  // namespace

namespace {

// What the socket loop drives: one Replayer, or the TunnelMux of --tunnel all.
struct Played {
  std::function<void(l2tp::Node&, l2tp::Time)> start, act;
  std::function<void(const l2tp::NodeEvent&, l2tp::Time)> event;
  std::function<bool()> finished;
  std::function<std::vector<l2tp::replay::ReplayOutcome>(const l2tp::net::Endpoint&)> outcomes;
};

bool write_file(const std::string& path, const std::string& text, const char* what) {
  if (path.empty()) return true;
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) {
    std::cerr << "l2tpsim replay: cannot write the " << what << " to " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int play_on_sockets(const PlayRun& run) {
  using namespace l2tp;
  namespace asio = boost::asio;
  const replay::ReplayScript& first = *run.scripts.front();
  replay::ReplayConfig cfg = run.config;

  asio::io_context io;
  SeededRng rng(run.seed ^ 0x5EED);
  // Outlive the shard (its filter, the PPP sink).
  std::optional<replay::Replayer> replayer;
  std::optional<replay::TunnelMux> mux;
  std::vector<replay::MuxTunnel> tunnels;
  peers::Shard shard(io, replay::replay_node_config(first, cfg), run.seed);
  auto bound = shard.bind(cfg.local);
  if (!bound) {
    std::cerr << "l2tpsim replay: " << bound.error() << "\n";
    return 2;
  }
  cfg.local = *bound;
  std::optional<capture::PcapWriter> writer;
  if (!open_replay_pcap(run, writer)) return 2;
  if (writer) shard.set_pcap(std::move(*writer));
  // The replayers dial from the address actually bound.
  Played played;
  if (!run.all) {
    replay::Replayer* r = &replayer.emplace(run.conversations->tunnels[first.tunnel], first, cfg, rng);
    shard.set_filter(&r->wire_filter());
    shard.set_ppp(r->make_ppp());
    played =
        Played{[r](Node& n, Time t) { r->start(n, t); }, [r](Node& n, Time t) { r->act(n, t); },
               [r](const NodeEvent& ev, Time t) { r->handle_event(ev, t); }, [r] { return r->finished(); },
               [r, &run, &first](const net::Endpoint& us) {
                 return std::vector<replay::ReplayOutcome>{
                     r->outcome(run.conversations->tunnels[first.tunnel], us, run.diff)};
               }};
  } else {
    for (const replay::ReplayScript* s : run.scripts)
      tunnels.push_back(replay::MuxTunnel{&run.conversations->tunnels[s->tunnel], s});
    replay::TunnelMux* m = &mux.emplace(tunnels, cfg, rng);
    shard.set_filter(&m->wire_filter());
    shard.set_ppp(m->make_ppp());
    played =
        Played{[m](Node& n, Time t) { m->start(n, t); }, [m](Node& n, Time t) { m->act(n, t); },
               [m](const NodeEvent& ev, Time t) { m->handle_event(ev, t); }, [m] { return m->finished(); },
               [m, &run](const net::Endpoint& us) { return m->outcomes(us, run.diff); }};
  }
  shard.on_event([&played](Node&, const NodeEvent& ev, Time now) { played.event(ev, now); });

  std::string which = "tunnel " + std::to_string(first.tunnel + 1);
  if (run.all) {
    which = std::to_string(run.scripts.size()) + " tunnel(s) (";
    for (std::size_t i = 0; i < run.scripts.size(); ++i)
      which += (i ? ", " : "") + std::to_string(run.scripts[i]->tunnel + 1);
    which += ")";
  }
  std::cerr << "l2tpsim replay: playing the " << capture::to_string(first.role) << " side of " << which
            << " from " << cfg.local.to_string()
            << (first.initiator ? " to " + cfg.target.to_string() : std::string(", waiting for the peer"))
            << "\n";
  const Time started = peers::SteadyTime::now();
  const Time end = started + run.limit;
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
    shard.act([&played](Node& node, Time now) { played.act(node, now); });
    const Time now = peers::SteadyTime::now();
    if (played.finished() && !down_at) down_at = now;
    if (interrupted || now >= end || (down_at && now >= *down_at + kAfterDown)) {
      signals.cancel();
      shard.stop();
      return;
    }
    timer.expires_after(kTick);
    timer.async_wait([&](const boost::system::error_code&) { tick(); });
  };
  shard.act([&played](Node& node, Time now) { played.start(node, now); });
  tick();
  io.run();

  replay::ReplayReport report;
  report.tunnels = played.outcomes(cfg.local);
  report.all = run.all;
  report.capture = run.capture;
  report.played = std::string(capture::to_string(first.role));
  report.peer = first.initiator ? cfg.target.to_string() : cfg.local.to_string();
  report.pcap = run.pcap;
  report.duration_s = std::chrono::duration<double>(peers::SteadyTime::now() - started).count();
  for (replay::ReplayOutcome& o : report.tunnels) {
    o.capture = run.capture;
    if (interrupted)
      o.notes.push_back("interrupted (SIGINT/SIGTERM) before the replay ended");
    else if (!played.finished())
      o.notes.push_back("the time limit ended the replay before the tunnel went down");
  }
  return report_replay(run, report);
}

bool open_replay_pcap(const PlayRun& run, std::optional<l2tp::capture::PcapWriter>& out) {
  if (run.pcap.empty()) return true;
  auto writer = l2tp::capture::PcapWriter::open(run.pcap);
  if (!writer) {
    std::cerr << "l2tpsim replay: cannot write " << run.pcap << ": " << writer.error() << "\n";
    return false;
  }
  out.emplace(std::move(*writer));
  return true;
}

int report_replay(const PlayRun& run, const l2tp::replay::ReplayReport& report) {
  using namespace l2tp;
  std::cout << replay::report_text(report);
  // Every report is written even when one fails.
  bool written = write_file(
      run.json,
      replay::report_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
      "JSON");
  written = write_file(run.junit, replay::replay_junit(report, L2TPSIM_VERSION), "JUnit XML") && written;
  written = write_file(run.html, replay::replay_html(report, L2TPSIM_VERSION), "HTML report") && written;
  if (!written) return 2;
  // The live peer's violations are not differences from the capture (the captured peer may
  // have broken the same rule); like `decode`, they fail the run only when asked to.
  if (run.fail_on_violation && report.must_violations()) return 1;
  return report.matched() ? 0 : 1;
}

}  // namespace l2tpsim::app
