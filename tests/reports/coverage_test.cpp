#include "reports/coverage.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace l2tp::reports {
namespace L2TPSIM_FILE_ID {

// A small catalogue: one row per case the computation must tell apart.
constexpr RuleInfo kCatalogue[] = {
    {"R901", "7.2.1", "FSM", "tunnel-fsm", "in established, on SCCCN -> StopCCN", true, "both"},
    {"R902", "6.9", "MUST", "message-avps", "OCRQ must contain Bearer Type", true, "LNS"},
    {"R903", "5.8", "SHOULD", "reliable-delivery", "a should row", true, "both"},
    {"R904", "8.1", "MUST", "udp-transport", "checksums on", false, "sender"},
    {"R905", "6.6", "must", "message-avps", "ICRQ carries Assigned Session ID", true, "LAC"},
    {"R906", "3.1", "MUST NOT", "header", "a receiver rule", true, "receiver"},
    {"R907", "4.4.2", "DEF", "result-codes", "a defined code", true, "both"},
    {"P901", "RFC1661 5.5", "MUST", "lcp", "Terminate-Ack", true, "both"},
};

std::vector<CoverageCase> cases() {
  return {{"LNS-FSM-001", "lns", {"R901", "R903"}},
          {"LNS-FSM-002", "lns", {"R901"}},
          {"LAC-MSG-001", "lac", {"R905", "R906"}}};
}

const CoverageRow* row(const Coverage& c, const std::string& id) {
  for (const auto& r : c.rows)
    if (r.id == id) return &r;
  return nullptr;
}

TEST(Coverage, LevelsAndRoles) {
  for (const char* l : {"MUST", "MUST NOT", "SHALL", "REQUIRED", "must", "must not", "FSM"})
    EXPECT_TRUE(coverage_level(l)) << l;
  for (const char* l : {"SHOULD", "MAY", "DEF", "INFO", "should"}) EXPECT_FALSE(coverage_level(l)) << l;
  EXPECT_TRUE(applies_to("LNS", "lns"));
  EXPECT_FALSE(applies_to("LNS", "lac"));
  EXPECT_TRUE(applies_to("LAC", "lac"));
  EXPECT_FALSE(applies_to("LAC", "lns"));
  for (const char* r : {"both", "sender", "receiver"}) {
    EXPECT_TRUE(applies_to(r, "lns")) << r;
    EXPECT_TRUE(applies_to(r, "lac")) << r;
  }
}

TEST(Coverage, RowsForTheLnsRole) {
  const std::vector<NotTestable> list{{"R906", "lns", "cannot be provoked on loopback", 2},
                                      {"P901", "lac", "only for a LAC", 3}};
  const auto c = compute_coverage(kCatalogue, cases(), list, "lns");
  // R902 (LNS, MUST), R901 (FSM), R904 (untestable), R906 (receiver), P901; not R903 (SHOULD),
  // R905 (LAC only) or R907 (DEF).
  ASSERT_EQ(c.total(), 5u);
  EXPECT_EQ(c.rows[0].id, "R901");  // catalogue order
  EXPECT_EQ(row(c, "R903"), nullptr);
  EXPECT_EQ(row(c, "R905"), nullptr);
  EXPECT_EQ(row(c, "R907"), nullptr);

  const auto* r901 = row(c, "R901");
  ASSERT_NE(r901, nullptr);
  EXPECT_EQ(r901->status, CoverageStatus::Covered);
  EXPECT_EQ(r901->cases, (std::vector<std::string>{"LNS-FSM-001", "LNS-FSM-002"}));
  EXPECT_EQ(r901->level, "FSM");
  EXPECT_EQ(r901->section, "7.2.1");
  EXPECT_EQ(r901->role, "both");

  EXPECT_EQ(row(c, "R902")->status, CoverageStatus::Uncovered);
  // The catalogue's testable=no column lists a row as not testable by itself.
  EXPECT_EQ(row(c, "R904")->status, CoverageStatus::NotTestable);
  EXPECT_NE(row(c, "R904")->reason.find("testable=no"), std::string::npos);
  // A LAC case citing R906 does not cover it for a DUT LNS; the list does, for lns.
  EXPECT_EQ(row(c, "R906")->status, CoverageStatus::NotTestable);
  EXPECT_EQ(row(c, "R906")->reason, "cannot be provoked on loopback");
  // An entry for the other role does not count.
  EXPECT_EQ(row(c, "P901")->status, CoverageStatus::Uncovered);

  EXPECT_EQ(c.covered, 1u);
  EXPECT_EQ(c.not_testable, 2u);
  EXPECT_EQ(c.uncovered, 2u);
  EXPECT_EQ(totals_line(c), "1 of 5 covered, 2 not testable here, 2 uncovered");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(Coverage, RowsForTheLacRole) {
  const std::vector<NotTestable> list{{"P901", "both", "not here", 2}};
  const auto c = compute_coverage(kCatalogue, cases(), list, "lac");
  EXPECT_EQ(row(c, "R902"), nullptr);  // LNS only
  EXPECT_EQ(row(c, "R905")->status, CoverageStatus::Covered);
  EXPECT_EQ(row(c, "R906")->status, CoverageStatus::Covered);
  EXPECT_EQ(row(c, "R901")->status, CoverageStatus::Uncovered);  // cited by LNS cases only
  EXPECT_EQ(row(c, "P901")->status, CoverageStatus::NotTestable);
  EXPECT_EQ(totals_line(c), "2 of 5 covered, 2 not testable here, 1 uncovered");
}

TEST(Coverage, ACitedRowWinsOverTheListAndTheStaleEntryIsReported) {
  const std::vector<NotTestable> list{{"R901", "both", "thought untestable", 4},
                                      {"R999", "lns", "not in the catalogue", 5}};
  const auto c = compute_coverage(kCatalogue, cases(), list, "lns");
  EXPECT_EQ(row(c, "R901")->status, CoverageStatus::Covered);
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_NE(c.warnings[0].find("R999"), std::string::npos);
  EXPECT_NE(c.warnings[1].find("line 4"), std::string::npos);
  EXPECT_NE(c.warnings[1].find("stale"), std::string::npos);
}

TEST(Coverage, ConsoleTableMarksUncoveredRowsAndEndsWithTotals) {
  const auto c = compute_coverage(kCatalogue, cases(), {}, "lns");
  std::ostringstream out;
  print_coverage(out, c);
  const std::string s = out.str();
  EXPECT_NE(s.find("UNCOVERED"), std::string::npos);
  EXPECT_NE(s.find("!! OCRQ must contain Bearer Type"), std::string::npos);
  EXPECT_NE(s.find("LNS-FSM-001,LNS-FSM-002"), std::string::npos);
  EXPECT_NE(s.find("not testable"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - totals_line(c).size() - 1), totals_line(c) + "\n");
  // Columns line up: every row's STATUS starts where the header's does.
  std::istringstream lines(s);
  std::string line;
  std::size_t status_col = std::string::npos;
  while (std::getline(lines, line)) {
    if (line.rfind("ID", 0) == 0) status_col = line.find("STATUS");
    if (line.rfind("R90", 0) == 0 || line.rfind("P90", 0) == 0) {
      ASSERT_NE(status_col, std::string::npos);
      EXPECT_NE(line[status_col], ' ') << line;
      EXPECT_EQ(line[status_col - 1], ' ') << line;
    }
  }
}

TEST(Coverage, Json) {
  const auto c = compute_coverage(kCatalogue, cases(), {{"R906", "lns", "why", 2}}, "lns");
  const auto j = to_json(c);
  EXPECT_EQ(j["dut_role"], "lns");
  EXPECT_EQ(j["totals"]["applicable"], 5);
  EXPECT_EQ(j["totals"]["covered"], 1);
  EXPECT_EQ(j["totals"]["not_testable"], 2);
  EXPECT_EQ(j["totals"]["uncovered"], 2);
  ASSERT_EQ(j["rows"].size(), 5u);
  EXPECT_EQ(j["rows"][0]["id"], "R901");
  EXPECT_EQ(j["rows"][0]["status"], "covered");
  EXPECT_EQ(j["rows"][0]["cases"].size(), 2u);
  bool saw_reason = false;
  for (const auto& r : j["rows"])
    if (r["id"] == "R906") {
      EXPECT_EQ(r["status"], "not-testable");
      EXPECT_EQ(r["reason"], "why");
      saw_reason = true;
    }
  EXPECT_TRUE(saw_reason);
}

TEST(Coverage, ParsesTheNotTestableList) {
  const std::string text =
      "id\tdut-role\treason\n"
      "# comment\n"
      "\n"
      "R273\tlns\tneeds an operator to close the tunnel on the DUT\n"
      "R260\tboth\tthe DUT opens tunnels only on its own initiative\r\n";
  auto r = parse_not_testable(text, "nt.tsv");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, "R273");
  EXPECT_EQ((*r)[0].dut_role, "lns");
  EXPECT_EQ((*r)[0].line, 4);
  EXPECT_EQ((*r)[1].dut_role, "both");
  EXPECT_EQ((*r)[1].reason, "the DUT opens tunnels only on its own initiative");
}

TEST(Coverage, RejectsABadNotTestableList) {
  auto err = [](const std::string& text) {
    auto r = parse_not_testable(text, "nt.tsv");
    return r ? std::string() : r.error();
  };
  EXPECT_NE(err("R1\tlns\twhy\n").find("nt.tsv:1: the header row"), std::string::npos);
  EXPECT_NE(err("").find("no header row"), std::string::npos);
  const std::string h = "id\tdut-role\treason\n";
  EXPECT_NE(err(h + "R1\tboth-ways\twhy\n").find("nt.tsv:2: dut-role 'both-ways'"), std::string::npos);
  EXPECT_NE(err(h + "R1\tlns\t\n").find("a reason is needed"), std::string::npos);
  EXPECT_NE(err(h + "R1\tlns\n").find("3 tab-separated columns"), std::string::npos);
  EXPECT_NE(err(h + "R1\tlns\twhy\nR1\tboth\twhy again\n").find("nt.tsv:3: R1 is listed twice for lns"),
            std::string::npos);
  EXPECT_EQ(err(h + "R1\tlns\twhy\nR1\tlac\twhy there\n"), "");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::reports
