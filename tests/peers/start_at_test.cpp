// --start-at (peers/start_at.hpp): ISO 8601 with a zone or Unix seconds to one instant; no zone,
// bad fields and junk refused with the value named; a time in the past starts at once.
#include "peers/start_at.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

std::int64_t ms_of(const std::string& text) {
  std::string error;
  const auto t = parse_start_at(text, error);
  EXPECT_TRUE(t) << text << ": " << error;
  return t ? unix_ms(*t) : -1;
}

TEST(StartAt, Iso8601WithEveryZoneFormIsOneInstant) {
  // 2026-12-05T21:50:00Z = 1796507400 s since the epoch.
  constexpr std::int64_t kMs = 1'796'507'400'000;
  EXPECT_EQ(ms_of("2026-12-05T21:50:00+00:00"), kMs);
  EXPECT_EQ(ms_of("2026-12-05T21:50:00Z"), kMs);
  EXPECT_EQ(ms_of("2026-12-05t21:50z"), kMs);
  EXPECT_EQ(ms_of("2026-12-05T22:50:00+01:00"), kMs);
  EXPECT_EQ(ms_of("2026-12-05T16:20:00-0530"), kMs);
  EXPECT_EQ(ms_of("2026-12-06T06:50:00+09"), kMs);
  EXPECT_EQ(ms_of("2026-12-05T21:50:00.250Z"), kMs + 250);
  EXPECT_EQ(ms_of("1796507400"), kMs);
  EXPECT_EQ(ms_of("1796507400.75"), kMs + 750);
  EXPECT_EQ(utc_text(std::chrono::system_clock::time_point(std::chrono::milliseconds(kMs + 250))),
            "2026-12-05T21:50:00.250Z");
}

TEST(StartAt, RefusesWhatIsNotOneInstantNamingTheValue) {
  for (const char* bad : {"2026-12-05T21:50:00", "2026-13-05T21:50:00Z", "2026-02-30T21:50:00Z",
                          "2026-12-05T24:00:00Z", "2026-12-05T21:50:00+25:00", "2026-12-05", "tomorrow",
                          "2026-12-05T21:50:00Z junk", "-5", "17965O7400", ""}) {
    std::string error;
    EXPECT_FALSE(parse_start_at(bad, error)) << bad;
    EXPECT_NE(error.find(std::string("'") + bad + "'"), std::string::npos) << error;
  }
  std::string error;
  EXPECT_FALSE(parse_start_at("2026-12-05T21:50:00", error));
  EXPECT_NE(error.find("no time zone"), std::string::npos) << error;
}

TEST(StartAt, ATimeInThePastStartsAtOnceWithAWarning) {
  std::ostringstream err;
  EXPECT_EQ(wait_until_start(std::chrono::system_clock::now() - std::chrono::seconds(3), err, "x: "),
            StartWait::Late);
  EXPECT_NE(err.str().find("x: warning: --start-at"), std::string::npos) << err.str();
}

TEST(StartAt, WaitsUntilTheInstantWithATimer) {
  std::ostringstream err;
  const auto at = std::chrono::system_clock::now() + std::chrono::milliseconds(150);
  EXPECT_EQ(wait_until_start(at, err, "x: "), StartWait::Started);
  EXPECT_GE(std::chrono::system_clock::now(), at);
  EXPECT_NE(err.str().find("waiting"), std::string::npos) << err.str();
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
