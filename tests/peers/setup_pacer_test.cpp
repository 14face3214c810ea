#include "peers/setup_pacer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

using std::chrono::milliseconds;

// Drives the pacer as the LAC does, in virtual time: asks at every interval it names (plus the
// given lateness of each wake-up), with always more calls wanted than due, and records when
// each call was let go.
std::vector<double> schedule(SetupPacer& p, Time t0, double seconds, Duration late = Duration::zero(),
                             std::uint64_t wanted = 1'000'000) {
  std::vector<double> at;
  for (Time now = t0; now < t0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
       now += p.interval(now) + late) {
    const auto n = p.take(now, wanted - at.size(), 0);
    for (std::uint64_t i = 0; i < n; ++i) at.push_back(to_seconds(now - t0));
  }
  return at;
}

std::vector<std::uint64_t> per_window(const std::vector<double>& at, double width, double seconds) {
  std::vector<std::uint64_t> w(static_cast<std::size_t>(seconds / width + 0.5), 0);
  for (double t : at)
    if (const auto i = static_cast<std::size_t>(t / width); i < w.size()) ++w[i];
  return w;
}

TEST(SetupPacer, Rate2000EveryOneSecondBucketWithin5PercentAndNo100msWindowAbove1_5xItsShare) {
  const Time t0{};
  for (const Duration late :
       {Duration::zero(), std::chrono::duration_cast<Duration>(std::chrono::microseconds(700))}) {
    SetupPacer p(RateProfile::constant(2000), 0, t0);
    const auto at = schedule(p, t0, 10, late);
    const auto seconds = per_window(at, 1.0, 10);
    ASSERT_EQ(seconds.size(), 10u);
    for (std::size_t s = 0; s < seconds.size(); ++s) {
      EXPECT_GE(seconds[s], 1900u) << "second " << s;
      EXPECT_LE(seconds[s], 2100u) << "second " << s;
    }
    for (const auto n : per_window(at, 0.1, 10)) EXPECT_LE(n, 300u);  // 1.5 x 200
    // Evenly within the second: no window of 100 ms holds less than half its share either.
    for (const auto n : per_window(at, 0.1, 10)) EXPECT_GE(n, 100u);
  }
}

TEST(SetupPacer, FirstCallAtOnceThenOneEveryInterval) {
  const Time t0{};
  SetupPacer p(RateProfile::constant(10), 0, t0);  // one per 100 ms
  EXPECT_EQ(p.take(t0, 5, 0), 1u);
  EXPECT_EQ(p.take(t0 + milliseconds(99), 5, 0), 0u);
  EXPECT_EQ(p.take(t0 + milliseconds(100), 5, 0), 1u);
  EXPECT_EQ(p.take(t0 + milliseconds(350), 5, 0), 2u);  // 200 and 300 ms were due
  EXPECT_EQ(p.interval(t0), std::chrono::duration_cast<Duration>(milliseconds(100)));
}

TEST(SetupPacer, MaxOutstandingHoldsCallsAndNeverBurstsToCatchUp) {
  const Time t0{};
  SetupPacer p(RateProfile::constant(1000), 3, t0);  // one per ms, at most 3 in setup
  EXPECT_EQ(p.take(t0, 100, 0), 1u);
  EXPECT_EQ(p.take(t0 + milliseconds(5), 100, 1), 2u);  // 5 due, room for 2
  // Full for 50 ms, asked at every interval as the runner does: the slots that pass under the
  // cap are gone, so when room comes back one call is due, not the 50 that passed.
  for (int ms = 10; ms < 60; ++ms) EXPECT_EQ(p.take(t0 + milliseconds(ms), 100, 3), 0u);
  EXPECT_EQ(p.take(t0 + milliseconds(60), 100, 0), 1u);
  EXPECT_EQ(p.take(t0 + milliseconds(61), 100, 0), 1u);
  EXPECT_EQ(p.taken(), 5u);
}

TEST(SetupPacer, NothingWantedForfeitsTheSlots) {
  const Time t0{};
  SetupPacer p(RateProfile::constant(100), 0, t0);
  EXPECT_EQ(p.take(t0, 0, 0), 0u);
  EXPECT_EQ(p.take(t0 + milliseconds(500), 0, 0), 0u);     // 50 slots pass unused
  EXPECT_EQ(p.take(t0 + milliseconds(505), 1000, 0), 0u);  // none saved up
  EXPECT_EQ(p.take(t0 + milliseconds(510), 1000, 0), 1u);  // the next one, on time
}

TEST(SetupPacer, UnpacedWithACapOpensWhatFits) {
  const Time t0{};
  SetupPacer p(RateProfile{}, 100, t0);
  EXPECT_EQ(p.take(t0, 1000, 0), 100u);
  EXPECT_EQ(p.take(t0, 1000, 60), 40u);
  SetupPacer all(RateProfile{}, 0, t0);
  EXPECT_EQ(all.take(t0, 1000, 5000), 1000u);
}

TEST(RateProfile, RampShapeIsPiecewiseLinearAndHeldAfterTheLastPoint) {
  std::string error;
  const auto r = RateProfile::parse("0:100,60s:2000,2m:2000,150:0", error);
  ASSERT_TRUE(r) << error;
  EXPECT_DOUBLE_EQ(r->rate_at(0), 100);
  EXPECT_DOUBLE_EQ(r->rate_at(30), 1050);
  EXPECT_DOUBLE_EQ(r->rate_at(90), 2000);
  EXPECT_DOUBLE_EQ(r->rate_at(135), 1000);
  EXPECT_DOUBLE_EQ(r->rate_at(1000), 0);
  EXPECT_DOUBLE_EQ(r->calls_by(60), (100 + 2000) / 2.0 * 60);
  EXPECT_DOUBLE_EQ(r->calls_by(120), 63000 + 120000);
  EXPECT_DOUBLE_EQ(r->calls_by(150), 183000 + 30000);
  EXPECT_DOUBLE_EQ(r->calls_by(400), 213000);
  EXPECT_EQ(r->to_string(), "0s:100,60s:2000,120s:2000,150s:0");
  EXPECT_DOUBLE_EQ(r->scaled(0.5).rate_at(30), 525);
}

TEST(RateProfile, RampInTheSchedulePerSecondFollowsTheRate) {
  std::string error;
  const auto r = RateProfile::parse("0:0,10s:1000", error);
  ASSERT_TRUE(r) << error;
  const Time t0{};
  SetupPacer p(*r, 0, t0);
  const auto at = schedule(p, t0, 10);
  const auto seconds = per_window(at, 1.0, 10);
  // Second s gets the integral of the ramp over it: 100 s + 50 calls.
  for (std::size_t s = 0; s < seconds.size(); ++s) {
    const double expected = 100.0 * static_cast<double>(s) + 50;
    EXPECT_NEAR(static_cast<double>(seconds[s]), expected, expected * 0.05 + 2) << "second " << s;
  }
}

TEST(RateProfile, BadTextSaysWhat) {
  std::string error;
  EXPECT_FALSE(RateProfile::parse("0:100,60x:2000", error));
  EXPECT_NE(error.find("not a time"), std::string::npos);
  EXPECT_FALSE(RateProfile::parse("10:100,5:200", error));
  EXPECT_NE(error.find("increase"), std::string::npos);
  EXPECT_FALSE(RateProfile::parse("0:fast", error));
  EXPECT_NE(error.find("not a rate"), std::string::npos);
  EXPECT_FALSE(RateProfile::parse("100", error));
  EXPECT_TRUE(RateProfile::parse("0:0", error)->unpaced());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
