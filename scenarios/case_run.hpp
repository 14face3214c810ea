// One case's logic, whatever its host (scenarios/case_host.hpp): the steps on their timeline,
// the expectations and their evaluation against the wire log and the node's events, the
// teardown, and the result with its verdict. The host gives the clock, the timers and the
// tester's driver; it is the only thing that differs between sockets and virtual time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/driver/filter_series.hpp"
#include "ipsec/required_filter.hpp"
#include "reports/conformance_result.hpp"
#include "scenarios/case_host.hpp"
#include "scenarios/case_runner.hpp"
#include "scenarios/fault_filter.hpp"
#include "scenarios/wire_log.hpp"

namespace l2tp::scenario {

// Between the tester's drivers and the wire log: without a pcap each driver numbers its frames
// from 1, so after a restart (a new driver) the log would see frame numbers again; here they
// run on.
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
  bool own_numbers_;  // no pcap: the driver's numbers restart with it
  std::uint64_t frames_ = 0;
};

class CaseRun {
 public:
  CaseRun(const Scenario& s, Role tester, const peers::RunnerConfig& cfg, const CaseEnv& env, CaseHost& host);

  reports::CaseResult run();

 private:
  struct EventRecord {
    EventKind kind;
    Time at;
    std::optional<std::uint16_t> result, error;
    bool by_peer = false;
    std::string summary;
  };

  void next_step();
  void advance() {
    ++index_;
    host_.post([this] { next_step(); });
  }
  // A new tester driver on cfg_.local (the first time: the ports picked are written back),
  // with the tap, fault filter, PPP layer and event hook; the error if an address cannot be had.
  std::optional<std::string> start_tester(std::uint64_t seed, bool restart);
  // The IPsec phase's outcome for the tester's addresses, as checks; false when one has no SA.
  bool ipsec_ready();
  // A step this host cannot run: the case is not applicable here, its steps not run.
  bool runnable();
  void restart();
  void on_event(const NodeEvent& ev, Time now);
  void sync_ppp(Time now);
  void evaluate();
  void finish_expect(bool passed, std::string detail, std::vector<reports::Evidence> evidence);
  void run_shell(const Shell& sh);
  void send_live(const Send& st);
  void poll_loop();
  void teardown();
  bool all_closed() const;
  void done();
  // The verdict from the checks, the peer's violations (`broken`: the rules the case cites that
  // the peer broke) and the faults (done()).
  void judge(const std::vector<std::string>& broken);
  void inconclusive(std::string reason) {
    premise_failed_ = true;
    result_.verdict = reports::Verdict::Inconclusive;
    result_.reason = std::move(reason);
  }
  reports::Evidence evidence_of(const WireEntry& e) const;
  net::Endpoint peer_endpoint() const;
  void say(const std::string& line) const;

  const Scenario& s_;
  Role tester_;
  peers::RunnerConfig cfg_;
  const CaseEnv& env_;
  CaseHost& host_;
  WireLog log_;
  FrameTap tap_;
  std::unique_ptr<FaultFilter> filter_;
  // An LNS tester with `use-ipsec: required` refuses L2TP that came through no SA; behind the
  // faults (the wire's), as the LNS's own check. `wire_filter_` is what the driver is given.
  std::unique_ptr<ipsec::RequiredFilter> required_;
  std::unique_ptr<FilterSeries> series_;
  DatagramFilter* wire_filter_ = nullptr;
  SeededRng ppp_rng_;
  std::unique_ptr<Authorizer> authorizer_;
  PppLayer* ppp_ = nullptr;  // the tester driver's (it owns the links)
  unsigned restarts_ = 0;

  std::vector<TunnelId> tunnels_;
  std::vector<std::pair<TunnelId, SessionId>> sessions_;
  std::vector<EventRecord> events_;
  std::uint64_t ppp_up_seen_ = 0, ppp_failed_seen_ = 0, auth_failed_seen_ = 0;

  std::size_t index_ = 0;
  Time step_start_{};
  // Expectations look at what happened since the last action (open, close, shell, send): an
  // answer may arrive while an earlier expectation is still being checked.
  Time window_start_{};
  // What the wire log and the events held when the window began: in virtual time an answer and
  // the next action share an instant, and what came before the action is not after it.
  std::size_t window_entries_ = 0, window_events_ = 0;
  void begin_window() {
    window_start_ = step_start_;
    window_entries_ = log_.entries().size();
    window_events_ = events_.size();
  }
  // Entry `i` of a record (the wire log's or the events') at `at` is in the window: not before
  // its start, and not recorded before an action at that same instant (`first`: the record's
  // size then).
  bool in_window(Time at, std::size_t i, std::size_t first) const {
    return at > window_start_ || (at == window_start_ && i >= first);
  }
  std::optional<Time> last_match_at_;  // the frame or event that met the last expectation
  const Expect* expect_ = nullptr;
  Time expect_deadline_{};
  bool premise_failed_ = false;
  bool tearing_down_ = false, finished_ = false;
  Time teardown_start_{};
  Time started_{};
  reports::CaseResult result_;
};

// run_case (case_runner.hpp) on any host: the file's configuration faults applied, the case
// run, its result named after the case.
reports::CaseResult run_case_on(const Scenario& s, Role tester, const peers::RunnerConfig& cfg,
                                const CaseEnv& env, CaseHost& host);

}  // namespace l2tp::scenario
