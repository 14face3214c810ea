// One case's logic: its timeline of steps, the node's events, the teardown. See case_run.hpp;
// the expectations and the verdict are in case_evaluate.cpp.
#include "scenarios/case_run.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>

#include "engine/sim/sim_loop.hpp"
#include "engine/wire/rules.hpp"
#include "scenarios/case_util.hpp"
#include "scenarios/live_send.hpp"

namespace l2tp::scenario {

namespace {

constexpr auto kPoll = std::chrono::milliseconds(50);

}  // namespace

CaseRun::CaseRun(const Scenario& s, Role tester, const peers::RunnerConfig& cfg, const CaseEnv& env,
                 CaseHost& host)
    : s_(s),
      tester_(tester),
      cfg_(cfg),
      env_(env),
      host_(host),
      log_(env.secret, env.earlier_tunnel),
      tap_(log_, env.pcap == nullptr),
      ppp_rng_(cfg.seed ^ 0x5050505050505050ULL) {}

reports::Evidence CaseRun::evidence_of(const WireEntry& e) const {
  return {e.frame, since(e.at, env_.run_start), e.summary};
}

void CaseRun::say(const std::string& line) const {
  if (env_.progress) *env_.progress << "    " << line << "\n" << std::flush;
}

net::Endpoint CaseRun::peer_endpoint() const {
  if (tester_ == Role::Lac) return cfg_.connect_to;
  for (auto it = log_.entries().rbegin(); it != log_.entries().rend(); ++it)
    if (it->from_peer) return it->src;
  return cfg_.connect_to;
}

std::optional<std::string> CaseRun::start_tester(std::uint64_t seed, bool restart) {
  TesterSetup setup;
  setup.node = cfg_.node;
  setup.seed = seed;
  setup.tap = &tap_;
  setup.filter = wire_filter_;
  setup.restart = restart;
  if (cfg_.ppp.enabled) {
    if (cfg_.make_authorizer && !authorizer_) {
      std::string error;
      authorizer_ = host_.make_authorizer(cfg_, ppp_rng_, error);
      if (!authorizer_) return error;
    }
    setup.make_ppp = [this] {
      const auto role = tester_ == Role::Lac ? ppp::Role::Client : ppp::Role::Server;
      auto layer = std::make_unique<PppLayer>(cfg_.ppp, role, ppp_rng_, authorizer_.get());
      ppp_ = layer.get();
      // A decision about a link of a layer a restart has replaced is for a forgotten call.
      ppp_->on_later_decision([this, layer = ppp_](LinkKey key, Decision d) {
        if (layer != ppp_) return;
        host_.act([&](Node& node, Time now) { ppp_->decided(node, key, d, now); });
      });
      return layer;
    };
  }
  setup.on_event = [this](Node&, const NodeEvent& ev, Time now) { on_event(ev, now); };
  return host_.start_tester(setup, cfg_.local);
}

// The old driver sends nothing more; its node, with every tunnel and call, is forgotten. The
// new one takes the same (bound) addresses and ports. Its node counts tunnel IDs from 1 again,
// as a rebooted peer may; its random numbers come from another seed.
void CaseRun::restart() {
  sync_ppp(host_.now());
  ppp_ = nullptr;
  ppp_up_seen_ = ppp_failed_seen_ = auth_failed_seen_ = 0;
  if (filter_) filter_->forget();
  // New Tunnel IDs past the old ones: a restarted peer's SCCRQ must not look like a
  // retransmission of its old tunnel's.
  for (const auto t : tunnels_)
    if (t.value >= cfg_.node.first_tunnel_id)
      cfg_.node.first_tunnel_id = static_cast<std::uint16_t>(t.value + 1);
  tunnels_.clear();
  sessions_.clear();
  ++restarts_;
  if (auto error = start_tester(cfg_.seed ^ (0x9E3779B97F4A7C15ULL * restarts_), true))
    inconclusive("restart: " + *error);
}

// The IPsec phase ran before the case (app/ipsec_options.hpp: run_with_ipsec). A LAC tester's
// address whose SA did not come up sends no L2TP: the case fails in phase ipsec with charon's
// reason, its steps not run. An LNS tester fails so only when its responder could not start.
bool CaseRun::ipsec_ready() {
  bool ready = true;
  std::set<std::string> seen;
  for (const auto& l : cfg_.local) {
    const std::string addr = l.addr.to_string();
    if (!seen.insert(addr).second) continue;
    const std::string* why = cfg_.ipsec.failure_for(l.addr);
    if (!why && tester_ == Role::Lns) continue;
    reports::CheckResult c;
    c.description = tester_ == Role::Lac
                        ? "IPsec (phase ipsec): the IKE and CHILD SA from " + addr + " came up"
                        : "IPsec (phase ipsec): charon answers IKE for " + addr;
    c.passed = why == nullptr;
    if (why) {
      c.detail = *why;
    } else {
      c.detail = "up";
      if (cfg_.ipsec.report.contains("sas"))
        for (const auto& sa : cfg_.ipsec.report["sas"])
          if (sa.value("source", "") == addr) {
            char ms[32];
            std::snprintf(ms, sizeof ms, "%.0f ms", sa.value("setup_ms", 0.0));
            c.detail = std::string("up in ") + ms;
          }
      c.detail += " (" + cfg_.ipsec.report.value("mode", std::string()) + " mode, IKE peer " +
                  cfg_.ipsec.report.value("ike_peer", std::string()) + ")";
    }
    say(std::string(why ? "IPSEC FAILED: " : "ipsec: ") + addr + ": " + c.detail);
    result_.checks.push_back(std::move(c));
    if (why && ready) {
      ready = false;
      result_.verdict = reports::Verdict::Fail;
      result_.reason = "phase ipsec: " + addr + ": " + *why;
    }
  }
  return ready;
}

// Before anything is sent: a case with a step this host cannot run would be judged without it.
bool CaseRun::runnable() {
  for (const auto& at : s_.steps)
    if (const auto* sh = std::get_if<Shell>(&at.step))
      if (auto why = host_.cannot_run(*sh)) {
        result_.verdict = reports::Verdict::NotApplicable;
        result_.reason = *why;
        say("NOT APPLICABLE: " + *why);
        return false;
      }
  return true;
}

reports::CaseResult CaseRun::run() {
  started_ = window_start_ = host_.now();
  result_.started_s = since(started_, env_.run_start);
  if (!runnable()) return result_;
  if (cfg_.ipsec.settings.enabled() && !ipsec_ready()) return result_;
  if (!s_.faults.empty()) filter_ = std::make_unique<FaultFilter>(s_.faults);
  if (tester_ == Role::Lns && cfg_.ipsec.admits)
    required_ = std::make_unique<ipsec::RequiredFilter>(cfg_.ipsec.admits, std::cerr, "l2tpsim: ");
  if (filter_ && required_) series_ = std::make_unique<FilterSeries>(*filter_, *required_);
  wire_filter_ = series_   ? static_cast<DatagramFilter*>(series_.get())
                 : filter_ ? static_cast<DatagramFilter*>(filter_.get())
                           : required_.get();
  if (auto error = start_tester(cfg_.seed, false)) {
    result_.verdict = reports::Verdict::Inconclusive;
    result_.reason = *error;
    return result_;
  }
  log_.on_change = [this] {
    if (expect_) host_.post([this] { evaluate(); });
  };
  poll_loop();
  host_.post([this] { next_step(); });
  try {
    host_.run();
  } catch (const sim::SimStuck& e) {
    // Virtual time could not move on: l2tpsim's bug, not the device's. The case ends as any
    // other (the tester stopped, its frames and findings kept), without a verdict.
    done();
    result_.verdict = reports::Verdict::Inconclusive;
    result_.reason = std::string("the simulation stopped: ") + e.what() +
                     " (a bug in l2tpsim: please report it with the command and --seed)";
  }
  return result_;
}

void CaseRun::on_event(const NodeEvent& ev, Time now) {
  const auto& b = ev.event.body;
  EventRecord r{EventKind::TunnelUp, now, {}, {}, false, {}};
  const std::string t = "tunnel " + std::to_string(ev.tunnel.value);
  if (std::holds_alternative<TunnelUp>(b)) {
    r.kind = EventKind::TunnelUp;
    r.summary = t + " up";
    if (std::find(tunnels_.begin(), tunnels_.end(), ev.tunnel) == tunnels_.end())
      tunnels_.push_back(ev.tunnel);
  } else if (const auto* d = std::get_if<TunnelDown>(&b)) {
    r.kind = EventKind::TunnelDown;
    r.by_peer = d->by_peer;
    if (d->result) {
      r.result = d->result->result;
      r.error = d->result->error;
    }
    r.summary = t + " down (" + d->reason + ")";
  } else if (const auto* u = std::get_if<SessionUp>(&b)) {
    r.kind = EventKind::SessionUp;
    r.summary = t + " session " + std::to_string(u->local.value) + " up";
    sessions_.push_back({ev.tunnel, u->local});
  } else if (const auto* d = std::get_if<SessionDown>(&b)) {
    r.kind = EventKind::SessionDown;
    r.by_peer = d->by_peer;
    if (d->result) {
      r.result = d->result->result;
      r.error = d->result->error;
    }
    r.summary = t + " session " + std::to_string(d->local.value) + " down (" + d->reason + ")";
    std::erase_if(sessions_, [&](const auto& p) { return p.first == ev.tunnel && p.second == d->local; });
  } else if (const auto* v = std::get_if<PeerViolation>(&b)) {
    log_.engine_violation(std::string(to_string(v->rule)), v->detail, now);
    return;
  } else {
    return;
  }
  events_.push_back(std::move(r));
  sync_ppp(now);
  if (expect_) host_.post([this] { evaluate(); });
}

// PPP outcomes come from the layer's counters: one event per change.
void CaseRun::sync_ppp(Time now) {
  if (!ppp_) return;
  const auto& c = ppp_->counters();
  for (; ppp_up_seen_ < c.up; ++ppp_up_seen_)
    events_.push_back({EventKind::PppUp, now, {}, {}, false, "PPP up"});
  for (; ppp_failed_seen_ < c.failed; ++ppp_failed_seen_)
    events_.push_back({EventKind::PppDown, now, {}, {}, false, "PPP failed"});
  for (; auth_failed_seen_ < c.auth_failures; ++auth_failed_seen_)
    events_.push_back({EventKind::AuthFailed, now, {}, {}, false, "PPP authentication failed"});
}

void CaseRun::poll_loop() {
  host_.arm(CaseHost::Timer::Poll, host_.now() + kPoll, [this] {
    if (finished_) return;
    const Time now = host_.now();
    sync_ppp(now);
    if (env_.interrupted && *env_.interrupted && !premise_failed_ && !tearing_down_) {
      inconclusive("interrupted (SIGINT) before the case finished");
      expect_ = nullptr;
      host_.cancel(CaseHost::Timer::Step);
      say("interrupted");
      teardown();
    }
    if (expect_) evaluate();
    if (tearing_down_) {
      if (all_closed() || now - teardown_start_ >= env_.teardown) {
        done();
        return;
      }
    }
    poll_loop();
  });
}

void CaseRun::next_step() {
  if (tearing_down_ || finished_) return;
  if (index_ >= s_.steps.size() || premise_failed_) {
    teardown();
    return;
  }
  const StepAt& at = s_.steps[index_];
  step_start_ = host_.now();
  if (!std::holds_alternative<Expect>(at.step) && !std::holds_alternative<Wait>(at.step)) begin_window();
  std::visit(
      [&](const auto& st) {
        using T = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<T, OpenTunnels>) {
          say("open " + std::to_string(st.count) + " tunnel(s)");
          host_.act([&](Node& node, Time now) {
            for (unsigned i = 0; i < st.count; ++i)
              tunnels_.push_back(node.open_tunnel(cfg_.local[i % cfg_.local.size()], cfg_.connect_to, now));
          });
          advance();
        } else if constexpr (std::is_same_v<T, OpenSessions>) {
          say("open " + std::to_string(st.count) + " call(s)");
          host_.act([&](Node& node, Time now) {
            if (tunnels_.empty()) return;
            for (unsigned i = 0; i < st.count; ++i) node.open_session(tunnels_[i % tunnels_.size()], now);
          });
          advance();
        } else if constexpr (std::is_same_v<T, Wait>) {
          say("wait " + secs(st.time));
          host_.arm(CaseHost::Timer::Step, host_.now() + st.time, [this] { advance(); });
        } else if constexpr (std::is_same_v<T, Expect>) {
          say("expect " + st.to_string());
          if (st.after_match && last_match_at_) window_start_ = *last_match_at_ + std::chrono::nanoseconds(1);
          expect_ = &st;
          expect_deadline_ = step_start_ + st.within;
          evaluate();
        } else if constexpr (std::is_same_v<T, CloseSessions>) {
          say("close calls");
          host_.act([&](Node& node, Time now) {
            const auto open = sessions_;
            for (const auto& [t, sid] : open)
              node.close_session(t, sid, ResultInfo{st.result, st.error, "scenario"}, now);
          });
          advance();
        } else if constexpr (std::is_same_v<T, CloseTunnels>) {
          say("close tunnels");
          host_.act([&](Node& node, Time now) {
            for (auto t : tunnels_) node.close_tunnel(t, ResultInfo{st.result, st.error, "scenario"}, now);
          });
          advance();
        } else if constexpr (std::is_same_v<T, Shell>) {
          say("shell: " + st.command);
          run_shell(st);
        } else if constexpr (std::is_same_v<T, SendRaw>) {
          say("send " + std::to_string(st.bytes.size()) + " hand-made octets");
          host_.inject(cfg_.local.front(), peer_endpoint(), st.bytes);
          advance();
        } else if constexpr (std::is_same_v<T, Send>) {
          if (st.in == SendIn::Wire) {
            say("send a hand-made " + st.what + " (" + std::to_string(st.bytes.size()) + " octets)");
            host_.inject(cfg_.local.front(), peer_endpoint(), st.bytes);
          } else {
            send_live(st);
          }
          advance();
        } else if constexpr (std::is_same_v<T, Restart>) {
          say("restart: forget every tunnel and call, say nothing");
          restart();
          advance();
        }
      },
      at.step);
}

// Through the control channel of the first tunnel (in: tunnel) or of the first call's tunnel
// (in: call). A send that cannot go (no tunnel or call up) leaves the case without the action it
// tests: inconclusive, like a premise that did not hold.
void CaseRun::send_live(const Send& st) {
  const bool in_call = st.in == SendIn::Call;
  std::optional<std::string> error;
  host_.act([&](Node& node, Time now) {
    if (in_call ? sessions_.empty() : tunnels_.empty()) {
      error = in_call ? "no call is up" : "no tunnel is up";
      return;
    }
    const TunnelId id = in_call ? sessions_.front().first : tunnels_.front();
    const tunnel::Tunnel* t = node.tunnel(id);
    if (!t) {
      error = "tunnel " + std::to_string(id.value) + " is gone";
      return;
    }
    auto m = live_message(st, *t, in_call ? std::optional(sessions_.front().second) : std::nullopt, ppp_rng_);
    if (!m) {
      error = m.error();
      return;
    }
    const auto ns = node.send_control(id, std::move(*m), now);
    if (!ns) {
      error = "tunnel " + std::to_string(id.value) + " is not established (or the message does not encode)";
      return;
    }
    say("send " + st.what + " in tunnel " + std::to_string(id.value) + " (Ns " + std::to_string(ns->value) +
        ")");
  });
  if (!error) return;
  say("cannot send " + st.what + ": " + *error);
  inconclusive("send " + st.what + " (in: " + (in_call ? "call" : "tunnel") + "): " + *error);
}

void CaseRun::run_shell(const Shell& sh) {
  host_.start_shell(sh, [this](const std::string& note) {
    if (!note.empty()) say(note);
    if (!finished_) advance();
  });
}

void CaseRun::teardown() {
  if (tearing_down_) return;
  tearing_down_ = true;
  teardown_start_ = host_.now();
  host_.act([&](Node& node, Time now) {
    if (ppp_) ppp_->stop_all(now);
    const auto open = sessions_;
    for (const auto& [t, s] : open) node.close_session(t, s, ResultInfo{3, std::nullopt, "end of case"}, now);
    node.close_all(ResultInfo{1, std::nullopt, "end of case"}, now);
  });
}

// Every tunnel has ended and its last words are acknowledged: our StopCCN acked, the ZLB for
// the peer's StopCCN sent (a peer left retransmitting into a closed socket would be our fault).
bool CaseRun::all_closed() const {
  bool open = false;
  host_.node().for_each_tunnel([&](const tunnel::Tunnel& t) {
    using S = tunnel::TunnelState;
    const S st = t.state();
    const bool acking = st == S::Lingering && t.channel().poll_timeout().has_value();
    open = open || acking || st == S::WaitCtlReply || st == S::WaitCtlConn || st == S::Established ||
           st == S::Closing;
  });
  return !open;
}

void CaseRun::done() {
  if (finished_) return;
  finished_ = true;
  host_.stop_tester();
  host_.cancel(CaseHost::Timer::Step);
  host_.cancel(CaseHost::Timer::Poll);
  const Time end = host_.now();
  result_.duration_s = to_seconds(end - started_);
  result_.first_frame = log_.first_frame();
  result_.last_frame = log_.last_frame();
  std::set<std::string> cited;
  if (s_.case_info) cited.insert(s_.case_info->requirements.begin(), s_.case_info->requirements.end());
  std::vector<std::string> broken;
  for (const auto& v : log_.violations()) {
    const RuleInfo* rule = find_rule(v.rule);
    result_.violations.push_back({v.rule,
                                  v.detail,
                                  {v.frame, since(v.at, env_.run_start), v.detail},
                                  rule ? std::string(rule->level) : std::string()});
    if (cited.count(v.rule) && std::find(broken.begin(), broken.end(), v.rule) == broken.end())
      broken.push_back(v.rule);
  }
  judge(broken);
  host_.finish();
}

}  // namespace l2tp::scenario
