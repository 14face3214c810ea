// The LAC role: N tunnels to one LNS, M incoming calls (ICRQ) per tunnel, opened all at once
// or paced at --setup-rate calls per second. Call k goes to tunnel k mod N, so every tunnel
// comes up early and carries its share; tunnels take the local addresses round-robin. With
// --proxy-auth every ICCN carries proxy LCP and authentication (RFC 2661 4.4.5).
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <ostream>

#include "engine/ppp/proxy.hpp"
#include "peers/runner.hpp"
#include "peers/sharded_run.hpp"

namespace l2tp::peers {

namespace {

class LacRunner final : public Runner {
 public:
  LacRunner(const RunnerConfig& cfg, std::ostream& out, std::ostream& err)
      : Runner(cfg, "lac", out, err),
        pace_(io_),
        total_(std::uint64_t{cfg.tunnels} * cfg.sessions_per_tunnel),
        tunnel_ids_(cfg.tunnels) {}

 protected:
  std::optional<std::string> bind_sockets() override {
    for (std::size_t i = 0; i < cfg_.local.size(); ++i) {
      const auto& local = cfg_.local[i];
      auto bound = shard_.bind(local);
      if (!bound && i < cfg_.local_port_preferred.size() && cfg_.local_port_preferred[i]) {
        // Port 1701 is only preferred: taken (another LAC, an LNS on the same address), an
        // ephemeral port does, but an LNS that answers only port 1701 will stay silent.
        net::Endpoint any = local;
        any.port = 0;
        const std::string error = bound.error();
        const auto colon = error.rfind(": ");  // "cannot bind UDP ADDR:PORT: what the kernel said"
        const std::string why = colon == std::string::npos ? error : error.substr(colon + 2);
        bound = shard_.bind(any);
        if (bound)
          err_ << "l2tpsim lac: note: UDP port " << local.port << " on " << local.addr.to_string()
               << " is not free (" << why << "); sending from " << bound->to_string()
               << " instead (an LNS that answers only port " << local.port << " will not answer)\n";
      }
      if (!bound) return "--local-address: " + bound.error();
      locals_.push_back(*bound);
    }
    return std::nullopt;
  }

  void start(Node& node, Time now) override {
    if (standalone()) print_banner();
    if (total_ == 0) {  // tunnels only
      for (unsigned i = 0; i < cfg_.tunnels; ++i) open_tunnel(node, i, now);
      return;
    }
    if (cfg_.setup_rate <= 0) {
      open_calls(node, total_, now);
      return;
    }
    pace_start_ = now;
    open_calls(node, 1, now);
    arm_pace();
  }

  void print_banner() {
    err_ << "l2tpsim lac: " << cfg_.tunnels << " tunnel(s) x " << cfg_.sessions_per_tunnel
         << " session(s) to " << cfg_.connect_to.to_string() << " from";
    for (const auto& l : locals_) err_ << " " << l.to_string();
    err_ << "\n" << std::flush;
  }

  void stop_setup() override {
    pacing_stopped_ = true;
    pace_.cancel();
  }

  bool setup_complete() const override {
    const bool all_opened = total_ == 0 ? tunnels_opened_ == cfg_.tunnels : opened_ == total_;
    return all_opened && stats_.sessions_pending() == 0 && stats_.tunnels_pending() == 0 &&
           (!ppp_ || ppp_->negotiating() == 0);
  }

  // Every tunnel has come up or failed, and none is up any more (they failed, or the LNS
  // cleared them): nothing is left to wait for.
  bool finished_by_itself() const override { return setup_complete() && stats_.tunnels_up_now() == 0; }

  void extend_json(nlohmann::json& j) const override {
    j["connect_to"] = cfg_.connect_to.to_string();
    j["tunnels_requested"] = cfg_.tunnels;
    j["sessions_requested"] = total_;
    j["sessions_per_tunnel"] = cfg_.sessions_per_tunnel;
    j["requested_setup_rate"] = cfg_.setup_rate;
  }

 private:
  void open_tunnel(Node& node, unsigned i, Time now) {
    ++tunnels_opened_;
    const TunnelId id = node.open_tunnel(locals_[i % locals_.size()], cfg_.connect_to, now);
    tunnel_ids_[i] = id;
    if (id.value != 0) {
      stats_.tunnel_attempted(id);
    } else {
      ++stats_.tunnels_attempted;
      ++stats_.tunnels_failed;
      stats_.add_failure(Failure{id, std::nullopt, "not-opened", false, std::nullopt,
                                 "no free Tunnel ID or the tunnel limit is reached"});
    }
  }

  void open_calls(Node& node, std::uint64_t count, Time now) {
    for (; count > 0 && opened_ < total_; --count, ++opened_) {
      const auto t = static_cast<unsigned>(opened_ % cfg_.tunnels);
      if (opened_ < cfg_.tunnels) open_tunnel(node, t, now);  // first call of this tunnel
      const TunnelId tid = tunnel_ids_[t];
      if (tid.value == 0) {
        stats_.session_refused(tid, "its tunnel could not be opened", now);
        continue;
      }
      if (auto sid = node.open_session(tid, now, proxy_for(opened_ + 1, tid)))
        stats_.session_attempted(tid, *sid, now);
      else
        stats_.session_refused(tid, "the tunnel is gone, going down, or at its session limit", now);
    }
  }

  // --proxy-auth: the LCP negotiation and authentication this LAC did for call `n` (1-based),
  // sent in its ICCN (RFC 2661 4.4.5). The name is fixed before the Session ID is known, so
  // {session} in --user is refused by the options.
  std::optional<session::ProxyPpp> proxy_for(std::uint64_t n, TunnelId tid) {
    if (!cfg_.ppp.enabled || !cfg_.ppp.link.proxy_auth) return std::nullopt;
    auto p =
        ppp::make_proxy_ppp(cfg_.ppp.link, expand_user(cfg_.ppp.user, call_number(cfg_.ppp, n), tid.value, 0),
                            cfg_.ppp.password, ppp_rng_);
    if (!p) return std::nullopt;  // the options checked the methods; nothing to proxy otherwise
    return std::move(*p);
  }

  void arm_pace() {
    // Ticks of 1/rate, between 2 ms and 100 ms; each opens what is due since the start.
    const double interval = std::clamp(1.0 / cfg_.setup_rate, 0.002, 0.1);
    pace_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(interval)));
    pace_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || pacing_stopped_) return;
      shard_.act([this](Node& node, Time now) {
        const double due = std::floor(cfg_.setup_rate * to_seconds(now - pace_start_)) + 1;
        const auto target = std::min<std::uint64_t>(total_, static_cast<std::uint64_t>(due));
        if (target > opened_) open_calls(node, target - opened_, now);
      });
      if (opened_ < total_) arm_pace();
    });
  }

  boost::asio::steady_timer pace_;
  std::uint64_t total_;
  std::uint64_t opened_ = 0;
  unsigned tunnels_opened_ = 0;
  std::vector<TunnelId> tunnel_ids_;
  std::vector<net::Endpoint> locals_;
  Time pace_start_{};
  bool pacing_stopped_ = false;
};

}  // namespace

int run_lac(const RunnerConfig& cfg, std::ostream& out, std::ostream& err) {
  return run_role<LacRunner>(cfg, "lac", out, err);
}

}  // namespace l2tp::peers
