#include "peers/runner.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <ostream>

#include "peers/asio_run_host.hpp"
#include "peers/ppp/ppp_report.hpp"
#include "peers/start_at.hpp"
#include "peers/stats/stats_server.hpp"
#include "peers/summary_schema.hpp"

namespace l2tp::peers {

namespace {

constexpr auto kTick = std::chrono::seconds(1);
constexpr auto kTeardownPoll = std::chrono::milliseconds(20);
constexpr auto kAccountingGrace = std::chrono::seconds(2);
constexpr auto kLingerOnExit = std::chrono::seconds(3);

// CDN Result Code 3 (RFC 2661 4.4.2): call disconnected for administrative reasons.
const ResultInfo kAdminCdn{3, std::nullopt, "administrative teardown"};

// User + system time of the whole process (every shard's thread) so far.
double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

Runner::Runner(const RunnerConfig& cfg, std::string role, std::ostream& out, std::ostream& err,
               std::unique_ptr<RunHost> host)
    : cfg_(cfg),
      role_(std::move(role)),
      out_(out),
      err_(err),
      owned_host_(host ? std::move(host)
                       : std::make_unique<AsioRunHost>(cfg.node, cfg.seed, cfg.batch_interval)),
      host_(*owned_host_),
      ppp_rng_(cfg.seed ^ 0x5050505050505050ULL),
      checker_(cfg.node.tunnel.secret),
      identity_tap_(&checker_tap_, role_ == "lac" ? MessageType::Sccrp : MessageType::Sccrq,
                    cfg.node.tunnel.secret) {}

double Runner::elapsed_s() const {
  return to_seconds(host_.now() - started_);
}

namespace {

// What `report merge` needs to put several runs (agents) on one clock and tell them apart: the
// layout's version, the timeline's second 0 as wall-clock time, the agent and its --start-at.
void add_identity(nlohmann::json& extra, const RunnerConfig& cfg, Time origin, Time now) {
  extra["summary_schema"] = kSummarySchema;
  const auto since_origin = std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::nanoseconds(to_ns(now) - to_ns(origin)));
  extra["origin_unix_ms"] = unix_ms(std::chrono::system_clock::now() - since_origin);
  if (cfg.agent) extra["agent"] = {{"index", cfg.agent->index}, {"count", cfg.agent->count}};
  if (cfg.start_at) extra["start_at_unix_ms"] = unix_ms(*cfg.start_at);
}

}  // namespace

int Runner::run() {
  if (auto code = prepare()) return *code;
  std::unique_ptr<StatsServer> stats;
  if (cfg_.stats_listen) {
    StatsServer::Host host{[this](std::string why) { post_teardown(std::move(why)); },
                           [this](std::string line) {
                             host_.post([this, line = std::move(line)] {
                               if (status_shown_ && tty_) err_ << "\n";
                               err_ << "l2tpsim " << role_ << ": " << line << "\n" << std::flush;
                             });
                           }};
    auto server = StatsServer::start(*cfg_.stats_listen, role_, {StatsServer::Shard{this, 1.0}}, cfg_.options,
                                     std::move(host));
    if (!server) {
      err_ << "l2tpsim " << role_ << ": --stats-listen: " << server.error() << "\n";
      return 2;
    }
    stats = std::move(*server);
    err_ << "l2tpsim " << role_ << ": " << stats->describe() << "\n" << std::flush;
  }
  launch(true);
  loop();
  if (stats) stats->stop();  // before the result: no snapshot is asked of a run that has ended
  return report(result(), err_);
}

std::optional<int> Runner::prepare() {
  const std::string prefix = "l2tpsim " + role_ + ": ";
  if (auto error = bind_sockets()) {
    err_ << prefix << *error << "\n";
    return 2;
  }
  if (!cfg_.pcap_path.empty()) {
    auto writer = capture::PcapWriter::open(cfg_.pcap_path);
    if (!writer) {
      err_ << prefix << "--pcap: " << writer.error() << "\n";
      return 2;
    }
    host_.set_pcap(std::move(*writer));
  }
  if (!cfg_.json_path.empty() && !std::ofstream(cfg_.json_path)) {
    err_ << prefix << "--json: cannot write " << cfg_.json_path << "\n";
    return 2;
  }
  if (!cfg_.html_path.empty() && !std::ofstream(cfg_.html_path)) {
    err_ << prefix << "--html: cannot write " << cfg_.html_path << "\n";
    return 2;
  }
  tty_ = ::isatty(STDERR_FILENO) == 1;

  if (cfg_.ppp.enabled) {
    const auto role = role_ == "lac" ? ppp::Role::Client : ppp::Role::Server;
    if (cfg_.shared_authorizer)
      authorizer_ = std::make_unique<LockedAuthorizer>(cfg_.shared_authorizer);
    else if (cfg_.make_authorizer)
      authorizer_ = cfg_.make_authorizer(host_.io(), ppp_rng_);
    host_.set_ppp(std::make_unique<PppLayer>(cfg_.ppp, role, ppp_rng_, authorizer_.get()));
    ppp_ = host_.ppp();
    ppp_->on_later_decision([this](LinkKey key, Decision d) {
      host_.act([&](Node& node, Time now) { ppp_->decided(node, key, d, now); });
    });
    if (!cfg_.ppp.tun.empty()) {
      if (auto ok = TunDevice::check_available(); !ok) {
        err_ << prefix << "--tun: " << ok.error() << "\n";
        return 2;
      }
      // Packets the kernel routes into an interface enter the run like any outside input.
      tun_ = std::make_unique<TunSink>(
          host_.io(), cfg_.ppp.tun,
          [this](LinkKey key, Bytes packet) {
            host_.act([&](Node& node, Time now) { ppp_->send_ip(node, key, packet, now); });
          },
          err_, prefix);
      ppp_->set_sink(tun_.get());
    }
  }

  host_.set_tap(&identity_tap_);  // then the checker
  host_.on_event([this](Node& node, const NodeEvent& ev, Time now) {
    stats_.on_event(ev, tearing_down_);
    if (std::holds_alternative<TunnelUp>(ev.event.body)) {
      half_open_gone_.erase(ev.tunnel.value);
    } else if (const auto* down = std::get_if<TunnelDown>(&ev.event.body);
               down && down->phase == tunnel::TunnelState::WaitCtlConn) {
      half_open_gone_.insert(ev.tunnel.value);
    }
    if (const auto* v = std::get_if<PeerViolation>(&ev.event.body))
      checker_.engine_violation(std::string(to_string(v->rule)), v->detail, now);
    handle_event(node, ev, now);
    if (role_ == "lac" && !setup_cpu_s_ && !tearing_down_ && !host_.virtual_time() && setup_complete())
      setup_cpu_s_ = process_cpu_s();
    end_if_finished();
  });
  return std::nullopt;
}

void Runner::launch(bool standalone) {
  standalone_ = standalone;
  if (standalone) host_.on_signal([this](int sig) { on_signal(sig); });
  started_ = host_.now();
  origin_ = cfg_.timeline_origin.value_or(started_);
  stats_.timeline.set_origin(origin_);
  // One decode per datagram: without a filter the node takes each datagram just after the tap
  // numbered it, so the checker judges the node's decoding. (Datagrams the overload gate
  // refuses reach no node and are not judged.)
  if (!host_.has_filter()) {
    host_.node().set_inbound_observer(&checker_);
    checker_tap_.node_decodes(true);
  }
  host_.act([this](Node& node, Time now) { start(node, now); });
  if (cfg_.duration) {
    host_.arm(RunHost::Timer::Duration, started_ + *cfg_.duration, [this] {
      duration_ended_ = true;
      begin_teardown(ResultInfo{1, std::nullopt, "run finished"}, "--duration reached");
    });
  }
  arm_tick();
}

void Runner::loop() {
  host_.run();
  // Accounting Stops the teardown queued (RADIUS) get a moment to go out, unless a second
  // signal asked to exit at once.
  if (authorizer_ && !interrupted_ && authorizer_->pending())
    host_.settle([this] { return authorizer_->pending(); }, kAccountingGrace);
}

RunResult Runner::result() {
  const Time end = host_.now();
  // The last second, as far as it went.
  sample_timeline(static_cast<std::size_t>(std::max(0.0, std::floor(to_seconds(end - origin_)))));
  return summarize(end, std::move(stats_));
}

RunResult Runner::live_result() const {
  // A copy: the run goes on counting into stats_ (its second under way is sampled at its tick).
  return summarize(host_.now(), stats_);
}

RunResult Runner::summarize(Time end, RunStats stats) const {
  RunResult res;
  RunSummary& r = res.summary;
  r.role = role_;
  r.seed = cfg_.seed;
  if (!host_.virtual_time())
    r.batch_interval_ms = std::chrono::duration<double, std::milli>(cfg_.batch_interval).count();
  res.peer_identity = identity_tap_.identity();
  res.started = started_;
  r.duration_s = to_seconds(end - started_);
  if (teardown_started_) r.teardown_s = to_seconds(teardown_ended_.value_or(end) - *teardown_started_);
  r.torn_down = torn_down_;
  r.interrupted = interrupted_;
  r.channel = stats.channel_totals(host_.node());
  r.node = host_.node().stats();
  r.transport = host_.stats();
  if (const auto* pcap = host_.pcap()) r.pcap_frames = pcap->stats().written;
  stats.peer_violations = checker_.total();
  stats.violations_by_rule = checker_.by_rule();
  r.violations = checker_.kept();
  if (role_ == "lac") {
    r.peer = cfg_.connect_to.to_string();
    r.local = host_.local_endpoints();
    r.sends_per_message = 1 + cfg_.node.tunnel.reliability.max_retries;
  }
  res.setup_finished = setup_finished();
  res.setup_cpu_s = setup_cpu_s_;
  res.duration_ended = duration_ended_;
  if (ppp_) {
    res.has_ppp = true;
    res.ppp = ppp_->counters();
    res.ppp_records = ppp_->records();
    res.ppp_limits = PppRecordLimits{cfg_.ppp.session_records, cfg_.ppp.failure_records};
  }
  extend_json(res.extra);
  add_identity(res.extra, cfg_, origin_, host_.now());
  if (!cfg_.simulated.empty()) res.extra["simulated"] = cfg_.simulated;
  res.stats = std::move(stats);
  if (res.stats.first_attempt && res.stats.last_session_up)
    r.setup_s = to_seconds(*res.stats.last_session_up - *res.stats.first_attempt);
  return res;
}

nlohmann::json summary_json(const RunResult& res, const std::vector<std::string>& options) {
  const RunSummary& r = res.summary;
  const RunStats& stats = res.stats;
  nlohmann::json j = to_json(stats, r);
  j["timeline"] = timeline_json(stats.timeline);
  j["peer_identity"] = res.peer_identity ? to_json(*res.peer_identity) : nlohmann::json(nullptr);
  j["options"] = options;
  j["setup_complete"] = res.setup_finished;
  if (res.setup_cpu_s && res.setup_finished) j["setup_cpu_s"] = *res.setup_cpu_s;
  if (res.has_ppp) {
    add_ppp_json(j, res.ppp, res.ppp_records);
    // From the start of the run to the last PPP link up, and the rate that makes.
    const auto& c = res.ppp;
    const double s = c.last_up && res.started ? to_seconds(*c.last_up - *res.started) : 0.0;
    j["ppp"]["setup_s"] = s;
    j["ppp"]["setup_rate_sessions_per_s"] = s > 0 ? static_cast<double>(c.up) / s : 0.0;
  }
  const auto& t = r.transport;
  j["overload"] = {{"new_peers_refused", t.new_peers_refused},
                   {"half_open_cleared", t.half_open_cleared},
                   {"half_open_peak", t.half_open_peak}};
  for (const auto& [k, v] : res.extra.items()) j[k] = v;
  return j;
}

int Runner::report(const RunResult& res, std::ostream& err) {
  const RunSummary& r = res.summary;
  const RunStats& stats = res.stats;
  if (status_shown_ && tty_) err << "\n";
  out_ << to_text(stats, r);
  if (const auto& t = r.transport; t.new_peers_refused || t.half_open_cleared)
    out_ << "  overload: " << t.new_peers_refused << " datagrams to Tunnel ID 0 refused, "
         << t.half_open_cleared << " half-open tunnels cleared, at most " << t.half_open_peak
         << " half-open at once\n";
  const auto ppp_role = role_ == "lac" ? ppp::Role::Client : ppp::Role::Server;
  if (res.has_ppp) out_ << ppp_text(res.ppp, res.ppp_records, ppp_role);
  if (res.extra.contains("simulated"))
    out_ << "  simulated: " << res.extra["simulated"].get<std::string>() << "\n";
  if (res.duration_ended && !res.setup_finished)
    out_ << "  setup did not finish within --duration: some calls were never attempted or never came up\n";
  if (res.setup_cpu_s && res.setup_finished && stats.sessions_established > 0)
    out_ << "  cpu: " << *res.setup_cpu_s << " s user + system until setup completed, "
         << *res.setup_cpu_s * 1000 / static_cast<double>(stats.sessions_established) << " ms per session\n";
  out_ << std::flush;
  if (!cfg_.json_path.empty() || !cfg_.html_path.empty()) {
    const nlohmann::json j = summary_json(res, cfg_.options);
    if (!cfg_.json_path.empty()) {
      std::ofstream f(cfg_.json_path);
      f << j.dump(2) << "\n";
      if (!f) err << "l2tpsim " << role_ << ": --json: cannot write " << cfg_.json_path << "\n";
    }
    if (!cfg_.html_path.empty() && cfg_.render_html) {
      std::ofstream f(cfg_.html_path);
      f << cfg_.render_html(j);
      if (!f) err << "l2tpsim " << role_ << ": --html: cannot write " << cfg_.html_path << "\n";
    }
  }
  return exit_code(role_, res);
}

int Runner::exit_code(const std::string& role, const RunResult& r) {
  if (r.summary.interrupted) return 130;
  if (r.stats.tunnels_failed || r.stats.sessions_failed || !r.summary.torn_down) return 1;
  if (r.has_ppp && role == "lac" && r.ppp.failed) return 1;
  if (r.duration_ended && !r.setup_finished) return 1;
  return 0;
}

void Runner::post_signal(bool first) {
  host_.post([this, first] {
    if (first) {
      signalled_ = true;
      begin_teardown(ResultInfo{6, std::nullopt, "l2tpsim shutting down"}, "");
      return;
    }
    Time reack_until = host_.now();
    interrupted_ = holding(reack_until) != Holding::Reack;
    finish();
  });
}

void Runner::post_forwarded(const net::Endpoint& local, const net::Endpoint& from, Buffer bytes) {
  host_.post([this, local, from, bytes = std::move(bytes)] { shard().take_forwarded(local, from, bytes); });
}

void Runner::post_teardown(std::string why) {
  host_.post([this, why = std::move(why)] {
    if (tearing_down_) return;
    signalled_ = true;  // as after a SIGINT: the StopCCN's re-acknowledging does not hold the exit
    if (standalone_) {
      if (status_shown_ && tty_) err_ << "\n";
      err_ << "l2tpsim " << role_ << ": " << why << ": tearing down (CDN, StopCCN); SIGINT to exit at once\n"
           << std::flush;
    }
    begin_teardown(ResultInfo{6, std::nullopt, "l2tpsim shutting down"}, "");
  });
}

bool Runner::control_stop_setup() {
  if (tearing_down_ || setup_stopped_) return false;
  setup_stopped_ = true;
  stop_setup();
  return true;
}

std::optional<std::string> Runner::control_setup_rate(double) {
  return "an " + role_ + " run opens no calls: it has no setup rate";
}

StatusCounts Runner::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

StatusCounts Runner::counts() const {
  StatusCounts c = status_counts(stats_);
  if (ppp_) {
    c.ppp = true;
    c.ppp_up = ppp_->links_up();
    c.ppp_failed = ppp_->counters().failed;
  }
  c.half_open = host_.half_open();
  c.new_peers_refused = host_.stats().new_peers_refused;
  c.retransmissions = stats_.channel_totals(host_.node()).retransmissions;
  return c;
}

void Runner::on_signal(int sig) {
  if (!tearing_down_) {
    signalled_ = true;
    if (status_shown_ && tty_) err_ << "\n";
    err_ << "l2tpsim " << role_ << ": " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
         << ": tearing down (CDN, StopCCN); again to exit at once\n";
    // StopCCN Result Code 6 (4.4.2): requester is being shut down.
    begin_teardown(ResultInfo{6, std::nullopt, "l2tpsim shutting down"}, "");
    host_.on_signal([this](int s) { on_signal(s); });
    return;
  }
  // Only re-acknowledging the peer's StopCCN left (5.7): our teardown is complete, so ending
  // that wait cuts nothing short.
  Time reack_until = host_.now();
  interrupted_ = holding(reack_until) != Holding::Reack;
  finish();
}

void Runner::end_if_finished() {
  if (tearing_down_ || !finished_by_itself()) return;
  // Not from inside a drain: the teardown acts on the node itself.
  host_.post([this] { begin_teardown(ResultInfo{1, std::nullopt, ""}, "nothing left to do"); });
}

void Runner::begin_teardown(const ResultInfo& stop, const std::string& why) {
  if (tearing_down_) return;
  setup_done_before_teardown_ = setup_complete();
  tearing_down_ = true;
  teardown_started_ = host_.now();
  stop_setup();
  host_.cancel(RunHost::Timer::Duration);
  if (!why.empty() && (tty_ || cfg_.progress)) {
    if (status_shown_ && tty_) err_ << "\n";
    err_ << "l2tpsim " << role_ << ": " << why << ": tearing down\n";
  }
  teardown_stop_ = stop;
  // CDN for every established call first, so the peer sees each one cleared; each tunnel's
  // StopCCN follows its calls' CDNs through its control channel, in order.
  teardown_pacer_.emplace(stats_.up_sessions(), cfg_.teardown_rate, host_.now());
  host_.act([&](Node&, Time now) {
    if (ppp_) ppp_->stop_all(now);
  });
  pace_teardown();
  arm_teardown_check();
}

void Runner::pace_teardown() {
  // At most a chunk of calls per act, the drain between chunks: all at once, 100,000 CDNs queued
  // 200,000 events in the node before the drain that follows (50 MB at the peak of a burst run).
  constexpr std::size_t kChunk = 1024;
  Time acted{};
  host_.act([&](Node& node, Time now) {
    acted = now;
    teardown_pacer_->release(now, kChunk, [&](const TeardownPacer::Call& c, bool last_of_tunnel) {
      node.close_session(TunnelId{c.first}, SessionId{c.second}, kAdminCdn, now);
      if (last_of_tunnel) node.close_tunnel(TunnelId{c.first}, teardown_stop_, now);
    });
    // The rest: tunnels without an established call.
    if (teardown_pacer_->done()) node.close_all(teardown_stop_, now);
  });
  if (teardown_pacer_->done()) {
    teardown_sent_ = host_.now();
    return;
  }
  if (teardown_pacer_->due(acted)) {  // the next chunk at once, after what is queued
    host_.post([this] {
      if (teardown_pacer_) pace_teardown();
    });
    return;
  }
  host_.arm(RunHost::Timer::TeardownPace, host_.now() + teardown_pacer_->interval(),
            [this] { pace_teardown(); });
}

Runner::Holding Runner::holding(Time& reack_until) const {
  bool open = false, reack = false;
  const Time now = host_.now();
  host_.node().for_each_tunnel([&](const tunnel::Tunnel& t) {
    using S = tunnel::TunnelState;
    const S s = t.state();
    // A tunnel the peer never completed (no SCCCN: a flood's, or one caught mid-setup) has no
    // calls and no state worth a graceful exchange: its StopCCN goes out, unwaited for.
    if (s == S::WaitCtlConn || half_open_gone_.contains(t.local_id().value)) return;
    if (s == S::Lingering) {
      // The peer's StopCCN came in (5.7). Its ZLB (and our own StopCCN, if any) is still due:
      // open. Then R161: the tunnel keeps re-acknowledging retransmissions of the StopCCN, should
      // our ZLB have been lost, for a full retransmission cycle (stop_linger, 31 s), and the run
      // stays for it. After a SIGINT/SIGTERM only for the first seconds after the StopCCN, long
      // enough for the peer's first retransmissions or two.
      if (t.channel().poll_timeout()) {
        open = true;
      } else if (t.linger_until() && signalled_) {
        open = open || now < *t.linger_until() - t.config().stop_linger + kLingerOnExit;
      } else if (t.linger_until()) {
        reack = true;
        reack_until = std::max(reack_until, *t.linger_until());
      }
      return;
    }
    open = open || s == S::WaitCtlReply || s == S::WaitCtlConn || s == S::Established || s == S::Closing;
  });
  return open ? Holding::Tunnels : reack ? Holding::Reack : Holding::Nothing;
}

void Runner::arm_teardown_check() {
  host_.arm(RunHost::Timer::TeardownCheck, host_.now() + kTeardownPoll, [this] {
    const Time now = host_.now();
    Time reack_until = now;
    const Holding h = holding(reack_until);
    if (h == Holding::Nothing) {
      finish();
    } else if (h == Holding::Reack) {
      // Only the re-acknowledging is left: not bounded by the default teardown limit, only by
      // one the user gave, and its end is not a failure (our part of the teardown is done).
      const Duration left =
          cfg_.teardown_limit_given
              ? std::min(reack_until - now, cfg_.teardown_limit - (now - teardown_sent_.value_or(now)))
              : reack_until - now;
      if (left <= Duration::zero()) {
        finish();
        return;
      }
      if (!reack_announced_) {
        reack_announced_ = true;
        if (status_shown_ && tty_) err_ << "\n";
        err_ << "l2tpsim " << role_ << ": waiting up to "
             << static_cast<long long>(std::ceil(to_seconds(left)))
             << " s to re-acknowledge the peer's StopCCN (RFC 2661 5.7); SIGINT or SIGTERM to exit now\n"
             << std::flush;
      }
      arm_teardown_check();
    } else if (teardown_sent_ && now - *teardown_sent_ >= cfg_.teardown_limit) {
      torn_down_ = false;
      err_ << "l2tpsim " << role_ << ": teardown bound reached with tunnels still open\n";
      finish();
    } else {
      arm_teardown_check();
    }
  });
}

void Runner::arm_tick() {
  // At whole seconds from the origin, without drift: each tick closes one second of the timeline.
  host_.arm(RunHost::Timer::Tick, origin_ + kTick * ++ticks_, [this] {
    on_tick();
    arm_tick();
  });
}

void Runner::sample_timeline(std::size_t second) {
  TimelineTotals t;
  t.retransmissions = stats_.channel_totals(host_.node()).retransmissions;
  const tunnel::TunnelStats data = stats_.tunnel_totals(host_.node());
  t.data_sent = data.data_sent;
  t.data_received = data.data_received;
  t.data_dropped = data.data_dropped;
  if (ppp_) {
    t.probes_lost = ppp_->traffic_now().lost;
    const PppCounters& c = ppp_->counters();
    t.ppp_up = c.up;
    t.ppp_renegotiations =
        c.lcp_restarts.ours + c.lcp_restarts.by_peer + c.ipcp_restarts.ours + c.ipcp_restarts.by_peer;
    t.ppp_failed_by_phase = c.failed_by_phase;
    t.ppp_failed_by_result = c.failed_by_result;
  }
  stats_.timeline.sample(second, t);
}

void Runner::on_tick() {
  if (const double s = std::floor(to_seconds(host_.now() - origin_)); s >= 1) {
    sample_timeline(static_cast<std::size_t>(s) - 1);
  }
  if (standalone_) {
    // In virtual time a second passes in a moment: a line per second of the wall, not of the run.
    const auto wall = std::chrono::steady_clock::now();
    if (host_.virtual_time() && status_shown_ && wall - last_status_wall_ < std::chrono::seconds(1)) return;
    last_status_wall_ = wall;
    if (tty_ || cfg_.progress) print_status();
    return;
  }
  // Sharded: the coordinator prints one line for all shards from these.
  const StatusCounts c = counts();
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = c;
}

void Runner::print_status() {
  const double now = elapsed_s();
  const double span = now - last_tick_s_;
  const double rate =
      span > 0 ? static_cast<double>(stats_.sessions_established - last_established_) / span : 0.0;
  last_tick_s_ = now;
  last_established_ = stats_.sessions_established;
  const std::string line = status_line(counts(), now, rate);
  if (tty_)
    err_ << "\r" << line << "\x1b[K" << std::flush;
  else
    err_ << line << "\n" << std::flush;
  status_shown_ = true;
}

void Runner::finish() {
  if (host_.stopped()) return;
  teardown_ended_ = host_.now();
  host_.stop();
}

}  // namespace l2tp::peers
