// Whether retransmission intervals grow exponentially (RFC 2661 5.8, R171).
#include "scenarios/backoff.hpp"

#include <gtest/gtest.h>

namespace l2tp::scenario {
namespace L2TPSIM_FILE_ID {

std::vector<Duration> ms(std::initializer_list<int> v) {
  std::vector<Duration> out;
  for (int x : v) out.push_back(std::chrono::milliseconds(x));
  return out;
}

TEST(Backoff, DoublingGrows) {
  EXPECT_TRUE(backoff_grows(ms({1000, 2000})));
  EXPECT_TRUE(backoff_grows(ms({1000, 2000, 4000, 8000})));
  EXPECT_TRUE(backoff_grows(ms({1000, 1460})));  // 1.5x less the 50 ms of noise
}

TEST(Backoff, EqualOrLinearIntervalsDoNot) {
  EXPECT_FALSE(backoff_grows(ms({1000, 1000})));
  EXPECT_FALSE(backoff_grows(ms({1000, 1000, 1000, 1000})));
  EXPECT_FALSE(backoff_grows(ms({2000, 3000, 4000, 5000})));
  EXPECT_FALSE(backoff_grows(ms({1000, 1400})));
}

TEST(Backoff, OneLateRetransmissionIsJudgedOverTwoSteps) {
  // l2tpns: 1, 2, 4 s on a coarse timer that sent the first retransmission 0.7 s late.
  EXPECT_FALSE(backoff_grows(ms({1700, 2300})));  // two gaps cannot tell
  EXPECT_TRUE(backoff_grows(ms({1700, 2300, 4500})));
  EXPECT_TRUE(backoff_grows(ms({1700, 2300, 4500, 8100})));
  EXPECT_TRUE(backoff_grows(ms({2000, 2200, 4400})));  // 1, 2, 4 s on a 1 s tick
  EXPECT_FALSE(backoff_grows(ms({2000, 2200, 3800})));
  // ...but a shrinking gap is never a backoff.
  EXPECT_FALSE(backoff_grows(ms({1700, 1200, 4500})));
}

TEST(Backoff, TheCapHolds) {
  EXPECT_TRUE(backoff_grows(ms({1000, 2000, 4000, 8000, 8000, 8000})));
  EXPECT_TRUE(backoff_grows(ms({8000, 8000})));
  EXPECT_FALSE(backoff_grows(ms({4000, 4000})));
}

TEST(Backoff, NothingToCompare) {
  EXPECT_FALSE(backoff_grows({}));
  EXPECT_FALSE(backoff_grows(ms({1000})));
}

TEST(Backoff, Text) {
  EXPECT_EQ(gaps_text(ms({1000, 2250})), "1.0 s, 2.2 s");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::scenario
