// l2tpsim rules: the requirement catalogue (R001..., P001...) the checks cite, which of them the
// stateless message checker evaluates, and (--coverage) which cases of the bundled suite cite
// each binding requirement for a DUT role.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "engine/wire/checker.hpp"
#include "reports/coverage.hpp"
#include "scenarios/parser.hpp"

namespace fs = std::filesystem;
namespace sc = l2tp::scenario;

namespace l2tpsim::app {

std::string bundled_scenario_dir() {
  if (const char* d = std::getenv("L2TPSIM_SCENARIOS")) return d;
  return L2TPSIM_SCENARIO_DIR;
}

namespace {

constexpr const char* kUsage =
    "usage: l2tpsim rules [--checked]\n"
    "       l2tpsim rules --coverage [--dut-role lns|lac] [--suite DIR] [--json] [--fail-uncovered]\n\n"
    "Lists every requirement row (ID, section, level, topic, text). With --checked, only the rows\n"
    "the per-message checker evaluates.\n\n"
    "--coverage: every requirement of level MUST, MUST NOT, SHALL, REQUIRED (or lower case) or FSM\n"
    "that binds a DUT in that role (both roles without --dut-role), with the cases of the suite\n"
    "citing it, or why it cannot be tested here (DIR/not-testable.tsv, or the catalogue's\n"
    "testable column), or UNCOVERED. --suite DIR: the suite folder (default: the bundled one,\n"
    "or $L2TPSIM_SCENARIOS/conformance). --json: the table as JSON. --fail-uncovered: exit 1\n"
    "when a requirement is uncovered.\n";

struct Loaded {
  std::vector<l2tp::reports::CoverageCase> cases;
  std::vector<l2tp::reports::NotTestable> not_testable;
};

// The case files of the role folders asked for (their case: blocks) and the not-testable list.
// Throws std::runtime_error with the file, line and key of the first problem.
Loaded load_suite(const fs::path& suite, const std::vector<std::string>& roles) {
  Loaded out;
  // Values for the built-in variables, so a file using ${target} or ${secret} parses; only the
  // case: block matters here.
  const sc::Vars vars{{"target", "127.0.0.1:1701"},
                      {"secret", "secret"},
                      {"user", "user"},
                      {"password", "password"},
                      {"trigger", "true"}};
  for (const auto& role : roles) {
    const fs::path dir = suite / role;
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto s = sc::load_scenario(f.string(), vars);
      if (!s) throw std::runtime_error(s.error().to_string());
      if (!s->case_info) throw std::runtime_error(f.string() + ": not a conformance case (no case: block)");
      const auto& ci = *s->case_info;
      // A check's own requirement is one of case.requirements (the parser insists).
      out.cases.push_back({ci.id, sc::to_string(ci.dut), ci.requirements});
    }
  }
  const fs::path list = suite / "not-testable.tsv";
  if (fs::exists(list)) {
    std::ifstream in(list);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw std::runtime_error(list.string() + ": cannot read");
    auto parsed = l2tp::reports::parse_not_testable(text.str(), list.string());
    if (!parsed) throw std::runtime_error(parsed.error());
    out.not_testable = std::move(*parsed);
  }
  return out;
}

int run_coverage(const std::string& dut_role, std::string suite_dir, bool json, bool fail_uncovered) {
  if (suite_dir.empty()) suite_dir = bundled_scenario_dir() + "/conformance";
  if (!fs::is_directory(suite_dir)) {
    std::cerr << "l2tpsim rules: --suite: no folder " << suite_dir << "\n";
    return 2;
  }
  std::vector<std::string> roles;
  if (dut_role.empty())
    roles = {"lns", "lac"};
  else
    roles = {dut_role};
  Loaded suite;
  try {
    suite = load_suite(suite_dir, roles);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  const std::span<const l2tp::RuleInfo> catalogue(l2tp::kRuleTable, l2tp::kRuleCount);
  bool any_uncovered = false;
  nlohmann::json all = nlohmann::json::array();
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const auto c = l2tp::reports::compute_coverage(catalogue, suite.cases, suite.not_testable, roles[i]);
    any_uncovered = any_uncovered || c.uncovered > 0;
    if (json) {
      all.push_back(l2tp::reports::to_json(c));
    } else {
      if (i) std::cout << "\n";
      l2tp::reports::print_coverage(std::cout, c);
    }
  }
  if (json) std::cout << (dut_role.empty() ? all : all.front()).dump(2) << "\n";
  return fail_uncovered && any_uncovered ? 1 : 0;
}

}  // namespace

int run_rules(int argc, char** argv) {
  bool checked_only = false, coverage = false, json = false, fail_uncovered = false;
  std::string dut_role, suite_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& to) {
      if (i + 1 >= argc) {
        std::cerr << "l2tpsim rules: " << a << " needs a value\n";
        return false;
      }
      to = argv[++i];
      return true;
    };
    if (a == "--checked") {
      checked_only = true;
    } else if (a == "--coverage") {
      coverage = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--fail-uncovered") {
      fail_uncovered = true;
    } else if (a == "--dut-role") {
      if (!value(dut_role)) return 2;
      if (dut_role != "lns" && dut_role != "lac") {
        std::cerr << "l2tpsim rules: --dut-role: lns or lac\n";
        return 2;
      }
    } else if (a == "--suite") {
      if (!value(suite_dir)) return 2;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "l2tpsim rules: unknown option '" << a << "'\n";
      return 2;
    }
  }
  if (coverage) {
    if (checked_only) {
      std::cerr << "l2tpsim rules: --checked and --coverage do not go together\n";
      return 2;
    }
    return run_coverage(dut_role, suite_dir, json, fail_uncovered);
  }
  if (json || fail_uncovered || !dut_role.empty() || !suite_dir.empty()) {
    std::cerr << "l2tpsim rules: --dut-role, --suite, --json and --fail-uncovered go with --coverage\n";
    return 2;
  }
  std::set<l2tp::Rule> checked;
  for (const auto& row : l2tp::wire::check_rows()) checked.insert(row.rule);
  for (std::size_t i = 0; i < l2tp::kRuleCount; ++i) {
    const auto& r = l2tp::kRuleTable[i];
    const bool is_checked = checked.count(static_cast<l2tp::Rule>(i)) > 0;
    if (checked_only && !is_checked) continue;
    std::cout << r.id << "\t" << r.section << "\t" << r.level << "\t" << r.topic << "\t" << r.text << "\n";
  }
  return 0;
}

}  // namespace l2tpsim::app
