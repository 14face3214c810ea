// Requirement coverage of the conformance suite. See coverage.hpp.
#include "reports/coverage.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

namespace l2tp::reports {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, '\t')) out.push_back(cell);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \r\n");
  return s.substr(b, e - b + 1);
}

bool role_matches(std::string_view entry_role, std::string_view dut_role) {
  return entry_role == "both" || entry_role == dut_role;
}

}  // namespace

const char* to_string(CoverageStatus s) {
  switch (s) {
    case CoverageStatus::Covered:
      return "covered";
    case CoverageStatus::NotTestable:
      return "not-testable";
    case CoverageStatus::Uncovered:
      return "uncovered";
  }
  return "?";
}

bool coverage_level(std::string_view level) {
  for (std::string_view l : {"MUST", "MUST NOT", "SHALL", "SHALL NOT", "REQUIRED", "must", "must not", "FSM"})
    if (level == l) return true;
  return false;
}

bool applies_to(std::string_view rule_role, std::string_view dut_role) {
  if (rule_role == "both" || rule_role == "sender" || rule_role == "receiver") return true;
  if (rule_role == "LNS") return dut_role == "lns";
  if (rule_role == "LAC") return dut_role == "lac";
  return false;
}

Coverage compute_coverage(std::span<const RuleInfo> catalogue, const std::vector<CoverageCase>& cases,
                          const std::vector<NotTestable>& not_testable, std::string_view dut_role) {
  Coverage c;
  c.dut_role = std::string(dut_role);
  std::map<std::string, std::set<std::string>> citing;
  for (const auto& k : cases) {
    if (k.dut_role != dut_role) continue;
    for (const auto& r : k.requirements) citing[r].insert(k.id);
  }
  std::map<std::string, const NotTestable*> listed;
  for (const auto& n : not_testable) {
    if (!role_matches(n.dut_role, dut_role)) continue;
    const bool known =
        std::any_of(catalogue.begin(), catalogue.end(), [&](const RuleInfo& r) { return r.id == n.id; });
    if (!known) {
      c.warnings.push_back("not-testable list line " + std::to_string(n.line) + ": " + n.id +
                           " is not in the requirement catalogue");
      continue;
    }
    listed.emplace(n.id, &n);
  }
  for (const auto& r : catalogue) {
    if (!coverage_level(r.level) || !applies_to(r.role, dut_role)) continue;
    CoverageRow row;
    row.id = std::string(r.id);
    row.level = std::string(r.level);
    row.section = std::string(r.section);
    row.role = std::string(r.role);
    row.topic = std::string(r.topic);
    row.text = std::string(r.text);
    if (auto it = citing.find(row.id); it != citing.end())
      row.cases.assign(it->second.begin(), it->second.end());
    const auto entry = listed.find(row.id);
    if (!row.cases.empty()) {
      row.status = CoverageStatus::Covered;
      if (entry != listed.end())
        c.warnings.push_back("not-testable list line " + std::to_string(entry->second->line) + ": " + row.id +
                             " is cited by " + row.cases.front() + "; the entry is stale");
    } else if (entry != listed.end()) {
      row.status = CoverageStatus::NotTestable;
      row.reason = entry->second->reason;
    } else if (!r.testable) {
      row.status = CoverageStatus::NotTestable;
      row.reason = "the catalogue marks it not testable (testable=no)";
    } else {
      row.status = CoverageStatus::Uncovered;
    }
    switch (row.status) {
      case CoverageStatus::Covered:
        ++c.covered;
        break;
      case CoverageStatus::NotTestable:
        ++c.not_testable;
        break;
      case CoverageStatus::Uncovered:
        ++c.uncovered;
        break;
    }
    c.rows.push_back(std::move(row));
  }
  return c;
}

Result<std::vector<NotTestable>, std::string> parse_not_testable(const std::string& text,
                                                                 const std::string& file) {
  std::vector<NotTestable> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  bool header = false;
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || trim(line).front() == '#') continue;
    const auto cells = split_tabs(line);
    auto where = [&] { return file + ":" + std::to_string(n) + ": "; };
    if (!header) {
      if (cells.size() < 3 || cells[0] != "id" || cells[1] != "dut-role" || cells[2] != "reason")
        return unexpected(where() + "the header row must be: id<TAB>dut-role<TAB>reason");
      header = true;
      continue;
    }
    if (cells.size() != 3)
      return unexpected(where() + "expected 3 tab-separated columns (id, dut-role, reason)");
    NotTestable e{trim(cells[0]), trim(cells[1]), trim(cells[2]), n};
    if (e.id.empty()) return unexpected(where() + "id is empty");
    if (e.dut_role != "lns" && e.dut_role != "lac" && e.dut_role != "both")
      return unexpected(where() + "dut-role '" + e.dut_role + "': lns, lac or both");
    if (e.reason.empty()) return unexpected(where() + e.id + ": a reason is needed");
    for (const std::string role : {"lns", "lac"})
      if (role_matches(e.dut_role, role) && !seen.insert(e.id + "/" + role).second)
        return unexpected(where() + e.id + " is listed twice for " + role);
    out.push_back(std::move(e));
  }
  if (!header) return unexpected(file + ": no header row (id<TAB>dut-role<TAB>reason)");
  return out;
}

std::string totals_line(const Coverage& c) {
  return std::to_string(c.covered) + " of " + std::to_string(c.total()) + " covered, " +
         std::to_string(c.not_testable) + " not testable here, " + std::to_string(c.uncovered) + " uncovered";
}

void print_coverage(std::ostream& out, const Coverage& c) {
  std::size_t id_w = 2, lvl_w = 5, sec_w = 7, role_w = 4;
  for (const auto& r : c.rows) {
    id_w = std::max(id_w, r.id.size());
    lvl_w = std::max(lvl_w, r.level.size());
    sec_w = std::max(sec_w, r.section.size());
    role_w = std::max(role_w, r.role.size());
  }
  constexpr std::size_t kStatusW = 12;  // "not testable"
  auto pad = [](std::string_view v, std::size_t w) {
    std::string s(v);
    s.resize(std::max(w, v.size()) + 2, ' ');
    return s;
  };
  out << "Requirement coverage, DUT role " << c.dut_role
      << " (levels MUST, MUST NOT, SHALL, REQUIRED, must, must not, FSM)\n\n";
  out << pad("ID", id_w) << pad("LEVEL", lvl_w) << pad("SECTION", sec_w) << pad("ROLE", role_w)
      << pad("STATUS", kStatusW) << "CASES / REASON\n";
  for (const auto& r : c.rows) {
    std::string status, what;
    switch (r.status) {
      case CoverageStatus::Covered: {
        status = "covered";
        for (const auto& k : r.cases) what += (what.empty() ? "" : ",") + k;
        break;
      }
      case CoverageStatus::NotTestable:
        status = "not testable";
        what = r.reason;
        break;
      case CoverageStatus::Uncovered:
        status = "UNCOVERED";
        what = "!! " + r.text;
        break;
    }
    out << pad(r.id, id_w) << pad(r.level, lvl_w) << pad(r.section, sec_w) << pad(r.role, role_w)
        << pad(status, kStatusW) << what << "\n";
  }
  for (const auto& w : c.warnings) out << "warning: " << w << "\n";
  out << "\n" << totals_line(c) << "\n";
}

nlohmann::json to_json(const Coverage& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.rows) {
    nlohmann::json j{
        {"id", r.id},       {"level", r.level}, {"section", r.section}, {"role", r.role},
        {"topic", r.topic}, {"text", r.text},   {"cases", r.cases},     {"status", to_string(r.status)}};
    if (r.status == CoverageStatus::NotTestable) j["reason"] = r.reason;
    rows.push_back(std::move(j));
  }
  return nlohmann::json{{"dut_role", c.dut_role},
                        {"rows", std::move(rows)},
                        {"totals",
                         {{"applicable", c.total()},
                          {"covered", c.covered},
                          {"not_testable", c.not_testable},
                          {"uncovered", c.uncovered}}},
                        {"warnings", c.warnings}};
}

}  // namespace l2tp::reports
