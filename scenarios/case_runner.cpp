// One scenario's tester side on Boost.Asio. See case_runner.hpp.
#include "scenarios/case_runner.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <iostream>
#include <set>

#include "engine/driver/filter_series.hpp"
#include "engine/driver/ppp_layer.hpp"
#include "engine/wire/rules.hpp"
#include "ipsec/required_filter.hpp"
#include "peers/udp_transport.hpp"
#include "scenarios/backoff.hpp"
#include "scenarios/fault_filter.hpp"
#include "scenarios/live_send.hpp"
#include "scenarios/message_match.hpp"
#include "scenarios/wire_log.hpp"

namespace l2tp::scenario {

namespace {

using peers::SteadyTime;
constexpr auto kPoll = std::chrono::milliseconds(50);
constexpr std::size_t kMaxEvidence = 6;

std::string secs(Duration d) {
  char b[32];
  std::snprintf(b, sizeof b, "%g s", to_seconds(d));
  return b;
}

double since(Time t, Time origin) {
  return to_seconds(t - origin);
}

// Between the shards and the wire log: without a pcap each shard numbers its frames from 1, so
// after a restart (a new shard) the log would see frame numbers again; here they run on.
class FrameTap final : public WireTap {
 public:
  FrameTap(WireTap& log, bool own_numbers) : log_(log), own_numbers_(own_numbers) {}
  void on_wire(const WireDatagram& d) override {
    ++frames_;
    if (!own_numbers_) return log_.on_wire(d);
    log_.on_wire(WireDatagram{d.direction, d.src, d.dst, d.bytes, frames_, d.at});
  }

 private:
  WireTap& log_;
  bool own_numbers_;  // no pcap: the shard's numbers restart with it
  std::uint64_t frames_ = 0;
};

struct EventRecord {
  EventKind kind;
  Time at;
  std::optional<std::uint16_t> result, error;
  bool by_peer = false;
  std::string summary;
};

class CaseRun {
 public:
  CaseRun(const Scenario& s, Role tester, const peers::RunnerConfig& cfg, const CaseEnv& env)
      : s_(s),
        tester_(tester),
        cfg_(cfg),
        env_(env),
        log_(env.secret, env.earlier_tunnel),
        tap_(log_, env.pcap == nullptr),
        ppp_rng_(cfg.seed ^ 0x5050505050505050ULL),
        step_timer_(io_),
        poll_timer_(io_) {}

  reports::CaseResult run();

 private:
  void next_step();
  void advance() {
    ++index_;
    boost::asio::post(io_, [this] { next_step(); });
  }
  // A new shard bound to cfg_.local (the first time: the ports the kernel picks are written
  // back), with the pcap, tap, fault filter, PPP layer and event hook; the error if a bind fails.
  std::optional<std::string> start_shard(std::uint64_t seed);
  // The IPsec phase's outcome for the tester's addresses, as checks; false when one has no SA.
  bool ipsec_ready();
  void restart();
  void on_event(Node& node, const NodeEvent& ev, Time now);
  void sync_ppp(Time now);
  void evaluate();
  void finish_expect(bool passed, std::string detail, std::vector<reports::Evidence> evidence);
  void start_shell(const Shell& sh);
  void send_live(const Send& st);
  void poll_loop();
  void teardown();
  bool all_closed() const;
  void done();
  reports::Evidence evidence_of(const WireEntry& e) const {
    return {e.frame, since(e.at, env_.run_start), e.summary};
  }
  net::Endpoint peer_endpoint() const;
  void say(const std::string& line) {
    if (env_.progress) *env_.progress << "    " << line << "\n" << std::flush;
  }

  const Scenario& s_;
  Role tester_;
  peers::RunnerConfig cfg_;
  const CaseEnv& env_;
  boost::asio::io_context io_;
  WireLog log_;
  FrameTap tap_;
  std::unique_ptr<FaultFilter> filter_;
  // An LNS tester with `use-ipsec: required` refuses L2TP that came through no SA; behind the
  // faults (the wire's), as the LNS's own check. `wire_filter_` is what the shard is given.
  std::unique_ptr<ipsec::RequiredFilter> required_;
  std::unique_ptr<FilterSeries> series_;
  DatagramFilter* wire_filter_ = nullptr;
  SeededRng ppp_rng_;
  std::unique_ptr<Authorizer> authorizer_;
  // After io_ and the authorizer: the shards' handlers and the authorizer's pending decisions
  // may still point into them until io_.run() returns.
  std::unique_ptr<peers::Shard> shard_;
  PppLayer* ppp_ = nullptr;  // the shard's (its driver owns the links)
  // What restarts replaced: stopped, kept until the end (their cancelled handlers still run).
  std::vector<std::unique_ptr<peers::Shard>> old_shards_;
  unsigned restarts_ = 0;
  boost::asio::steady_timer step_timer_, poll_timer_;

  std::vector<TunnelId> tunnels_;
  std::vector<std::pair<TunnelId, SessionId>> sessions_;
  std::vector<EventRecord> events_;
  std::uint64_t ppp_up_seen_ = 0, ppp_failed_seen_ = 0, auth_failed_seen_ = 0;

  std::size_t index_ = 0;
  Time step_start_{};
  // Expectations look at what happened since the last action (open, close, shell, send): an
  // answer may arrive while an earlier expectation is still being checked.
  Time window_start_{};
  std::optional<Time> last_match_at_;  // the frame or event that met the last expectation
  const Expect* expect_ = nullptr;
  Time expect_deadline_{};
  pid_t shell_pid_ = -1;
  Time shell_deadline_{};
  std::vector<pid_t> background_;
  bool premise_failed_ = false;
  bool tearing_down_ = false, finished_ = false;
  Time teardown_start_{};
  Time started_{};
  reports::CaseResult result_;
};

net::Endpoint CaseRun::peer_endpoint() const {
  if (tester_ == Role::Lac) return cfg_.connect_to;
  for (auto it = log_.entries().rbegin(); it != log_.entries().rend(); ++it)
    if (it->from_peer) return it->src;
  return cfg_.connect_to;
}

std::optional<std::string> CaseRun::start_shard(std::uint64_t seed) {
  // A port of the kernel's choosing that an earlier case used (or in the traceroute range) is
  // given back and another taken.
  const auto requested = cfg_.local;
  for (int attempt = 0;; ++attempt) {
    shard_ = std::make_unique<peers::Shard>(io_, cfg_.node, seed);
    cfg_.local = requested;
    bool reused = false;
    for (std::size_t i = 0; i < cfg_.local.size(); ++i) {
      auto bound = shard_->bind(cfg_.local[i]);
      if (!bound) {
        shard_->stop();
        return bound.error();
      }
      if (requested[i].port == 0 && env_.used_ports && env_.used_ports->count(bound->port)) reused = true;
      // tshark flags UDP to 33434-33534 as "Possible traceroute" (an expert note on a clean
      // frame): a port there is given back too, so the suite's pcap dissects without one.
      if (requested[i].port == 0 && bound->port >= 33434 && bound->port <= 33534) reused = true;
      cfg_.local[i] = *bound;
    }
    if (!reused || attempt == 8 || restarts_ > 0) break;
    shard_->stop();
    old_shards_.push_back(std::move(shard_));
  }
  if (env_.used_ports)
    for (const auto& l : cfg_.local) env_.used_ports->insert(l.port);
  if (env_.pcap) shard_->share_pcap(env_.pcap);
  shard_->set_tap(&tap_);
  if (wire_filter_) shard_->set_filter(wire_filter_);
  if (cfg_.ppp.enabled) {
    const auto role = tester_ == Role::Lac ? ppp::Role::Client : ppp::Role::Server;
    if (cfg_.make_authorizer && !authorizer_) authorizer_ = cfg_.make_authorizer(io_, ppp_rng_);
    shard_->set_ppp(std::make_unique<PppLayer>(cfg_.ppp, role, ppp_rng_, authorizer_.get()));
    ppp_ = shard_->ppp();
    // A decision about a link of a layer a restart has replaced is for a forgotten call.
    ppp_->on_later_decision([this, layer = ppp_](LinkKey key, Decision d) {
      if (layer != ppp_) return;
      shard_->act([&](Node& node, Time now) { ppp_->decided(node, key, d, now); });
    });
  }
  shard_->on_event([this](Node& node, const NodeEvent& ev, Time now) { on_event(node, ev, now); });
  return std::nullopt;
}

// The old shard closes its sockets and sends nothing more; its node, with every tunnel and
// call, is forgotten. The new one binds the same (bound) addresses and ports. Its node counts
// tunnel IDs from 1 again, as a rebooted peer may; its random numbers come from another seed.
void CaseRun::restart() {
  sync_ppp(SteadyTime::now());
  shard_->stop();
  old_shards_.push_back(std::move(shard_));
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
  if (auto error = start_shard(cfg_.seed ^ (0x9E3779B97F4A7C15ULL * restarts_))) {
    premise_failed_ = true;
    result_.verdict = reports::Verdict::Inconclusive;
    result_.reason = "restart: " + *error;
  }
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

reports::CaseResult CaseRun::run() {
  started_ = window_start_ = SteadyTime::now();
  result_.started_s = since(started_, env_.run_start);
  if (cfg_.ipsec.settings.enabled() && !ipsec_ready()) return result_;
  if (!s_.faults.empty()) filter_ = std::make_unique<FaultFilter>(s_.faults);
  if (tester_ == Role::Lns && cfg_.ipsec.admits)
    required_ = std::make_unique<ipsec::RequiredFilter>(cfg_.ipsec.admits, std::cerr, "l2tpsim: ");
  if (filter_ && required_) series_ = std::make_unique<FilterSeries>(*filter_, *required_);
  wire_filter_ = series_   ? static_cast<DatagramFilter*>(series_.get())
                 : filter_ ? static_cast<DatagramFilter*>(filter_.get())
                           : required_.get();
  if (auto error = start_shard(cfg_.seed)) {
    result_.verdict = reports::Verdict::Inconclusive;
    result_.reason = *error;
    return result_;
  }
  log_.on_change = [this] {
    if (expect_) boost::asio::post(io_, [this] { evaluate(); });
  };
  poll_loop();
  boost::asio::post(io_, [this] { next_step(); });
  io_.run();
  // The whole process group: `sh -c` may have forked the command rather than exec'd it.
  for (pid_t p : background_) {
    ::kill(-p, SIGTERM);
    ::waitpid(p, nullptr, 0);
  }
  return result_;
}

void CaseRun::on_event(Node&, const NodeEvent& ev, Time now) {
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
  if (expect_) boost::asio::post(io_, [this] { evaluate(); });
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
  poll_timer_.expires_after(kPoll);
  poll_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    const Time now = SteadyTime::now();
    sync_ppp(now);
    if (shell_pid_ > 0) {
      int status = 0;
      const pid_t r = ::waitpid(shell_pid_, &status, WNOHANG);
      if (r == shell_pid_ || now >= shell_deadline_) {
        if (r != shell_pid_) {
          ::kill(-shell_pid_, SIGKILL);
          ::waitpid(shell_pid_, nullptr, 0);
          say("shell command timed out");
        }
        shell_pid_ = -1;
        advance();
      }
    }
    if (env_.interrupted && *env_.interrupted && !premise_failed_ && !tearing_down_) {
      premise_failed_ = true;
      result_.verdict = reports::Verdict::Inconclusive;
      result_.reason = "interrupted (SIGINT) before the case finished";
      expect_ = nullptr;
      step_timer_.cancel();
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
  step_start_ = SteadyTime::now();
  if (!std::holds_alternative<Expect>(at.step) && !std::holds_alternative<Wait>(at.step))
    window_start_ = step_start_;
  std::visit(
      [&](const auto& st) {
        using T = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<T, OpenTunnels>) {
          say("open " + std::to_string(st.count) + " tunnel(s)");
          shard_->act([&](Node& node, Time now) {
            for (unsigned i = 0; i < st.count; ++i)
              tunnels_.push_back(node.open_tunnel(cfg_.local[i % cfg_.local.size()], cfg_.connect_to, now));
          });
          advance();
        } else if constexpr (std::is_same_v<T, OpenSessions>) {
          say("open " + std::to_string(st.count) + " call(s)");
          shard_->act([&](Node& node, Time now) {
            if (tunnels_.empty()) return;
            for (unsigned i = 0; i < st.count; ++i) node.open_session(tunnels_[i % tunnels_.size()], now);
          });
          advance();
        } else if constexpr (std::is_same_v<T, Wait>) {
          say("wait " + secs(st.time));
          step_timer_.expires_after(st.time);
          step_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) advance();
          });
        } else if constexpr (std::is_same_v<T, Expect>) {
          say("expect " + st.to_string());
          if (st.after_match && last_match_at_) window_start_ = *last_match_at_ + std::chrono::nanoseconds(1);
          expect_ = &st;
          expect_deadline_ = step_start_ + st.within;
          evaluate();
        } else if constexpr (std::is_same_v<T, CloseSessions>) {
          say("close calls");
          shard_->act([&](Node& node, Time now) {
            const auto open = sessions_;
            for (const auto& [t, sid] : open)
              node.close_session(t, sid, ResultInfo{st.result, st.error, "scenario"}, now);
          });
          advance();
        } else if constexpr (std::is_same_v<T, CloseTunnels>) {
          say("close tunnels");
          shard_->act([&](Node& node, Time now) {
            for (auto t : tunnels_) node.close_tunnel(t, ResultInfo{st.result, st.error, "scenario"}, now);
          });
          advance();
        } else if constexpr (std::is_same_v<T, Shell>) {
          say("shell: " + st.command);
          start_shell(st);
        } else if constexpr (std::is_same_v<T, SendRaw>) {
          say("send " + std::to_string(st.bytes.size()) + " hand-made octets");
          shard_->inject(cfg_.local.front(), peer_endpoint(), st.bytes);
          advance();
        } else if constexpr (std::is_same_v<T, Send>) {
          if (st.in == SendIn::Wire) {
            say("send a hand-made " + st.what + " (" + std::to_string(st.bytes.size()) + " octets)");
            shard_->inject(cfg_.local.front(), peer_endpoint(), st.bytes);
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
  shard_->act([&](Node& node, Time now) {
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
  premise_failed_ = true;
  result_.verdict = reports::Verdict::Inconclusive;
  result_.reason = "send " + st.what + " (in: " + (in_call ? "call" : "tunnel") + "): " + *error;
}

void CaseRun::start_shell(const Shell& sh) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sh", "sh", "-c", sh.command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid < 0) {
    say("shell: fork failed");
    advance();
    return;
  }
  if (sh.background) {
    background_.push_back(pid);
    advance();
    return;
  }
  shell_pid_ = pid;
  shell_deadline_ = SteadyTime::now() + sh.timeout;
}

void CaseRun::evaluate() {
  if (!expect_ || finished_) return;
  const Expect& e = *expect_;
  const Time now = SteadyTime::now();
  std::vector<reports::Evidence> ev;
  std::vector<Time> times;  // of every match, in order
  std::size_t matches = 0;
  if (const auto* m = std::get_if<MessageMatch>(&e.what)) {
    std::vector<const WireEntry*> hits;
    for (const auto& w : log_.entries())
      if (w.from_peer && !w.stale && w.at >= window_start_ && w.at <= expect_deadline_ &&
          message_matches(*m, w))
        hits.push_back(&w);
    for (const auto* w : hits) {
      if (ev.size() < kMaxEvidence) ev.push_back(evidence_of(*w));
      times.push_back(w->at);
    }
    matches = hits.size();
    if (e.backoff && !e.none) {
      // The longest run of one message (same Ns) and whether its intervals grow exponentially.
      std::map<std::uint16_t, std::vector<Time>> by_ns;
      for (const auto* w : hits) by_ns[w->ns.value_or(0)].push_back(w->at);
      std::vector<Duration> gaps;
      for (const auto& [ns, times] : by_ns) {
        if (times.size() <= gaps.size() + 1) continue;
        gaps.clear();
        for (std::size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
      }
      const std::size_t sendings = gaps.empty() ? 0 : gaps.size() + 1;
      const bool growing = backoff_grows(gaps);
      // count means retransmissions: the first sending plus `count` more.
      if (sendings >= e.count + 1 && growing) {
        last_match_at_ = times.back();
        finish_expect(
            true, std::to_string(sendings) + " sendings of one message, intervals growing exponentially", ev);
        return;
      }
      // Not (yet) growing: a coarse timer can delay one retransmission so much that two gaps
      // alone cannot tell; later sendings within the window decide. At the deadline it fails.
      if (sendings >= e.count + 1 && now >= expect_deadline_) {
        finish_expect(false,
                      "the peer retransmitted " + std::to_string(sendings - 1) +
                          " times, but the intervals (" + gaps_text(gaps) +
                          ") did not grow exponentially (each step at least 1.5 times the one before, "
                          "or over two steps twice, never shrinking; or at the 8 s cap)",
                      ev);
        return;
      }
      matches = 0;
    }
  } else {
    const auto& em = std::get<EventMatch>(e.what);
    for (const auto& r : events_) {
      if (r.at < window_start_ || r.at > expect_deadline_ || r.kind != em.kind) continue;
      if (em.result && r.result != em.result) continue;
      if (em.error && r.error != em.error) continue;
      if (em.by_peer && *em.by_peer != r.by_peer) continue;
      ++matches;
      times.push_back(r.at);
      if (ev.size() < kMaxEvidence) ev.push_back({0, since(r.at, env_.run_start), r.summary});
    }
  }
  if (e.none) {
    if (matches > 0) {
      finish_expect(false, "it happened: " + ev.front().summary, ev);
    } else if (now >= expect_deadline_) {
      finish_expect(true, "nothing of the kind in " + secs(e.within), {});
    }
    return;
  }
  if (!e.backoff && matches >= e.count) {
    last_match_at_ = times[e.count - 1];
    finish_expect(
        true, (matches > 1 ? std::to_string(matches) + " seen, the first: " : "") + ev.front().summary, ev);
    return;
  }
  if (now < expect_deadline_) {
    step_timer_.expires_at(peers::SteadyTime::to_steady(expect_deadline_));
    step_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) evaluate();
    });
    return;
  }
  // Timed out: say what the peer did send instead.
  std::string seen;
  std::vector<reports::Evidence> instead;
  for (const auto& w : log_.entries())
    if (w.from_peer && !w.stale && w.at >= window_start_ && w.kind != WireEntry::Kind::Data) {
      seen +=
          (seen.empty() ? "" : ", ") + w.name +
          (w.result ? " result " + std::to_string(*w.result) + (w.error ? "/" + std::to_string(*w.error) : "")
                    : "");
      if (instead.size() < kMaxEvidence) instead.push_back(evidence_of(w));
    }
  finish_expect(false,
                (matches ? "only " + std::to_string(matches) + " seen" : std::string("not seen")) +
                    "; the peer sent " + (seen.empty() ? std::string("no control message") : seen) +
                    " in that time",
                matches ? ev : instead);
}

void CaseRun::finish_expect(bool passed, std::string detail, std::vector<reports::Evidence> evidence) {
  const Expect& e = *expect_;
  expect_ = nullptr;
  step_timer_.cancel();
  reports::CheckResult c;
  c.description = (e.note.empty() ? "" : e.note + ": ") + (e.none ? "expect " : "expect ") + e.to_string();
  c.passed = passed;
  c.detail = std::move(detail);
  c.evidence = std::move(evidence);
  c.requirement = e.requirement;
  c.clause = e.clause;
  c.premise = e.setup;
  if (const RuleInfo* rule = find_rule(e.requirement)) c.level = std::string(rule->level);
  say(std::string(passed                                       ? "ok: "
                  : e.setup                                    ? "PREMISE NOT MET: "
                  : c.outcome() == reports::CheckOutcome::Fail ? "FAILED: "
                                                               : "WARN: ") +
      c.detail);
  result_.checks.push_back(std::move(c));
  if (!passed && e.setup) {
    premise_failed_ = true;
    result_.verdict = reports::Verdict::Inconclusive;
    result_.reason = "premise not met: expected " + e.to_string() + "; " + result_.checks.back().detail;
  }
  advance();
}

void CaseRun::teardown() {
  if (tearing_down_) return;
  tearing_down_ = true;
  teardown_start_ = SteadyTime::now();
  shard_->act([&](Node& node, Time now) {
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
  shard_->node().for_each_tunnel([&](const tunnel::Tunnel& t) {
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
  shard_->stop();
  step_timer_.cancel();
  poll_timer_.cancel();
  const Time end = SteadyTime::now();
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
  if (premise_failed_) return;  // inconclusive, reason set
  // A miss of a MUST fails the case; a miss of anything weaker (SHOULD, a state-table row, a
  // defined code the RFC does not require) warns, and the reason says which level it was.
  std::string failed, warned;
  auto add = [](std::string& to, const std::string& what) { to += (to.empty() ? "" : "; ") + what; };
  for (const auto& c : result_.checks) {
    if (c.passed) continue;
    const std::string what = (c.requirement.empty() ? "" : c.requirement + " (" + c.level + "): ") +
                             c.description + ": " + c.detail;
    add(c.outcome() == reports::CheckOutcome::Fail ? failed : warned, what);
  }
  for (const auto& r : broken) {
    const RuleInfo* rule = find_rule(r);
    const bool must = rule && is_mandatory_level(rule->level);
    for (const auto& v : log_.violations())
      if (v.rule == r) {
        add(must ? failed : warned, r + " (" + (rule ? std::string(rule->level) : "?") +
                                        ") broken in frame " + std::to_string(v.frame) + ": " + v.detail);
        break;
      }
  }
  if (filter_)
    for (const auto& st : filter_->layer().stats())
      if (st.applied == 0 && st.required && failed.empty()) {
        result_.verdict = reports::Verdict::Inconclusive;
        result_.reason = "fault '" + st.name + "' never applied: nothing it matches went over the wire";
        return;
      }
  if (!failed.empty()) {
    result_.verdict = reports::Verdict::Fail;
    result_.reason = failed + (warned.empty() ? "" : "; also (warn) " + warned);
  } else if (!warned.empty()) {
    result_.verdict = reports::Verdict::Warn;
    result_.reason = warned;
  } else {
    result_.verdict = reports::Verdict::Pass;
  }
}

}  // namespace

void apply_scenario_config(const Scenario& s, peers::RunnerConfig& cfg) {
  if (s.seed) cfg.seed = *s.seed;  // the file's seed: the same Random Vectors, challenges and IDs
  // A LAC's own password; an LNS tester's users come from its lns: block.
  if (s.config_faults.bad_ppp_password) cfg.ppp.password += "-spoiled";
  if (s.config_faults.wrong_tunnel_secret) cfg.node.tunnel.secret += "-spoiled";
}

reports::CaseResult run_case(const Scenario& s, Role tester, const peers::RunnerConfig& config,
                             const CaseEnv& env) {
  peers::RunnerConfig cfg = config;
  apply_scenario_config(s, cfg);
  CaseRun run(s, tester, cfg, env);
  auto r = run.run();
  r.file = s.file;
  if (s.case_info) {
    r.id = s.case_info->id;
    r.title = s.case_info->title;
    r.dut_role = to_string(s.case_info->dut);
    r.requirements = s.case_info->requirements;
  }
  return r;
}

}  // namespace l2tp::scenario
