#include "engine/util/flat_key_map.hpp"

#include <gtest/gtest.h>

#include <map>

#include "engine/util/rng.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(FlatKeyMap, EmptyFindsNothing) {
  FlatKeyMap m;
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.find(7));
  EXPECT_FALSE(m.erase(7));
}

TEST(FlatKeyMap, SetFindEraseAgreeWithStdMap) {
  // Random inserts, overwrites and erases over a small key space (long probe runs, many
  // backward shifts, keys that wrap around the end of the table).
  SeededRng rng(5);
  FlatKeyMap m;
  std::map<std::uint32_t, std::uint32_t> ref;
  for (int step = 0; step < 200000; ++step) {
    const auto key = static_cast<std::uint32_t>(rng.next_u64() % 3000) * 65537u;
    const auto op = rng.next_u64() % 3;
    if (op < 2) {
      const auto v = static_cast<std::uint32_t>(rng.next_u64() % 1000);
      m.set(key, v);
      ref[key] = v;
    } else {
      const auto it = ref.find(key);
      const auto old = m.erase(key);
      ASSERT_EQ(old.has_value(), it != ref.end());
      if (it != ref.end()) {
        EXPECT_EQ(*old, it->second);
        ref.erase(it);
      }
    }
    ASSERT_EQ(m.size(), ref.size());
  }
  for (std::uint32_t k = 0; k < 3000; ++k) {
    const auto it = ref.find(k * 65537u);
    const auto v = m.find(k * 65537u);
    ASSERT_EQ(v.has_value(), it != ref.end());
    if (v) {
      EXPECT_EQ(*v, it->second);
    }
  }
  std::size_t seen = 0;
  m.for_each([&](std::uint32_t k, std::uint32_t v) {
    ++seen;
    EXPECT_EQ(ref.at(k), v);
  });
  EXPECT_EQ(seen, ref.size());
}

TEST(FlatKeyMap, ChurnDoesNotGrowTheTable) {
  // 1,000 entries at a time, a million coming and going: the table stays at its first size.
  FlatKeyMap m;
  for (std::uint32_t k = 0; k < 1000; ++k) m.set(k, k);
  const std::size_t cap = m.capacity();
  for (std::uint32_t k = 1000; k < 1'001'000; ++k) {
    ASSERT_TRUE(m.erase(k - 1000));
    m.set(k, k);
  }
  EXPECT_EQ(m.size(), 1000u);
  EXPECT_EQ(m.capacity(), cap);
  EXPECT_EQ(m.find(1'000'999u), 1'000'999u);
  EXPECT_FALSE(m.find(5));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
