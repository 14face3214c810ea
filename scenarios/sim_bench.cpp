// A conformance run in virtual time. See sim_bench.hpp.
#include "scenarios/sim_bench.hpp"

#include "scenarios/case_run.hpp"
#include "scenarios/sim_case_host.hpp"

namespace l2tp::scenario {

SimBench::SimBench(std::uint64_t seed, SimDut dut, Time start, sim::LinkConfig link)
    : net_(seed, link), trigger_(std::move(dut.trigger)) {
  net_.advance_to(start);
  // A whole suite: nothing reads the net's own record of the wire or of the events.
  net_.keep_wire_log(false);
  net_.keep_events(false);
  dut_ = std::make_unique<SimPeer>(net_, dut.role, dut.cfg, [this] { return next_port(); });
  net_.on_event([this](Node& n, const NodeEvent& ev) {
    if (dut_->node() == &n)
      dut_->on_event(n, ev, net_.now());
    else if (tester_events_)
      tester_events_(n, ev);
  });
}

SimBench::~SimBench() {
  net_.on_event(nullptr);
}

std::uint16_t SimBench::next_port() {
  const std::uint16_t p = next_port_;
  next_port_ = next_port_ == 65535 ? 49152 : static_cast<std::uint16_t>(next_port_ + 1);
  return p;
}

reports::CaseResult SimBench::run_case(const Scenario& s, Role tester, const peers::RunnerConfig& cfg,
                                       const CaseEnv& env) {
  SimCaseHost host(*this, env);
  return run_case_on(s, tester, cfg, env, host);
}

void SimBench::idle(Duration d) {
  const Time until = net_.now() + d;
  net_.run(until);
  net_.advance_to(until);
}

}  // namespace l2tp::scenario
