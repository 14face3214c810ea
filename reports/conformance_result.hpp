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

namespace l2tp::reports {

enum class Verdict : std::uint8_t { Pass, Fail, Inconclusive, NotApplicable };
const char* to_string(Verdict v);      // "pass", "fail", "inconclusive", "not-applicable"
const char* verdict_label(Verdict v);  // "PASS", "FAIL", "INCONCLUSIVE", "N/A": for people

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
};

// A rule the DUT broke, seen by the passive checker in one of its messages.
struct ViolationRecord {
  std::string rule;  // "R024"
  std::string detail;
  Evidence evidence;
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
};

struct SuiteResult {
  std::string tool_version;
  std::string target;    // "127.0.0.3:1701"
  std::string dut_role;  // "lns" or "lac"
  std::string started;   // wall clock, ISO 8601 UTC
  double duration_s = 0;
  std::string pcap_path;  // "" when none was written
  std::vector<CaseResult> cases;

  std::size_t count(Verdict v) const;
  bool any_failed() const { return count(Verdict::Fail) > 0; }
};

// The worse of two verdicts: fail > inconclusive > pass > not-applicable.
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
