// Two agents of one run (`l2tpsim lac --agent 1/2` and `--agent 2/2`, started together by
// --start-at) against one `l2tpsim lns` on loopback, then `l2tpsim report merge` of their JSON
// summaries (issue 12, item 4). The merged totals equal the LNS's own counts; the merged
// percentiles equal those computed here from the union of the agents' samples (their histogram
// buckets expanded); the agents' user numbers {n} are disjoint and together 1..80; their Tunnel
// IDs lie in disjoint blocks; the merged timeline adds up and peaks where the LNS's does.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

nlohmann::json read_json(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "no JSON in " << path;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// A bucket of a summary's histogram: [lowest, highest, count] in microseconds.
struct Bucket {
  std::uint64_t lo, hi, n;
};

// The percentile the union of the samples gives, by nearest rank, read as l2tpsim reads a
// bucket: its middle within the exact minimum and maximum (the maximum itself at rank == count).
double union_percentile(std::vector<Bucket> samples_by_bucket, double q, std::uint64_t min,
                        std::uint64_t max) {
  // Every sample stands for itself: expand, sort, and take the nearest rank.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> samples;  // (lowest, highest) of its bucket
  for (const auto& b : samples_by_bucket)
    for (std::uint64_t i = 0; i < b.n; ++i) samples.emplace_back(b.lo, b.hi);
  std::sort(samples.begin(), samples.end());
  const auto count = samples.size();
  const auto rank = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count))), 1, count);
  if (rank == count) return static_cast<double>(max);
  const auto [lo, hi] = samples[rank - 1];
  return std::clamp((static_cast<double>(lo) + static_cast<double>(hi)) / 2.0, static_cast<double>(min),
                    static_cast<double>(max));
}

std::uint64_t sum(const nlohmann::json& timeline, const char* key) {
  std::uint64_t n = 0;
  for (const auto& b : timeline) n += b.value(key, std::uint64_t{0});
  return n;
}

std::uint64_t peak(const nlohmann::json& timeline, const char* key) {
  std::uint64_t n = 0;
  for (const auto& b : timeline) n = std::max(n, b.value(key, std::uint64_t{0}));
  return n;
}

TEST(AgentsMerge, TwoAgentsAgainstOneLnsMergeToTheLnsCountsAndTheUnionsPercentiles) {
  ScratchDir scratch("l2tpsim-agents");
  const std::string dir = scratch.path();
  const std::string lns_at = "127.0.12.1:" + std::to_string(free_udp_port());
  auto lns = ChildProcess::start(
      {L2TPSIM_BINARY, "lns", "--listen", lns_at, "--authentication", "chap", "--user", "user{n}",
       "--password", "load", "--keepalive-timeout", "0", "--duration", "60", "--json", dir + "/lns.json"},
      dir + "/lns.log");
  ASSERT_TRUE(lns);
  ASSERT_TRUE(
      wait_until([&] { return read_file(dir + "/lns.log").find("listening on") != std::string::npos; },
                 std::chrono::seconds(10)))
      << read_file(dir + "/lns.log");

  // The whole run: 4 tunnels x 20 CHAP calls from two addresses; each agent half of it. Both
  // wait for one instant 4 s ahead (Unix seconds with a fraction): in CI, ASan binaries niced
  // below the background interop tests took 4 s to start, and 2 s to set the calls up.
  const auto start_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch() + std::chrono::milliseconds(4000))
          .count();
  const std::string start_at =
      std::to_string(start_ms / 1000) + "." + std::to_string(1000 + start_ms % 1000).substr(1);
  std::vector<ChildProcess> agents;
  for (int i = 1; i <= 2; ++i) {
    const std::string n = std::to_string(i);
    auto lac = ChildProcess::start({L2TPSIM_BINARY,
                                    "lac",
                                    "--connect-to",
                                    lns_at,
                                    "--agent",
                                    n + "/2",
                                    "--start-at",
                                    start_at,
                                    "--local-address",
                                    "127.0.12.2",
                                    "--local-address",
                                    "127.0.12.3",
                                    "--port",
                                    "0",
                                    "--tunnels",
                                    "4",
                                    "--sessions",
                                    "20",
                                    "--setup-rate",
                                    "200",
                                    "--allow",
                                    "chap",
                                    "--user",
                                    "user{n}",
                                    "--password",
                                    "load",
                                    "--keepalive-timeout",
                                    "0",
                                    "--duration",
                                    "6",
                                    "--json",
                                    dir + "/agent" + n + ".json"},
                                   dir + "/agent" + n + ".log");
    ASSERT_TRUE(lac);
    agents.push_back(std::move(*lac));
  }
  const auto a1_status = agents[0].wait(std::chrono::seconds(30));
  const auto a2_status = agents[1].wait(std::chrono::seconds(30));
  lns->signal(SIGTERM);
  const auto lns_status = lns->wait(std::chrono::seconds(30));
  const std::string logs = "--- agent1.log\n" + read_file(dir + "/agent1.log") + "--- agent2.log\n" +
                           read_file(dir + "/agent2.log") + "--- lns.log\n" + read_file(dir + "/lns.log");
  ASSERT_EQ(a1_status, 0) << logs;
  ASSERT_EQ(a2_status, 0) << logs;
  ASSERT_EQ(lns_status, 0) << logs;
  EXPECT_NE(read_file(dir + "/agent1.log").find("--start-at: waiting"), std::string::npos) << logs;

  const auto merge =
      run_capturing(std::string(L2TPSIM_BINARY) + " report merge " + dir + "/agent1.json " + dir +
                    "/agent2.json --json " + dir + "/merged.json --html " + dir + "/merged.html");
  ASSERT_EQ(merge.status, 0) << merge.out << merge.err;
  std::cout << merge.out;

  const auto a1 = read_json(dir + "/agent1.json"), a2 = read_json(dir + "/agent2.json");
  const auto lns_json = read_json(dir + "/lns.json"), merged = read_json(dir + "/merged.json");

  // Each agent its half; together what the LNS saw.
  EXPECT_EQ(a1.value("sessions_established", 0), 40);
  EXPECT_EQ(a2.value("sessions_established", 0), 40);
  for (const char* key : {"tunnels_established", "sessions_established", "sessions_ppp_up"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(merged.value(key, -1), lns_json.value(key, -2));
    EXPECT_EQ(merged.value(key, -1), a1.value(key, 0) + a2.value(key, 0));
  }
  EXPECT_EQ(merged.value("sessions_established", 0), 80);
  EXPECT_EQ(merged.value("tunnels_established", 0), 4);
  EXPECT_EQ(merged.value("sessions_failed", -1), 0);
  ASSERT_EQ(merged["agents"].size(), 2u);
  EXPECT_EQ(merged["agents"][0].value("agent", ""), "1/2");
  EXPECT_EQ(merged["agents"][1].value("agent", ""), "2/2");

  // One instant: both timelines start at --start-at (within 200 ms of it and of each other).
  const auto o1 = a1.value("origin_unix_ms", std::int64_t{0}),
             o2 = a2.value("origin_unix_ms", std::int64_t{0});
  EXPECT_GE(o1, start_ms);
  EXPECT_LT(o1 - start_ms, 200);
  EXPECT_LT(std::llabs(o1 - o2), 200);

  // {n}: agent 1 dialled user1..user40, agent 2 user41..user80; Tunnel IDs in its own block.
  std::set<std::string> users[2];
  for (int i = 0; i < 2; ++i) {
    const auto& a = i == 0 ? a1 : a2;
    for (const auto& s : a["sessions"]) {
      EXPECT_TRUE(users[i].insert(s.value("user", "")).second) << s.dump();
      const int tunnel = s.value("tunnel", 0);
      EXPECT_TRUE(i == 0 ? tunnel >= 1 && tunnel <= 32768 : tunnel >= 32769 && tunnel <= 65535) << s.dump();
    }
  }
  for (int n = 1; n <= 80; ++n)
    EXPECT_EQ(users[n <= 40 ? 0 : 1].count("user" + std::to_string(n)), 1u) << "user" << n;

  // Histograms: merged bucket by bucket; percentiles equal the union's.
  std::size_t phases = 0;
  for (const auto& [phase, h] : merged["histograms"].items()) {
    SCOPED_TRACE(phase);
    std::vector<Bucket> samples;
    std::uint64_t min = UINT64_MAX, max = 0, count = 0;
    for (const auto* a : {&a1, &a2}) {
      if (!(*a)["histograms"].contains(phase)) continue;
      const auto& ah = (*a)["histograms"][phase];
      if (ah.value("count", 0) == 0) continue;
      for (const auto& b : ah["buckets"])
        samples.push_back({b[0].get<std::uint64_t>(), b[1].get<std::uint64_t>(), b[2].get<std::uint64_t>()});
      min = std::min(min, ah["min"].get<std::uint64_t>());
      max = std::max(max, ah["max"].get<std::uint64_t>());
      count += ah["count"].get<std::uint64_t>();
    }
    ASSERT_EQ(h.value("count", std::uint64_t{0}), count);
    if (count == 0) continue;
    ++phases;
    EXPECT_EQ(h["min"].get<std::uint64_t>(), min);
    EXPECT_EQ(h["max"].get<std::uint64_t>(), max);
    // The percentiles the merged summary shows, where it shows them.
    const nlohmann::json* shown = nullptr;
    if (phase == "session_setup") shown = &merged["setup_latency_ms"];
    if (phase == "tunnel_setup") shown = &merged["tunnel_setup_latency_ms"];
    if (phase == "ppp_up") shown = &merged["ppp"]["up_latency_ms"];
    if (phase == "auth") shown = &merged["ppp"]["auth_latency_ms"];
    if (!shown) continue;
    EXPECT_EQ((*shown)["count"].get<std::uint64_t>(), count);
    for (const auto& [key, q] :
         std::initializer_list<std::pair<const char*, double>>{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}})
      EXPECT_NEAR((*shown)[key].get<double>(), union_percentile(samples, q, min, max) / 1000.0, 1e-9) << key;
    EXPECT_NEAR((*shown)["max"].get<double>(), static_cast<double>(max) / 1000.0, 1e-9);
  }
  EXPECT_GE(phases, 6u) << merged["histograms"].dump();  // tunnel, call, lcp, auth, ncp, ppp_up

  // The merged timeline adds up, and all 80 calls were up at once, as the LNS saw them.
  EXPECT_EQ(sum(merged["timeline"], "established"), 80u);
  EXPECT_EQ(sum(merged["timeline"], "setups"), sum(a1["timeline"], "setups") + sum(a2["timeline"], "setups"));
  EXPECT_EQ(peak(merged["timeline"], "sessions_up"), 80u);
  EXPECT_EQ(peak(lns_json["timeline"], "sessions_up"), 80u);
  EXPECT_NE(read_file(dir + "/merged.html").find("Agents"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
