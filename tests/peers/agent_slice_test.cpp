// Agents' slices of a run (--agent I/N, peers/agent_slice.hpp): for many runs and agent counts,
// the agents' tunnels, calls, user numbers {n}, addresses and Tunnel IDs are pairwise disjoint
// and together exactly the whole run's; their rates add up to the whole.
#include "peers/agent_slice.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "peers/runner.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

// The user numbers {n} an agent's shards give to their first `calls` calls each (engine
// PppLayer: the k-th call of a shard is call_number(ppp, k)), and `redials` more per shard.
std::vector<std::uint64_t> numbers_of(const RunnerConfig& agent, unsigned threads, std::uint64_t redials) {
  std::vector<std::uint64_t> out;
  for (unsigned k = 0; k < threads; ++k) {
    // As sharded_run.cpp's shard_config cuts an agent (only the call numbers matter here).
    const unsigned shard_tunnels = agent.tunnels / threads + (k < agent.tunnels % threads ? 1 : 0);
    const std::uint64_t before =
        (std::uint64_t{k} * (agent.tunnels / threads) + std::min(k, agent.tunnels % threads)) *
        agent.sessions_per_tunnel;
    const std::uint64_t calls = std::uint64_t{shard_tunnels} * agent.sessions_per_tunnel;
    const CallNumbers n = agent.ppp.call_numbers.part(before, calls, k, threads);
    for (std::uint64_t c = 1; c <= calls + redials; ++c) out.push_back(n.number(c));
  }
  return out;
}

RunnerConfig whole_run(unsigned tunnels, unsigned sessions, std::size_t addresses) {
  RunnerConfig c;
  c.tunnels = tunnels;
  c.sessions_per_tunnel = sessions;
  c.setup_rate = 1000;
  c.teardown_rate = 700;
  c.churn.flap_rate = 3;
  for (std::size_t i = 0; i < addresses; ++i)
    c.local.push_back(net::Endpoint{net::IpAddress::v4(198, 18, static_cast<std::uint8_t>(i / 250),
                                                       static_cast<std::uint8_t>(i % 250 + 1)),
                                    0});
  c.local_port_preferred.assign(addresses, false);
  return c;
}

TEST(ShareOf, BalancedAndTilingForManyTotals) {
  for (std::uint64_t total : {0u, 1u, 2u, 7u, 10u, 64u, 65535u})
    for (unsigned parts = 1; parts <= 9; ++parts) {
      std::uint64_t next = 0;
      for (unsigned i = 0; i < parts; ++i) {
        const Share s = share_of(total, i, parts);
        EXPECT_EQ(s.first, next) << total << " over " << parts << ", part " << i;
        EXPECT_LE(s.count, total / parts + 1);
        EXPECT_GE(s.count, total / parts);
        next += s.count;
      }
      EXPECT_EQ(next, total);
    }
}

TEST(AgentSlice, TenTunnelsOfSevenCallsOverThreeAgents) {
  const RunnerConfig whole = whole_run(10, 7, 6);
  std::vector<RunnerConfig> agents;
  for (unsigned i = 1; i <= 3; ++i) {
    std::string error;
    auto c = agent_config(whole, AgentId{i, 3}, error);
    ASSERT_TRUE(c) << error;
    agents.push_back(*c);
  }
  EXPECT_EQ(agents[0].tunnels, 4u);
  EXPECT_EQ(agents[1].tunnels, 3u);
  EXPECT_EQ(agents[2].tunnels, 3u);
  // {n}: 1..28, 29..49, 50..70 for the first calls.
  EXPECT_EQ(agents[0].ppp.call_numbers.number(1), 1u);
  EXPECT_EQ(agents[0].ppp.call_numbers.number(28), 28u);
  EXPECT_EQ(agents[1].ppp.call_numbers.number(1), 29u);
  EXPECT_EQ(agents[2].ppp.call_numbers.number(21), 70u);
  EXPECT_DOUBLE_EQ(agents[0].setup_rate + agents[1].setup_rate + agents[2].setup_rate, 1000.0);
  EXPECT_DOUBLE_EQ(agents[0].setup_rate, 400.0);
  EXPECT_EQ(agents[0].node.tunnel_id_low, 1);
  EXPECT_EQ(agents[0].node.tunnel_id_high, 21845);
  EXPECT_EQ(agents[2].node.tunnel_id_high, 65535);
  ASSERT_EQ(agents[1].agent.has_value(), true);
  EXPECT_EQ(agents[1].agent->to_string(), "2/3");
}

// The property, over many runs, agent counts and thread counts.
TEST(AgentSlice, UnionIsTheWholeRunAndAgentsArePairwiseDisjoint) {
  for (unsigned tunnels : {1u, 2u, 3u, 10u, 17u, 100u})
    for (unsigned sessions : {0u, 1u, 7u, 20u})
      for (unsigned agents = 1; agents <= 6; ++agents)
        for (std::size_t addresses : {std::size_t{0}, std::size_t{6}, std::size_t{13}}) {
          SCOPED_TRACE(std::to_string(tunnels) + " tunnels x " + std::to_string(sessions) + " calls, " +
                       std::to_string(agents) + " agents, " + std::to_string(addresses) + " addresses");
          const RunnerConfig whole = whole_run(tunnels, sessions, addresses);
          const bool sliceable = tunnels >= agents && (addresses == 0 || addresses >= agents);
          unsigned tunnel_sum = 0;
          double rate = 0, teardown = 0, flap = 0;
          std::set<std::uint64_t> numbers, all_numbers;
          std::set<std::string> sources;
          std::size_t source_count = 0;
          std::uint32_t next_id = 1;
          bool failed = false;
          for (unsigned i = 1; i <= agents; ++i) {
            std::string error;
            const auto c = agent_config(whole, AgentId{i, agents}, error);
            if (!sliceable) {
              EXPECT_FALSE(c) << "agent " << i;
              EXPECT_NE(error.find("--agent " + std::to_string(i) + "/" + std::to_string(agents)),
                        std::string::npos)
                  << error;
              failed = true;
              continue;
            }
            ASSERT_TRUE(c) << error;
            tunnel_sum += c->tunnels;
            rate += c->setup_rate;
            teardown += c->teardown_rate;
            flap += c->churn.flap_rate;
            // Tunnel IDs: blocks in order, adjacent, covering 1..65535.
            EXPECT_EQ(c->node.tunnel_id_low, next_id);
            EXPECT_LE(c->node.tunnel_id_low, c->node.tunnel_id_high);
            next_id = c->node.tunnel_id_high + 1u;
            // User numbers, with 1 to 3 threads and two redials per shard: none twice in the run.
            const unsigned threads = 1 + i % 3;
            for (std::uint64_t n : numbers_of(*c, threads, 2)) EXPECT_TRUE(all_numbers.insert(n).second) << n;
            for (std::uint64_t n : numbers_of(*c, 1, 0)) numbers.insert(n);
            source_count += c->local.size();
            for (const auto& l : c->local) EXPECT_TRUE(sources.insert(l.to_string()).second) << l.to_string();
            if (addresses == 0) {
              EXPECT_TRUE(c->local.empty());
            }
            EXPECT_EQ(c->local_port_preferred.size(), c->local.size());
          }
          if (failed) continue;
          EXPECT_EQ(next_id, 65536u);
          EXPECT_EQ(tunnel_sum, tunnels);
          EXPECT_NEAR(rate, whole.setup_rate, 1e-9);
          EXPECT_NEAR(teardown, whole.teardown_rate, 1e-9);
          EXPECT_NEAR(flap, whole.churn.flap_rate, 1e-12);
          EXPECT_EQ(source_count, addresses);
          EXPECT_EQ(sources.size(), addresses);
          // The first calls of one thread per agent: exactly 1..tunnels x sessions, as unsplit.
          std::set<std::uint64_t> expected;
          for (std::uint64_t n = 1; n <= std::uint64_t{tunnels} * sessions; ++n) expected.insert(n);
          EXPECT_EQ(numbers, expected);
        }
}

TEST(AgentSlice, FewerAddressesThanAgentsIsRefusedClearly) {
  std::string error;
  EXPECT_FALSE(agent_config(whole_run(10, 1, 2), AgentId{3, 4}, error));
  EXPECT_EQ(error,
            "--agent 3/4: 2 --local-address value(s) cannot be split over 4 agents: give each agent its own "
            "(at least 4), or none to let each agent send from its host's own address");
}

TEST(AgentSlice, MaxOutstandingSplitsAsWholeNumbers) {
  RunnerConfig whole = whole_run(10, 1, 0);
  whole.max_outstanding = 10;
  std::uint64_t sum = 0;
  for (unsigned i = 1; i <= 4; ++i) {
    std::string error;
    const auto c = agent_config(whole, AgentId{i, 4}, error);
    ASSERT_TRUE(c) << error;
    EXPECT_GE(c->max_outstanding, 2u);
    sum += c->max_outstanding;
  }
  EXPECT_EQ(sum, 10u);
  whole.max_outstanding = 3;
  std::string error;
  EXPECT_FALSE(agent_config(whole, AgentId{1, 4}, error));
  EXPECT_NE(error.find("--max-outstanding 3"), std::string::npos) << error;
}

TEST(ParseAgent, AcceptsIOfNAndNamesWhatIsWrong) {
  std::string error;
  const auto a = parse_agent("2/4", error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->index, 2u);
  EXPECT_EQ(a->count, 4u);
  for (const char* bad : {"0/4", "5/4", "1/0", "x/2", "2", "1/2/3", "-1/2", "1/99999"}) {
    error.clear();
    EXPECT_FALSE(parse_agent(bad, error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
}

TEST(ParseAgent, FromTheEnvironmentZeroBasedAsKubernetesGivesIt) {
  const EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "JOB_COMPLETION_INDEX") return "0";
    if (name == "LAST") return "3";
    if (name == "JUNK") return "3a";
    return std::nullopt;
  };
  std::string error;
  auto a = parse_agent_env("JOB_COMPLETION_INDEX/4", env, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->to_string(), "1/4");
  a = parse_agent_env("LAST/4", env, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->to_string(), "4/4");
  EXPECT_FALSE(parse_agent_env("LAST/3", env, error));
  EXPECT_NE(error.find("LAST=3 is not a 0-based index below 3"), std::string::npos) << error;
  EXPECT_FALSE(parse_agent_env("UNSET/3", env, error));
  EXPECT_NE(error.find("UNSET is not set"), std::string::npos) << error;
  EXPECT_FALSE(parse_agent_env("JUNK/5", env, error));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
