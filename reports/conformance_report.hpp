// The forms a conformance run is written out in: a console table for the operator, JSON for
// scripts, JUnit XML for CI servers (Jenkins, GitLab), and one self-contained HTML page to hand
// to the vendor of the device under test.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "reports/conformance_result.hpp"

namespace l2tp::reports {

// One row per case (ID, verdict, requirements, title; the reason below a non-pass), then the
// totals and where the pcap is.
void print_table(std::ostream& out, const SuiteResult& s);

// Every field of the run, verdicts by their to_string names, plus "totals" and "requirements"
// (each cited ID -> {verdict: worst over its cases, cases: [IDs]}).
nlohmann::json to_json(const SuiteResult& s);

// One <testsuite>, one <testcase> per case: fail -> <failure>, inconclusive -> <error>,
// not applicable -> <skipped>.
std::string to_junit(const SuiteResult& s);

// Several suites in one <testsuites> `name` (a replay: one per tunnel played), each its own
// <testsuite> named `name`, written as above.
struct JunitSuite {
  std::string name;
  const SuiteResult* result = nullptr;
};
std::string to_junit(std::string_view name, const std::vector<JunitSuite>& suites);

// One HTML5 page with no external resources: header and totals, the cases (each expanding into
// its checks, violations and evidence frames), and a table per requirement with its text.
std::string to_html(const SuiteResult& s);

// Text made safe inside XML or HTML: & < > " ' as entities, control characters other than tab
// and newline dropped, invalid UTF-8 replaced by U+FFFD. In an attribute, tab and newline are
// written as character references so parsers keep them.
std::string escape_markup(std::string_view text, bool attribute = false);

}  // namespace l2tp::reports
