// A conformance run in virtual time: one SimNet for the whole run, l2tpsim's own LAC or LNS on
// it as the device under test (scenarios/sim_peer.hpp), and each case's tester a driver on the
// same net (scenarios/sim_case_host.hpp). No sockets, no clock: time jumps to the next arrival
// or deadline, so a suite that takes minutes on sockets takes seconds, and a seed repeats it
// frame for frame.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/sim/sim_net.hpp"
#include "peers/runner.hpp"
#include "reports/conformance_result.hpp"
#include "scenarios/case_runner.hpp"
#include "scenarios/sim_peer.hpp"

namespace l2tp::scenario {

struct SimDut {
  Role role = Role::Lns;  // the device under test's
  peers::RunnerConfig cfg;
  // The shell command that makes a simulated LAC dial: what ${trigger} expands to.
  std::string trigger;
};

// The text ${trigger} stands for in a run against the simulated LAC.
inline constexpr const char* kSimTrigger = "(the simulated LAC dials)";

class SimBench {
 public:
  // Virtual time starts at `start` (the pcap's timestamps count from it).
  SimBench(std::uint64_t seed, SimDut dut, Time start, sim::LinkConfig link);
  ~SimBench();
  SimBench(const SimBench&) = delete;
  SimBench& operator=(const SimBench&) = delete;

  Time now() const { return net_.now(); }
  // One case against the DUT (run_case on sockets). env.run_start should be the bench's start.
  reports::CaseResult run_case(const Scenario& s, Role tester, const peers::RunnerConfig& cfg,
                               const CaseEnv& env);
  // Lets `d` of virtual time pass with only the DUT and the net running (between cases).
  void idle(Duration d);

  sim::SimNet& net() { return net_; }
  SimPeer& dut() { return *dut_; }
  const std::string& trigger() const { return trigger_; }
  // A port no tester or LAC of this run had yet (the kernel's ephemeral choice).
  std::uint16_t next_port();

 private:
  sim::SimNet net_;
  std::string trigger_;
  std::unique_ptr<SimPeer> dut_;
  std::uint16_t next_port_ = 49152;
  // Where the net's events go: the running case's tester (set by its host) or the DUT.
  std::function<void(Node&, const NodeEvent&)> tester_events_;
  friend class SimCaseHost;
};

}  // namespace l2tp::scenario
