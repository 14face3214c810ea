#include "tests/support/replay_differences.hpp"

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {

void PrintTo(const DifferenceRow& r, std::ostream* os) {
  *os << r.exchange << " | " << r.kind << " | " << r.captured << " | " << r.live;
}

std::string show(const std::vector<DifferenceRow>& rows) {
  std::string s;
  for (const DifferenceRow& r : rows)
    s += r.exchange + " | " + r.kind + " | " + r.captured + " | " + r.live + "\n";
  return s;
}

std::vector<DifferenceRow> expected_differences(const std::string& path) {
  std::vector<DifferenceRow> rows;
  bool explained = false;
  for (const std::string& line : split(read_file(path), '\n')) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      explained = true;
      continue;
    }
    const auto f = split(line, '\t');
    EXPECT_EQ(f.size(), 4u) << path << ": " << line;
    EXPECT_TRUE(explained) << path << ": no comment line explains " << line;
    explained = false;
    if (f.size() == 4) rows.push_back(DifferenceRow{f[0], f[1], f[2], f[3]});
  }
  EXPECT_FALSE(rows.empty()) << "no expectations in " << path;
  return rows;
}

std::vector<DifferenceRow> live_differences(const nlohmann::json& report) {
  std::vector<DifferenceRow> rows;
  for (const auto& d : report.value("differences", nlohmann::json::array()))
    rows.push_back(DifferenceRow{d.value("exchange", ""), d.value("kind", ""), d.value("captured", ""),
                                 d.value("live", "")});
  return rows;
}

}  // namespace l2tp::testing
