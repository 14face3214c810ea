// The JUnit XML of a replay (--junit), written by the suite's JUnit writer
// (reports/conformance_report.hpp): one <testsuite> per tunnel played, one <testcase> per
// exchange compared (replay_diff.hpp's rows). An exchange with differences fails; the
// failure's message names each one's kind, captured and live values and both frame numbers.
#pragma once

#include <string>
#include <string_view>

#include "replay/replay_report.hpp"
#include "reports/conformance_result.hpp"

namespace l2tp::replay {

// One tunnel's exchanges as a suite of cases.
reports::SuiteResult junit_suite(const ReplayOutcome& o, const ReplayReport& r,
                                 std::string_view tool_version);

std::string replay_junit(const ReplayReport& r, std::string_view tool_version);

// "avp-value: captured Host Name [M]: "a" (frame 2), live Host Name [M]: "b" (live frame 4)"
std::string difference_line(const Difference& d);

}  // namespace l2tp::replay
