#include "reports/conformance_report.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace l2tp::reports {
namespace L2TPSIM_FILE_ID {

Evidence ev(std::uint64_t frame, double t, std::string summary) {
  return Evidence{frame, t, std::move(summary)};
}

CheckResult check(std::string description, bool passed, std::string detail, std::vector<Evidence> evidence,
                  std::string requirement = "R024", std::string level = "MUST") {
  CheckResult c;
  c.description = std::move(description);
  c.passed = passed;
  c.detail = std::move(detail);
  c.evidence = std::move(evidence);
  c.requirement = std::move(requirement);
  c.level = std::move(level);
  c.clause = "4.1: MUST cause the tunnel to be terminated";
  return c;
}

CaseResult make_case(std::string id, std::string title, std::vector<std::string> reqs, Verdict v,
                     std::string reason = "") {
  CaseResult c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.file = "scenarios/library/conformance/" + c.id + ".yaml";
  c.dut_role = "lns";
  c.requirements = std::move(reqs);
  c.verdict = v;
  c.reason = std::move(reason);
  return c;
}

// One case of each verdict, R024 cited by a passing and a failing case, an ID the catalogue
// lacks, and text that needs escaping.
SuiteResult sample() {
  SuiteResult s;
  s.tool_version = "0.5.0";
  s.target = "127.0.0.3:1701";
  s.dut_role = "lns";
  s.started = "2025-03-14T09:26:53Z";
  s.duration_s = 83.42;
  s.pcap_path = "/tmp/run-20250314/conformance.pcap";

  CaseResult pass = make_case("LNS-HDR-001", "Control messages carry L=1, S=1 and zero reserved bits",
                              {"R004", "R005"}, Verdict::Pass);
  pass.checks.push_back(check("every DUT control message has L=1 and S=1", true, "14 messages checked",
                              {ev(2, 0.004, "DUT -> us SCCRP tunnel 1 Ns 0 Nr 1")}));
  pass.started_s = 0.0;
  pass.duration_s = 1.204;
  pass.first_frame = 1;
  pass.last_frame = 6;
  s.cases.push_back(pass);

  CaseResult fail =
      make_case("LNS-AVP-003", "Unknown mandatory AVP in SCCRQ clears the tunnel", {"R024", "R053"},
                Verdict::Fail, "DUT answered with SCCRP <instead> of StopCCN & kept the \"tunnel\"");
  fail.checks.push_back(check("expect StopCCN with Result Code 2 within 5 s", false,
                              "saw SCCRP at 0.531 s, then nothing for 5 s",
                              {ev(12, 0.532, "DUT -> us SCCRP tunnel 7 Ns 0 Nr 1")}));
  fail.checks.push_back(check("no session survives the tunnel", true, "", {}));
  fail.violations.push_back({"R024", "accepted an SCCRQ carrying vendor 0 type 99 with M=1",
                             ev(12, 0.532, "DUT -> us SCCRP"), "MUST"});
  fail.started_s = 1.3;
  fail.duration_s = 5.871;
  fail.first_frame = 7;
  fail.last_frame = 15;
  s.cases.push_back(fail);

  CaseResult inconclusive = make_case(
      "LNS-TIE-001", "Tie breaker: the lower value wins and the loser stays silent", {"R064", "R065"},
      Verdict::Inconclusive, "no SCCRQ from the DUT within 10 s; cannot provoke a tie");
  inconclusive.checks.push_back(check("DUT sends its own SCCRQ", false, "nothing received", {}));
  inconclusive.started_s = 7.2;
  inconclusive.duration_s = 10.002;
  s.cases.push_back(inconclusive);

  CaseResult na =
      make_case("LNS-OCRQ-001", "Outgoing call request on a DUT that advertises no bearers", {"R061", "X999"},
                Verdict::NotApplicable, "the DUT is an LNS without outgoing call support");
  na.started_s = 17.2;
  s.cases.push_back(na);

  CaseResult hostile = make_case("LNS-AVP-004", "Host Name <script>alert(1)</script> is echoed safely",
                                 {"R024"}, Verdict::Pass);
  hostile.checks.push_back(check("DUT's Host Name decoded", true, "Host Name \"lns&co\"",
                                 {ev(20, 17.9, "DUT -> us SCCRP Host Name <lns>")}));
  hostile.started_s = 17.3;
  hostile.duration_s = 0.81;
  hostile.first_frame = 16;
  hostile.last_frame = 22;
  s.cases.push_back(hostile);
  return s;
}

// The sample, padded with passing cases so a rendered page looks like a real run.
SuiteResult screenshot_sample() {
  SuiteResult s = sample();
  const std::pair<const char*, std::vector<std::string>> more[] = {
      {"Hidden AVPs use a fresh Random Vector", {"R034"}},
      {"ZLB acknowledges a lone control message", {"R001"}},
      {"Retransmissions back off exponentially", {"R002"}},
      {"StopCCN is acknowledged before the tunnel goes", {"R049", "R050"}},
      {"Challenge Response is computed over type 2", {"R056"}},
      {"Framing Capabilities carry M=1", {"R058"}},
  };
  double t = 19.0;
  std::uint64_t frame = 23;
  int n = 10;
  for (const auto& [title, reqs] : more) {
    CaseResult c = make_case("LNS-GEN-0" + std::to_string(n++), title, reqs, Verdict::Pass);
    c.checks.push_back(
        check("expected exchange seen", true, "matched", {ev(frame + 1, t + 0.01, "DUT -> us ZLB")}));
    c.started_s = t;
    c.duration_s = 2.5;
    c.first_frame = frame;
    c.last_frame = frame + 5;
    t += 2.6;
    frame += 6;
    s.cases.push_back(c);
  }
  return s;
}

TEST(ConformanceResult, CountsAndWorstVerdict) {
  const SuiteResult s = sample();
  EXPECT_EQ(s.count(Verdict::Pass), 2u);
  EXPECT_EQ(s.count(Verdict::Fail), 1u);
  EXPECT_TRUE(s.any_failed());
  EXPECT_EQ(worse(Verdict::Pass, Verdict::NotApplicable), Verdict::Pass);
  EXPECT_EQ(worse(Verdict::Inconclusive, Verdict::Pass), Verdict::Inconclusive);
  EXPECT_EQ(worse(Verdict::Inconclusive, Verdict::Fail), Verdict::Fail);
  EXPECT_STREQ(to_string(Verdict::NotApplicable), "not-applicable");
}

TEST(ConformanceResult, RequirementsInCatalogueOrderUnknownLast) {
  const auto reqs = requirement_results(sample());
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.front().id, "R004");
  EXPECT_EQ(reqs.back().id, "X999");
  EXPECT_EQ(reqs.back().rule, nullptr);
  for (const auto& r : reqs)
    if (r.id == "R024") {
      EXPECT_EQ(r.verdict, Verdict::Fail);
      EXPECT_EQ(r.cases, (std::vector<std::string>{"LNS-AVP-003", "LNS-AVP-004"}));
      ASSERT_NE(r.rule, nullptr);
      EXPECT_EQ(r.rule->id, "R024");
    }
}

TEST(ConformanceReport, TableHasTotalsAndEachReason) {
  std::ostringstream out;
  print_table(out, sample());
  const std::string t = out.str();
  EXPECT_NE(t.find("5 cases: 2 pass, 0 warn, 1 fail, 1 inconclusive, 1 not applicable"), std::string::npos)
      << t;
  EXPECT_NE(t.find("reason: DUT answered with SCCRP <instead>"), std::string::npos) << t;
  EXPECT_NE(t.find("reason: no SCCRQ from the DUT within 10 s"), std::string::npos) << t;
  EXPECT_NE(t.find("reason: the DUT is an LNS without outgoing call support"), std::string::npos) << t;
  EXPECT_NE(t.find("INCONCLUSIVE"), std::string::npos);
  EXPECT_NE(t.find("N/A"), std::string::npos);
  EXPECT_NE(t.find("R024,R053"), std::string::npos);
  EXPECT_NE(t.find("pcap: /tmp/run-20250314/conformance.pcap"), std::string::npos);
}

TEST(ConformanceReport, JsonNamesEveryField) {
  const nlohmann::json j = nlohmann::json::parse(to_json(sample()).dump());
  for (const char* k : {"tool_version", "target", "dut_role", "started", "duration_s", "pcap", "cases",
                        "totals", "requirements"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["totals"], (nlohmann::json{{"pass", 2},
                                         {"warn", 0},
                                         {"fail", 1},
                                         {"inconclusive", 1},
                                         {"not_applicable", 1},
                                         {"not_run", 0},
                                         {"total", 5}}));
  const auto& c = j["cases"][1];
  for (const char* k : {"id", "title", "file", "dut_role", "requirements", "verdict", "reason", "checks",
                        "violations", "started_s", "duration_s", "first_frame", "last_frame"})
    EXPECT_TRUE(c.contains(k)) << k;
  EXPECT_EQ(c["verdict"], "fail");
  EXPECT_EQ(j["cases"][3]["verdict"], "not-applicable");
  EXPECT_EQ(
      c["checks"][0]["evidence"][0],
      (nlohmann::json{{"frame", 12}, {"time_s", 0.532}, {"summary", "DUT -> us SCCRP tunnel 7 Ns 0 Nr 1"}}));
  EXPECT_EQ(c["checks"][0]["passed"], false);
  EXPECT_TRUE(c["checks"][0].contains("description"));
  EXPECT_TRUE(c["checks"][0].contains("detail"));
  EXPECT_EQ(c["checks"][0]["requirement"], "R024");
  EXPECT_EQ(c["checks"][0]["level"], "MUST");
  EXPECT_EQ(c["checks"][0]["outcome"], "fail");
  EXPECT_EQ(j["dut"]["alive"], true);
  EXPECT_TRUE(j["dut"]["stopped"].empty());
  EXPECT_EQ(c["violations"][0]["rule"], "R024");
  EXPECT_EQ(c["violations"][0]["evidence"]["frame"], 12);
  EXPECT_TRUE(c["violations"][0].contains("detail"));
}

TEST(ConformanceReport, JsonRequirementTakesWorstVerdict) {
  const nlohmann::json r = to_json(sample())["requirements"];
  EXPECT_EQ(r["R024"]["verdict"], "fail");  // a pass and a fail
  EXPECT_EQ(r["R024"]["cases"], (nlohmann::json{"LNS-AVP-003", "LNS-AVP-004"}));
  EXPECT_EQ(r["R004"]["verdict"], "pass");
  EXPECT_EQ(r["R064"]["verdict"], "inconclusive");
  EXPECT_EQ(r["X999"]["verdict"], "not-applicable");
}

TEST(ConformanceReport, JsonSurvivesInvalidUtf8) {
  SuiteResult s = sample();
  s.cases[0].checks[0].evidence[0].summary = "Host Name \xff\xfe";
  EXPECT_NO_THROW((void)to_json(s).dump());
}

TEST(ConformanceReport, EscapeMarkupDropsControlCharacters) {
  EXPECT_EQ(escape_markup("a<b>&\"c'\x01\x1b\x7f\td\ne\r"), "a&lt;b&gt;&amp;&quot;c&#39;\td\ne");
  EXPECT_EQ(escape_markup("x\ty\n", true), "x&#9;y&#10;");
  EXPECT_EQ(escape_markup("\xc2\x85ok \xff"), "ok \xEF\xBF\xBD");  // C1 NEL dropped, bad byte replaced
}

// xmllint if present; otherwise only the structural checks of the next test apply.
bool xmllint_accepts(const std::string& xml) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return true;
  FILE* p = popen("xmllint --noout - 2>&1", "w");
  if (!p) return false;
  std::fwrite(xml.data(), 1, xml.size(), p);
  return pclose(p) == 0;
}

TEST(ConformanceReport, JunitIsWellFormed) {
  SuiteResult s = sample();
  s.cases[0].title += "\x01\x02 & more";  // control characters would make the XML invalid
  const std::string x = to_junit(s);
  EXPECT_TRUE(xmllint_accepts(x)) << x;
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_NE(x.find("<testsuite name=\"l2tpsim conformance (DUT lns @ 127.0.0.3:1701)\" tests=\"5\" "
                   "failures=\"1\" errors=\"1\" skipped=\"1\" time=\"83.420\""),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<testcase classname=\"l2tpsim.lns\" name=\"LNS-AVP-003 Unknown mandatory AVP in SCCRQ "
                   "clears the tunnel\" time=\"5.871\""),
            std::string::npos);
  EXPECT_NE(x.find("<error message=\"no SCCRQ from the DUT"), std::string::npos);
  EXPECT_NE(x.find("<skipped message=\"the DUT is an LNS"), std::string::npos);
  EXPECT_NE(x.find("<property name=\"requirement\" value=\"R024\"/>"), std::string::npos);
  EXPECT_NE(x.find("Requirements: R024, R053"), std::string::npos);
  EXPECT_EQ(x.find('\x01'), std::string::npos);
}

TEST(ConformanceReport, JunitEscapesReasonAndCarriesCheckText) {
  const std::string x = to_junit(sample());
  EXPECT_NE(x.find("<failure message=\"DUT answered with SCCRP &lt;instead&gt; of StopCCN &amp; kept the "
                   "&quot;tunnel&quot;\""),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("[FAIL] expect StopCCN with Result Code 2 within 5 s"), std::string::npos);
  EXPECT_NE(x.find("frame 12 (0.532 s): DUT -&gt; us SCCRP tunnel 7"), std::string::npos);
  EXPECT_NE(x.find("Host Name &lt;script&gt;"), std::string::npos);
  EXPECT_EQ(x.find("<script>"), std::string::npos);
}

TEST(ConformanceReport, HtmlCitesRequirementText) {
  const std::string h = to_html(sample());
  const std::string text(rule_info(Rule::R024).text);
  EXPECT_NE(h.find(escape_markup(text)), std::string::npos);
  EXPECT_NE(h.find("id=\"req-R024\""), std::string::npos);
  EXPECT_NE(h.find("(not in the requirement catalogue)"), std::string::npos);  // X999
  EXPECT_NE(h.find("title=\"tshark -r conformance.pcap -Y frame.number==12 -V\">frame 12</span>"),
            std::string::npos);
  for (const char* v : {"v-pass", "v-fail", "v-inconclusive", "v-not-applicable"})
    EXPECT_NE(h.find(v), std::string::npos) << v;
}

TEST(ConformanceReport, HtmlEscapesTitle) {
  const std::string h = to_html(sample());
  EXPECT_NE(h.find("Host Name &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(h.find("<script>alert"), std::string::npos);
  EXPECT_EQ(h.find("<instead>"), std::string::npos);
}

TEST(ConformanceReport, HtmlHasNoExternalReferences) {
  const std::string h = to_html(screenshot_sample());
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_FALSE(std::regex_search(h, std::regex(R"((https?:)?//[A-Za-z0-9])", std::regex::icase)));
  EXPECT_FALSE(std::regex_search(h, std::regex(R"((src|href)\s*=\s*"(?!#))", std::regex::icase)));
  EXPECT_EQ(h.find("@import"), std::string::npos);
  EXPECT_EQ(h.find("url("), std::string::npos);
  // L2TPSIM_REPORT_SAMPLE=/tmp/sample.html keeps the page to look at in a browser.
  if (const char* path = std::getenv("L2TPSIM_REPORT_SAMPLE")) std::ofstream(path) << h;
}

// A miss of a MUST fails; a miss of a SHOULD, a state-table row or a definition warns; a premise
// that did not hold is neither; a scenario's own expectation (no requirement) is the user's MUST.
TEST(ConformanceResult, CheckOutcomeFollowsTheRequirementLevel) {
  EXPECT_EQ(check("x", false, "", {}, "R024", "MUST").outcome(), CheckOutcome::Fail);
  EXPECT_EQ(check("x", false, "", {}, "R202", "MUST NOT").outcome(), CheckOutcome::Fail);
  EXPECT_EQ(check("x", false, "", {}, "R002", "must").outcome(), CheckOutcome::Fail);
  EXPECT_EQ(check("x", false, "", {}, "R250", "should").outcome(), CheckOutcome::Warn);
  EXPECT_EQ(check("x", false, "", {}, "R262", "FSM").outcome(), CheckOutcome::Warn);
  EXPECT_EQ(check("x", false, "", {}, "R051", "DEF").outcome(), CheckOutcome::Warn);
  EXPECT_EQ(check("x", false, "", {}, "R188", "MAY").outcome(), CheckOutcome::Warn);
  EXPECT_EQ(check("x", false, "", {}, "", "").outcome(), CheckOutcome::Fail);
  EXPECT_EQ(check("x", true, "", {}, "R024", "MUST").outcome(), CheckOutcome::Pass);
  EXPECT_TRUE(is_mandatory_level("SHALL"));
  EXPECT_FALSE(is_mandatory_level("SHOULD NOT"));
}

TEST(ConformanceResult, WarnFailsOnlyWithStrictAndADeadDutFailsTheRun) {
  SuiteResult s;
  s.cases.push_back(
      make_case("LNS-AVP-001", "t", {"R051"}, Verdict::Warn, "R051 (DEF): Error Code 6, not 8"));
  EXPECT_FALSE(s.any_failed());
  s.strict = true;
  EXPECT_TRUE(s.any_failed());
  s.strict = false;
  s.dut.stopped.push_back({"liveness-check", 0.5, "no answer"});
  EXPECT_TRUE(s.any_failed());
  EXPECT_EQ(worse(Verdict::Warn, Verdict::Pass), Verdict::Warn);
  EXPECT_EQ(worse(Verdict::Warn, Verdict::Fail), Verdict::Fail);
  EXPECT_EQ(worse(Verdict::NotRun, Verdict::Warn), Verdict::NotRun);
  EXPECT_STREQ(to_string(Verdict::NotRun), "not-run");
}

// A dead DUT is the first thing in every form; a warn is a passed JUnit testcase with the finding
// in a property and in system-out; an interrupted run says so.
TEST(ConformanceReport, DeadDutWarnAndIncompleteInEveryForm) {
  SuiteResult s = sample();
  CaseResult warn = make_case("LNS-AVP-009", "Unknown M=1 AVP", {"R051"}, Verdict::Warn,
                              "R051 (DEF): expect StopCCN result 2 error 8: saw 2/6");
  warn.checks.push_back(check("expect StopCCN with Result Code 2/8", false, "saw 2/6", {}, "R051", "DEF"));
  s.cases.push_back(warn);
  s.cases[1].dut_stopped = true;
  s.dut.checked = true;
  s.dut.alive = false;
  s.dut.stopped.push_back({"LNS-AVP-003", 7.1, "no answer to a new tunnel's SCCRQ"});
  CaseResult nr = make_case("LNS-TUN-001", "t", {"R189"}, Verdict::NotRun, "the DUT had stopped answering");
  s.cases.push_back(nr);
  s.incomplete = true;
  s.cases_planned = 9;

  std::ostringstream out;
  print_table(out, s);
  const std::string t = out.str();
  EXPECT_EQ(t.find("!! THE DUT STOPPED ANSWERING"), 0u) << t;
  EXPECT_NE(t.find("during LNS-AVP-003"), std::string::npos) << t;
  EXPECT_NE(t.find("1 warn"), std::string::npos) << t;
  EXPECT_NE(t.find("1 not run"), std::string::npos) << t;
  EXPECT_NE(t.find("interrupted: 7 of 9 cases"), std::string::npos) << t;

  const auto j = to_json(s);
  EXPECT_EQ(j["dut"]["alive"], false);
  EXPECT_EQ(j["dut"]["stopped"][0]["case"], "LNS-AVP-003");
  EXPECT_EQ(j["dut"]["restarts"], 0);
  EXPECT_EQ(j["incomplete"], true);
  EXPECT_EQ(j["cases"][5]["verdict"], "warn");
  EXPECT_EQ(j["cases"][5]["checks"][0]["outcome"], "warn");
  EXPECT_EQ(j["cases"][6]["verdict"], "not-run");
  EXPECT_EQ(j["totals"]["warn"], 1);

  const std::string x = to_junit(s);
  const auto tc = x.find("LNS-AVP-009");
  ASSERT_NE(tc, std::string::npos);
  const auto end = x.find("</testcase>", tc);
  const std::string one = x.substr(tc, end - tc);
  EXPECT_EQ(one.find("<failure"), std::string::npos) << one;
  EXPECT_NE(one.find("name=\"warn\""), std::string::npos) << one;
  EXPECT_NE(one.find("[WARN]"), std::string::npos) << one;
  EXPECT_NE(x.find("name=\"incomplete\" value=\"true\""), std::string::npos);

  const std::string h = to_html(s);
  const auto alert = h.find("The device under test stopped answering");
  ASSERT_NE(alert, std::string::npos);
  EXPECT_LT(alert, h.find("<h2>Cases"));
  EXPECT_NE(h.find("Incomplete run"), std::string::npos);
  EXPECT_NE(h.find("class=\"mark v-warn\">WARN"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::reports
