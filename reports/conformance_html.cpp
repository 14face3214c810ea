// to_html: the conformance run as one self-contained page (inline CSS, a few lines of optional
// JavaScript for filtering), meant to be handed to the vendor of the device under test.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "reports/conformance_report.hpp"
#include "reports/html_page.hpp"

namespace l2tp::reports {
namespace {

// Shows or hides cases by verdict and opens or closes them all; the page reads fine without it.
constexpr std::string_view kScript = R"js(
(function(){
var f=document.querySelector('.filters');f.hidden=false;
f.querySelectorAll('input').forEach(function(b){b.addEventListener('change',function(){
document.querySelectorAll('details.case[data-verdict="'+b.value+'"]').forEach(function(d){d.hidden=!b.checked;});});});
var t=document.getElementById('toggle'),open=false;
t.addEventListener('click',function(){open=!open;t.textContent=open?'Collapse all':'Expand all';
document.querySelectorAll('details.case').forEach(function(d){d.open=open;});});
})();
)js";

std::string esc_attr(std::string_view s) {
  return escape_markup(s, true);
}

std::string human_duration(double s) {
  return html_duration(s);
}

std::string badge(Verdict v, std::string_view extra = "") {
  return "<span class=\"badge v-" + std::string(to_string(v)) + (extra.empty() ? "" : " ") +
         std::string(extra) + "\">" + verdict_label(v) + "</span>";
}

// An ID as an HTML id/fragment: HTML forbids only whitespace; '%' would confuse URL fragments.
std::string anchor(std::string_view prefix, std::string_view id) {
  std::string a(prefix);
  for (char c : id) a += (std::isspace(static_cast<unsigned char>(c)) || c == '%') ? '_' : c;
  return a;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Single-quoted for a POSIX shell unless it needs no quoting at all.
std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("._-/+:@,=").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

const RuleInfo* find_rule(std::string_view id) {
  for (std::size_t i = 0; i < kRuleCount; ++i)
    if (kRuleTable[i].id == id) return &kRuleTable[i];
  return nullptr;
}

std::string level_class(std::string_view level) {
  std::string l;
  for (char c : level) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l.rfind("must", 0) == 0) return "level lv-must";
  if (l.rfind("should", 0) == 0) return "level lv-should";
  if (l == "may") return "level lv-may";
  return "level";
}

// "4.1" is a section of RFC 2661, the catalogue's main document; others name their RFC.
std::string section_label(std::string_view section) {
  if (section.empty()) return "";
  if (std::isdigit(static_cast<unsigned char>(section[0]))) return "RFC 2661 §" + std::string(section);
  const auto sp = section.find(' ');
  if (section.rfind("RFC", 0) == 0 && sp != std::string_view::npos)
    return "RFC " + std::string(section.substr(3, sp - 3)) + " §" + std::string(section.substr(sp + 1));
  return std::string(section);
}

class Page {
 public:
  explicit Page(const SuiteResult& s) : s_(s), pcap_(base_name(s.pcap_path)) {}

  std::string render() {
    head();
    o_ += "<main>\n";
    alerts();
    summary();
    cases();
    requirements();
    coverage();
    footer();
    o_ += "</main>\n<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
    return std::move(o_);
  }

 private:
  Verdict outcome() const {
    if (s_.count(Verdict::Fail)) return Verdict::Fail;
    if (s_.count(Verdict::Inconclusive)) return Verdict::Inconclusive;
    if (s_.count(Verdict::NotRun)) return Verdict::NotRun;
    if (s_.count(Verdict::Warn)) return Verdict::Warn;
    if (s_.count(Verdict::Pass)) return Verdict::Pass;
    return Verdict::NotApplicable;
  }

  void head() {
    const Verdict v = outcome();
    o_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    o_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o_ += std::string("<title>L2TP conformance ") + verdict_label(v) + ": DUT " + escape_markup(s_.dut_role) +
          " @ " + escape_markup(s_.target) + "</title>\n<style>" + std::string(html_base_style()) +
          "</style>\n</head>\n<body>\n";
    o_ += "<header class=\"top\"><div class=\"wrap\"><div><h1>L2TP conformance report</h1>";
    o_ += "<div class=\"sub\">RFC 2661 (L2TPv2) &middot; l2tpsim " + escape_markup(s_.tool_version) +
          "</div></div>";
    o_ += "<div class=\"outcome v-" + std::string(to_string(v)) + "\">" + verdict_label(v) +
          "</div></div></header>\n";
  }

  // A DUT that died, and a run cut short, are said before anything else.
  void alerts() {
    const auto& d = s_.dut;
    if (!s_.simulated.empty()) o_ += "<p><b>Simulated:</b> " + escape_markup(s_.simulated) + "</p>\n";
    if (!d.not_checked.empty())
      o_ += "<p><b>Liveness:</b> not checked: " + escape_markup(d.not_checked) + "</p>\n";
    if (!d.stopped.empty()) {
      o_ += "<div class=\"alert\"><h3>The device under test stopped answering";
      o_ += d.alive ? " (it answered again later)" : " (it was not answering at the end)";
      o_ += "</h3><ul>";
      for (const auto& st : d.stopped) {
        o_ += "<li>";
        if (st.case_id == "liveness-check")
          o_ += "at a liveness check between cases";
        else
          o_ += "during <a href=\"#" + esc_attr(anchor("case-", st.case_id)) + "\">" +
                escape_markup(st.case_id) + "</a>";
        o_ += ", " + html_fixed(st.time_s, 1) + " s into the run";
        if (!st.detail.empty()) o_ += ": " + escape_markup(st.detail);
        o_ += "</li>";
      }
      o_ += "</ul>";
      if (d.restarts) o_ += "<p>Restarted " + std::to_string(d.restarts) + " time(s) with --dut-restart.</p>";
      if (s_.count(Verdict::NotRun))
        o_ += "<p>" + std::to_string(s_.count(Verdict::NotRun)) + " later case(s) were not run.</p>";
      o_ += "</div>\n";
    }
    if (s_.incomplete)
      o_ += "<div class=\"alert note\"><h3>Incomplete run</h3><p>Interrupted after " +
            std::to_string(s_.cases.size()) + " of " + std::to_string(s_.cases_planned) +
            " cases; the verdicts below are those of the cases that ran.</p></div>\n";
  }

  void summary() {
    auto item = [&](std::string_view dt, const std::string& dd_html) {
      o_ += "<div><dt>" + std::string(dt) + "</dt><dd>" + dd_html + "</dd></div>";
    };
    o_ += "<section class=\"summary\"><dl class=\"meta\">";
    item("Target", "<span class=\"mono\">" + escape_markup(s_.target) + "</span>");
    std::string role = s_.dut_role;
    std::transform(role.begin(), role.end(), role.begin(), [](unsigned char c) { return std::toupper(c); });
    item("DUT role", escape_markup(role));
    item("Started", escape_markup(s_.started));
    item("Duration", human_duration(s_.duration_s));
    if (!s_.shard.empty())
      item("Shard", escape_markup(s_.shard) + " (--shard: a part of the selected cases)");
    item("Capture", s_.pcap_path.empty() ? std::string("none")
                                         : "<span class=\"mono\" title=\"" + esc_attr(s_.pcap_path) + "\">" +
                                               escape_markup(pcap_) + "</span>");
    o_ += "</dl><div class=\"totals\"><span class=\"count\">" + std::to_string(s_.cases.size()) +
          " cases</span>";
    const std::pair<Verdict, const char*> kinds[] = {{Verdict::Pass, "pass"},
                                                     {Verdict::Warn, "warn"},
                                                     {Verdict::Fail, "fail"},
                                                     {Verdict::Inconclusive, "inconclusive"},
                                                     {Verdict::NotApplicable, "not applicable"},
                                                     {Verdict::NotRun, "not run"}};
    for (const auto& [v, name] : kinds)
      if (s_.count(v) || (v != Verdict::NotRun && v != Verdict::Warn))
        o_ += "<span class=\"badge big v-" + std::string(to_string(v)) + "\">" + std::to_string(s_.count(v)) +
              " " + name + "</span>";
    if (s_.coverage)
      o_ += "<a class=\"count\" href=\"#coverage\" style=\"margin-left:12px\">coverage: " +
            escape_markup(totals_line(*s_.coverage)) + "</a>";
    o_ += "</div></section>\n";
  }

  std::string frame_text(const Evidence& e) const {
    const std::string n = std::to_string(e.frame);
    std::string f = "<span class=\"frame\"";
    if (!s_.pcap_path.empty())
      f += " title=\"" + esc_attr("tshark -r " + shell_word(pcap_) + " -Y frame.number==" + n + " -V") + "\"";
    return f + ">frame " + n + "</span> (" + html_fixed(e.time_s, 3) + " s): " + escape_markup(e.summary);
  }

  void evidence_list(const std::vector<Evidence>& ev) {
    if (ev.empty()) return;
    o_ += "<ul class=\"ev\">";
    for (const auto& e : ev) o_ += "<li>" + frame_text(e) + "</li>";
    o_ += "</ul>";
  }

  void case_body(const CaseResult& c) {
    o_ += "<div class=\"body\">";
    if (!c.reason.empty())
      o_ += "<p class=\"reason v-" + std::string(to_string(c.verdict)) + "\"><b>" + verdict_label(c.verdict) +
            "</b>" + escape_markup(c.reason) + "</p>";
    o_ += "<p class=\"facts\">";
    if (!c.file.empty()) o_ += "Scenario <code>" + escape_markup(c.file) + "</code> &middot; ";
    o_ +=
        "started at " + html_fixed(c.started_s, 3) + " s &middot; took " + html_fixed(c.duration_s, 3) + " s";
    if (c.first_frame != 0)
      o_ += " &middot; frames " + std::to_string(c.first_frame) + "&ndash;" + std::to_string(c.last_frame) +
            (pcap_.empty() ? "" : " of <code>" + escape_markup(pcap_) + "</code>");
    o_ += "</p>";
    if (!c.checks.empty()) {
      o_ += "<h4>Checks</h4><ul class=\"checks\">";
      for (const auto& ch : c.checks) {
        if (ch.passed)
          o_ += "<li><span class=\"mark v-pass\">PASS</span><div>";
        else if (ch.premise)
          o_ += "<li><span class=\"mark v-inconclusive\">PREMISE</span><div>";
        else if (ch.outcome() == CheckOutcome::Fail)
          o_ += "<li><span class=\"mark v-fail\">FAIL</span><div>";
        else
          o_ += "<li><span class=\"mark v-warn\">WARN</span><div>";
        o_ += escape_markup(ch.description);
        if (!ch.requirement.empty()) {
          o_ += "<div class=\"clause\"><a href=\"#" + esc_attr(anchor("req-", ch.requirement)) + "\">" +
                escape_markup(ch.requirement) + "</a> <span class=\"" + level_class(ch.level) + "\">" +
                escape_markup(ch.level) + "</span>";
          if (!ch.clause.empty()) o_ += " RFC " + escape_markup(ch.clause);
          o_ += "</div>";
        }
        if (!ch.detail.empty()) o_ += "<div class=\"detail\">" + escape_markup(ch.detail) + "</div>";
        evidence_list(ch.evidence);
        o_ += "</div></li>";
      }
      o_ += "</ul>";
    }
    if (!c.violations.empty()) {
      o_ += "<h4>Violations by the DUT</h4><ul class=\"violations\">";
      for (const auto& v : c.violations) {
        const RuleInfo* r = find_rule(v.rule);
        const bool must = r && is_mandatory_level(r->level);
        o_ += std::string("<li><span class=\"mark ") + (must ? "v-fail" : "v-warn") + "\">" +
              escape_markup(v.rule) + "</span><div>" + escape_markup(v.detail);
        if (r)
          o_ += "<div class=\"ruletext\"><span class=\"" + level_class(r->level) + "\">" +
                escape_markup(r->level) + "</span> " + escape_markup(section_label(r->section)) + ": " +
                escape_markup(r->text) + "</div>";
        if (v.evidence.frame != 0) evidence_list({v.evidence});
        o_ += "</div></li>";
      }
      o_ += "</ul>";
    }
    o_ += "</div>";
  }

  void cases() {
    std::size_t idw = 4, reqw = 16;  // room for the column headings
    for (const auto& c : s_.cases) {
      idw = std::max(idw, c.id.size() + 2);  // + the disclosure triangle
      std::size_t r = 0;
      for (const auto& id : c.requirements) r += id.size() + 1;
      reqw = std::max(reqw, std::min<std::size_t>(r, 30));
    }
    o_ += "<h2>Cases<span class=\"hint\">click a case for its checks and evidence</span></h2>\n";
    o_ += "<div class=\"filters\" hidden>Show:";
    for (Verdict v : {Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Inconclusive,
                      Verdict::NotApplicable, Verdict::NotRun})
      o_ += "<label><input type=\"checkbox\" value=\"" + std::string(to_string(v)) + "\" checked> " +
            verdict_label(v) + "</label>";
    o_ += "<button type=\"button\" id=\"toggle\">Expand all</button></div>\n";
    o_ += "<div class=\"cases\" style=\"--idw:" + std::to_string(idw) + "ch;--reqw:" + std::to_string(reqw) +
          "ch\">\n<div class=\"row head\"><span>ID</span><span>Verdict</span><span>Requirements</span>"
          "<span>Title</span><span class=\"num\">Duration</span></div>\n";
    for (const auto& c : s_.cases) {
      const bool open = c.verdict == Verdict::Fail || c.verdict == Verdict::Inconclusive || c.dut_stopped;
      o_ += "<details class=\"case\" data-verdict=\"" + std::string(to_string(c.verdict)) + "\" id=\"" +
            esc_attr(anchor("case-", c.id)) + "\"" + (open ? " open" : "") + ">";
      o_ += "<summary class=\"row\"><span class=\"id mono\">" + escape_markup(c.id) + "</span><span>" +
            badge(c.verdict) + "</span><span class=\"mono\">";
      for (std::size_t i = 0; i < c.requirements.size(); ++i)
        o_ += (i ? ", " : "") + std::string("<a href=\"#") + esc_attr(anchor("req-", c.requirements[i])) +
              "\">" + escape_markup(c.requirements[i]) + "</a>";
      o_ += "</span><span>" + escape_markup(c.title) + "</span><span class=\"num\">" +
            html_fixed(c.duration_s, 2) + " s</span></summary>";
      case_body(c);
      o_ += "</details>\n";
    }
    o_ += "</div>\n";
  }

  void requirements() {
    o_ +=
        "<h2>Requirements<span class=\"hint\">each with the worst verdict of the cases that check "
        "it</span></h2>\n<table class=\"reqs\"><thead><tr><th>ID</th><th>Level</th><th>Section</th>"
        "<th>Requirement</th><th>Verdict</th><th>Cases</th></tr></thead><tbody>\n";
    for (const auto& r : requirement_results(s_)) {
      o_ += "<tr id=\"" + esc_attr(anchor("req-", r.id)) + "\"><td class=\"rid mono\">" +
            escape_markup(r.id) + "</td>";
      if (r.rule)
        o_ += "<td><span class=\"" + level_class(r.rule->level) + "\">" + escape_markup(r.rule->level) +
              "</span></td><td class=\"sec\">" + escape_markup(section_label(r.rule->section)) + "</td><td>" +
              escape_markup(r.rule->text) + "</td>";
      else
        o_ += "<td></td><td></td><td class=\"detail\">(not in the requirement catalogue)</td>";
      o_ += "<td>" + badge(r.verdict) + "</td><td class=\"rcases mono\">";
      for (std::size_t i = 0; i < r.cases.size(); ++i)
        o_ += (i ? "<br>" : "") + std::string("<a href=\"#") + esc_attr(anchor("case-", r.cases[i])) + "\">" +
              escape_markup(r.cases[i]) + "</a>";
      o_ += "</td></tr>\n";
    }
    o_ += "</tbody></table>\n";
  }

  // Which binding requirements of this DUT role the suite cites at all (l2tpsim rules --coverage).
  void coverage() {
    if (!s_.coverage) return;
    const Coverage& c = *s_.coverage;
    o_ += "<h2 id=\"coverage\">Coverage<span class=\"hint\">" + escape_markup(totals_line(c)) +
          " (every MUST, MUST NOT and state-table row binding a DUT " + escape_markup(c.dut_role) +
          "; l2tpsim rules --coverage --dut-role " + escape_markup(c.dut_role) + ")</span></h2>\n";
    o_ += "<details><summary>The " + std::to_string(c.uncovered + c.not_testable) +
          " requirements no case cites</summary><table class=\"reqs\"><thead><tr><th>ID</th><th>Level</th>"
          "<th>Section</th><th>Requirement</th><th>Status</th></tr></thead><tbody>\n";
    for (const auto& r : c.rows) {
      if (r.status == CoverageStatus::Covered) continue;
      o_ += "<tr><td class=\"rid mono\">" + escape_markup(r.id) + "</td><td><span class=\"" +
            level_class(r.level) + "\">" + escape_markup(r.level) + "</span></td><td class=\"sec\">" +
            escape_markup(section_label(r.section)) + "</td><td>" + escape_markup(r.text) + "</td><td>" +
            (r.status == CoverageStatus::NotTestable ? "not testable here: " + escape_markup(r.reason)
                                                     : std::string("<b>uncovered</b>")) +
            "</td></tr>\n";
    }
    o_ += "</tbody></table></details>\n";
  }

  void footer() {
    o_ += "<footer>Generated by l2tpsim " + escape_markup(s_.tool_version) + ". ";
    if (!s_.pcap_path.empty())
      o_ += "Frame numbers refer to <code>" + escape_markup(pcap_) +
            "</code> as Wireshark numbers them; hover a frame for the tshark command that shows it. ";
    o_ +=
        "Verdicts: PASS met every check; FAIL broke a MUST-level requirement (MUST, MUST NOT, SHALL, "
        "REQUIRED); WARN missed only a SHOULD, a state-table row or a code the RFC defines without "
        "requiring it; INCONCLUSIVE could not be decided (a premise such as a tunnel coming up did not "
        "hold); N/A does not apply to this DUT; NOT RUN: the DUT had stopped answering. A requirement "
        "takes the worst verdict of its cases.</footer>\n";
  }

  const SuiteResult& s_;
  std::string pcap_;  // the capture's file name, as the vendor will have it
  std::string o_;
};

}  // namespace

std::string to_html(const SuiteResult& s) {
  return Page(s).render();
}

}  // namespace l2tp::reports
