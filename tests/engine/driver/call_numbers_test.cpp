// Call numbers {n} of a run split into parts (engine/driver/call_numbers.hpp): the parts' first
// calls tile 1..total; later calls (redials) never meet another part's, at any depth of split.
#include "engine/driver/call_numbers.hpp"

#include <gtest/gtest.h>

#include <set>

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(CallNumbers, WholeAndDefaultNumberCallsFromOne) {
  for (const CallNumbers n : {CallNumbers{}, CallNumbers::whole(5)})
    for (std::uint64_t k = 1; k <= 12; ++k) EXPECT_EQ(n.number(k), k);
}

TEST(CallNumbers, PartsOfPartsTileTheBlockAndKeepRedialsApart) {
  // 3 agents of 10, 7, 13 calls; each agent 2 or 3 shards of uneven calls.
  const CallNumbers run = CallNumbers::whole(30);
  const std::uint64_t agent_calls[] = {10, 7, 13};
  std::set<std::uint64_t> first, all;
  std::uint64_t before = 0;
  for (std::uint64_t a = 0; a < 3; ++a) {
    const CallNumbers agent = run.part(before, agent_calls[a], a, 3);
    before += agent_calls[a];
    const std::uint64_t shards = 2 + a % 2;
    std::uint64_t shard_before = 0;
    for (std::uint64_t s = 0; s < shards; ++s) {
      const std::uint64_t calls = agent_calls[a] / shards + (s < agent_calls[a] % shards ? 1 : 0);
      const CallNumbers shard = agent.part(shard_before, calls, s, shards);
      shard_before += calls;
      for (std::uint64_t k = 1; k <= calls; ++k) {
        EXPECT_TRUE(first.insert(shard.number(k)).second);
        EXPECT_TRUE(all.insert(shard.number(k)).second);
      }
      for (std::uint64_t k = calls + 1; k <= calls + 50; ++k) {
        EXPECT_GT(shard.number(k), 30u);
        EXPECT_TRUE(all.insert(shard.number(k)).second) << shard.number(k);
      }
    }
  }
  ASSERT_EQ(first.size(), 30u);
  EXPECT_EQ(*first.begin(), 1u);
  EXPECT_EQ(*first.rbegin(), 30u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
