// Metrics in the Prometheus text exposition format, version 0.0.4 (what Prometheus scrapes from
// an exporter's /metrics): per family one `# HELP` and one `# TYPE` line, then its samples
// `name{label="value",...} value`. Counters carry their `_total` name on the TYPE line too (the
// 0.0.4 rule, not OpenMetrics'); a histogram is `_bucket{le="..."}` lines with cumulative counts
// ending in `le="+Inf"`, then `_sum` and `_count`. Label values and help texts are escaped.
// Pure: no I/O, the caller serves the text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/latency_histogram.hpp"

namespace l2tp::reports::prometheus {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType : std::uint8_t { Counter, Gauge, Histogram };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;
  double value = 0;
};

// One labelled histogram: the cumulative count at each upper bound (increasing; the +Inf bucket
// is written from `count`, not listed here), the sum of the values and their number.
struct HistogramSample {
  Labels labels;
  std::vector<std::pair<double, std::uint64_t>> buckets;
  double sum = 0;
  std::uint64_t count = 0;
};

struct Family {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*; counters end in _total
  std::string help;
  MetricType type = MetricType::Gauge;
  std::vector<Sample> samples;              // counters and gauges
  std::vector<HistogramSample> histograms;  // histograms
};

// The exposition text of `families`, in their order. Families without samples are left out
// (a family with a TYPE and no sample says nothing a scraper can use).
std::string render(const std::vector<Family>& families);

// A latency histogram (microseconds) at `bounds_s` (seconds, increasing). A bucket of the
// histogram counts under the first bound at or above its highest value, so a bound is met
// within the histogram's precision (1.6%), never overstated.
HistogramSample histogram_seconds(const LatencyHistogram& h, std::span<const double> bounds_s, Labels labels);

// Bounds for setup latencies, 1 ms to a minute (loopback calls take a millisecond, a tunnel
// whose SCCRQ was retransmitted takes seconds).
std::span<const double> latency_bounds_s();

// The pieces render() writes, for tests and callers that check names.
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);
std::string escape_label_value(std::string_view value);
std::string format_value(double value);  // Go's float syntax: shortest form, +Inf, -Inf, NaN

}  // namespace l2tp::reports::prometheus
