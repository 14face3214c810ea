// A strict reader of the Prometheus text exposition format 0.0.4, for tests of what
// --stats-listen serves (Debian's promtool comes in a 96 MB package; CI does without it). It
// refuses what Prometheus would refuse and more: a sample whose family has no `# TYPE` before
// it, a family split in two, a duplicate series or HELP or TYPE, a bad name or escape, a
// negative counter, a counter not named *_total, histogram buckets out of order or not
// cumulative, without a final +Inf equal to _count, or without _sum and _count.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace l2tp::testing {

struct PromSample {
  std::string name;  // as written (x_bucket, x_sum, ...)
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromFamily {
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::string help;
  std::vector<PromSample> samples;
};

struct PromExposition {
  std::map<std::string, PromFamily> families;
  // The value of the sample `name` with exactly `labels`, if there is one.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const;
};

// The exposition in `text`, or the first thing wrong with it ("line 12: ...") in `error`.
std::optional<PromExposition> parse_prometheus(const std::string& text, std::string& error);

}  // namespace l2tp::testing
