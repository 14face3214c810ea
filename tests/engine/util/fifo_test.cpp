#include "engine/util/fifo.hpp"

#include <gtest/gtest.h>

#include <string>

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(InlineFifo, KeepsOrderAcrossTheWrap) {
  InlineFifo<int, 3> q;
  EXPECT_TRUE(q.empty());
  for (int round = 0; round < 4; ++round) {  // head moves past the end of the array
    q.push_back(10 * round + 1);
    q.push_back(10 * round + 2);
    EXPECT_EQ(q.size(), 2u);
    EXPECT_EQ(q.front(), 10 * round + 1);
    q.pop_front();
    EXPECT_EQ(q.front(), 10 * round + 2);
    q.pop_front();
    EXPECT_TRUE(q.empty());
  }
  q.push_back(7);
  q.push_back(8);
  q.push_back(9);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.front(), 7);
}

TEST(Fifo, CompactsWithoutLosingOrder) {
  Fifo<int> q;
  for (int i = 0; i < 100; ++i) q.push_back(i);
  for (int i = 0; i < 60; ++i) EXPECT_EQ(q.take_front(), i);
  q.push_back(100);
  EXPECT_EQ(q.size(), 41u);
  for (int i = 60; i <= 100; ++i) EXPECT_EQ(q.take_front(), i);
  EXPECT_TRUE(q.empty());
}

TEST(Fifo, BackIsTheNewestAfterTheHeadMoved) {
  Fifo<int> q;
  q.push_back(1);
  q.push_back(2);
  q.pop_front();
  EXPECT_EQ(q.back(), 2);
  q.back() = 5;  // the control channel amends the message it just queued
  EXPECT_EQ(q.take_front(), 5);
  EXPECT_TRUE(q.empty());
}

// The ring wraps and grows while items sit at both ends of its block; strings (their own heap
// storage) show under ASan that every item is moved, destroyed and freed once.
TEST(Fifo, GrowsAcrossTheWrapInOrder) {
  Fifo<std::string> q;
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 3 + round % 5; ++i)
      q.push_back("item " + std::to_string(next_in++) + std::string(20, 'x'));
    for (int i = 0; i < 2 + round % 4 && !q.empty(); ++i)
      EXPECT_EQ(q.take_front(), "item " + std::to_string(next_out++) + std::string(20, 'x'));
    EXPECT_EQ(q.size(), static_cast<std::size_t>(next_in - next_out));
    if (!q.empty()) {
      EXPECT_EQ(q.back(), "item " + std::to_string(next_in - 1) + std::string(20, 'x'));
    }
  }
  q.clear();  // with items in it
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
}

TEST(Fifo, CopiesAndMovesKeepTheOrder) {
  Fifo<std::string> a;
  for (int i = 0; i < 5; ++i) a.push_back(std::to_string(i));
  a.pop_front();
  Fifo<std::string> b(a);
  Fifo<std::string> c;
  c.push_back("gone");
  c = b;
  Fifo<std::string> d(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from Fifo is empty
  for (auto* q : {&b, &c, &d}) {
    ASSERT_EQ(q->size(), 4u);
    for (int i = 1; i < 5; ++i) EXPECT_EQ(q->take_front(), std::to_string(i));
  }
  c = std::move(d);
  EXPECT_TRUE(c.empty());
}

TEST(Fifo, KeepingItsStorageItStillEmptiesAndRefills) {
  Fifo<std::string, true> q;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) q.push_back(std::to_string(round * 10 + i));
    for (int i = 0; i < 5; ++i) EXPECT_EQ(q.take_front(), std::to_string(round * 10 + i));
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.size(), 0u);
  }
  q.push_back("x");
  q.clear();
  EXPECT_TRUE(q.empty());
}

// Empty, a queue holds nothing on the heap and is one pointer: there are a dozen per session.
TEST(Fifo, IsOnePointer) {
  static_assert(sizeof(Fifo<std::string>) == sizeof(void*));
  Fifo<int> q;
  q.push_back(1);
  q.pop_front();
  EXPECT_TRUE(q.empty());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
