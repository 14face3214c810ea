#include "replay/replay_junit.hpp"

#include <map>

#include "engine/wire/rules.hpp"
#include "reports/conformance_report.hpp"

namespace l2tp::replay {
namespace {

std::string side_text(const std::string& message, std::uint64_t frame, const char* frame_word) {
  std::string s = message.empty() ? std::string("(nothing)") : message;
  if (frame) s += std::string(" (") + frame_word + " " + std::to_string(frame) + ")";
  return s;
}

}  // namespace

std::string difference_line(const Difference& d) {
  return d.kind + ": captured " + side_text(d.captured, d.frame_captured, "frame") + ", live " +
         side_text(d.live, d.frame_live, "live frame");
}

reports::SuiteResult junit_suite(const ReplayOutcome& o, const ReplayReport& r,
                                 std::string_view tool_version) {
  reports::SuiteResult s;
  s.tool_version = std::string(tool_version);
  s.target = r.peer;
  s.dut_role = o.played == "LAC" ? "lns" : "lac";  // the live peer is the other side
  s.pcap_path = r.pcap;
  s.duration_s = r.duration_s;
  s.simulated = r.simulated;  // a property of the testsuite, as conform --sim writes it
  s.dut.alive = false;
  std::map<std::string, std::size_t> seen;  // a name twice (two SLIs) gets "#2"
  for (const ExchangeRow& row : o.exchanges) {
    if (row.frame_live) s.dut.alive = true;
    reports::CaseResult c;
    const std::size_t n = ++seen[row.exchange];
    c.id = n == 1 ? row.exchange : row.exchange + " #" + std::to_string(n);
    c.dut_role = s.dut_role;
    c.first_frame = c.last_frame = row.frame_live;
    if (row.differences.empty()) {
      c.verdict = reports::Verdict::Pass;
      reports::CheckResult ch;
      ch.description = "as captured: " + side_text(row.captured, row.frame_captured, "frame") + ", live " +
                       side_text(row.live, row.frame_live, "live frame");
      ch.passed = true;
      c.checks.push_back(std::move(ch));
    } else {
      c.verdict = reports::Verdict::Fail;
      for (const std::size_t i : row.differences) {
        const Difference& d = o.differences.at(i);
        const std::string line = difference_line(d);
        c.reason += (c.reason.empty() ? "" : "; ") + line;
        reports::CheckResult ch;
        ch.description = line;
        c.checks.push_back(std::move(ch));
      }
    }
    s.cases.push_back(std::move(c));
  }
  // The passive checker's findings, one testcase per requirement broken: a MUST-level one
  // fails, a weaker one warns (a passed testcase with the finding in system-out), as in conform.
  std::map<std::string, std::vector<const PeerFinding*>> by_rule;
  for (const PeerFinding& v : o.findings.kept) by_rule[v.rule].push_back(&v);
  for (const auto& [rule, list] : by_rule) {
    reports::CaseResult c;
    c.id = "passive checker: " + rule;
    c.title = "the live peer's messages against " + rule;
    c.dut_role = s.dut_role;
    c.requirements = {rule};
    const std::string level = list.front()->level;
    c.verdict = is_mandatory_level(level) ? reports::Verdict::Fail : reports::Verdict::Warn;
    const auto n = o.findings.by_rule.count(rule) ? o.findings.by_rule.at(rule) : list.size();
    c.reason = rule + " (" + level + ") broken " + std::to_string(n) + " time(s), first in live frame " +
               std::to_string(list.front()->frame_live) + ": " + list.front()->detail;
    for (const PeerFinding* v : list)
      c.violations.push_back(
          reports::ViolationRecord{v->rule, v->detail, reports::Evidence{v->frame_live, 0, ""}, v->level});
    c.first_frame = list.front()->frame_live;
    c.last_frame = list.back()->frame_live;
    s.cases.push_back(std::move(c));
  }
  s.cases_planned = s.cases.size();
  return s;
}

std::string replay_junit(const ReplayReport& r, std::string_view tool_version) {
  std::vector<reports::SuiteResult> suites;
  suites.reserve(r.tunnels.size());
  for (const ReplayOutcome& o : r.tunnels) suites.push_back(junit_suite(o, r, tool_version));
  std::vector<reports::JunitSuite> named;
  for (std::size_t i = 0; i < suites.size(); ++i) {
    const ReplayOutcome& o = r.tunnels[i];
    named.push_back(reports::JunitSuite{"l2tpsim replay: tunnel " + std::to_string(o.tunnel + 1) + " of " +
                                            r.capture + ", " + o.played + " side played against " +
                                            suites[i].dut_role + " " + r.peer,
                                        &suites[i]});
  }
  return reports::to_junit("l2tpsim replay", named);
}

}  // namespace l2tp::replay
