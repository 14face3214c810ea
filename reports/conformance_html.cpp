// to_html: the conformance run as one self-contained page (inline CSS, a few lines of optional
// JavaScript for filtering), meant to be handed to the vendor of the device under test.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "reports/conformance_report.hpp"

namespace l2tp::reports {
namespace {

constexpr std::string_view kStyle = R"css(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0b4f8a;
--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#c62828;--fail-bg:#ffebe9;
--inc:#9a6700;--inc-bg:#fff3c4;--na:#59636e;--na-bg:#eaeef2}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--fg);background:#fff}
main{max-width:1200px;margin:0 auto;padding:0 24px 40px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#0d2538;color:#fff;padding:22px 0 18px}
header.top .wrap{max-width:1200px;margin:0 auto;padding:0 24px;display:flex;align-items:center;gap:24px}
header.top h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.2px}
header.top .sub{color:#b6c6d6;font-size:13px;margin-top:2px}
.outcome{margin-left:auto;font-weight:700;font-size:15px;padding:6px 16px;border-radius:6px;letter-spacing:.5px}
.summary{display:flex;flex-wrap:wrap;gap:16px 40px;align-items:flex-end;justify-content:space-between;
padding:18px 0;border-bottom:1px solid var(--line)}
dl.meta{display:grid;grid-template-columns:repeat(5,auto);gap:4px 32px;margin:0}
dl.meta dt{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.6px}
dl.meta dd{margin:0;font-weight:500}
.totals{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.totals .count{color:var(--muted);margin-right:4px}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;
white-space:nowrap;border:1px solid transparent}
.badge.big{font-size:13.5px;padding:4px 14px}
.v-pass{color:var(--pass);background:var(--pass-bg);border-color:#aceebb}
.v-fail{color:var(--fail);background:var(--fail-bg);border-color:#ffcecb}
.v-inconclusive{color:var(--inc);background:var(--inc-bg);border-color:#f5e0a0}
.v-not-applicable{color:var(--na);background:var(--na-bg);border-color:#d1d9e0}
.v-warn{color:#8a4600;background:#fff1e5;border-color:#ffd8b5}
.v-not-run{color:#6e7781;background:#f6f8fa;border-color:#d1d9e0;text-decoration:line-through}
.outcome.v-warn{background:#d1631b;color:#fff}.outcome.v-not-run{background:#6e7781;color:#fff}
.alert{border:2px solid #cf222e;background:#ffebe9;color:#82071e;border-radius:8px;padding:12px 16px;margin:16px 0}
.alert h3{margin:0 0 6px;font-size:16px}.alert.note{border-color:#bf8700;background:#fff8c5;color:#6b4b00}
.clause{font-size:12.5px;color:var(--muted);margin-top:2px}
.outcome.v-pass{background:#2da44e;color:#fff}.outcome.v-fail{background:#cf222e;color:#fff}
.outcome.v-inconclusive{background:#bf8700;color:#fff}.outcome.v-not-applicable{background:#6e7781;color:#fff}
h2{font-size:17px;margin:28px 0 10px;font-weight:600}
h2 .hint{font-weight:400;color:var(--muted);font-size:13px;margin-left:8px}
.filters{display:flex;gap:14px;align-items:center;margin:0 0 10px;color:var(--muted);font-size:13px}
.filters label{cursor:pointer;user-select:none}
.filters button{margin-left:auto;font:inherit;font-size:12.5px;padding:3px 12px;border:1px solid var(--line);
background:var(--soft);border-radius:6px;cursor:pointer;color:var(--fg)}
.cases{border:1px solid var(--line);border-radius:8px;overflow:hidden}
.row{display:grid;grid-template-columns:var(--idw) 8.5rem var(--reqw) 1fr 5.5rem;gap:12px;padding:8px 14px;
align-items:baseline}
.row.head{background:var(--soft);font-size:11.5px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);
font-weight:600;border-bottom:1px solid var(--line)}
.num{text-align:right;font-variant-numeric:tabular-nums}
details.case{border-bottom:1px solid var(--line)}details.case:last-child{border-bottom:0}
details.case>summary{cursor:pointer;list-style:none}
details.case>summary::-webkit-details-marker{display:none}
details.case>summary:hover{background:#f3f6f9}
details.case>summary .id::before{content:"\25B8";display:inline-block;width:1em;color:var(--muted);
transition:transform .1s}
details.case[open]>summary .id::before{transform:rotate(90deg)}
details.case[open]>summary{background:var(--soft)}
.id{font-weight:600;white-space:nowrap}
.body{padding:6px 20px 16px 36px;border-top:1px dashed var(--line)}
.body h4{margin:14px 0 6px;font-size:12px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
.reason{margin:12px 0 4px;padding:8px 12px;border-radius:6px;border-left:4px solid currentColor}
.reason b{margin-right:6px}
.facts{color:var(--muted);font-size:12.5px;margin:8px 0 0}
ul.checks,ul.violations{list-style:none;margin:0;padding:0}
ul.checks>li,ul.violations>li{display:grid;grid-template-columns:4.2rem 1fr;gap:10px;padding:5px 0;
border-top:1px solid #eef1f4}
ul.checks>li:first-child,ul.violations>li:first-child{border-top:0}
.mark{font-size:11px;font-weight:700;text-align:center;border-radius:4px;padding:1px 0;align-self:start;
margin-top:2px}
.detail{color:var(--muted)}
ul.ev{list-style:none;margin:4px 0 0;padding:0 0 0 12px;border-left:2px solid var(--line)}
ul.ev li{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px;
color:#3d444d}
.frame{color:var(--accent);border-bottom:1px dotted var(--accent);cursor:help}
.ruletext{color:var(--muted);font-size:12.5px}
table.reqs{width:100%;border-collapse:separate;border-spacing:0;border:1px solid var(--line);border-radius:8px;
overflow:hidden}
table.reqs th{background:var(--soft);text-align:left;font-size:11.5px;text-transform:uppercase;letter-spacing:.6px;
color:var(--muted);font-weight:600;padding:8px 12px;border-bottom:1px solid var(--line)}
table.reqs td{padding:8px 12px;border-bottom:1px solid #eef1f4;vertical-align:top}
table.reqs tr:last-child td{border-bottom:0}
table.reqs td.sec,table.reqs td.rid,table.reqs td.rcases{white-space:nowrap}
.level{font-size:11px;font-weight:700;padding:1px 6px;border-radius:4px;border:1px solid var(--line);
white-space:nowrap;color:var(--muted)}
.lv-must{color:#8c1d18;border-color:#f0b7b2;background:#fff5f4}
.lv-should{color:#7a4d00;border-color:#efd595;background:#fffbea}
.lv-may{color:#0b4f8a;border-color:#b6d4ef;background:#f2f8fd}
:target{outline:2px solid #5b9bd5;outline-offset:-2px}
footer{color:var(--muted);font-size:12px;margin-top:28px;padding-top:12px;border-top:1px solid var(--line)}
@media print{header.top{background:#fff;color:var(--fg)}header.top .sub{color:var(--muted)}.filters{display:none}}
)css";

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

std::string esc(std::string_view s) {
  return escape_markup(s);
}
std::string esc_attr(std::string_view s) {
  return escape_markup(s, true);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

std::string human_duration(double s) {
  if (s < 60) return fixed(s, 1) + " s";
  const auto total = static_cast<long long>(s + 0.5);
  char buf[48];
  if (total < 3600)
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", total / 60, total % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", total / 3600, total / 60 % 60);
  return buf;
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
    o_ += std::string("<title>L2TP conformance ") + verdict_label(v) + ": DUT " + esc(s_.dut_role) + " @ " +
          esc(s_.target) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
    o_ += "<header class=\"top\"><div class=\"wrap\"><div><h1>L2TP conformance report</h1>";
    o_ += "<div class=\"sub\">RFC 2661 (L2TPv2) &middot; l2tpsim " + esc(s_.tool_version) + "</div></div>";
    o_ += "<div class=\"outcome v-" + std::string(to_string(v)) + "\">" + verdict_label(v) +
          "</div></div></header>\n";
  }

  // A DUT that died, and a run cut short, are said before anything else.
  void alerts() {
    const auto& d = s_.dut;
    if (!d.stopped.empty()) {
      o_ += "<div class=\"alert\"><h3>The device under test stopped answering";
      o_ += d.alive ? " (it answered again later)" : " (it was not answering at the end)";
      o_ += "</h3><ul>";
      for (const auto& st : d.stopped) {
        o_ += "<li>";
        if (st.case_id == "liveness-check")
          o_ += "at a liveness check between cases";
        else
          o_ +=
              "during <a href=\"#" + esc_attr(anchor("case-", st.case_id)) + "\">" + esc(st.case_id) + "</a>";
        o_ += ", " + fixed(st.time_s, 1) + " s into the run";
        if (!st.detail.empty()) o_ += ": " + esc(st.detail);
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
    item("Target", "<span class=\"mono\">" + esc(s_.target) + "</span>");
    std::string role = s_.dut_role;
    std::transform(role.begin(), role.end(), role.begin(), [](unsigned char c) { return std::toupper(c); });
    item("DUT role", esc(role));
    item("Started", esc(s_.started));
    item("Duration", human_duration(s_.duration_s));
    item("Capture", s_.pcap_path.empty() ? std::string("none")
                                         : "<span class=\"mono\" title=\"" + esc_attr(s_.pcap_path) + "\">" +
                                               esc(pcap_) + "</span>");
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
            esc(totals_line(*s_.coverage)) + "</a>";
    o_ += "</div></section>\n";
  }

  std::string frame_text(const Evidence& e) const {
    const std::string n = std::to_string(e.frame);
    std::string f = "<span class=\"frame\"";
    if (!s_.pcap_path.empty())
      f += " title=\"" + esc_attr("tshark -r " + shell_word(pcap_) + " -Y frame.number==" + n + " -V") + "\"";
    return f + ">frame " + n + "</span> (" + fixed(e.time_s, 3) + " s): " + esc(e.summary);
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
            "</b>" + esc(c.reason) + "</p>";
    o_ += "<p class=\"facts\">";
    if (!c.file.empty()) o_ += "Scenario <code>" + esc(c.file) + "</code> &middot; ";
    o_ += "started at " + fixed(c.started_s, 3) + " s &middot; took " + fixed(c.duration_s, 3) + " s";
    if (c.first_frame != 0)
      o_ += " &middot; frames " + std::to_string(c.first_frame) + "&ndash;" + std::to_string(c.last_frame) +
            (pcap_.empty() ? "" : " of <code>" + esc(pcap_) + "</code>");
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
        o_ += esc(ch.description);
        if (!ch.requirement.empty()) {
          o_ += "<div class=\"clause\"><a href=\"#" + esc_attr(anchor("req-", ch.requirement)) + "\">" +
                esc(ch.requirement) + "</a> <span class=\"" + level_class(ch.level) + "\">" + esc(ch.level) +
                "</span>";
          if (!ch.clause.empty()) o_ += " RFC " + esc(ch.clause);
          o_ += "</div>";
        }
        if (!ch.detail.empty()) o_ += "<div class=\"detail\">" + esc(ch.detail) + "</div>";
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
        o_ += std::string("<li><span class=\"mark ") + (must ? "v-fail" : "v-warn") + "\">" + esc(v.rule) +
              "</span><div>" + esc(v.detail);
        if (r)
          o_ += "<div class=\"ruletext\"><span class=\"" + level_class(r->level) + "\">" + esc(r->level) +
                "</span> " + esc(section_label(r->section)) + ": " + esc(r->text) + "</div>";
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
      o_ += "<summary class=\"row\"><span class=\"id mono\">" + esc(c.id) + "</span><span>" +
            badge(c.verdict) + "</span><span class=\"mono\">";
      for (std::size_t i = 0; i < c.requirements.size(); ++i)
        o_ += (i ? ", " : "") + std::string("<a href=\"#") + esc_attr(anchor("req-", c.requirements[i])) +
              "\">" + esc(c.requirements[i]) + "</a>";
      o_ += "</span><span>" + esc(c.title) + "</span><span class=\"num\">" + fixed(c.duration_s, 2) +
            " s</span></summary>";
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
      o_ += "<tr id=\"" + esc_attr(anchor("req-", r.id)) + "\"><td class=\"rid mono\">" + esc(r.id) + "</td>";
      if (r.rule)
        o_ += "<td><span class=\"" + level_class(r.rule->level) + "\">" + esc(r.rule->level) +
              "</span></td><td class=\"sec\">" + esc(section_label(r.rule->section)) + "</td><td>" +
              esc(r.rule->text) + "</td>";
      else
        o_ += "<td></td><td></td><td class=\"detail\">(not in the requirement catalogue)</td>";
      o_ += "<td>" + badge(r.verdict) + "</td><td class=\"rcases mono\">";
      for (std::size_t i = 0; i < r.cases.size(); ++i)
        o_ += (i ? "<br>" : "") + std::string("<a href=\"#") + esc_attr(anchor("case-", r.cases[i])) + "\">" +
              esc(r.cases[i]) + "</a>";
      o_ += "</td></tr>\n";
    }
    o_ += "</tbody></table>\n";
  }

  // Which binding requirements of this DUT role the suite cites at all (l2tpsim rules --coverage).
  void coverage() {
    if (!s_.coverage) return;
    const Coverage& c = *s_.coverage;
    o_ += "<h2 id=\"coverage\">Coverage<span class=\"hint\">" + esc(totals_line(c)) +
          " (every MUST, MUST NOT and state-table row binding a DUT " + esc(c.dut_role) +
          "; l2tpsim rules --coverage --dut-role " + esc(c.dut_role) + ")</span></h2>\n";
    o_ += "<details><summary>The " + std::to_string(c.uncovered + c.not_testable) +
          " requirements no case cites</summary><table class=\"reqs\"><thead><tr><th>ID</th><th>Level</th>"
          "<th>Section</th><th>Requirement</th><th>Status</th></tr></thead><tbody>\n";
    for (const auto& r : c.rows) {
      if (r.status == CoverageStatus::Covered) continue;
      o_ += "<tr><td class=\"rid mono\">" + esc(r.id) + "</td><td><span class=\"" + level_class(r.level) +
            "\">" + esc(r.level) + "</span></td><td class=\"sec\">" + esc(section_label(r.section)) +
            "</td><td>" + esc(r.text) + "</td><td>" +
            (r.status == CoverageStatus::NotTestable ? "not testable here: " + esc(r.reason)
                                                     : std::string("<b>uncovered</b>")) +
            "</td></tr>\n";
    }
    o_ += "</tbody></table></details>\n";
  }

  void footer() {
    o_ += "<footer>Generated by l2tpsim " + esc(s_.tool_version) + ". ";
    if (!s_.pcap_path.empty())
      o_ += "Frame numbers refer to <code>" + esc(pcap_) +
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
