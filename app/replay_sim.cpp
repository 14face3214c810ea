// replay --sim. See replay_sim.hpp.
#include "app/replay_sim.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "app/conform_sim.hpp"
#include "app/peer_options.hpp"
#include "capture/pcap_writer.hpp"
#include "engine/driver/pass_through_filter.hpp"
#include "replay/ppp_facts.hpp"
#include "replay/ppp_seed.hpp"
#include "replay/session_clones.hpp"
#include "replay/sim_replay.hpp"

namespace l2tpsim::app {
namespace {

using l2tp::Time;

// Passes every datagram of the simulated LAC at once and wakes its driver at the LAC's
// --duration: that deadline is the SimPeer's, not its driver's, and the net would not stop
// there on its own (run --sim's case host asks the peer; replay_in_sim asks the drivers).
class DueAlarm final : public l2tp::PassThroughFilter {
 public:
  explicit DueAlarm(const l2tp::scenario::SimPeer& peer) : peer_(peer) {}
  std::optional<Time> poll_timeout() const override { return peer_.due(); }

 private:
  const l2tp::scenario::SimPeer& peer_;
};

// The simulated peer's options as `l2tpsim lns|lac` would take them, with what the replay
// knows of the capture where --sim-options does not say otherwise: the tunnel secret, the PPP
// user and password (PAP ones travel in the clear), the captured peer's MRU request (none:
// 1500, not requested), no PPP when none was captured; an LNS demands the captured method and
// gives the captured addresses; a LAC opens the captured calls and hangs up when the captured
// tunnel ended.
SimOptions peer_options(const PlayRun& run) {
  using namespace l2tp;
  const replay::ReplayScript& first = *run.scripts.front();
  const capture::Tunnel& tunnel = run.conversations->tunnels[first.tunnel];
  const replay::PppSeed seed = replay::seed_ppp(tunnel, first, run.config.password);
  SimOptions so;
  so.options = run.sim_options;
  so.dut = kSimDutAddress;
  so.listen = std::string(kSimTesterAddress) + ":1701";
  so.secret = run.config.secret;
  so.seed = run.seed ^ 0xD07D07D07ULL;  // the peer's own numbers, not the replay's (as conform)
  if (!seed.enabled) so.defaults.emplace_back("no-ppp", "");
  // The captured peer's side of the first call with PPP, and the played side's.
  std::optional<replay::PppFacts> peer, ours;
  for (const capture::Session& s : tunnel.sessions)
    if (!s.ppp.empty()) {
      peer = replay::ppp_facts(s, first.peer_side);
      ours = replay::ppp_facts(s, first.side);
      break;
    }
  if (peer && peer->lcp_request)
    so.defaults.emplace_back("max-mru", std::to_string(peer->mru.value_or(1500)));
  if (first.role == capture::PeerRole::Lac) {
    so.role = "lns";
    // The users the replayed LAC's calls log in as (clones: the pattern with {n}).
    so.user = replay::clone_user(seed.settings.user, run.config.user, run.config.sessions);
    so.password = seed.settings.password;
    if (seed.enabled && !seed.settings.link.methods.empty())
      so.defaults.emplace_back("authentication", ppp::auth::to_string(seed.settings.link.methods.front()));
    // One call's addresses: clones would all be given the same one.
    if (peer && peer->ip_address) so.defaults.emplace_back("local-address", peer->ip_address->to_string());
    if (ours && ours->ip_address && run.config.sessions == 1)
      so.defaults.emplace_back("remote-address", ours->ip_address->to_string());
    return so;
  }
  so.role = "lac";
  for (const capture::Session& s : tunnel.sessions)
    if (!s.ppp.empty() && !s.user.empty()) {
      so.user = s.user;
      break;
    }
  so.password = seed.password.value_or("");
  std::int64_t span_ns = 0;
  std::size_t calls = 0;
  for (const replay::ReplayScript* s : run.scripts) {
    const capture::Tunnel& t = run.conversations->tunnels[s->tunnel];
    span_ns = std::max(span_ns, t.last_ns - s->start_ns);
    calls = std::max(calls, t.sessions.size());
  }
  const double scale = run.config.timing.fast ? 1 : run.config.timing.scale;
  const double span = std::max(1.0, static_cast<double>(span_ns) / 1e9 * scale);
  so.defaults.emplace_back("tunnels", std::to_string(run.scripts.size()));
  so.defaults.emplace_back("sessions", std::to_string(calls * run.config.sessions));
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", span);
  so.defaults.emplace_back("duration", duration);
  return so;
}

}  // namespace

int play_in_sim(const PlayRun& run) {
  using namespace l2tp;
  const replay::ReplayScript& first = *run.scripts.front();
  const bool lac_played = first.role == capture::PeerRole::Lac;
  const SimOptions so = peer_options(run);
  std::string command;
  std::unique_ptr<scenario::SimBench> bench;
  replay::ReplayConfig cfg = run.config;
  try {
    scenario::SimDut dut = sim_dut(so, command);
    // Where the peer is, as its options have it (--sim-options may move it).
    if (lac_played) {
      cfg.local = parse_endpoint("sim", kSimTesterAddress, 1701);
      cfg.target = dut.cfg.local.front();
    } else {
      cfg.local = dut.cfg.connect_to;
    }
    bench = make_sim_bench(run.seed, std::move(dut));
  } catch (const UsageError& e) {
    return usage_error("replay", e.what());
  }
  std::optional<capture::PcapWriter> pcap;
  if (!open_replay_pcap(run, pcap)) return 2;
  replay::ReplayReport report;
  report.simulated = simulated_text(so.role, command, std::to_string(run.seed));

  sim::SimNet& net = bench->net();
  scenario::SimPeer& peer = bench->dut();
  const Time started = net.now();
  DueAlarm alarm(peer);
  auto after_step = [&](Time now) {
    if (const auto due = peer.due(); due && *due <= now) peer.on_time(now);
  };
  auto peer_events = [&](Node& n, const NodeEvent& ev) {
    if (peer.node() == &n) peer.on_event(n, ev, net.now());
  };
  std::cerr << "l2tpsim replay: playing the " << capture::to_string(first.role) << " side of "
            << (run.all ? std::to_string(run.scripts.size()) + " tunnel(s)"
                        : "tunnel " + std::to_string(first.tunnel + 1))
            << " from " << cfg.local.to_string()
            << (lac_played ? " to " + cfg.target.to_string() : std::string(", waiting for the peer"))
            << ", in virtual time\n";
  if (!lac_played) {
    peer.dial();  // the trigger of run --sim: the simulated LAC's process starts
    if (peer.node()) net.set_filter(*peer.node(), &alarm);
  }
  std::vector<replay::LiveDatagram> transcript;
  if (run.all) {
    auto r = replay::replay_all_in_sim(net, *run.conversations, run.scripts, cfg, run.diff, run.limit,
                                       after_step, peer_events);
    report.tunnels = std::move(r.outcomes);
    transcript = std::move(r.transcript);
  } else {
    auto r = replay::replay_in_sim(net, *run.conversations, first, cfg, run.diff, run.limit, after_step,
                                   peer_events);
    report.tunnels = {std::move(r.outcome)};
    transcript = std::move(r.transcript);
  }
  if (peer.node()) net.set_filter(*peer.node(), nullptr);
  // The replay's own record of the wire, frame numbers as the reports cite them, virtual times.
  if (pcap) {
    for (const replay::LiveDatagram& d : transcript)
      pcap->write(d.at.time_since_epoch().count(), d.src, d.dst, d.bytes);
    pcap->flush();
  }
  report.all = run.all;
  report.capture = run.capture;
  report.played = std::string(capture::to_string(first.role));
  report.peer = lac_played ? cfg.target.to_string() : cfg.local.to_string();
  report.pcap = run.pcap;
  report.duration_s = std::chrono::duration<double>(net.now() - started).count();
  for (replay::ReplayOutcome& o : report.tunnels) {
    o.capture = run.capture;
    if (net.now() - started >= run.limit)
      o.notes.push_back("the time limit (virtual) ended the replay before the tunnel went down");
    if (run.scripts.size() > 1 && !lac_played)
      o.notes.push_back("the simulated LAC dials all its tunnels at once, not at their captured offsets");
  }
  return report_replay(run, report);
}

}  // namespace l2tpsim::app
