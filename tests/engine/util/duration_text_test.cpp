#include "engine/util/duration_text.hpp"

#include <gtest/gtest.h>

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

Duration d(std::chrono::duration<double> s) {
  return std::chrono::duration_cast<Duration>(s);
}

TEST(DurationText, ReadsEveryUnitAndBareSeconds) {
  EXPECT_EQ(parse_duration_text("90", 1e9), d(90s));
  EXPECT_EQ(parse_duration_text("90s", 1e9), d(90s));
  EXPECT_EQ(parse_duration_text("250ms", 1e9), d(250ms));
  EXPECT_EQ(parse_duration_text("1.5m", 1e9), d(90s));
  EXPECT_EQ(parse_duration_text("2min", 1e9), d(120s));
  EXPECT_EQ(parse_duration_text("1h", 1e9), d(3600s));
  EXPECT_EQ(parse_duration_text(" 3 s ", 1e9), d(3s));
}

TEST(DurationText, RefusesNonsenseNegativeAndTooLong) {
  for (const char* bad : {"", "s", "soon", "-1s", "1x", "1 h 2", "nan", "inf"})
    EXPECT_FALSE(parse_duration_text(bad, 1e9)) << bad;
  EXPECT_TRUE(parse_duration_text("1h", 3600));
  EXPECT_FALSE(parse_duration_text("61m", 3600));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
