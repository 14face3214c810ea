// One pool's free list: order, exhaustion, release and reuse, addresses taken by others.
#include <gtest/gtest.h>

#include <set>

#include "peers/users/ip_pool.hpp"
#include "peers/users/routeros_values.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

std::uint32_t ip(const char* text) {
  return to_u32(*parse_ipv4(text));
}

const auto kNothingTaken = [](std::uint32_t) { return false; };

TEST(PoolAllocator, HandsOutInRangeOrderThenRunsOut) {
  PoolAllocator pool({{ip("10.1.0.10"), ip("10.1.0.11")}, {ip("10.2.0.1"), ip("10.2.0.1")}});
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.1.0.10"));
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.1.0.11"));
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.2.0.1"));
  EXPECT_EQ(pool.allocate(kNothingTaken), std::nullopt);
}

TEST(PoolAllocator, ReleasedAddressIsReusedFirst) {
  PoolAllocator pool({{ip("10.0.0.1"), ip("10.0.0.5")}});
  for (int i = 0; i < 3; ++i) (void)pool.allocate(kNothingTaken);
  pool.give_back(ip("10.0.0.2"));
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.0.0.2"));
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.0.0.4"));
}

TEST(PoolAllocator, GiveBackIgnoresForeignAndNeverHandedOutAddresses) {
  PoolAllocator pool({{ip("10.0.0.1"), ip("10.0.0.3")}});
  pool.give_back(ip("192.0.2.1"));
  pool.give_back(ip("10.0.0.3"));  // not handed out yet: must not be handed out twice
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.0.0.1"));
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.0.0.2"));
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.0.0.3"));
  EXPECT_EQ(pool.allocate(kNothingTaken), std::nullopt);
  EXPECT_TRUE(pool.contains(ip("10.0.0.2")));
  EXPECT_FALSE(pool.contains(ip("10.0.0.4")));
}

TEST(PoolAllocator, SkipsTakenAddressesAndGetsThemBackLater) {
  PoolAllocator pool({{ip("10.0.0.1"), ip("10.0.0.3")}});
  std::set<std::uint32_t> taken = {ip("10.0.0.1")};
  auto is_taken = [&](std::uint32_t a) { return taken.contains(a); };
  EXPECT_EQ(pool.allocate(is_taken), ip("10.0.0.2"));
  EXPECT_EQ(pool.allocate(is_taken), ip("10.0.0.3"));
  EXPECT_EQ(pool.allocate(is_taken), std::nullopt);
  // Its user (say a fixed remote-address) is gone: the address is the pool's again.
  taken.clear();
  pool.give_back(ip("10.0.0.1"));
  EXPECT_EQ(pool.allocate(is_taken), ip("10.0.0.1"));
  EXPECT_EQ(pool.allocate(is_taken), std::nullopt);
}

TEST(PoolAllocator, CidrPoolFromTheParser) {
  const auto ranges = parse_ranges("10.2.0.0/30");
  ASSERT_TRUE(ranges);
  PoolAllocator pool(*ranges);
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.2.0.1"));
  EXPECT_EQ(pool.allocate(kNothingTaken), ip("10.2.0.2"));
  EXPECT_EQ(pool.allocate(kNothingTaken), std::nullopt);
}

TEST(PoolAllocator, SlashEightPoolHandsOutInOrder) {
  // 16.7 million addresses; the ten-thousandth handed out is .1 + 9999.
  PoolAllocator pool({{ip("10.0.0.1"), ip("10.255.255.254")}});
  EXPECT_EQ(pool.size(), 16777214u);
  std::uint32_t last = 0;
  for (int i = 0; i < 10000; ++i) last = *pool.allocate(kNothingTaken);
  EXPECT_EQ(last, ip("10.0.39.16"));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
