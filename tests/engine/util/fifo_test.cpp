#include "engine/util/fifo.hpp"

#include <gtest/gtest.h>

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

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
