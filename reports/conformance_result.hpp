// The outcome of a conformance run, as every report form sees it: one CaseResult per scenario
// case (its verdict, the checks it made, the peer's rule violations, evidence frames in the
// pcap), gathered in a SuiteResult. Filled by the scenario runner (scenarios/), written out by
// conformance_report.cpp as a console table, JSON, JUnit XML and a self-contained HTML page.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/wire/rules.hpp"
#include "reports/coverage.hpp"

namespace l2tp::reports {

// warn: only a SHOULD, a state-table row or a defined-but-not-required code was missed.
// not-run: the DUT had stopped answering before the case's turn came.
enum class Verdict : std::uint8_t { Pass, Warn, Fail, Inconclusive, NotApplicable, NotRun };
// "pass", "warn", "fail", "inconclusive", "not-applicable", "not-run"
const char* to_string(Verdict v);
const char* verdict_label(Verdict v);  // "PASS", "WARN", "FAIL", "INCONCLUSIVE", "N/A", "NOT RUN"

// How one check came out: a miss of a MUST-level requirement fails, any other miss warns.
enum class CheckOutcome : std::uint8_t { Pass, Warn, Fail };
const char* to_string(CheckOutcome o);  // "pass", "warn", "fail"

// A frame of the run's pcap (numbered from 1, as Wireshark counts) that shows something.
struct Evidence {
  std::uint64_t frame = 0;
  double time_s = 0;    // since the start of the run
  std::string summary;  // "DUT -> us StopCCN tunnel 5 Ns 1 Nr 2 Result 2/8"
};

// One expectation of a case ("expect StopCCN with Result Code 2 within 5 s") and how it went.
struct CheckResult {
  std::string description;
  bool passed = false;
  std::string detail;  // what was seen instead, or what matched
  std::vector<Evidence> evidence;
  std::string requirement;  // the catalogue ID the check judges ("R024"); empty for a premise
  std::string level;        // its catalogue level ("MUST", "SHOULD", "FSM", ...)
  std::string clause;       // the RFC sentence it rests on, as the case file quotes it
  bool premise = false;     // a setup check: a miss makes the case inconclusive
  CheckOutcome outcome() const;
};

// A rule the DUT broke, seen by the passive checker in one of its messages.
struct ViolationRecord {
  std::string rule;  // "R024"
  std::string detail;
  Evidence evidence;
  std::string level;  // the rule's catalogue level
};

struct CaseResult {
  std::string id;                         // "LNS-AVP-003"
  std::string title;                      // one line
  std::string file;                       // the scenario file it came from
  std::string dut_role;                   // "lns" or "lac"
  std::vector<std::string> requirements;  // the requirement IDs it checks ("R024", "P042")
  Verdict verdict = Verdict::Inconclusive;
  std::string reason;  // why it failed, was inconclusive or not applicable; empty on pass
  std::vector<CheckResult> checks;
  std::vector<ViolationRecord> violations;  // by the DUT during this case
  double started_s = 0;                     // since the start of the run
  double duration_s = 0;
  std::uint64_t first_frame = 0, last_frame = 0;  // the case's frames in the pcap (0: none)
  bool dut_stopped = false;                       // the DUT stopped answering during this case
};

// The device under test's health over the run: when it stopped answering (during which case,
// or at a liveness check between cases), and how often --dut-restart brought it back.
struct DutStop {
  std::string case_id;  // the case running, or "liveness-check"
  double time_s = 0;    // since the start of the run
  std::string detail;
};
struct DutHealth {
  bool checked = false;     // liveness checks ran (a DUT LNS we dial)
  std::string not_checked;  // why there were none, when it is not obvious (a simulated DUT)
  bool alive = true;        // at the end of the run
  std::vector<DutStop> stopped;
  unsigned restarts = 0;
};

struct SuiteResult {
  std::string tool_version;
  std::string target;    // "127.0.0.3:1701"
  std::string dut_role;  // "lns" or "lac"
  std::string started;   // wall clock, ISO 8601 UTC
  double duration_s = 0;
  std::string pcap_path;  // "" when none was written
  std::vector<CaseResult> cases;
  DutHealth dut;
  bool incomplete = false;           // interrupted (SIGINT): the cases run so far
  std::size_t cases_planned = 0;     // how many were selected to run
  std::string shard;                 // "2/3" (--shard: every third case from the second); "" for all
  bool strict = false;               // --strict: a warn counts as a fail for the exit status
  std::optional<Coverage> coverage;  // of the whole suite for this DUT role, when computed
  // The run was in virtual time against l2tpsim's own LAC or LNS (conform --sim): what it was
  // and how to repeat it; "" for a run on the network.
  std::string simulated;

  std::size_t count(Verdict v) const;
  // A DUT that stopped answering fails the run even when no case could be blamed (it was
  // silent before the first one).
  bool any_failed() const {
    return count(Verdict::Fail) > 0 || !dut.stopped.empty() || (strict && count(Verdict::Warn) > 0);
  }
};

// The worse of two verdicts: fail > inconclusive > not-run > warn > pass > not-applicable.
Verdict worse(Verdict a, Verdict b);

// A requirement as the run saw it: the worst verdict of the cases that cite it.
struct RequirementResult {
  std::string id;
  const RuleInfo* rule = nullptr;  // its catalogue row; null for an ID the catalogue lacks
  Verdict verdict = Verdict::NotApplicable;
  std::vector<std::string> cases;  // IDs, in run order
};

// Every requirement some case cites, in catalogue order; unknown IDs last, by ID.
std::vector<RequirementResult> requirement_results(const SuiteResult& s);

}  // namespace l2tp::reports
