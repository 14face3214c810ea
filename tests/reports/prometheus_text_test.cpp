// The Prometheus text renderer, read back by a strict parser of the 0.0.4 format
// (tests/support/prometheus_parser), and that parser refusing what Prometheus would refuse.
#include "reports/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/prometheus_parser.hpp"

namespace l2tp::reports::prometheus {
namespace L2TPSIM_FILE_ID {

using testing::parse_prometheus;

std::vector<Family> sample_families(const LatencyHistogram& h) {
  std::vector<Family> f;
  f.push_back({"x_requests_total", "Requests \\ with a\nnewline", MetricType::Counter, {{{}, 42}}, {}});
  f.push_back({"x_failures_total",
               "Failures by code",
               MetricType::Counter,
               {{{{"result", "2/6"}}, 3}, {{{"result", "quote \" back\\slash\nnewline"}}, 1}},
               {}});
  f.push_back({"x_up", "Up now", MetricType::Gauge, {{{}, 0.25}}, {}});
  f.push_back({"x_empty_total", "No samples: left out", MetricType::Counter, {}, {}});
  Family lat{"x_latency_seconds", "Latency", MetricType::Histogram, {}, {}};
  lat.histograms.push_back(histogram_seconds(h, latency_bounds_s(), {{"phase", "call"}}));
  lat.histograms.push_back(histogram_seconds(LatencyHistogram{}, latency_bounds_s(), {{"phase", "none"}}));
  f.push_back(std::move(lat));
  return f;
}

TEST(PrometheusText, RendersWhatAStrictParserReadsBack) {
  LatencyHistogram h;
  // 0.5 ms, 3 ms x2, 40 ms, 2 s, 100 s (beyond the last bound: only in +Inf).
  for (const double ms : {0.5, 3.0, 3.0, 40.0, 2000.0, 100000.0}) h.record_ms(ms);
  const std::string text = render(sample_families(h));
  std::string error;
  const auto e = parse_prometheus(text, error);
  ASSERT_TRUE(e) << error << "\n" << text;

  EXPECT_EQ(e->families.count("x_empty_total"), 0u) << text;
  EXPECT_EQ(e->families.at("x_requests_total").type, "counter");
  EXPECT_EQ(e->families.at("x_requests_total").help, "Requests \\ with a\nnewline");
  EXPECT_EQ(e->value("x_requests_total"), 42);
  EXPECT_EQ(e->value("x_failures_total", {{"result", "2/6"}}), 3);
  EXPECT_EQ(e->value("x_failures_total", {{"result", "quote \" back\\slash\nnewline"}}), 1);
  EXPECT_EQ(e->value("x_up"), 0.25);

  // Cumulative counts at each bound, computed here from the samples.
  const auto bucket = [&](const std::string& le) {
    return e->value("x_latency_seconds_bucket", {{"phase", "call"}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.001"), 1);
  EXPECT_EQ(bucket("0.0025"), 1);
  EXPECT_EQ(bucket("0.005"), 3);
  EXPECT_EQ(bucket("0.025"), 3);
  EXPECT_EQ(bucket("0.05"), 4);
  EXPECT_EQ(bucket("1"), 4);
  EXPECT_EQ(bucket("2.5"), 5);
  EXPECT_EQ(bucket("60"), 5);
  EXPECT_EQ(bucket("+Inf"), 6);
  EXPECT_EQ(e->value("x_latency_seconds_count", {{"phase", "call"}}), 6);
  EXPECT_NEAR(*e->value("x_latency_seconds_sum", {{"phase", "call"}}), 102.0465, 1e-6);
  // An empty histogram is still a whole one: every bucket 0, +Inf 0.
  EXPECT_EQ(e->value("x_latency_seconds_bucket", {{"phase", "none"}, {"le", "+Inf"}}), 0);
  EXPECT_EQ(e->value("x_latency_seconds_count", {{"phase", "none"}}), 0);
}

TEST(PrometheusText, ValuesInGoFloatSyntax) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(2000), "2000");
  EXPECT_EQ(format_value(0.0025), "0.0025");
  EXPECT_EQ(format_value(1e21), "1e+21");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(NAN), "NaN");
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_TRUE(valid_metric_name("l2tpsim:x_1"));
  EXPECT_FALSE(valid_metric_name("1x"));
  EXPECT_FALSE(valid_metric_name("x-y"));
  EXPECT_FALSE(valid_label_name("__name"));
  EXPECT_FALSE(valid_label_name("a:b"));
}

// The parser is strict: each of these is refused, with the line it found wrong.
TEST(PrometheusText, StrictParserRefusesBrokenExpositions) {
  const std::vector<std::pair<const char*, std::string>> broken = {
      {"no TYPE", "x_total 1\n"},
      {"TYPE after a sample", "x 1\n# TYPE x gauge\n"},
      {"counter not *_total", "# TYPE x counter\nx 1\n"},
      {"negative counter", "# TYPE x_total counter\nx_total -1\n"},
      {"duplicate series", "# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n"},
      {"second TYPE", "# TYPE x gauge\n# TYPE x gauge\nx 1\n"},
      {"family split", "# TYPE x gauge\n# TYPE y gauge\nx{a=\"1\"} 1\ny 1\nx{a=\"2\"} 1\n"},
      {"bad name", "# TYPE x-y gauge\nx-y 1\n"},
      {"bad label escape", "# TYPE x gauge\nx{a=\"\\t\"} 1\n"},
      {"unescaped quote", "# TYPE x gauge\nx{a=\"\"\"} 1\n"},
      {"bad value", "# TYPE x gauge\nx one\n"},
      {"no final line feed", "# TYPE x gauge\nx 1"},
      {"not cumulative",
       "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum "
       "1\nh_count 2\n"},
      {"no +Inf", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2\n"},
      {"+Inf not _count",
       "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"},
      {"no _count", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\n"},
      {"bounds not increasing",
       "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum "
       "1\nh_count 1\n"},
  };
  for (const auto& [why, text] : broken) {
    std::string error;
    EXPECT_FALSE(parse_prometheus(text, error)) << why << ":\n" << text;
    EXPECT_FALSE(error.empty()) << why;
  }
  std::string error;
  EXPECT_TRUE(parse_prometheus("# a comment\n\n# TYPE x gauge\nx{a=\"1\",} 1 1700000000000\n", error))
      << error;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::reports::prometheus
