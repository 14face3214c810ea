#include "reports/conformance_result.hpp"

#include <algorithm>
#include <map>

namespace l2tp::reports {
namespace {

// Higher is worse; the order a requirement's verdict is taken in.
int severity(Verdict v) {
  switch (v) {
    case Verdict::NotApplicable:
      return 0;
    case Verdict::Pass:
      return 1;
    case Verdict::Warn:
      return 2;
    case Verdict::NotRun:
      return 3;
    case Verdict::Inconclusive:
      return 4;
    case Verdict::Fail:
      return 5;
  }
  return 5;
}

}  // namespace

const char* verdict_label(Verdict v) {
  switch (v) {
    case Verdict::Pass:
      return "PASS";
    case Verdict::Fail:
      return "FAIL";
    case Verdict::Inconclusive:
      return "INCONCLUSIVE";
    case Verdict::NotApplicable:
      return "N/A";
    case Verdict::Warn:
      return "WARN";
    case Verdict::NotRun:
      return "NOT RUN";
  }
  return "?";
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Pass:
      return "pass";
    case Verdict::Fail:
      return "fail";
    case Verdict::Inconclusive:
      return "inconclusive";
    case Verdict::NotApplicable:
      return "not-applicable";
    case Verdict::Warn:
      return "warn";
    case Verdict::NotRun:
      return "not-run";
  }
  return "inconclusive";
}

const char* to_string(CheckOutcome o) {
  switch (o) {
    case CheckOutcome::Pass:
      return "pass";
    case CheckOutcome::Warn:
      return "warn";
    case CheckOutcome::Fail:
      return "fail";
  }
  return "fail";
}

CheckOutcome CheckResult::outcome() const {
  if (passed) return CheckOutcome::Pass;
  // A premise that did not hold fails nothing: the case is inconclusive instead.
  if (premise) return CheckOutcome::Warn;
  // A scenario's own expectation (no requirement named) is the user's MUST.
  if (requirement.empty()) return CheckOutcome::Fail;
  return is_mandatory_level(level) ? CheckOutcome::Fail : CheckOutcome::Warn;
}

std::size_t SuiteResult::count(Verdict v) const {
  return static_cast<std::size_t>(
      std::count_if(cases.begin(), cases.end(), [v](const CaseResult& c) { return c.verdict == v; }));
}

Verdict worse(Verdict a, Verdict b) {
  return severity(b) > severity(a) ? b : a;
}

std::vector<RequirementResult> requirement_results(const SuiteResult& s) {
  std::map<std::string, RequirementResult> by_id;
  for (const auto& c : s.cases) {
    for (const auto& id : c.requirements) {
      RequirementResult& r = by_id[id];
      r.id = id;
      r.verdict = worse(r.verdict, c.verdict);  // starts at not-applicable, the least severe
      // A case listing the same ID twice is still one case.
      if (r.cases.empty() || r.cases.back() != c.id) r.cases.push_back(c.id);
    }
  }
  for (std::size_t i = 0; i < kRuleCount; ++i) {
    auto it = by_id.find(std::string(kRuleTable[i].id));
    if (it != by_id.end()) it->second.rule = &kRuleTable[i];
  }

  std::vector<RequirementResult> out;
  out.reserve(by_id.size());
  for (auto& [id, r] : by_id) out.push_back(std::move(r));
  // Catalogue order follows the RFCs' sections; IDs it lacks go last.
  auto row = [](const RequirementResult& r) {
    return r.rule ? static_cast<std::size_t>(r.rule - kRuleTable) : kRuleCount;
  };
  std::sort(out.begin(), out.end(), [&](const RequirementResult& a, const RequirementResult& b) {
    return row(a) != row(b) ? row(a) < row(b) : a.id < b.id;
  });
  return out;
}

}  // namespace l2tp::reports
