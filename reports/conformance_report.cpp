#include "reports/conformance_report.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace l2tp::reports {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], 0 if there is none (RFC 3629 table 3.9).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Peer-supplied text (host names, result messages) reaches the summaries; JSON and XML both
// need valid UTF-8.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string totals_line(const SuiteResult& s) {
  const std::size_t n = s.cases.size();
  std::ostringstream out;
  out << n << (n == 1 ? " case: " : " cases: ") << s.count(Verdict::Pass) << " pass, "
      << s.count(Verdict::Warn) << " warn, " << s.count(Verdict::Fail) << " fail, "
      << s.count(Verdict::Inconclusive) << " inconclusive, " << s.count(Verdict::NotApplicable)
      << " not applicable";
  if (const auto nr = s.count(Verdict::NotRun)) out << ", " << nr << " not run";
  if (s.incomplete) out << " (interrupted: " << n << " of " << s.cases_planned << " cases)";
  if (!s.shard.empty()) out << " (shard " << s.shard << " of the suite)";
  return out.str();
}

std::string evidence_line(const Evidence& e) {
  return "frame " + std::to_string(e.frame) + " (" + fixed(e.time_s, 3) + " s): " + e.summary;
}

// The checks and violations of a case as plain text, for JUnit bodies.
std::string case_text(const CaseResult& c, bool failed_only) {
  std::string out;
  for (const auto& ch : c.checks) {
    if (failed_only && ch.passed) continue;
    out += ch.passed                            ? "[pass] "
           : ch.premise                         ? "[PREMISE] "
           : ch.outcome() == CheckOutcome::Fail ? "[FAIL] "
                                                : "[WARN] ";
    out += ch.description + "\n";
    if (!ch.requirement.empty())
      out += "       " + ch.requirement + " (" + ch.level + ")" +
             (ch.clause.empty() ? "" : ": " + ch.clause) + "\n";
    if (!ch.detail.empty()) out += "       " + ch.detail + "\n";
    for (const auto& e : ch.evidence) out += "       " + evidence_line(e) + "\n";
  }
  for (const auto& v : c.violations) {
    out += "[violation " + v.rule + (v.level.empty() ? "" : " " + v.level) + "] " + v.detail + "\n";
    if (v.evidence.frame != 0) out += "       " + evidence_line(v.evidence) + "\n";
  }
  return out;
}

nlohmann::json evidence_json(const Evidence& e) {
  return {{"frame", e.frame}, {"time_s", e.time_s}, {"summary", valid_utf8(e.summary)}};
}

nlohmann::json case_json(const CaseResult& c) {
  nlohmann::json requirements = nlohmann::json::array();
  for (const auto& r : c.requirements) requirements.push_back(valid_utf8(r));
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& ch : c.checks) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const auto& e : ch.evidence) evidence.push_back(evidence_json(e));
    nlohmann::json j = {{"description", valid_utf8(ch.description)},
                        {"passed", ch.passed},
                        {"outcome", ch.premise && !ch.passed ? "premise-not-met" : to_string(ch.outcome())},
                        {"premise", ch.premise},
                        {"detail", valid_utf8(ch.detail)},
                        {"evidence", std::move(evidence)}};
    j["requirement"] =
        ch.requirement.empty() ? nlohmann::json(nullptr) : nlohmann::json(valid_utf8(ch.requirement));
    j["level"] = ch.level.empty() ? nlohmann::json(nullptr) : nlohmann::json(valid_utf8(ch.level));
    j["clause"] = valid_utf8(ch.clause);
    checks.push_back(std::move(j));
  }
  nlohmann::json violations = nlohmann::json::array();
  for (const auto& v : c.violations)
    violations.push_back({{"rule", valid_utf8(v.rule)},
                          {"level", valid_utf8(v.level)},
                          {"detail", valid_utf8(v.detail)},
                          {"evidence", evidence_json(v.evidence)}});
  return {{"id", valid_utf8(c.id)},
          {"title", valid_utf8(c.title)},
          {"file", valid_utf8(c.file)},
          {"dut_role", valid_utf8(c.dut_role)},
          {"requirements", std::move(requirements)},
          {"verdict", to_string(c.verdict)},
          {"reason", valid_utf8(c.reason)},
          {"checks", std::move(checks)},
          {"violations", std::move(violations)},
          {"started_s", c.started_s},
          {"duration_s", c.duration_s},
          {"first_frame", c.first_frame},
          {"last_frame", c.last_frame},
          {"dut_stopped", c.dut_stopped}};
}

nlohmann::json dut_json(const DutHealth& d) {
  nlohmann::json stopped = nlohmann::json::array();
  for (const auto& st : d.stopped)
    stopped.push_back(
        {{"case", valid_utf8(st.case_id)}, {"time_s", st.time_s}, {"detail", valid_utf8(st.detail)}});
  nlohmann::json j = {
      {"checked", d.checked}, {"alive", d.alive}, {"stopped", std::move(stopped)}, {"restarts", d.restarts}};
  if (!d.not_checked.empty()) j["not_checked"] = valid_utf8(d.not_checked);
  return j;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + escape_markup(value, true) + "\"";
}

std::string property(std::string_view name, std::string_view value) {
  return "<property" + attr("name", name) + attr("value", value) + "/>";
}

}  // namespace

std::string escape_markup(std::string_view text, bool attribute) {
  const std::string s = valid_utf8(text);
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    switch (b) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&#39;";
        continue;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        continue;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      default:
        break;
    }
    if (b < 0x20 || b == 0x7F) continue;  // C0 controls and DEL
    // C1 controls (U+0080..U+009F) and the XML non-characters U+FFFE, U+FFFF.
    if (b == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      ++i;
      continue;
    }
    if (b == 0xEF && i + 2 < s.size() && s[i + 1] == '\xBF' && (s[i + 2] == '\xBE' || s[i + 2] == '\xBF')) {
      i += 2;
      continue;
    }
    out += s[i];
  }
  return out;
}

void print_table(std::ostream& out, const SuiteResult& s) {
  std::size_t id_w = 2, req_w = 12;
  for (const auto& c : s.cases) {
    id_w = std::max(id_w, c.id.size());
    req_w = std::max(req_w, join(c.requirements, ",").size());
  }
  constexpr std::size_t kVerdictW = 12;  // "INCONCLUSIVE"
  if (!s.simulated.empty()) out << "Simulated: " << s.simulated << "\n";
  if (!s.dut.not_checked.empty()) out << "Liveness: not checked: " << s.dut.not_checked << "\n";
  if (!s.simulated.empty() || !s.dut.not_checked.empty()) out << "\n";
  // A DUT that died is the most important finding of a run: it comes first.
  if (!s.dut.stopped.empty()) {
    out << "!! THE DUT STOPPED ANSWERING" << (s.dut.alive ? " (it answered again later)" : "") << ":\n";
    for (const auto& st : s.dut.stopped)
      out << "!!   " << (st.case_id == "liveness-check" ? "at a liveness check" : "during " + st.case_id)
          << ", " << fixed(st.time_s, 1) << " s into the run" << (st.detail.empty() ? "" : ": " + st.detail)
          << "\n";
    if (s.dut.restarts) out << "!!   restarted " << s.dut.restarts << " time(s) with --dut-restart\n";
    out << "\n";
  }
  auto pad = [](std::string_view v, std::size_t w) {
    std::string r(v);
    r.resize(std::max(w, v.size()) + 2, ' ');
    return r;
  };
  out << pad("ID", id_w) << pad("VERDICT", kVerdictW) << pad("REQUIREMENTS", req_w) << "TITLE\n";
  const std::string indent(id_w + 2, ' ');
  for (const auto& c : s.cases) {
    out << pad(c.id, id_w) << pad(verdict_label(c.verdict), kVerdictW)
        << pad(join(c.requirements, ","), req_w) << c.title << '\n';
    if (c.verdict == Verdict::Pass || c.reason.empty()) continue;
    // A multi-line reason stays under the verdict column.
    std::string_view rest = c.reason;
    const char* lead = "reason: ";
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      out << indent << lead << rest.substr(0, nl) << '\n';
      lead = "        ";
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
  }
  out << totals_line(s) << '\n';
  if (s.strict && s.count(Verdict::Warn)) out << "--strict: warnings count as failures\n";
  out << "pcap: " << (s.pcap_path.empty() ? "none written" : s.pcap_path) << '\n';
}

nlohmann::json to_json(const SuiteResult& s) {
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : s.cases) cases.push_back(case_json(c));
  nlohmann::json requirements = nlohmann::json::object();
  for (const auto& r : requirement_results(s)) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& id : r.cases) ids.push_back(valid_utf8(id));
    requirements[valid_utf8(r.id)] = {{"verdict", to_string(r.verdict)}, {"cases", std::move(ids)}};
  }
  return {{"tool_version", valid_utf8(s.tool_version)},
          {"target", valid_utf8(s.target)},
          {"dut_role", valid_utf8(s.dut_role)},
          {"started", valid_utf8(s.started)},
          {"duration_s", s.duration_s},
          {"pcap", valid_utf8(s.pcap_path)},
          {"incomplete", s.incomplete},
          {"cases_planned", s.cases_planned},
          {"shard", s.shard.empty() ? nlohmann::json() : nlohmann::json(valid_utf8(s.shard))},
          {"strict", s.strict},
          {"dut", dut_json(s.dut)},
          {"simulated", s.simulated.empty() ? nlohmann::json() : nlohmann::json(valid_utf8(s.simulated))},
          {"cases", std::move(cases)},
          {"totals",
           {{"pass", s.count(Verdict::Pass)},
            {"warn", s.count(Verdict::Warn)},
            {"fail", s.count(Verdict::Fail)},
            {"inconclusive", s.count(Verdict::Inconclusive)},
            {"not_applicable", s.count(Verdict::NotApplicable)},
            {"not_run", s.count(Verdict::NotRun)},
            {"total", s.cases.size()}}},
          {"requirements", std::move(requirements)},
          {"coverage", s.coverage ? nlohmann::json{{"dut_role", s.coverage->dut_role},
                                                   {"covered", s.coverage->covered},
                                                   {"not_testable", s.coverage->not_testable},
                                                   {"uncovered", s.coverage->uncovered},
                                                   {"total", s.coverage->total()}}
                                  : nlohmann::json(nullptr)}};
}

namespace {

std::string junit_counts(std::size_t tests, std::size_t failures, std::size_t errors, std::size_t skipped,
                         double time_s) {
  return attr("tests", std::to_string(tests)) + attr("failures", std::to_string(failures)) +
         attr("errors", std::to_string(errors)) + attr("skipped", std::to_string(skipped)) +
         attr("time", fixed(time_s, 3));
}

std::string junit_counts(const SuiteResult& s) {
  return junit_counts(s.cases.size(), s.count(Verdict::Fail), s.count(Verdict::Inconclusive),
                      s.count(Verdict::NotApplicable) + s.count(Verdict::NotRun), s.duration_s);
}

// One <testsuite> element.
std::string junit_testsuite(const SuiteResult& s, std::string_view name) {
  std::string x = "  <testsuite" + attr("name", name) + junit_counts(s);
  if (!s.started.empty()) x += attr("timestamp", s.started);
  x += ">\n    <properties>\n";
  x += "      " + property("tool_version", s.tool_version) + "\n";
  x += "      " + property("target", s.target) + "\n";
  x += "      " + property("dut_role", s.dut_role) + "\n";
  x += "      " + property("pcap", s.pcap_path) + "\n";
  x += "      " + property("dut_alive", s.dut.alive ? "true" : "false") + "\n";
  x += "      " + property("dut_restarts", std::to_string(s.dut.restarts)) + "\n";
  if (s.incomplete) x += "      " + property("incomplete", "true") + "\n";
  if (!s.simulated.empty()) x += "      " + property("simulated", s.simulated) + "\n";
  x += "    </properties>\n";

  for (const auto& c : s.cases) {
    const std::string role = c.dut_role.empty() ? s.dut_role : c.dut_role;
    x += "    <testcase" + attr("classname", "l2tpsim." + role) +
         attr("name", c.title.empty() ? c.id : c.id + " " + c.title) + attr("time", fixed(c.duration_s, 3));
    if (!c.file.empty()) x += attr("file", c.file);
    x += ">\n";
    // Machine-readable for tools that read testcase properties; repeated in system-out for the rest.
    if (!c.requirements.empty() || c.verdict == Verdict::Warn) {
      x += "      <properties>\n";
      for (const auto& r : c.requirements) x += "        " + property("requirement", r) + "\n";
      // A warn passes in JUnit's terms; the property keeps it visible to tools that read them.
      if (c.verdict == Verdict::Warn) x += "        " + property("warn", c.reason) + "\n";
      x += "      </properties>\n";
    }
    const std::string message = attr("message", c.reason);
    switch (c.verdict) {
      case Verdict::Pass:
      case Verdict::Warn:
        break;
      case Verdict::NotRun:
        x += "      <skipped" + message + "/>\n";
        break;
      case Verdict::Fail:
        x += "      <failure" + message + attr("type", "fail") + ">" + escape_markup(case_text(c, true)) +
             "</failure>\n";
        break;
      case Verdict::Inconclusive:
        x += "      <error" + message + attr("type", "inconclusive") + ">" +
             escape_markup(case_text(c, true)) + "</error>\n";
        break;
      case Verdict::NotApplicable:
        x += "      <skipped" + message + "/>\n";
        break;
    }
    std::string out = "Requirements: " + join(c.requirements, ", ") + "\n";
    if (c.verdict == Verdict::Warn) out += "WARN (no MUST broken): " + c.reason + "\n";
    if (!c.file.empty()) out += "Scenario: " + c.file + "\n";
    if (c.first_frame != 0)
      out += "Frames: " + std::to_string(c.first_frame) + "-" + std::to_string(c.last_frame) +
             (s.pcap_path.empty() ? "" : " in " + s.pcap_path) + "\n";
    out += case_text(c, false);
    x += "      <system-out>" + escape_markup(out) + "</system-out>\n";
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n";
  return x;
}

}  // namespace

std::string to_junit(const SuiteResult& s) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites" + attr("name", "l2tpsim conformance") + junit_counts(s) + ">\n";
  x += junit_testsuite(s, "l2tpsim conformance (DUT " + s.dut_role + " @ " + s.target + ")");
  x += "</testsuites>\n";
  return x;
}

std::string to_junit(std::string_view name, const std::vector<JunitSuite>& suites) {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time_s = 0;
  for (const JunitSuite& j : suites) {
    const SuiteResult& s = *j.result;
    tests += s.cases.size();
    failures += s.count(Verdict::Fail);
    errors += s.count(Verdict::Inconclusive);
    skipped += s.count(Verdict::NotApplicable) + s.count(Verdict::NotRun);
    time_s = std::max(time_s, s.duration_s);  // the suites ran at the same time
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites" + attr("name", name) + junit_counts(tests, failures, errors, skipped, time_s) + ">\n";
  for (const JunitSuite& j : suites) x += junit_testsuite(*j.result, j.name);
  x += "</testsuites>\n";
  return x;
}

}  // namespace l2tp::reports
