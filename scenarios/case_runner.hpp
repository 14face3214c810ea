// Runs one scenario's tester side in real time: the role l2tpsim plays against the peer (the
// device under test, or for a self-test l2tpsim's other role), with the fault layer between its
// node and the wire, the wire log and passive checker on the wire, and the timeline of steps.
// The result is a CaseResult with a verdict, each expectation's outcome with evidence frames,
// and every rule the peer broke.
#pragma once

#include <iosfwd>
#include <memory>

#include "capture/pcap_writer.hpp"
#include "peers/runner.hpp"
#include "reports/conformance_result.hpp"
#include "scenarios/scenario.hpp"

namespace l2tp::scenario {

struct CaseEnv {
  std::shared_ptr<capture::PcapWriter> pcap;  // shared by every case of a run (may be null)
  Time run_start{};                           // result times are relative to it
  Buffer secret;                              // reveals the peer's hidden AVPs to the checker
  std::ostream* progress = nullptr;           // one line per step, when set
  Duration teardown = std::chrono::seconds(3);
};

// `tester` is the role l2tpsim plays here, `cfg` its configuration (from the scenario's role
// block and the command line). Blocks until the steps and the teardown are done.
reports::CaseResult run_case(const Scenario& s, Role tester, const peers::RunnerConfig& cfg,
                             const CaseEnv& env);

}  // namespace l2tp::scenario
