// The `differences` of an `l2tpsim replay --play` JSON report against a committed list of
// expected ones (tests/interop/expected/*.tsv): one row per difference, `exchange`, `kind`,
// `captured` and `live` separated by tabs, each row under a '#' line that says why the live peer
// differs from the captured one. A row without such a line is a test failure.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace l2tp::testing {

struct DifferenceRow {
  std::string exchange, kind, captured, live;
  bool operator==(const DifferenceRow&) const = default;
};
// gtest prints rows by this, not as bytes.
void PrintTo(const DifferenceRow& r, std::ostream* os);

// One row per line, for failure messages.
std::string show(const std::vector<DifferenceRow>& rows);

// The rows of the file at `path` (test failures for a row without its explanation, a malformed
// row or an empty file).
std::vector<DifferenceRow> expected_differences(const std::string& path);

// The report's `differences`, in order.
std::vector<DifferenceRow> live_differences(const nlohmann::json& report);

}  // namespace l2tp::testing
