// `l2tpsim report merge` of what --flap writes: the flaps of each kind add up, and the in-place
// restarts' latencies (ppp.restarts.*.latency_ms) are read again from the merged histograms
// lcp_restart and ipcp_restart, not kept from one input or averaged. (The whole merge runs
// against a real LNS in tests/interop/agents_merge_test.cpp.) Agents' batch intervals merge as
// the longest.
#include "peers/run_merge.hpp"

#include <gtest/gtest.h>

#include "engine/util/latency_histogram.hpp"
#include "peers/run_report.hpp"
#include "peers/summary_schema.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

// A LAC summary with `lcp` LCP restarts that took `ms` each, and flaps of each kind.
nlohmann::json agent(int index, std::uint64_t lcp, double ms, std::uint64_t cdn) {
  LatencyHistogram h;
  for (std::uint64_t i = 0; i < lcp; ++i) h.record_ms(ms);
  nlohmann::json j;
  j["summary_schema"] = kSummarySchema;
  j["role"] = "lac";
  j["origin_unix_ms"] = 1'000'000 + index;
  j["agent"] = {{"index", index}, {"count", 2}};
  j["timeline"] = nlohmann::json::array();
  j["histograms"] = {{"lcp_restart", histogram_json(h)},
                     {"ipcp_restart", histogram_json(LatencyHistogram{})}};
  const nlohmann::json none = {{"ours", 0},
                               {"by_peer", 0},
                               {"up", 0},
                               {"failed", 0},
                               {"latency_ms", latency_json(LatencyHistogram{})}};
  j["ppp"] = {
      {"restarts",
       {{"lcp", {{"ours", lcp}, {"by_peer", 0}, {"up", lcp}, {"failed", 0}, {"latency_ms", latency_json(h)}}},
        {"ipcp", none}}}};
  j["churn"] = {{"flap_kind", "mix"},
                {"flaps", lcp + cdn},
                {"flaps_by_kind", {{"cdn", cdn}, {"lcp", 0}, {"lcp_restart", lcp}, {"ipcp_restart", 0}}}};
  return j;
}

TEST(RunMerge, FlapsByKindAddAndRestartLatenciesComeFromTheMergedHistograms) {
  std::string error;
  std::vector<std::string> warnings;
  // 90 restarts of 1 ms on one agent, 10 of 100 ms on the other: the union's p50 is 1 ms and its
  // p99 100 ms (neither input's p99, nor an average of theirs).
  const auto merged = merge_summaries({{"a.json", agent(1, 90, 1.0, 3)}, {"b.json", agent(2, 10, 100.0, 4)}},
                                      error, warnings);
  ASSERT_TRUE(merged) << error;
  nlohmann::json m = *merged;  // not const: a missing key reads as null
  EXPECT_EQ(m["churn"]["flaps"], 107);
  EXPECT_EQ(m["churn"]["flaps_by_kind"]["lcp_restart"], 100);
  EXPECT_EQ(m["churn"]["flaps_by_kind"]["cdn"], 7);
  EXPECT_EQ(m["churn"]["flap_kind"], "mix");
  const auto& lcp = m["ppp"]["restarts"]["lcp"];
  EXPECT_EQ(lcp["ours"], 100);
  EXPECT_EQ(lcp["up"], 100);
  EXPECT_EQ(lcp["latency_ms"]["count"], 100);
  EXPECT_NEAR(lcp["latency_ms"]["p50"].get<double>(), 1.0, 0.02);
  EXPECT_NEAR(lcp["latency_ms"]["p99"].get<double>(), 100.0, 1.0);
  EXPECT_EQ(m["histograms"]["lcp_restart"]["count"], 100);
  EXPECT_EQ(m["ppp"]["restarts"]["ipcp"]["latency_ms"]["count"], 0);
}

// Agents with different --batch-interval: the merged latencies include up to the longest one of
// our own wait, so that is the merged summary's batch_interval_ms.
TEST(RunMerge, TheLongestBatchIntervalBoundsTheMergedLatencies) {
  std::string error;
  std::vector<std::string> warnings;
  auto a = agent(1, 1, 1.0, 0), b = agent(2, 1, 1.0, 0);
  a["batch_interval_ms"] = 1.0;
  b["batch_interval_ms"] = 4.0;
  const auto merged = merge_summaries({{"a.json", a}, {"b.json", b}}, error, warnings);
  ASSERT_TRUE(merged) << error;
  EXPECT_EQ((*merged)["batch_interval_ms"], 4.0);
  b["batch_interval_ms"] = 1.0;
  const auto same = merge_summaries({{"a.json", a}, {"b.json", b}}, error, warnings);
  ASSERT_TRUE(same) << error;
  EXPECT_EQ((*same)["batch_interval_ms"], 1.0);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
