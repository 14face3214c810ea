#include "peers/sharded_run.hpp"

#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>

#include "capture/pcap_merge.hpp"
#include "peers/stats/stats_server.hpp"

// jemalloc's control interface, when the binary links jemalloc (L2TPSIM_JEMALLOC); null otherwise.
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen)
    __attribute__((weak));

namespace l2tp::peers {

namespace {

// Returns the pages of freed memory to the system: jemalloc purges every arena
// (MALLCTL_ARENAS_ALL is 4096), glibc trims its heaps.
void give_freed_memory_back() {
  if (mallctl) {
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
    return;
  }
#ifdef __GLIBC__
  ::malloc_trim(0);
#endif
}

void add(NodeStats& a, const NodeStats& b) {
  a.datagrams_in += b.datagrams_in;
  a.datagrams_out += b.datagrams_out;
  a.decode_errors += b.decode_errors;
  a.malformed_avps += b.malformed_avps;
  a.unknown_tunnel += b.unknown_tunnel;
  a.not_l2tpv2 += b.not_l2tpv2;
  a.refused_tunnels += b.refused_tunnels;
  a.tie_breaks += b.tie_breaks;
  a.stray_stopccn_acks += b.stray_stopccn_acks;
}

void add(TransportStats& a, const TransportStats& b) {
  a.received += b.received;
  a.sent += b.sent;
  a.receive_errors += b.receive_errors;
  a.send_errors += b.send_errors;
  a.no_socket += b.no_socket;
  a.timer_fires += b.timer_fires;
  a.wakeups += b.wakeups;
  a.new_peers_refused += b.new_peers_refused;
  a.forwarded += b.forwarded;
  a.half_open_cleared += b.half_open_cleared;
  a.half_open_peak += b.half_open_peak;  // at most this many at once, over all shards
}

// A shard's stderr: each finished line goes to the main thread, which prints it (once, when
// several shards say the same), so a shard's notes show while the run goes on.
class LineRelay final : public std::streambuf {
 public:
  explicit LineRelay(std::function<void(std::string)> emit) : emit_(std::move(emit)) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return 0;
    if (c == '\n') {
      emit_(std::move(line_));
      line_.clear();
    } else {
      line_.push_back(static_cast<char>(c));
    }
    return c;
  }

 private:
  std::function<void(std::string)> emit_;
  std::string line_;
};

}  // namespace

void RunResult::merge(RunResult&& o) {
  stats.merge(o.stats);
  RunSummary& r = summary;
  const RunSummary& q = o.summary;
  r.duration_s = std::max(r.duration_s, q.duration_s);
  r.teardown_s = std::max(r.teardown_s, q.teardown_s);
  r.torn_down = r.torn_down && q.torn_down;
  r.interrupted = r.interrupted || q.interrupted;
  r.channel += q.channel;
  add(r.node, q.node);
  add(r.transport, q.transport);
  r.pcap_frames += q.pcap_frames;
  r.violations.insert(r.violations.end(), q.violations.begin(), q.violations.end());
  r.local.insert(r.local.end(), q.local.begin(), q.local.end());
  if (stats.first_attempt && stats.last_session_up)
    r.setup_s = to_seconds(*stats.last_session_up - *stats.first_attempt);
  if (o.has_ppp) {
    has_ppp = true;
    ppp += o.ppp;
    ppp_records.merge(std::move(o.ppp_records), ppp_limits);
  }
  if (o.started && (!started || *o.started < *started)) started = o.started;
  if (!peer_identity) peer_identity = std::move(o.peer_identity);
  setup_finished = setup_finished && o.setup_finished;
  // Process-wide CPU: the shard that finished last took the whole run's figure.
  if (o.setup_cpu_s && (!setup_cpu_s || *o.setup_cpu_s > *setup_cpu_s)) setup_cpu_s = o.setup_cpu_s;
  duration_ended = duration_ended || o.duration_ended;
  // The role's requested totals add up; the rest is the same in every shard.
  for (const char* key : {"tunnels_requested", "sessions_requested", "requested_setup_rate"})
    if (extra.contains(key) && o.extra.contains(key) && extra[key].is_number() && o.extra[key].is_number())
      extra[key] = extra[key].get<double>() + o.extra[key].get<double>();
  // Churn counters add up too (--session-lifetime, --flap, redials, flaps of each kind).
  if (extra.contains("churn") && o.extra.contains("churn")) {
    for (const char* key : {"lifetimes_ended", "flaps", "redials", "flap_rate"})
      if (extra["churn"].contains(key) && o.extra["churn"].contains(key))
        extra["churn"][key] =
            extra["churn"][key].is_number_integer()
                ? nlohmann::json(extra["churn"][key].get<std::uint64_t>() +
                                 o.extra["churn"][key].get<std::uint64_t>())
                : nlohmann::json(extra["churn"][key].get<double>() + o.extra["churn"][key].get<double>());
    if (const auto theirs = o.extra["churn"].find("flaps_by_kind"); theirs != o.extra["churn"].end())
      for (const auto& [kind, n] : theirs->items()) {
        auto& ours = extra["churn"]["flaps_by_kind"][kind];
        ours = (ours.is_number_unsigned() ? ours.get<std::uint64_t>() : 0) + n.get<std::uint64_t>();
      }
  }
}

ShardPlan plan_shards(const RunnerConfig& cfg, const std::string& role) {
  ShardPlan p;
  p.shards = cfg.threads != 0 ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());
  if (p.shards <= 1) return p;
  if (role == "lac" && cfg.tunnels < p.shards) p.shards = std::max(1u, cfg.tunnels);
  if (!cfg.ppp.tun.empty()) {
    p.shards = 1;
    p.note = "--tun runs on one thread";
  } else if (role == "lns" && cfg.ppp.enabled && cfg.make_authorizer && !cfg.authorizer_shareable) {
    p.shards = 1;
    p.note = "RADIUS runs on one thread (its address pools are not shared between threads yet)";
  }
  return p;
}

RunnerConfig shard_config(const RunnerConfig& cfg, const std::string& role, unsigned k, unsigned n) {
  RunnerConfig c = cfg;
  c.threads = n;
  c.node.tunnel_id_stride = static_cast<std::uint16_t>(n);
  c.node.tunnel_id_residue = static_cast<std::uint16_t>(k);
  c.seed = cfg.seed + k * 0x9E3779B97F4A7C15ULL;
  c.json_path.clear();
  if (!cfg.pcap_path.empty()) c.pcap_path = cfg.pcap_path + ".shard" + std::to_string(k);
  if (role == "lac") {
    c.tunnels = cfg.tunnels / n + (k < cfg.tunnels % n ? 1 : 0);
    // {n}: each shard its block of the run's (or agent's) numbers, in shard order.
    const std::uint64_t per_tunnel = cfg.sessions_per_tunnel;
    const CallNumbers& all = cfg.ppp.call_numbers;
    const CallNumbers run = all.block || all.total ? all : CallNumbers::whole(cfg.tunnels * per_tunnel);
    const std::uint64_t before =
        (std::uint64_t{k} * (cfg.tunnels / n) + std::min(k, cfg.tunnels % n)) * per_tunnel;
    c.ppp.call_numbers = run.part(before, c.tunnels * per_tunnel, k, n);
    c.setup_rate = cfg.tunnels ? cfg.setup_rate * c.tunnels / cfg.tunnels : 0;
    c.teardown_rate = cfg.tunnels ? cfg.teardown_rate * c.tunnels / cfg.tunnels : 0;
    // The ramp, the cap on calls in setup and the flaps split the same way (the cap rounded up).
    const double share = cfg.tunnels ? static_cast<double>(c.tunnels) / cfg.tunnels : 0;
    if (cfg.ramp) c.ramp = cfg.ramp->scaled(share);
    if (cfg.max_outstanding)
      c.max_outstanding =
          std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(cfg.max_outstanding * share)));
    c.churn.flap_rate = cfg.churn.flap_rate * share;
    if (k > 0) {
      c.ipsec.setup_latency = {};  // shard 0 reports the IPsec phase, once
      // Each shard its own port: replies from the LNS come back to the shard that sent.
      for (auto& l : c.local) l.port = 0;
      c.local_port_preferred.assign(c.local.size(), false);
    }
  } else {
    c.reuse_port = true;
    c.teardown_rate = cfg.teardown_rate / n;  // the kernel spreads the tunnels about evenly
  }
  return c;
}

int run_sharded(const RunnerConfig& cfg, const std::string& role, unsigned shards, std::ostream& out,
                std::ostream& err, const MakeRunner& make) {
  const std::string prefix = "l2tpsim " + role + ": ";
  std::shared_ptr<SharedAuthorizer> shared;
  boost::asio::io_context main_io;
  if (role == "lns" && cfg.ppp.enabled && cfg.make_authorizer && cfg.authorizer_shareable) {
    shared = std::make_shared<SharedAuthorizer>();
    SeededRng rng(cfg.seed ^ 0x5050505050505050ULL);
    shared->authorizer = cfg.make_authorizer(main_io, rng);
  }
  if (!cfg.json_path.empty() && !std::ofstream(cfg.json_path)) {
    err << prefix << "--json: cannot write " << cfg.json_path << "\n";
    return 2;
  }
  // Lines the shards printed, each printed once (on the main thread).
  std::set<std::string> said;
  bool shown = false;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  auto print_once = [&](const std::string& line) {
    if (line.empty() || !said.insert(line).second) return;
    if (shown && tty) err << "\n";
    shown = false;
    err << line << "\n" << std::flush;
  };
  std::vector<std::unique_ptr<LineRelay>> relays;
  std::vector<std::unique_ptr<std::ostream>> errs;
  std::vector<std::unique_ptr<Runner>> runners;
  std::vector<StatsServer::Shard> stats_shards;  // --stats-listen: each runner and its part of the rate
  // Shard 0 binds first: the others bind what it got (an LNS asked for port 0 gets one port).
  std::vector<net::Endpoint> bound;
  for (unsigned k = 0; k < shards; ++k) {
    RunnerConfig c = shard_config(cfg, role, k, shards);
    c.shared_authorizer = shared;
    if (role == "lns" && k > 0) c.local = bound;
    relays.push_back(std::make_unique<LineRelay>([&main_io, &print_once](std::string line) {
      boost::asio::post(main_io, [&print_once, line = std::move(line)] { print_once(line); });
    }));
    errs.push_back(std::make_unique<std::ostream>(relays.back().get()));
    runners.push_back(make(c, out, *errs.back()));
    Runner& r = *runners.back();
    stats_shards.push_back(
        {&r, role == "lac" && cfg.tunnels ? static_cast<double>(c.tunnels) / cfg.tunnels : 1.0 / shards});
    r.shard().set_routing(
        k, shards,
        [&runners](unsigned owner, const net::Endpoint& local, const net::Endpoint& from, Buffer bytes) {
          runners[owner]->post_forwarded(local, from, std::move(bytes));
        });
    if (auto code = r.prepare()) {
      main_io.poll();  // what prepare() said
      return *code;
    }
    if (k == 0) bound = r.shard().local_endpoints();
  }
  main_io.poll();  // notes from binding (port 1701 taken, ...)
  // One origin for every shard's timeline: their seconds line up and merge bucket by bucket.
  const Time origin = SteadyTime::now();
  for (auto& r : runners) r->set_timeline_origin(origin);
  main_io.restart();
  if (role == "lac") {
    err << prefix << cfg.tunnels << " tunnel(s) x " << cfg.sessions_per_tunnel << " session(s) to "
        << cfg.connect_to.to_string() << " on " << shards << " threads, from";
    for (const auto& r : runners)
      for (const auto& l : r->shard().local_endpoints()) err << " " << l.to_string();
  } else {
    err << prefix << "listening on";
    for (const auto& l : bound) err << " " << l.to_string();
    err << " on " << shards << " threads (SO_REUSEPORT)";
    if (shared) err << "; PPP peers judged by " << shared->authorizer->describe();
  }
  err << "\n" << std::flush;

  // The shards run; the main thread waits for them, with the signals and the status line.
  boost::asio::signal_set signals(main_io, SIGINT, SIGTERM);
  boost::asio::steady_timer tick(main_io);
  unsigned done = 0;
  unsigned signals_seen = 0;
  // --stats-listen, on its own thread: POST /control/teardown starts a first signal's teardown,
  // announced here like one.
  std::unique_ptr<StatsServer> stats;
  if (cfg.stats_listen) {
    StatsServer::Host host{[&](std::string why) {
                             boost::asio::post(main_io, [&, why = std::move(why)] {
                               if (done == runners.size() || signals_seen > 0) return;
                               ++signals_seen;
                               err << "\n"
                                   << prefix << why
                                   << ": tearing down (CDN, StopCCN); SIGINT to exit at once\n"
                                   << std::flush;
                               for (auto& r : runners) r->post_teardown(why);
                             });
                           },
                           [&](std::string line) {
                             boost::asio::post(main_io, [&, line = std::move(line)] {
                               if (shown && tty) err << "\n";
                               shown = false;
                               err << prefix << line << "\n" << std::flush;
                             });
                           }};
    auto server = StatsServer::start(*cfg.stats_listen, role, stats_shards, cfg.options, std::move(host));
    if (!server) {
      err << prefix << "--stats-listen: " << server.error() << "\n";
      return 2;
    }
    stats = std::move(*server);
    err << prefix << stats->describe() << "\n" << std::flush;
  }
  std::vector<std::thread> threads;
  for (auto& r : runners)
    threads.emplace_back([&main_io, &done, &signals, &tick, &runners, runner = r.get()] {
      runner->launch(false);
      runner->loop();
      boost::asio::post(main_io, [&done, &signals, &tick, &runners] {
        if (++done < runners.size()) return;
        boost::system::error_code ignored;
        signals.cancel(ignored);
        tick.cancel();
      });
    });
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec || done == runners.size()) return;
        if (++signals_seen == 1)
          err << "\n"
              << prefix << (sig == SIGINT ? "SIGINT" : "SIGTERM")
              << ": tearing down (CDN, StopCCN); again to exit at once\n"
              << std::flush;
        for (auto& r : runners) r->post_signal(signals_seen == 1);
        if (signals_seen == 1) signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  const Time started = SteadyTime::now();
  std::uint64_t last_established = 0;
  double last_s = 0;
  std::function<void(const boost::system::error_code&)> on_tick = [&](const boost::system::error_code& ec) {
    if (ec || done == runners.size()) return;
    if (tty || cfg.progress) {
      StatusCounts c;
      for (const auto& r : runners) c += r->snapshot();
      const double now = to_seconds(SteadyTime::now() - started);
      const double rate =
          now > last_s ? static_cast<double>(c.sessions_established - last_established) / (now - last_s)
                       : 0.0;
      last_s = now;
      last_established = c.sessions_established;
      const std::string line = status_line(c, now, rate) + "  threads " + std::to_string(runners.size());
      if (tty)
        err << "\r" << line << "\x1b[K" << std::flush;
      else
        err << line << "\n" << std::flush;
      shown = true;
    }
    tick.expires_after(std::chrono::seconds(1));
    tick.async_wait(on_tick);
  };
  tick.expires_after(std::chrono::seconds(1));
  tick.async_wait(on_tick);
  main_io.run();
  for (auto& t : threads) t.join();
  // The shards' sessions were freed into their threads' malloc arenas, which keep the pages; the
  // report is built on this thread, in pages of its own. Given back first, the run's peak RSS
  // stays the sessions' (at 100,000 sessions the report added some 6 MB on top).
  give_freed_memory_back();
  if (stats) stats->stop();  // before the results: no snapshot is asked of a shard that has ended
  if (shown && tty) err << "\n";

  std::vector<RunResult> results;
  for (auto& r : runners) results.push_back(r->result());
  if (!cfg.pcap_path.empty()) {
    std::vector<std::string> parts;
    for (unsigned k = 0; k < shards; ++k) parts.push_back(cfg.pcap_path + ".shard" + std::to_string(k));
    auto map = capture::merge_pcaps(parts, cfg.pcap_path);
    if (!map) {
      err << prefix << "--pcap: merging the shards' captures: " << map.error() << " (they are left in "
          << cfg.pcap_path << ".shard*)\n";
    } else {
      for (unsigned k = 0; k < shards; ++k) {
        for (auto& v : results[k].summary.violations)
          if (v.frame >= 1 && v.frame <= (*map)[k].size()) v.frame = (*map)[k][v.frame - 1];
        std::remove(parts[k].c_str());
      }
    }
  }
  RunResult all = std::move(results[0]);
  for (unsigned k = 1; k < shards; ++k) all.merge(std::move(results[k]));
  all.extra["threads"] = shards;
  runners[0]->set_json_path(cfg.json_path);
  return runners[0]->report(all, err);
}

}  // namespace l2tp::peers
