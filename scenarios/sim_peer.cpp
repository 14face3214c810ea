// l2tpsim's own LAC or LNS on a SimNet. See sim_peer.hpp.
#include "scenarios/sim_peer.hpp"

#include "engine/ppp/proxy.hpp"

namespace l2tp::scenario {

namespace {

// As peers/runner.cpp clears them at the end of a run.
const ResultInfo kAdminCdn{3, std::nullopt, "administrative teardown"};
const ResultInfo kRunFinished{1, std::nullopt, "run finished"};

}  // namespace

std::optional<std::string> sim_needs_machine(const peers::RunnerConfig& cfg) {
  if (cfg.ppp.enabled && cfg.make_authorizer && !cfg.authorizer_shareable)
    return std::string("RADIUS needs the network: it cannot run in virtual time");
  if (cfg.ipsec.settings.enabled()) return std::string("IPsec: --use-ipsec needs the kernel and charon");
  if (cfg.ppp.enabled && !cfg.ppp.tun.empty()) return std::string("--tun needs the kernel");
  return std::nullopt;
}

std::optional<std::string> sim_unsupported(Role role, const peers::RunnerConfig& cfg) {
  if (auto why = sim_needs_machine(cfg)) return why;
  if (role == Role::Lac &&
      (cfg.setup_rate > 0 || cfg.ramp || cfg.max_outstanding || cfg.tunnels_on_demand || cfg.churn.active()))
    return std::string(
        "the LAC's load shaping (--setup-rate, --ramp, --max-outstanding, --sessions-per-tunnel, "
        "churn) is not simulated: its calls open at once");
  return std::nullopt;
}

SimPeer::SimPeer(sim::SimNet& net, Role role, const peers::RunnerConfig& cfg,
                 std::function<std::uint16_t()> next_port)
    : net_(net),
      role_(role),
      cfg_(cfg),
      next_port_(std::move(next_port)),
      ppp_rng_(cfg.seed ^ 0x5050505050505050ULL) {
  if (cfg_.ppp.enabled && cfg_.make_authorizer) authorizer_ = cfg_.make_authorizer(idle_io_, ppp_rng_);
  if (role_ == Role::Lns) start_driver();
}

SimPeer::~SimPeer() {
  if (driver_) net_.remove_driver(driver_->node());
}

void SimPeer::start_driver() {
  local_ = cfg_.local;
  for (auto& l : local_)
    if (l.port == 0) l.port = next_port_();
  // Each run of `l2tpsim lac` draws its own random numbers (a new process, a new seed).
  const std::uint64_t seed = cfg_.seed ^ (0x9E3779B97F4A7C15ULL * runs_);
  driver_ = &net_.add_driver(local_.front(), cfg_.node, seed);
  for (std::size_t i = 1; i < local_.size(); ++i) net_.add_address(driver_->node(), local_[i]);
  if (cfg_.ppp.enabled) {
    const auto role = role_ == Role::Lac ? ppp::Role::Client : ppp::Role::Server;
    driver_->set_ppp(std::make_unique<PppLayer>(cfg_.ppp, role, ppp_rng_, authorizer_.get()));
    PppLayer* layer = driver_->ppp();
    layer->on_later_decision([this, layer](LinkKey key, Decision d) {
      if (!driver_ || driver_->ppp() != layer) return;
      layer->decided(driver_->node(), key, d, net_.now());
      net_.pump(driver_->node());
    });
  }
}

void SimPeer::dial() {
  if (role_ != Role::Lac) return;
  hang_up();
  ++runs_;
  finished_ = false;
  start_driver();
  Node& node = driver_->node();
  const Time now = net_.now();
  for (unsigned i = 0; i < cfg_.tunnels; ++i)
    tunnels_.push_back(node.open_tunnel(local_[i % local_.size()], cfg_.connect_to, now));
  open_calls(node, now);
  if (cfg_.duration) teardown_at_ = now + *cfg_.duration;
  net_.pump(node);
}

// Call k on tunnel k mod N, all at once (the runner's order without a setup rate); a call waits
// for its tunnel.
void SimPeer::open_calls(Node& node, Time now) {
  const std::uint64_t total = std::uint64_t{cfg_.tunnels} * cfg_.sessions_per_tunnel;
  for (std::uint64_t k = 0; k < total; ++k) {
    const TunnelId tid = tunnels_[k % tunnels_.size()];
    ++calls_made_;
    std::optional<session::ProxyPpp> proxy;
    if (cfg_.ppp.enabled && cfg_.ppp.link.proxy_auth)
      if (auto p = ppp::make_proxy_ppp(
              cfg_.ppp.link, expand_user(cfg_.ppp.user, call_number(cfg_.ppp, calls_made_), tid.value, 0),
              cfg_.ppp.password, ppp_rng_))
        proxy = std::move(*p);
    node.open_session(tid, now, std::move(proxy));
  }
}

void SimPeer::hang_up() {
  if (role_ != Role::Lac || !driver_) return;
  net_.remove_driver(driver_->node());
  driver_ = nullptr;
  tunnels_.clear();
  up_.clear();
  teardown_at_.reset();
}

void SimPeer::on_event(Node& node, const NodeEvent& ev, Time) {
  if (const auto* u = std::get_if<SessionUp>(&ev.event.body)) {
    up_.push_back({ev.tunnel, u->local});
  } else if (const auto* d = std::get_if<SessionDown>(&ev.event.body)) {
    std::erase_if(up_, [&](const auto& p) { return p.first == ev.tunnel && p.second == d->local; });
  } else if (std::holds_alternative<TunnelDown>(ev.event.body) && role_ == Role::Lac) {
    // Every tunnel of the run gone: `l2tpsim lac` has nothing left to wait for and ends.
    bool any = false;
    node.for_each_tunnel([&](const tunnel::Tunnel& t) {
      using S = tunnel::TunnelState;
      any = any || t.state() == S::WaitCtlReply || t.state() == S::Established || t.state() == S::WaitCtlConn;
    });
    if (!any) {
      finished_ = true;
      teardown_at_.reset();
    }
  }
}

void SimPeer::on_time(Time now) {
  if (!teardown_at_ || *teardown_at_ > now || !driver_) return;
  teardown_at_.reset();
  teardown(driver_->node(), now);
  net_.pump(driver_->node());
}

// The runner's teardown at --duration: PPP ends, a CDN for every call that is up, then a StopCCN
// for every tunnel.
void SimPeer::teardown(Node& node, Time now) {
  if (PppLayer* ppp = driver_->ppp()) ppp->stop_all(now);
  const auto open = up_;
  for (const auto& [t, s] : open) node.close_session(t, s, kAdminCdn, now);
  node.close_all(kRunFinished, now);
}

}  // namespace l2tp::scenario
