#include "reports/load_html.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "engine/util/latency_histogram.hpp"
#include "reports/conformance_report.hpp"
#include "reports/html_page.hpp"

namespace l2tp::reports {
namespace {

// Charts on top of the shared page style.
constexpr std::string_view kChartStyle = R"css(
.chart{border:1px solid var(--line);border-radius:8px;padding:10px 12px 6px;margin:0 0 14px}
.chart h3{margin:0 0 4px;font-size:13.5px;font-weight:600}
.chart svg{width:100%;height:auto;display:block}
.chart svg text{font:11px system-ui,sans-serif;fill:#59636e}
.chart .grid{stroke:#eef1f4}.chart .axis{stroke:#8c959f}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--muted);margin:2px 0 4px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 14px}
.empty{color:var(--muted);font-style:italic;padding:8px 0}
)css";

constexpr const char* kColors[] = {"#0b63b6", "#2da44e", "#d1631b", "#8250df", "#cf222e",
                                   "#bf8700", "#1b7c83", "#6e7781", "#e85aad", "#3d444d"};

std::string esc(std::string_view s) {
  return escape_markup(s);
}

std::string num(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return html_fixed(v, 0);
  return html_fixed(v, std::fabs(v) < 10 ? 2 : 1);
}

std::string thousands(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

// A round number at or above `v` for an axis (1, 2, 2.5, 5 x 10^k).
double nice_ceil(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

struct Series {
  std::string name;
  std::vector<double> values;
};

std::string legend(const std::vector<Series>& series) {
  std::string o = "<div class=\"legend\">";
  for (std::size_t i = 0; i < series.size(); ++i)
    o += "<span><i style=\"background:" + std::string(kColors[i % 10]) + "\"></i>" + esc(series[i].name) +
         "</span>";
  return o + "</div>";
}

constexpr double kW = 1100, kH = 240, kL = 64, kR = 16, kT = 24, kB = 30;

// The axes of a chart over `seconds` seconds with values up to `ymax`.
std::string axes(std::size_t seconds, double ymax, std::string_view unit) {
  std::string o;
  for (int i = 0; i <= 4; ++i) {
    const double v = ymax * i / 4, y = kT + (kH - kT - kB) * (1 - i / 4.0);
    o += "<line class=\"grid\" x1=\"" + num(kL) + "\" x2=\"" + num(kW - kR) + "\" y1=\"" + num(y) +
         "\" y2=\"" + num(y) + "\"/><text x=\"" + num(kL - 6) + "\" y=\"" + num(y + 4) +
         "\" text-anchor=\"end\">" + num(v) + "</text>";
  }
  const double span = std::max<double>(1, static_cast<double>(seconds));
  const double step = nice_ceil(span / 10);
  for (double t = 0; t <= span + 1e-9; t += step) {
    const double x = kL + (kW - kL - kR) * t / span;
    o += "<line class=\"axis\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(kH - kB) +
         "\" y2=\"" + num(kH - kB + 4) + "\"/><text x=\"" + num(x) + "\" y=\"" + num(kH - kB + 16) +
         "\" text-anchor=\"middle\">" + num(t) + " s</text>";
  }
  o += "<line class=\"axis\" x1=\"" + num(kL) + "\" x2=\"" + num(kW - kR) + "\" y1=\"" + num(kH - kB) +
       "\" y2=\"" + num(kH - kB) + "\"/>";
  o += "<text x=\"4\" y=\"12\">" + esc(unit) + "</text>";
  return o;
}

std::string open_chart(std::string_view title, std::string_view aria) {
  return "<div class=\"chart\"><h3>" + esc(title) + "</h3><svg viewBox=\"0 0 " + num(kW) + " " + num(kH) +
         "\" role=\"img\" aria-label=\"" + escape_markup(aria, true) + "\">";
}

// Lines, one per series, a point per second (value at the second's end: levels; or its count).
std::string line_chart(std::string_view title, const std::vector<Series>& series, std::string_view unit) {
  std::size_t n = 0;
  double ymax = 0;
  for (const auto& s : series) {
    n = std::max(n, s.values.size());
    for (double v : s.values) ymax = std::max(ymax, v);
  }
  if (n == 0)
    return "<div class=\"chart\"><h3>" + esc(title) + "</h3><div class=\"empty\">no data</div></div>";
  ymax = nice_ceil(ymax);
  std::string o = open_chart(title, title) + axes(n, ymax, unit);
  const double span = static_cast<double>(std::max<std::size_t>(n, 1));
  for (std::size_t k = 0; k < series.size(); ++k) {
    std::string pts;
    for (std::size_t i = 0; i < series[k].values.size(); ++i) {
      // A second's value is drawn at its end (t + 1).
      const double x = kL + (kW - kL - kR) * static_cast<double>(i + 1) / span;
      const double y = kT + (kH - kT - kB) * (1 - series[k].values[i] / ymax);
      pts += (pts.empty() ? "" : " ") + num(x) + "," + num(y);
    }
    o += "<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"" + std::string(kColors[k % 10]) +
         "\" points=\"" + pts + "\"/>";
  }
  return o + "</svg>" + legend(series) + "</div>";
}

// Stacked bars, one stack per second (per group of seconds beyond 600 of them, summed).
std::string bar_chart(std::string_view title, const std::vector<Series>& series, std::string_view unit) {
  std::size_t n = 0;
  for (const auto& s : series) n = std::max(n, s.values.size());
  double total = 0;
  for (const auto& s : series)
    for (double v : s.values) total += v;
  if (n == 0 || total == 0)
    return "<div class=\"chart\"><h3>" + esc(title) + "</h3><div class=\"empty\">none</div></div>";
  const std::size_t group = (n + 599) / 600;
  const std::size_t bins = (n + group - 1) / group;
  std::vector<std::vector<double>> v(series.size(), std::vector<double>(bins, 0));
  std::vector<double> stack(bins, 0);
  for (std::size_t k = 0; k < series.size(); ++k)
    for (std::size_t i = 0; i < series[k].values.size(); ++i) {
      v[k][i / group] += series[k].values[i];
      stack[i / group] += series[k].values[i];
    }
  const double ymax = nice_ceil(*std::max_element(stack.begin(), stack.end()));
  std::string o =
      open_chart(title, title) +
      axes(n, ymax,
           group > 1 ? std::string(unit) + " per " + std::to_string(group) + " s" : std::string(unit));
  const double w = (kW - kL - kR) / static_cast<double>(bins);
  std::vector<double> base(bins, 0);
  for (std::size_t k = 0; k < series.size(); ++k)
    for (std::size_t i = 0; i < bins; ++i) {
      if (v[k][i] <= 0) continue;
      const double h = (kH - kT - kB) * v[k][i] / ymax;
      const double y = kH - kB - (kH - kT - kB) * base[i] / ymax - h;
      o += "<rect x=\"" + num(kL + w * static_cast<double>(i) + w * 0.1) + "\" y=\"" + num(y) +
           "\" width=\"" + num(std::max(w * 0.8, 0.6)) + "\" height=\"" + num(h) + "\" fill=\"" +
           kColors[k % 10] + "\"><title>" + num(static_cast<double>(i * group)) +
           " s: " + esc(series[k].name) + " " + num(v[k][i]) + "</title></rect>";
      base[i] += v[k][i];
    }
  return o + "</svg>" + legend(series) + "</div>";
}

struct Phase {
  const char* key;
  const char* label;
};
constexpr Phase kPhases[] = {{"ipsec_setup", "IPsec setup (IKE and CHILD SA)"},
                             {"tunnel_setup", "Tunnel setup (SCCRQ to SCCCN)"},
                             {"session_setup", "Call setup (ICRQ to ICCN acknowledged)"},
                             {"lcp", "LCP"},
                             {"auth", "Authentication"},
                             {"ncp", "IPCP (NCP)"},
                             {"ppp_up", "Whole PPP up (call up to IPCP opened)"},
                             {"lcp_restart", "LCP renegotiated in place (down to IPCP open again)"},
                             {"ipcp_restart", "IPCP renegotiated in place (down to open again)"}};

std::optional<LatencyHistogram> histogram(const nlohmann::json& j) {
  try {
    std::vector<LatencyHistogram::Bucket> buckets;
    for (const auto& b : j.at("buckets"))
      buckets.push_back({b.at(0).get<std::uint64_t>(), b.at(2).get<std::uint64_t>()});
    LatencyHistogram h;
    if (!LatencyHistogram::restore(buckets, j.at("min").get<std::uint64_t>(),
                                   j.at("max").get<std::uint64_t>(), j.value("sum", 0.0), h))
      return std::nullopt;
    return h;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string ms(double us) {
  const double v = us / 1000.0;
  return html_fixed(v, v < 10 ? 2 : 1) + " ms";
}

// A histogram as bars over log time (quarter octaves), with its percentiles marked.
std::string histogram_chart(const char* label, const LatencyHistogram& h) {
  std::map<int, std::uint64_t> bins;  // quarter octave of the bucket's lowest value
  h.for_each_bucket([&](std::uint64_t lo, std::uint64_t, std::uint64_t n) {
    bins[static_cast<int>(std::floor(4 * std::log2(static_cast<double>(std::max<std::uint64_t>(lo, 1)))))] +=
        n;
  });
  const int first = bins.begin()->first, last = bins.rbegin()->first;
  std::uint64_t peak = 0;
  for (const auto& [b, n] : bins) peak = std::max(peak, n);
  const double ymax = nice_ceil(static_cast<double>(peak));
  const double width = 540, height = 200, l = 56, r = 10, t = 10, b = 30;
  const double span = std::max(1, last - first + 1);
  auto x_of_us = [&](double us) {
    return l + (width - l - r) * (4 * std::log2(std::max(us, 1.0)) - first) / span;
  };
  std::string o = "<div class=\"chart\"><h3>" + esc(label) + "</h3><svg viewBox=\"0 0 " + num(width) + " " +
                  num(height) + "\" role=\"img\" aria-label=\"" + escape_markup(label, true) +
                  " histogram\">";
  for (int i = 0; i <= 4; ++i) {
    const double y = t + (height - t - b) * (1 - i / 4.0);
    o += "<line class=\"grid\" x1=\"" + num(l) + "\" x2=\"" + num(width - r) + "\" y1=\"" + num(y) +
         "\" y2=\"" + num(y) + "\"/><text x=\"" + num(l - 5) + "\" y=\"" + num(y + 4) +
         "\" text-anchor=\"end\">" + num(ymax * i / 4) + "</text>";
  }
  // Decades of time along the axis.
  for (double us = 1; us <= 1e9; us *= 10) {
    const double x = x_of_us(us);
    if (x < l - 0.5 || x > width - r + 0.5) continue;
    const std::string text = us < 1000  ? num(us) + " µs"
                             : us < 1e6 ? num(us / 1000) + " ms"
                                        : num(us / 1e6) + " s";
    o += "<line class=\"axis\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(height - b) +
         "\" y2=\"" + num(height - b + 4) + "\"/><text x=\"" + num(x) + "\" y=\"" + num(height - b + 16) +
         "\" text-anchor=\"middle\">" + text + "</text>";
  }
  const double w = (width - l - r) / span;
  for (const auto& [bin, n] : bins) {
    const double hgt = (height - t - b) * static_cast<double>(n) / ymax;
    o += "<rect x=\"" + num(l + w * (bin - first) + w * 0.08) + "\" y=\"" + num(height - b - hgt) +
         "\" width=\"" + num(w * 0.84) + "\" height=\"" + num(hgt) + "\" fill=\"#0b63b6\"><title>" +
         ms(std::exp2(bin / 4.0)) + "&ndash;" + ms(std::exp2((bin + 1) / 4.0)) + ": " + thousands(n) +
         "</title></rect>";
  }
  const std::pair<const char*, double> marks[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}};
  for (const auto& [name, q] : marks) {
    const double x = x_of_us(h.percentile_us(q));
    o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(t) + "\" y2=\"" + num(height - b) +
         "\" stroke=\"#cf222e\" stroke-dasharray=\"3 2\"/>";
    // The label right of its line, or left of it near the right edge.
    const bool left = x > width - r - 30;
    o += "<text x=\"" + num(left ? x - 3 : x + 3) + "\" y=\"" + num(t + 10) + "\" fill=\"#cf222e\"" +
         (left ? " text-anchor=\"end\"" : "") + ">" + name + "</text>";
  }
  o += "<line class=\"axis\" x1=\"" + num(l) + "\" x2=\"" + num(width - r) + "\" y1=\"" + num(height - b) +
       "\" y2=\"" + num(height - b) + "\"/></svg></div>";
  return o;
}

std::vector<double> column(const nlohmann::json& timeline, const char* key) {
  std::vector<double> v;
  for (const auto& b : timeline) v.push_back(b.value(key, 0.0));
  return v;
}

// One series per key of the per-second map `field` (failed_by_phase, failed_by_result).
std::vector<Series> split(const nlohmann::json& timeline, const char* field) {
  std::map<std::string, std::vector<double>> by;
  for (std::size_t i = 0; i < timeline.size(); ++i)
    if (const auto it = timeline[i].find(field); it != timeline[i].end())
      for (const auto& [k, n] : it->items()) {
        auto& v = by[k];
        v.resize(timeline.size(), 0);
        v[i] += n.get<double>();
      }
  std::vector<Series> out;
  for (auto& [k, v] : by) out.push_back({k, std::move(v)});
  return out;
}

std::string counts_table(const char* what, const nlohmann::json& m) {
  if (!m.is_object() || m.empty()) return "";
  std::string o = "<table class=\"reqs\"><tr><th>" + esc(what) + "</th><th class=\"num\">count</th></tr>";
  for (const auto& [k, n] : m.items())
    o += "<tr><td><code>" + esc(k) + "</code></td><td class=\"num\">" + thousands(n.get<std::uint64_t>()) +
         "</td></tr>";
  return o + "</table>";
}

std::string text_of(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::uint64_t count_of(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::uint64_t>() : 0;
}

}  // namespace

std::string load_report_html(const nlohmann::json& j, std::string_view tool_version) {
  const std::string role = text_of(j, "role");
  const nlohmann::json timeline = j.value("timeline", nlohmann::json::array());
  const nlohmann::json ppp = j.value("ppp", nlohmann::json::object());
  std::string peer = role == "lac" ? text_of(j, "connect_to") : "";
  if (role == "lns" && j.contains("listen"))
    for (const auto& l : j["listen"]) peer += (peer.empty() ? "" : ", ") + l.get<std::string>();
  const std::uint64_t failed =
      count_of(j, "sessions_failed") + count_of(j, "tunnels_failed") + count_of(ppp, "failed");
  const bool ok = failed == 0 && j.value("torn_down", true);

  std::string o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += "<title>L2TP load report: l2tpsim " + esc(role) + " " + esc(peer) + "</title>\n<style>" +
       std::string(html_base_style()) + std::string(kChartStyle) + "</style>\n</head>\n<body>\n";
  o += "<header class=\"top\"><div class=\"wrap\"><div><h1>L2TP load report</h1><div class=\"sub\">l2tpsim " +
       esc(role) + (role == "lac" ? " &rarr; " : " on ") + esc(peer) + " &middot; l2tpsim " +
       esc(tool_version) + "</div></div><div class=\"outcome " +
       (ok ? "v-pass\">NO FAILURES" : "v-fail\">FAILURES") + "</div></div></header>\n<main>\n";

  // The figures that matter first.
  const auto setup = j.value("setup_latency_ms", nlohmann::json::object());
  o += "<div class=\"summary\"><dl class=\"meta\">";
  auto meta = [&](std::string_view dt, const std::string& dd) {
    o += "<div><dt>" + esc(dt) + "</dt><dd>" + esc(dd) + "</dd></div>";
  };
  meta("duration", html_duration(j.value("duration_s", 0.0)));
  meta("tunnels up", thousands(count_of(j, "tunnels_established")) + " (" +
                         thousands(count_of(j, "tunnels_failed")) + " failed)");
  meta("calls up", thousands(count_of(j, "sessions_established")) + " (" +
                       thousands(count_of(j, "sessions_failed")) + " failed)");
  if (j.contains("sessions_ppp_up"))
    meta("PPP up",
         thousands(count_of(j, "sessions_ppp_up")) + " (" + thousands(count_of(ppp, "failed")) + " failed)");
  meta("setup rate", num(j.value("setup_rate_sessions_per_s", 0.0)) + " calls/s");
  meta("call setup p50 / p99", num(setup.value("p50", 0.0)) + " / " + num(setup.value("p99", 0.0)) + " ms");
  meta("retransmissions", thousands(count_of(j, "retransmissions")));
  if (const auto churn = j.find("churn");
      churn != j.end() && churn->is_object() && count_of(*churn, "flaps")) {
    // --flap: how many of each kind; the in-place restarts' times are in the latency table.
    std::string kinds;
    const nlohmann::json by_kind = churn->value("flaps_by_kind", nlohmann::json::object());
    for (const auto& [kind, n] : by_kind.items())
      if (n.is_number_unsigned() && n.get<std::uint64_t>())
        kinds += (kinds.empty() ? "" : ", ") + kind + " " + thousands(n.get<std::uint64_t>());
    meta("flaps", thousands(count_of(*churn, "flaps")) + (kinds.empty() ? "" : " (" + kinds + ")"));
  }
  meta("peer violations", thousands(count_of(j, "peer_violations")));
  if (j.contains("threads")) meta("threads", text_of(j, "threads"));
  meta("seed", text_of(j, "seed"));
  o += "</dl></div>\n";

  o += "<h2>Peer</h2>";
  if (const auto id = j.find("peer_identity"); id != j.end() && id->is_object()) {
    o += "<table class=\"reqs\"><tr><th>Host Name</th><th>Vendor Name</th><th>Firmware "
         "Revision</th><th>from</th></tr>";
    o += "<tr><td>" + esc(text_of(*id, "host_name")) + "</td><td>" + esc(text_of(*id, "vendor_name")) +
         "</td><td>" + esc(text_of(*id, "firmware_revision")) + "</td><td>" + esc(text_of(*id, "message")) +
         " from <code>" + esc(text_of(*id, "address")) + "</code></td></tr></table>";
  } else {
    o += "<div class=\"empty\">no " + std::string(role == "lac" ? "SCCRP" : "SCCRQ") + " came in</div>";
  }
  if (const auto agents = j.find("agents"); agents != j.end() && agents->is_array()) {
    // A merged run (l2tpsim report merge): each agent's options, start and share.
    o +=
        "<h2>Agents<span class=\"hint\">merged from " + thousands(agents->size()) +
        " summaries on one clock</span></h2><table class=\"reqs\"><tr><th>agent</th><th class=\"num\">starts "
        "at</th><th class=\"num\">calls up</th><th>options</th></tr>";
    for (const auto& a : *agents) {
      o += "<tr><td>" +
           esc(a.contains("agent") && a["agent"].is_string() ? text_of(a, "agent") : text_of(a, "file")) +
           "</td><td class=\"num\">+" + num(a.value("offset_s", 0.0)) + " s</td><td class=\"num\">" +
           thousands(count_of(a, "sessions_established")) + "</td><td><code>l2tpsim " + esc(role);
      for (const auto& w : a.value("options", nlohmann::json::array())) o += " " + esc(w.get<std::string>());
      o += "</code></td></tr>";
    }
    o += "</table>\n";
  } else {
    o += "<h2>Options</h2><p><code>l2tpsim " + esc(role);
    if (j.contains("options"))
      for (const auto& w : j["options"]) o += " " + esc(w.get<std::string>());
    o += "</code></p>\n";
  }

  o += "<h2>Over time<span class=\"hint\">one point per second</span></h2>";
  o += line_chart(
      "Sessions and tunnels up",
      {{"sessions up", column(timeline, "sessions_up")}, {"tunnels up", column(timeline, "tunnels_up")}},
      "up");
  std::vector<Series> rates = {{"calls attempted", column(timeline, "setups")},
                               {"calls established", column(timeline, "established")},
                               {"PPP up", column(timeline, "ppp_up")},
                               {"calls cleared", column(timeline, "teardowns")}};
  // Renegotiations in place only where a run had them (--flap-kind lcp-restart, the peer's).
  if (auto r = column(timeline, "ppp_renegotiations");
      std::any_of(r.begin(), r.end(), [](double v) { return v > 0; }))
    rates.push_back(Series{"PPP renegotiated", std::move(r)});
  o += line_chart("Setup and teardown rate", rates, "per second");

  // With a batch interval a busy shard reads what arrived once per interval: the latencies hold
  // up to that much of our own wait per message received.
  const double batch_ms = j.value("batch_interval_ms", 0.0);
  o += "<h2>Latency per phase<span class=\"hint\">from the merged histograms (1% buckets)" +
       (batch_ms > 0 ? "; each includes up to " + num(batch_ms) +
                           " ms of our own wait per message received while busy (--batch-interval)"
                     : std::string()) +
       "</span></h2>";
  o += "<table class=\"reqs\"><tr><th>phase</th><th class=\"num\">count</th><th class=\"num\">p50</th><th "
       "class=\"num\">p90</th><th class=\"num\">p99</th><th class=\"num\">p99.9</th><th "
       "class=\"num\">max</th><th "
       "class=\"num\">mean</th></tr>";
  std::vector<std::pair<const char*, LatencyHistogram>> shown;
  const nlohmann::json hist = j.value("histograms", nlohmann::json::object());
  for (const auto& p : kPhases) {
    if (!hist.contains(p.key)) continue;
    const auto h = histogram(hist[p.key]);
    if (!h || h->empty()) continue;
    o += "<tr><td>" + esc(p.label) + "</td><td class=\"num\">" + thousands(h->count()) +
         "</td><td class=\"num\">" + ms(h->percentile_us(0.5)) + "</td><td class=\"num\">" +
         ms(h->percentile_us(0.9)) + "</td><td class=\"num\">" + ms(h->percentile_us(0.99)) +
         "</td><td class=\"num\">" + ms(h->percentile_us(0.999)) + "</td><td class=\"num\">" +
         ms(static_cast<double>(h->max_us())) + "</td><td class=\"num\">" + ms(h->mean_us()) + "</td></tr>";
    shown.emplace_back(p.label, *h);
  }
  o += "</table>";
  o += "<div class=\"grid2\" style=\"margin-top:14px\">";
  for (const auto& [label, h] : shown) o += histogram_chart(label, h);
  o += "</div>";

  o += "<h2>Failures<span class=\"hint\">per second, by phase and by Result/Error Code</span></h2>";
  o += bar_chart("Failures by phase", split(timeline, "failed_by_phase"), "failures");
  o += bar_chart("Failures by Result/Error Code", split(timeline, "failed_by_result"), "failures");
  o += "<div class=\"grid2\">" +
       counts_table("L2TP phase", j.value("failures_by_phase", nlohmann::json::object())) +
       counts_table("Result/Error Code", j.value("failures_by_result", nlohmann::json::object())) + "</div>";
  if (ppp.contains("failed_by_phase"))
    o += "<div class=\"grid2\" style=\"margin-top:10px\">" +
         counts_table("PPP phase", ppp["failed_by_phase"]) +
         counts_table("PPP CDN Result/Error Code", ppp.value("failed_by_result", nlohmann::json::object())) +
         "</div>";

  o += "<h2>Data<span class=\"hint\">per second: L2TP data messages; probe packets that never came back "
       "(--traffic); data for no established session</span></h2>";
  o += bar_chart("Data messages",
                 {{"sent", column(timeline, "data_sent")}, {"received", column(timeline, "data_received")}},
                 "messages");
  o += bar_chart(
      "Losses",
      {{"probes lost", column(timeline, "data_lost")}, {"dropped", column(timeline, "data_dropped")}},
      "packets");

  o += "<h2>Control channel</h2>";
  o += bar_chart("Retransmissions", {{"control messages sent again", column(timeline, "retransmissions")}},
                 "retransmissions");
  o += "<p class=\"detail\">" + thousands(count_of(j, "control_sent")) + " control messages sent, " +
       thousands(count_of(j, "retransmissions")) + " retransmitted, " + thousands(count_of(j, "duplicates")) +
       " duplicates and " + thousands(count_of(j, "out_of_order")) + " out of order received.</p>";
  o += "<footer>Generated by l2tpsim " + esc(tool_version) +
       " from the run's JSON summary. Percentiles come from the run's histograms, merged bucket by bucket "
       "across shards; none is an average of others.</footer>\n</main>\n</body>\n</html>\n";
  return o;
}

}  // namespace l2tp::reports
