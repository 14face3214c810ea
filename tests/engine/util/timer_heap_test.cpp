#include "engine/util/timer_heap.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "engine/util/rng.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

Time at(std::int64_t ns) {
  return time_from_ns(ns);
}

// Pops everything due at `now`, in order.
std::vector<TimerHeap::Key> drain(TimerHeap& h, Time now) {
  std::vector<TimerHeap::Key> out;
  while (auto t = h.pop_due(now)) out.push_back(t->key);
  return out;
}

TEST(TimerHeap, EmptyHasNoDeadline) {
  TimerHeap h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.top(), nullptr);
  EXPECT_FALSE(h.next());
  EXPECT_FALSE(h.pop_due(at(1'000'000)));
  EXPECT_FALSE(h.cancel(7));
  EXPECT_FALSE(h.deadline(7));
}

TEST(TimerHeap, PopsInDeadlineOrderOnlyWhenDue) {
  TimerHeap h;
  h.schedule(1, at(50));
  h.schedule(2, at(10));
  h.schedule(3, at(30));
  h.schedule(4, at(20));
  ASSERT_TRUE(h.next());
  EXPECT_EQ(*h.next(), at(10));
  EXPECT_EQ(h.top()->key, 2u);
  EXPECT_FALSE(h.pop_due(at(9)));
  EXPECT_EQ(drain(h, at(30)), (std::vector<TimerHeap::Key>{2, 4, 3}));
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(*h.next(), at(50));
  EXPECT_EQ(drain(h, at(50)), (std::vector<TimerHeap::Key>{1}));
  EXPECT_TRUE(h.empty());
}

TEST(TimerHeap, EqualDeadlinesComeOutInKeyOrder) {
  TimerHeap h;
  for (TimerHeap::Key k : {9, 3, 7, 1, 5}) h.schedule(k, at(100));
  h.schedule(4, at(99));
  EXPECT_EQ(drain(h, at(100)), (std::vector<TimerHeap::Key>{4, 1, 3, 5, 7, 9}));
}

TEST(TimerHeap, MovesADeadlineEarlierAndLater) {
  TimerHeap h;
  h.schedule(1, at(10));
  h.schedule(2, at(20));
  h.schedule(3, at(30));
  h.schedule(3, at(5));  // earlier: now first
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.top()->key, 3u);
  EXPECT_EQ(*h.deadline(3), at(5));
  h.schedule(3, at(40));  // later: now last
  h.schedule(1, at(25));  // later, between 2 and 3
  EXPECT_EQ(*h.deadline(1), at(25));
  EXPECT_EQ(drain(h, at(100)), (std::vector<TimerHeap::Key>{2, 1, 3}));
}

TEST(TimerHeap, SchedulingTheSameDeadlineAgainChangesNothing) {
  TimerHeap h;
  h.schedule(1, at(10));
  h.schedule(2, at(10));
  h.schedule(2, at(10));
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(drain(h, at(10)), (std::vector<TimerHeap::Key>{1, 2}));
}

TEST(TimerHeap, CancelsAnywhereInTheHeap) {
  TimerHeap h;
  for (TimerHeap::Key k = 1; k <= 7; ++k) h.schedule(k, at(static_cast<std::int64_t>(k) * 10));
  EXPECT_TRUE(h.cancel(1));  // the top
  EXPECT_TRUE(h.cancel(7));  // the last slot
  EXPECT_TRUE(h.cancel(4));  // the middle
  EXPECT_FALSE(h.cancel(4));
  EXPECT_FALSE(h.contains(4));
  EXPECT_FALSE(h.deadline(4));
  EXPECT_EQ(h.size(), 4u);
  EXPECT_EQ(drain(h, at(100)), (std::vector<TimerHeap::Key>{2, 3, 5, 6}));
}

TEST(TimerHeap, SetWithNoDeadlineCancels) {
  TimerHeap h;
  h.set(1, at(10));
  h.set(2, at(20));
  h.set(1, std::nullopt);
  h.set(3, std::nullopt);  // never armed: nothing happens
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.top()->key, 2u);
}

TEST(TimerHeap, KeepsExtremeTimesExactly) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  TimerHeap h;
  h.schedule(1, at(kMax));
  h.schedule(2, at(kMax - 1));
  h.schedule(3, at(kMin));
  h.schedule(4, at(0));
  h.schedule(5, at(std::int64_t{100} * 365 * 24 * 3600 * 1'000'000'000));  // a century, in ns
  EXPECT_EQ(*h.deadline(1), at(kMax));
  EXPECT_EQ(drain(h, at(0)), (std::vector<TimerHeap::Key>{3, 4}));
  EXPECT_EQ(drain(h, at(kMax - 1)), (std::vector<TimerHeap::Key>{5, 2}));
  EXPECT_EQ(*h.next(), at(kMax));
  EXPECT_EQ(drain(h, at(kMax)), (std::vector<TimerHeap::Key>{1}));
  EXPECT_TRUE(h.empty());
}

TEST(TimerHeap, LargeKeys) {
  TimerHeap h;
  const TimerHeap::Key big = std::numeric_limits<TimerHeap::Key>::max();
  h.schedule(big, at(1));
  h.schedule(0, at(1));
  EXPECT_EQ(drain(h, at(1)), (std::vector<TimerHeap::Key>{0, big}));
}

// 100,000 keys and random schedules, moves, cancellations and pops, checked against an ordered
// set of (deadline, key) after every step.
TEST(TimerHeap, MatchesAReferenceModelUnderRandomOperations) {
  constexpr TimerHeap::Key kKeys = 100'000;
  SeededRng rng(20261206);
  TimerHeap h;
  std::map<TimerHeap::Key, Time> deadline_of;
  std::set<std::pair<Time, TimerHeap::Key>> order;
  auto model_cancel = [&](TimerHeap::Key k) {
    const auto it = deadline_of.find(k);
    if (it == deadline_of.end()) return false;
    order.erase({it->second, k});
    deadline_of.erase(it);
    return true;
  };
  std::int64_t now = 0;
  for (int step = 0; step < 400'000; ++step) {
    const auto r = rng.next_u64();
    const TimerHeap::Key k = (r >> 8) % kKeys;
    // Deadlines close together, so equal deadlines are common.
    const Time d = at(now + static_cast<std::int64_t>((r >> 40) % 1000));
    switch (r % 8) {
      case 0:
      case 1:
      case 2:
      case 3:
        h.schedule(k, d);
        model_cancel(k);
        deadline_of[k] = d;
        order.insert({d, k});
        break;
      case 4:
      case 5:
        ASSERT_EQ(h.cancel(k), model_cancel(k)) << "step " << step;
        break;
      case 6: {
        now += 3;
        const auto t = h.pop_due(at(now));
        const bool due = !order.empty() && order.begin()->first <= at(now);
        ASSERT_EQ(t.has_value(), due) << "step " << step;
        if (t) {
          ASSERT_EQ(t->deadline, order.begin()->first) << "step " << step;
          ASSERT_EQ(t->key, order.begin()->second) << "step " << step;
          model_cancel(t->key);
        }
        break;
      }
      default: {
        const auto it = deadline_of.find(k);
        ASSERT_EQ(h.deadline(k), it == deadline_of.end() ? std::nullopt : std::optional<Time>(it->second));
        break;
      }
    }
    ASSERT_EQ(h.size(), order.size()) << "step " << step;
    if (order.empty()) {
      ASSERT_EQ(h.top(), nullptr);
    } else {
      ASSERT_NE(h.top(), nullptr);
      ASSERT_EQ(h.top()->deadline, order.begin()->first) << "step " << step;
      ASSERT_EQ(h.top()->key, order.begin()->second) << "step " << step;
    }
  }
  EXPECT_GT(h.size(), 10'000u);  // the run left many timers behind: drain them all in order
  while (auto t = h.pop_due(at(std::numeric_limits<std::int64_t>::max()))) {
    ASSERT_FALSE(order.empty());
    ASSERT_EQ(t->key, order.begin()->second);
    ASSERT_EQ(t->deadline, order.begin()->first);
    order.erase(order.begin());
  }
  EXPECT_TRUE(order.empty());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
