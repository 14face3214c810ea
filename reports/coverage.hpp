// Requirement coverage of the conformance suite for one DUT role: every catalogue row of a
// binding level (MUST, MUST NOT, SHALL, REQUIRED, their lower-case forms, and the state-table
// rows "FSM") that applies to the role, with the cases citing it, or the reason it cannot be
// tested here (the suite's not-testable list, or the catalogue's testable=no column), or marked
// uncovered. `l2tpsim rules --coverage` prints it; the HTML report links to it.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.hpp"
#include "engine/wire/rules.hpp"

namespace l2tp::reports {

// One case file as coverage sees it (the scenario parser's CaseInfo, without the parser).
struct CoverageCase {
  std::string id;                         // "LNS-FSM-001"
  std::string dut_role;                   // "lns" or "lac"
  std::vector<std::string> requirements;  // the IDs it cites
};

// A row of the suite's not-testable list (not-testable.tsv): why a black-box tester on loopback
// cannot provoke or observe the requirement for that DUT role.
struct NotTestable {
  std::string id;        // "R273"
  std::string dut_role;  // "lns", "lac" or "both"
  std::string reason;    // one line
  int line = 0;          // in the file, for messages
};

enum class CoverageStatus : std::uint8_t { Covered, NotTestable, Uncovered };
const char* to_string(CoverageStatus s);  // "covered", "not-testable", "uncovered"

struct CoverageRow {
  std::string id, level, section, role, topic, text;
  std::vector<std::string> cases;  // citing it, sorted
  std::string reason;              // why not testable here (status NotTestable)
  CoverageStatus status = CoverageStatus::Uncovered;
};

struct Coverage {
  std::string dut_role;  // "lns" or "lac"
  std::vector<CoverageRow> rows;
  std::size_t covered = 0, not_testable = 0, uncovered = 0;
  // Entries of the not-testable list that a case cites anyway (the row counts as covered; the
  // entry should go) and entries naming an ID the catalogue lacks.
  std::vector<std::string> warnings;
  std::size_t total() const { return rows.size(); }
};

// The levels coverage asks for: MUST, MUST NOT, SHALL, SHALL NOT, REQUIRED, must, must not, FSM.
bool coverage_level(std::string_view level);
// Whether a catalogue row's role (LAC, LNS, both, sender, receiver) binds a DUT in `dut_role`
// ("lns" or "lac"): sender, receiver and both bind either role.
bool applies_to(std::string_view rule_role, std::string_view dut_role);

// The coverage of `catalogue` (kRuleTable) by `cases` for `dut_role`; cases of the other role
// are ignored, as are list entries for the other role.
Coverage compute_coverage(std::span<const RuleInfo> catalogue, const std::vector<CoverageCase>& cases,
                          const std::vector<NotTestable>& not_testable, std::string_view dut_role);

// Reads not-testable.tsv: a header row `id<TAB>dut-role<TAB>reason`, then one row per
// requirement; `#` comments and blank lines are skipped. An error names file and line.
Result<std::vector<NotTestable>, std::string> parse_not_testable(const std::string& text,
                                                                 const std::string& file);

// Console table: aligned columns, uncovered rows marked, a totals line
// "N of M covered, K not testable here, U uncovered".
void print_coverage(std::ostream& out, const Coverage& c);
std::string totals_line(const Coverage& c);
nlohmann::json to_json(const Coverage& c);

}  // namespace l2tp::reports
