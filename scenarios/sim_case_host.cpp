// A case in virtual time. See sim_case_host.hpp.
#include "scenarios/sim_case_host.hpp"

namespace l2tp::scenario {

namespace {

std::optional<Time> earliest(std::optional<Time> a, std::optional<Time> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

bool does_nothing(const std::string& command) {
  const auto first = command.find_first_not_of(" \t");
  if (first == std::string::npos) return true;
  const auto last = command.find_last_not_of(" \t");
  const std::string c = command.substr(first, last - first + 1);
  return c == "true" || c == ":";
}

}  // namespace

SimCaseHost::SimCaseHost(SimBench& bench, const CaseEnv& env) : bench_(bench), env_(env) {}

SimCaseHost::~SimCaseHost() {
  stop_tester();
  bench_.tester_events_ = nullptr;
  // The trigger's process ends with the case.
  bench_.dut().hang_up();
}

std::optional<Time> SimCaseHost::next_own() const {
  std::optional<Time> t;
  if (step_) t = step_->at;
  if (poll_) t = earliest(t, poll_->at);
  t = earliest(t, bench_.dut().due());
  if (shell_deadline_) t = earliest(t, *shell_deadline_);
  return t;
}

void SimCaseHost::fire_due() {
  const Time t = now();
  if (auto due = bench_.dut().due(); due && *due <= t) bench_.dut().on_time(t);
  if (shell_deadline_ && (*shell_deadline_ <= t || !bench_.dut().dialling())) {
    const bool timed_out = bench_.dut().dialling();
    shell_deadline_.reset();
    auto finished = std::move(shell_finished_);
    post([finished = std::move(finished), timed_out] {
      finished(timed_out ? "shell command timed out" : "");
    });
  }
  for (auto* s : {&step_, &poll_})
    if (*s && (*s)->at <= t) {
      auto f = std::move((*s)->f);
      s->reset();
      f();
    }
}

// The case's side of the one loop of virtual time (engine/sim/sim_loop). A case with no timer
// left is over (its poll timer keeps it alive while it runs).
class SimCaseHost::Owner final : public sim::LoopOwner {
 public:
  explicit Owner(SimCaseHost& host) : host_(host) {}
  bool done() const override { return host_.finished_ || (host_.posted_.empty() && !host_.next_own()); }
  bool run_posted() override { return host_.posted_.run_next(); }
  std::optional<Time> next_own() const override { return host_.next_own(); }
  void fire_due(Time) override { host_.fire_due(); }

 private:
  SimCaseHost& host_;
};

void SimCaseHost::run() {
  Owner owner(*this);
  sim::run_loop(bench_.net(), owner);
}

std::optional<std::string> SimCaseHost::start_tester(const TesterSetup& setup,
                                                     std::vector<net::Endpoint>& local) {
  stop_tester();
  if (!setup.restart)
    for (auto& l : local)
      if (l.port == 0) l.port = bench_.next_port();
  auto& net = bench_.net();
  driver_ = &net.add_driver(local.front(), setup.node, setup.seed);
  Node& node = driver_->node();
  for (std::size_t i = 1; i < local.size(); ++i) net.add_address(node, local[i]);
  tap_ = setup.tap;
  net.set_wire_hook(node, [this](WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst,
                                 Bytes bytes, Time at) { tee(dir, src, dst, bytes, at); });
  if (setup.filter) driver_->set_filter(setup.filter);
  if (setup.make_ppp) driver_->set_ppp(setup.make_ppp());
  bench_.tester_events_ = [this, hook = setup.on_event, tester = &node](Node& n, const NodeEvent& ev) {
    if (&n == tester && hook) hook(n, ev, now());
  };
  return std::nullopt;
}

void SimCaseHost::stop_tester() {
  if (!driver_) return;
  bench_.tester_events_ = nullptr;
  bench_.net().remove_driver(driver_->node());
  driver_ = nullptr;
}

void SimCaseHost::act(const std::function<void(Node&, Time)>& f) {
  if (!driver_) return;
  f(driver_->node(), now());
  bench_.net().pump(driver_->node());
}

void SimCaseHost::inject(const net::Endpoint& from, const net::Endpoint& to, Bytes bytes) {
  if (driver_) bench_.net().inject(driver_->node(), from, to, bytes);
}

std::unique_ptr<Authorizer> SimCaseHost::make_authorizer(const peers::RunnerConfig& cfg, Rng& rng,
                                                         std::string& error) {
  if (!cfg.authorizer_shareable) {
    error = "RADIUS needs the network: it cannot run in virtual time";
    return nullptr;
  }
  return cfg.make_authorizer(idle_io_, rng);
}

std::optional<std::string> SimCaseHost::cannot_run(const Shell& sh) const {
  if (does_nothing(sh.command)) return std::nullopt;
  if (sh.command == bench_.trigger() && bench_.dut().role() == Role::Lac) return std::nullopt;
  return "not applicable in virtual time: shell step '" + sh.command +
         "' runs a command on this machine, which a simulated run cannot (only ${trigger}, which makes the "
         "simulated LAC dial, and true can)";
}

void SimCaseHost::start_shell(const Shell& sh, std::function<void(std::string)> finished) {
  if (sh.command == bench_.trigger() && bench_.dut().role() == Role::Lac) {
    bench_.dut().dial();
    if (!sh.background) {
      shell_deadline_ = now() + sh.timeout;
      shell_finished_ = std::move(finished);
      return;
    }
  } else if (!does_nothing(sh.command)) {
    post([finished = std::move(finished)] { finished("shell: not run in virtual time"); });
    return;
  }
  post([finished = std::move(finished)] { finished(""); });
}

void SimCaseHost::tee(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
                      Time at) {
  std::uint64_t frame = ++frames_;
  if (env_.pcap) {
    // Virtual timestamps: the pcap shows the run as the simulation timed it.
    env_.pcap->write(at.time_since_epoch().count(), src, dst, bytes);
    frame = env_.pcap->stats().written;
  }
  if (tap_) tap_->on_wire(WireDatagram{dir, src, dst, bytes, frame, at});
}

}  // namespace l2tp::scenario
