#include "reports/prometheus_text.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>

namespace l2tp::reports::prometheus {

namespace {

constexpr std::array<double, 15> kLatencyBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                0.5,   1,      2.5,   5,    10,    30,   60};

bool name_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return first ? alpha : alpha || (c >= '0' && c <= '9');
}

// HELP text: a backslash and a line feed are the only characters escaped (0.0.4).
std::string escape_help(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void write_labels(std::string& out, const Labels& labels, const std::string* le = nullptr) {
  if (labels.empty() && !le) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    assert(valid_label_name(name) && name != "le");
    out += first ? "" : ",";
    out += name + "=\"" + escape_label_value(value) + "\"";
    first = false;
  }
  if (le) out += std::string(first ? "" : ",") + "le=\"" + *le + "\"";
  out += '}';
}

void write_sample(std::string& out, const std::string& name, const Labels& labels, double value,
                  const std::string* le = nullptr) {
  out += name;
  write_labels(out, labels, le);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0) && name[i] != ':') return false;
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;  // __ is reserved for Prometheus
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0)) return false;
  return true;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("NaN");
}

std::string render(const std::vector<Family>& families) {
  std::string out;
  for (const auto& f : families) {
    assert(valid_metric_name(f.name));
    assert(f.type != MetricType::Counter || f.name.ends_with("_total"));
    const bool histogram = f.type == MetricType::Histogram;
    if (histogram ? f.histograms.empty() : f.samples.empty()) continue;
    out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + f.name + " " + type_name(f.type) + "\n";
    if (!histogram) {
      for (const auto& s : f.samples) write_sample(out, f.name, s.labels, s.value);
      continue;
    }
    for (const auto& h : f.histograms) {
      for (const auto& [bound, n] : h.buckets) {
        const std::string le = format_value(bound);
        write_sample(out, f.name + "_bucket", h.labels, static_cast<double>(n), &le);
      }
      const std::string inf = "+Inf";
      write_sample(out, f.name + "_bucket", h.labels, static_cast<double>(h.count), &inf);
      write_sample(out, f.name + "_sum", h.labels, h.sum);
      write_sample(out, f.name + "_count", h.labels, static_cast<double>(h.count));
    }
  }
  return out;
}

HistogramSample histogram_seconds(const LatencyHistogram& h, std::span<const double> bounds_s,
                                  Labels labels) {
  HistogramSample s;
  s.labels = std::move(labels);
  s.count = h.count();
  s.sum = h.sum_us() / 1e6;
  s.buckets.reserve(bounds_s.size());
  for (const double b : bounds_s) s.buckets.emplace_back(b, 0);
  h.for_each_bucket([&](std::uint64_t, std::uint64_t highest_us, std::uint64_t n) {
    const double highest_s = static_cast<double>(highest_us) / 1e6;
    for (auto& [bound, cumulative] : s.buckets)
      if (highest_s <= bound) cumulative += n;
  });
  return s;
}

std::span<const double> latency_bounds_s() {
  return kLatencyBounds;
}

}  // namespace l2tp::reports::prometheus
