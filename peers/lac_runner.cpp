// The LAC role: N tunnels to one LNS, M incoming calls (ICRQ) per tunnel, opened all at once
// or paced (peers/setup_pacer.hpp: --setup-rate or --ramp, evenly over each second, at most
// --max-outstanding in setup). Call k goes to tunnel k mod N, so every tunnel comes up early and
// carries its share; with --sessions-per-tunnel the tunnels open one by one instead, each when
// the calls need it. Tunnels take the local addresses round-robin. With churn
// (peers/session_churn.hpp: --session-lifetime, --flap) calls are cleared while the run goes
// on and dialled again after --redial-delay, through the same pacer; a tunnel the peer cleared
// is opened again when a call needs it. With --proxy-auth every ICCN carries proxy LCP and
// authentication (RFC 2661 4.4.5).
#include <algorithm>
#include <cmath>
#include <memory>
#include <ostream>
#include <set>

#include "engine/ppp/proxy.hpp"
#include "peers/runner.hpp"
#include "peers/sharded_run.hpp"

namespace l2tp::peers {

namespace {

// A call cleared by its --session-lifetime, by a --flap (a line drop: CDN Result Code 1, lost
// carrier, RFC 2661 4.4.2), or by LCP as a user hanging up (then CDN 3). A --flap-kind
// lcp-restart or ipcp-restart clears nothing: PppLayer::restart_link renegotiates in place.
const ResultInfo kLifetimeCdn{3, std::nullopt, "session lifetime over"};
const ResultInfo kFlapCdn{1, std::nullopt, "flap (l2tpsim --flap)"};

class LacRunner final : public Runner {
 public:
  LacRunner(const RunnerConfig& cfg, std::ostream& out, std::ostream& err,
            std::unique_ptr<RunHost> host = nullptr)
      : Runner(cfg, "lac", out, err, std::move(host)),
        total_(std::uint64_t{cfg.tunnels} * cfg.sessions_per_tunnel),
        slots_(cfg.tunnels),
        reopen_(cfg.tunnels_on_demand || cfg.churn.active()) {
    for (unsigned i = 0; i < cfg.tunnels; ++i) with_room_.insert(i);
    stats_.ipsec = cfg.ipsec.settings.enabled();
    stats_.ipsec_latency = cfg.ipsec.setup_latency;
  }

 protected:
  std::optional<std::string> bind_sockets() override {
    for (std::size_t i = 0; i < cfg_.local.size(); ++i) {
      const auto& local = cfg_.local[i];
      auto bound = host_.bind(local, false);
      if (!bound && i < cfg_.local_port_preferred.size() && cfg_.local_port_preferred[i]) {
        // Port 1701 is only preferred: taken (another LAC, an LNS on the same address), an
        // ephemeral port does, but an LNS that answers only port 1701 will stay silent.
        net::Endpoint any = local;
        any.port = 0;
        const std::string error = bound.error();
        const auto colon = error.rfind(": ");  // "cannot bind UDP ADDR:PORT: what the kernel said"
        const std::string why = colon == std::string::npos ? error : error.substr(colon + 2);
        bound = host_.bind(any, false);
        if (bound)
          err_ << "l2tpsim lac: note: UDP port " << local.port << " on " << local.addr.to_string()
               << " is not free (" << why << "); sending from " << bound->to_string()
               << " instead (an LNS that answers only port " << local.port << " will not answer)\n";
      }
      if (!bound) return "--local-address: " + bound.error();
      locals_.push_back(*bound);
    }
    if (cfg_.make_filter) {
      filter_ = cfg_.make_filter();
      host_.set_filter(filter_.get());
    }
    return std::nullopt;
  }

  void start(Node& node, Time now) override {
    if (standalone()) print_banner();
    if (total_ == 0) {  // tunnels only
      for (unsigned i = 0; i < cfg_.tunnels; ++i) open_tunnel(node, i, now);
      return;
    }
    const RateProfile profile = cfg_.ramp ? *cfg_.ramp : RateProfile::constant(cfg_.setup_rate);
    pacer_.emplace(profile, cfg_.max_outstanding, now);
    host_.on_deadline([this](Node& n, Time t) { on_pace(n, t); });
    if (cfg_.churn.active()) churn_.emplace(cfg_.churn, cfg_.seed, now);
    if (churn_ && ppp_)
      // With PPP a call is up for its user once its link is: its lifetime counts from there (from
      // the L2TP session up, a short lifetime under loss cut negotiations the LNS counted failed).
      ppp_->on_link_up([this](LinkKey k, Time at) {
        churn_->up(k.value(), at);
        if (!pacing_stopped_) arm(at);
      });
    service(node, now);
    arm(now);
  }

  void print_banner() {
    err_ << "l2tpsim lac: " << cfg_.tunnels << " tunnel(s) x " << cfg_.sessions_per_tunnel
         << " session(s) to " << cfg_.connect_to.to_string() << " from";
    for (const auto& l : locals_) err_ << " " << l.to_string();
    err_ << "\n" << std::flush;
  }

  void handle_event(Node&, const NodeEvent& ev, Time now) override {
    if (total_ == 0) return;
    const TunnelId tid = ev.tunnel;
    if (const auto* up = std::get_if<SessionUp>(&ev.event.body)) {
      if (churn_ && !ppp_) churn_->up(key(tid, up->local), now);
    } else if (const auto* down = std::get_if<SessionDown>(&ev.event.body)) {
      if (const auto slot = slot_of_.find(tid.value); slot && slots_[*slot].calls > 0) {
        --slots_[*slot].calls;
        with_room_.insert(*slot);
      }
      if (churn_) churn_->ended(key(tid, down->local), now);
    } else if (std::holds_alternative<TunnelDown>(ev.event.body)) {
      if (const auto slot = slot_of_.erase(tid.value); slot && reopen_) {
        // Opened again when a call needs it (on demand, or a redial after the peer cleared it).
        slots_[*slot] = Slot{};
        with_room_.insert(*slot);
      }
    } else {
      return;
    }
    // Something may be due sooner now (a redial); never from inside the drain: only the timer.
    if (!pacing_stopped_) arm(now);
  }

  std::optional<std::string> control_setup_rate(double calls_per_s) override {
    if (pacing_stopped_) return std::string("setup is stopped (POST /control/stop-setup or the teardown)");
    if (!pacer_) return std::string("this run opens no calls (--sessions 0): it has no setup rate");
    Time at{};
    host_.act([&](Node&, Time now) {
      pacer_->set_rate(calls_per_s, now);
      at = now;
    });
    arm(at);  // sooner, when the new rate is faster
    return std::nullopt;
  }

  void stop_setup() override {
    pacing_stopped_ = true;
    armed_.reset();
    host_.set_deadline(std::nullopt);
    if (churn_) churn_->stop();
  }

  bool setup_complete() const override {
    if (total_ == 0) return tunnels_opened_ >= cfg_.tunnels && stats_.tunnels_pending() == 0;
    if (opened_ < total_) return false;
    if (churn_) {
      // Calls come and go for as long as the run lasts: setup is complete once as many calls as
      // asked for have come up or failed (with PPP: their links).
      const auto settled = stats_.sessions_established + stats_.sessions_failed;
      const bool ppp_settled = !ppp_ || ppp_->counters().up + ppp_->counters().failed >= total_;
      return settled >= total_ && ppp_settled;
    }
    return stats_.sessions_pending() == 0 && stats_.tunnels_pending() == 0 &&
           (!ppp_ || ppp_->negotiating() == 0);
  }

  // Every tunnel has come up or failed, and none is up any more (they failed, or the LNS
  // cleared them): nothing is left to wait for. A churning run waits for its --duration.
  bool finished_by_itself() const override {
    return !churn_ && setup_complete() && stats_.tunnels_up_now() == 0;
  }

  void extend_json(nlohmann::json& j) const override {
    j["connect_to"] = cfg_.connect_to.to_string();
    j["tunnels_requested"] = cfg_.tunnels;
    j["sessions_requested"] = total_;
    j["sessions_per_tunnel"] = cfg_.sessions_per_tunnel;
    j["requested_setup_rate"] = cfg_.setup_rate;
    if (!cfg_.ipsec.report.is_null()) j["ipsec"] = cfg_.ipsec.report;
    j["ramp"] = cfg_.ramp ? nlohmann::json(cfg_.ramp->to_string()) : nlohmann::json(nullptr);
    j["max_outstanding"] = cfg_.max_outstanding;
    j["tunnels_on_demand"] = cfg_.tunnels_on_demand;
    if (cfg_.churn.active()) {
      const auto& c = cfg_.churn;
      j["churn"] = {{"session_lifetime",
                     c.lifetime ? nlohmann::json(c.lifetime->to_string()) : nlohmann::json(nullptr)},
                    {"redial_delay_s", to_seconds(c.redial_delay)},
                    {"flap_rate", c.flap_rate},
                    {"flap_kind", to_string(c.flap_kind)},
                    {"lifetimes_ended", churn_ ? churn_->expired() : 0},
                    {"flaps", churn_ ? churn_->flaps() : 0},
                    {"redials", redials_}};
      // Per kind (the in-place restarts' outcome and time are PPP's: ppp.restarts).
      nlohmann::json by_kind = nlohmann::json::object();
      for (std::size_t i = 0; i < SessionChurn::kFlaps; ++i) {
        const auto f = static_cast<SessionChurn::Flap>(i);
        by_kind[SessionChurn::name(f)] = churn_ ? churn_->flaps(f) : 0;
      }
      j["churn"]["flaps_by_kind"] = std::move(by_kind);
    }
  }

 private:
  struct Slot {
    TunnelId id{};            // 0: not open (yet, or any more)
    std::uint32_t calls = 0;  // calls opened on it and not ended
  };

  static SessionChurn::Key key(TunnelId t, SessionId s) { return std::uint32_t{t.value} << 16 | s.value; }

  void open_tunnel(Node& node, unsigned i, Time now) {
    ++tunnels_opened_;
    const auto& local = locals_[i % locals_.size()];
    // --use-ipsec: no SA from this address, no L2TP from it (phase ipsec, with charon's reason).
    const std::string* ipsec_failed = cfg_.ipsec.failure_for(local.addr);
    const TunnelId id = ipsec_failed ? TunnelId{} : node.open_tunnel(local, cfg_.connect_to, now);
    slots_[i] = Slot{id, 0};
    if (id.value != 0) {
      slot_of_.set(id.value, i);
      stats_.tunnel_attempted(id);
    } else {
      ++stats_.tunnels_attempted;
      ++stats_.tunnels_failed;
      stats_.add_failure(
          Failure{id, std::nullopt, ipsec_failed ? "ipsec" : "not-opened", false, std::nullopt,
                  ipsec_failed ? *ipsec_failed : "no free Tunnel ID or the tunnel limit is reached"});
    }
  }

  // The tunnel for the next call: round-robin over all of them for the first calls of a plain
  // run; else the first with room, opened when it is not.
  std::optional<unsigned> place_call(Node& node, Time now) {
    unsigned t = 0;
    if (!cfg_.tunnels_on_demand && opened_ < total_ && redialling_ == 0) {
      t = static_cast<unsigned>(opened_ % cfg_.tunnels);
      // The first call of this tunnel, or (churning) the first since the peer cleared it.
      if (opened_ < cfg_.tunnels || (reopen_ && slots_[t].id.value == 0)) open_tunnel(node, t, now);
    } else {
      if (with_room_.empty()) return std::nullopt;
      t = *with_room_.begin();
      if (slots_[t].id.value == 0 && (reopen_ || tunnels_opened_ < cfg_.tunnels)) open_tunnel(node, t, now);
    }
    return t;
  }

  // Opens one call: an initial one (opened_ < total_) or a redial.
  void open_call(Node& node, Time now) {
    const auto t = place_call(node, now);
    ++calls_made_;
    if (!t) {
      stats_.session_refused(TunnelId{}, "every tunnel is at --sessions-per-tunnel", now);
      return;
    }
    Slot& slot = slots_[*t];
    const TunnelId tid = slot.id;
    if (tid.value == 0) {
      if (const std::string* why = cfg_.ipsec.failure_for(locals_[*t % locals_.size()].addr))
        stats_.session_refused(tid, "no IPsec SA from its source: " + *why, now, FailPhase::Ipsec);
      else
        stats_.session_refused(tid, "its tunnel could not be opened", now);
      return;
    }
    if (auto sid = node.open_session(tid, now, proxy_for(calls_made_, tid))) {
      stats_.session_attempted(tid, *sid, now);
      if (++slot.calls >= cfg_.sessions_per_tunnel) with_room_.erase(*t);
    } else {
      stats_.session_refused(tid, "the tunnel is gone, going down, or at its session limit", now);
    }
  }

  // What is due: lifetimes over, flaps, then new calls and redials as the pacer allows.
  void service(Node& node, Time now) {
    if (churn_) {
      while (auto k = churn_->pop_expired(now)) clear(node, *k, now, false);
      // A flap hits a call that is up: with PPP, its link too (one still negotiating would count
      // as a PPP failure the run caused itself).
      const auto link_up = [this](SessionChurn::Key k) {
        return ppp_->is_up(
            LinkKey{static_cast<std::uint16_t>(k >> 16), static_cast<std::uint16_t>(k & 0xFFFF)});
      };
      while (auto f = churn_->pop_flap(now, ppp_ != nullptr,
                                       ppp_ ? std::function<bool(SessionChurn::Key)>(link_up) : nullptr)) {
        const auto [k, how] = *f;
        if (SessionChurn::in_place(how)) {
          // The call stays: its PPP renegotiates (counted by the layer, a failure if it does not
          // come back up); it was drawn as up, so the restart takes.
          ppp_->restart_link(
              node, LinkKey{static_cast<std::uint16_t>(k >> 16), static_cast<std::uint16_t>(k & 0xFFFF)},
              how == SessionChurn::Flap::LcpRestart ? ppp::Renegotiation::Lcp : ppp::Renegotiation::Ipcp,
              now);
          continue;
        }
        clear(node, k, now, how == SessionChurn::Flap::Lcp, &kFlapCdn);
      }
    }
    const std::uint64_t initial = total_ - opened_;
    const std::uint64_t redials = churn_ ? churn_->redials_due(now) : 0;
    const std::uint64_t outstanding = stats_.sessions_pending() + (ppp_ ? ppp_->negotiating() : 0);
    std::uint64_t n = pacer_->take(now, initial + redials, outstanding);
    for (; n > 0 && opened_ < total_; --n, ++opened_) open_call(node, now);
    if (n > 0 && churn_) {
      churn_->take_redials(n);
      redials_ += n;
      redialling_ = n;
      for (; n > 0; --n) open_call(node, now);
      redialling_ = 0;
    }
  }

  // Clears one call that is up: by LCP (Terminate-Request, then CDN) when asked and there is a
  // link, else by CDN.
  void clear(Node& node, SessionChurn::Key k, Time now, bool by_lcp, const ResultInfo* cdn = nullptr) {
    const TunnelId tid{static_cast<std::uint16_t>(k >> 16)};
    const SessionId sid{static_cast<std::uint16_t>(k & 0xFFFF)};
    if (by_lcp && ppp_ && ppp_->close_link(node, LinkKey{tid.value, sid.value}, now, "l2tpsim --flap"))
      return;
    if (!by_lcp && ppp_ && cdn == nullptr &&
        ppp_->close_link(node, LinkKey{tid.value, sid.value}, now, "session lifetime over"))
      return;
    node.close_session(tid, sid, cdn ? *cdn : kLifetimeCdn, now);
  }

  // The pace deadline: at the pacer's interval while calls wait to be opened, else at the next
  // lifetime end, flap or redial; brought forward when an event brings something forward. The
  // shard's timer serves it (Shard::set_deadline), on the batch grid: the wake-up that reads
  // the answers opens the next calls, and one flush sends both.
  void arm(Time now) {
    if (pacing_stopped_ || !pacer_) return;
    std::optional<Time> next;
    if (opened_ < total_ || (churn_ && churn_->redials_due(now) > 0)) next = now + pacer_->interval(now);
    if (churn_)
      if (const auto t = churn_->next_due(); t && (!next || *t < *next))
        // Already due: a redial the pacer has no slot for yet (service() just ran). At the pacer's
        // next slot, not now again: in virtual time that would hold the clock still for ever, on
        // sockets it woke the shard on every tick of the batch grid for nothing.
        next = *t > now ? *t : now + pacer_->interval(now);
    if (!next) return;
    next = host_.align(*next);
    if (armed_ && *armed_ <= *next) return;
    armed_ = next;
    host_.set_deadline(next);
  }

  // The shard's deadline fell due (inside its handler, before its drain).
  void on_pace(Node& node, Time now) {
    armed_.reset();
    if (pacing_stopped_) return;
    service(node, now);
    arm(now);
    end_if_finished();
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

  std::uint64_t total_;
  std::uint64_t opened_ = 0;      // initial calls opened (of total_)
  std::uint64_t calls_made_ = 0;  // every call opened or attempted, redials included
  std::uint64_t redials_ = 0;
  std::uint64_t redialling_ = 0;  // inside service(): the calls being opened are redials
  unsigned tunnels_opened_ = 0;
  std::vector<Slot> slots_;
  std::set<unsigned> with_room_;  // slots with fewer calls than --sessions(-per-tunnel)
  FlatKeyMap slot_of_;            // our Tunnel ID -> slot
  bool reopen_;
  std::vector<net::Endpoint> locals_;
  std::optional<SetupPacer> pacer_;
  std::optional<SessionChurn> churn_;
  std::optional<Time> armed_;  // the deadline given to the shard
  bool pacing_stopped_ = false;
  std::shared_ptr<DatagramFilter> filter_;  // cfg_.make_filter's, in the shard
};

}  // namespace

int run_lac(const RunnerConfig& cfg, std::ostream& out, std::ostream& err) {
  return run_role<LacRunner>(cfg, "lac", out, err);
}

std::unique_ptr<Runner> make_lac_runner(const RunnerConfig& cfg, std::ostream& out, std::ostream& err,
                                        std::unique_ptr<RunHost> host) {
  return std::make_unique<LacRunner>(cfg, out, err, std::move(host));
}

}  // namespace l2tp::peers
