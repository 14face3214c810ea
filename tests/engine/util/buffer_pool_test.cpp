// engine/util/buffer_pool.hpp: storage is reused, every buffer handed out has room for a PPP
// negotiation frame (so frames of alternating sizes do not regrow it), and the pool is bounded.
#include "engine/util/buffer_pool.hpp"

#include <gtest/gtest.h>

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(BufferPool, AGivenBufferIsTakenAgainEmptyWithItsStorage) {
  BufferPool pool;
  Buffer b = pool.take();
  b.assign(40, 7);
  const auto* storage = b.data();
  pool.give(b);
  EXPECT_EQ(b.capacity(), 0u) << "the caller's buffer is left empty";
  EXPECT_EQ(pool.spare(), 1u);
  Buffer again = pool.take();
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(again.data(), storage);
  EXPECT_EQ(pool.spare(), 0u);
}

TEST(BufferPool, EveryBufferHasRoomForANegotiationFrame) {
  BufferPool pool;
  EXPECT_GE(pool.take().capacity(), BufferPool::kMinCapacity) << "from an empty pool";
  Buffer small;
  small.assign(8, 1);
  small.shrink_to_fit();
  pool.give(small);
  Buffer b = pool.take();
  EXPECT_GE(b.capacity(), BufferPool::kMinCapacity) << "a spare sized to an 8-octet frame";
  const auto* storage = b.data();
  b.assign(BufferPool::kMinCapacity, 2);  // a frame as large as the minimum: no regrowth
  EXPECT_EQ(b.data(), storage);
}

TEST(BufferPool, BoundedInCountAndSize) {
  BufferPool pool;
  for (std::size_t i = 0; i < BufferPool::kMaxSpare + 5; ++i) {
    Buffer b(10, 1);
    pool.give(b);
  }
  EXPECT_EQ(pool.spare(), BufferPool::kMaxSpare);
  BufferPool other;
  Buffer big(BufferPool::kMaxCapacity + 1, 0);
  other.give(big);
  EXPECT_EQ(other.spare(), 0u) << "too large to be worth holding";
  Buffer none;
  other.give(none);
  EXPECT_EQ(other.spare(), 0u) << "no storage to keep";
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
