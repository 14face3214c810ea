// A load run in virtual time. See sim_run.hpp.
#include "peers/sim_run.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <ostream>
#include <sstream>

namespace l2tp::peers {

namespace {

volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_sim_signal(int sig) {
  g_signal = sig;
}

std::optional<Time> earliest(std::optional<Time> a, std::optional<Time> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

class SimRunHost final : public RunHost {
 public:
  SimRunHost(SimRun& run, const NodeConfig& cfg, std::uint64_t seed) : run_(run), cfg_(cfg), seed_(seed) {
    run_.hosts_.push_back(this);
  }
  ~SimRunHost() override { std::erase(run_.hosts_, this); }

  Time now() const override { return run_.now(); }
  void post(std::function<void()> f) override { run_.posted_.push(std::move(f)); }
  void arm(Timer timer, Time at, std::function<void()> f) override {
    timers_[static_cast<std::size_t>(timer)] = Armed{at, std::move(f)};
  }
  void cancel(Timer timer) override { timers_[static_cast<std::size_t>(timer)].reset(); }
  void on_signal(std::function<void(int)> f) override {
    signal_ = std::move(f);
    if (run_.catching_signals_) return;
    run_.catching_signals_ = true;
    g_signal = 0;
    std::signal(SIGINT, on_sim_signal);
    std::signal(SIGTERM, on_sim_signal);
  }
  void run() override {
    run_.run_until([this] { return stopped_; });
  }
  void settle(const std::function<bool()>&, Duration) override {}  // no RADIUS in virtual time
  bool virtual_time() const override { return true; }
  boost::asio::io_context& io() override { return run_.idle_io_; }
  Shard* sockets() override { return nullptr; }

  Result<net::Endpoint, std::string> bind(const net::Endpoint& local, bool) override {
    net::Endpoint ep = local;
    if (ep.port == 0) ep.port = run_.next_port();
    auto& net = run_.net();
    if (!driver_) {
      driver_ = &net.add_driver(ep, cfg_, seed_);
      net.set_wire_hook(driver_->node(),
                        [this](WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst,
                               Bytes bytes, Time at) { tee(dir, src, dst, bytes, at); });
    } else {
      net.add_address(driver_->node(), ep);
    }
    locals_.push_back(ep);
    return ep;
  }
  const std::vector<net::Endpoint>& local_endpoints() const override { return locals_; }
  void set_filter(DatagramFilter* filter) override { driver().set_filter(filter); }
  bool has_filter() const override { return driver_ && driver_->filter() != nullptr; }
  void set_pcap(capture::PcapWriter writer) override { pcap_.emplace(std::move(writer)); }
  const capture::PcapWriter* pcap() const override { return pcap_ ? &*pcap_ : nullptr; }
  void set_tap(WireTap* tap) override { tap_ = tap; }
  void on_event(EventHook hook) override { on_event_ = std::move(hook); }
  void set_ppp(std::unique_ptr<PppLayer> ppp) override { driver().set_ppp(std::move(ppp)); }
  PppLayer* ppp() override { return driver().ppp(); }
  void act(const std::function<void(Node&, Time)>& f) override {
    if (stopped_ || !driver_) return;
    f(driver_->node(), now());
    run_.net().pump(driver_->node());
  }
  void set_deadline(std::optional<Time> at) override { deadline_ = at; }
  void on_deadline(std::function<void(Node&, Time)> hook) override { on_deadline_ = std::move(hook); }
  Time align(Time t) const override { return t; }  // no batching: nothing wakes up in virtual time
  Node& node() override { return driver().node(); }
  const Node& node() const override { return driver().node(); }
  const TransportStats& stats() const override { return stats_; }
  std::size_t half_open() const override { return 0; }
  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    for (auto& t : timers_) t.reset();
    deadline_.reset();
    signal_ = nullptr;
    if (driver_) run_.net().halt(driver_->node());
    if (pcap_) pcap_->flush();
  }
  bool stopped() const override { return stopped_; }

  // For SimRun's loop.
  std::optional<Time> next_own() const {
    if (stopped_) return std::nullopt;
    std::optional<Time> t = deadline_;
    for (const auto& a : timers_)
      if (a) t = earliest(t, a->at);
    return t;
  }
  void fire_due(Time now) {
    if (deadline_ && *deadline_ <= now && on_deadline_ && driver_) {
      deadline_.reset();
      on_deadline_(driver_->node(), now);
      run_.net().pump(driver_->node());
    }
    for (auto& a : timers_)
      if (!stopped_ && a && a->at <= now) {
        auto f = std::move(a->f);
        a.reset();
        f();
      }
  }
  void event(Node& node, const NodeEvent& ev) {
    if (&node == (driver_ ? &driver_->node() : nullptr) && on_event_ && !stopped_) on_event_(node, ev, now());
  }
  bool owns(const Node& node) const { return driver_ && &driver_->node() == &node; }
  bool signal(int sig) {
    if (!signal_) return false;
    auto f = std::move(signal_);  // once per on_signal, as a signal_set's wait
    signal_ = nullptr;
    f(sig);
    return true;
  }

 private:
  struct Armed {
    Time at;
    std::function<void()> f;
  };
  Driver& driver() const {
    if (!driver_) std::abort();  // a runner binds before it touches its node
    return *driver_;
  }
  void tee(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes, Time at) {
    ++(dir == WireDirection::In ? stats_.received : stats_.sent);
    std::uint64_t frame = ++frames_;
    if (pcap_) {
      // Virtual timestamps: the pcap shows the run as the simulation timed it.
      pcap_->write(at.time_since_epoch().count(), src, dst, bytes);
      frame = pcap_->stats().written;
    }
    if (tap_) tap_->on_wire(WireDatagram{dir, src, dst, bytes, frame, at});
  }

  SimRun& run_;
  NodeConfig cfg_;
  std::uint64_t seed_;
  Driver* driver_ = nullptr;  // the net's, from the first bind
  std::vector<net::Endpoint> locals_;
  std::array<std::optional<Armed>, 4> timers_;
  std::optional<Time> deadline_;
  std::function<void(Node&, Time)> on_deadline_;
  std::function<void(int)> signal_;
  EventHook on_event_;
  std::optional<capture::PcapWriter> pcap_;
  WireTap* tap_ = nullptr;
  std::uint64_t frames_ = 0;
  TransportStats stats_;
  bool stopped_ = false;
};

SimRun::SimRun(std::uint64_t seed, sim::LinkConfig link, Time start) : net_(seed, link) {
  net_.advance_to(start);
  net_.keep_wire_log(false);
  net_.keep_events(false);
  net_.on_event([this](Node& node, const NodeEvent& ev) {
    for (auto* h : hosts_)
      if (h->owns(node)) h->event(node, ev);
  });
}

SimRun::~SimRun() {
  if (catching_signals_) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
}

std::unique_ptr<RunHost> SimRun::host(const NodeConfig& cfg, std::uint64_t seed) {
  return std::make_unique<SimRunHost>(*this, cfg, seed);
}

std::optional<Time> SimRun::next_own() const {
  std::optional<Time> t;
  for (const auto* h : hosts_) t = earliest(t, h->next_own());
  return t;
}

void SimRun::fire_due() {
  const Time t = now();
  // A copy: a timer's work may add or remove a host.
  const auto hosts = hosts_;
  for (auto* h : hosts) h->fire_due(t);
}

void SimRun::deliver_signal(int sig) {
  for (auto* h : hosts_) h->signal(sig);
}

// The hosts' side of the one loop of virtual time (engine/sim/sim_loop): a caught signal and
// posted work first, then their timers.
class SimRun::Owner final : public sim::LoopOwner {
 public:
  Owner(SimRun& run, const std::function<bool()>& until) : run_(run), until_(until) {}
  bool done() const override { return until_(); }
  bool run_posted() override {
    if (const int sig = g_signal; sig != 0 && run_.catching_signals_) {
      g_signal = 0;
      run_.deliver_signal(sig);
      return true;
    }
    return run_.posted_.run_next();
  }
  std::optional<Time> next_own() const override { return run_.next_own(); }
  void fire_due(Time) override { run_.fire_due(); }

 private:
  SimRun& run_;
  const std::function<bool()>& until_;
};

void SimRun::run_until(const std::function<bool()>& done) {
  Owner owner(*this, done);
  sim::run_loop(net_, owner);
}

int run_lac_in_sim(const RunnerConfig& lac_cfg, const RunnerConfig& lns_cfg, std::uint64_t seed,
                   sim::LinkConfig link, Time start, std::ostream& out, std::ostream& err) {
  SimRun sim(seed, link, start);
  std::ostringstream lns_out;
  auto lns = make_lns_runner(lns_cfg, lns_out, err, sim.host(lns_cfg.node, lns_cfg.seed));
  auto lac = make_lac_runner(lac_cfg, out, err, sim.host(lac_cfg.node, lac_cfg.seed));
  if (auto code = lns->prepare()) return *code;
  if (auto code = lac->prepare()) return *code;
  lns->launch(false);
  lac->launch(true);
  try {
    lac->loop();
    // The LAC's run is over (its teardown done or cut short): the LNS clears what is left, as
    // after a SIGINT (what lingers to re-acknowledge a StopCCN does so only briefly).
    lns->post_teardown("the simulated LAC's run ended");
    lns->loop();
  } catch (const sim::SimStuck& e) {
    err << "l2tpsim lac: the simulation stopped at " << to_seconds(sim.now() - start) << " s: " << e.what()
        << " (a bug in l2tpsim: please report it with the command and --seed)\n";
    return 1;
  }
  const int code = lac->report(lac->result(), err);
  lns->report(lns->result(), err);
  out << "\nthe simulated LNS (l2tpsim lns in this process):\n" << lns_out.str() << std::flush;
  return code;
}

}  // namespace l2tp::peers
