#include "peers/run_timeline.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

using std::chrono::milliseconds;

TEST(Timeline, CountsEventsInTheirSecondAndCarriesLevelsForward) {
  const Time t0{};
  Timeline t;
  t.set_origin(t0);
  t.setup(t0 + milliseconds(10));
  t.setup(t0 + milliseconds(999));
  t.established(t0 + milliseconds(1000));
  t.levels(t0 + milliseconds(1000), 1, 1);
  t.levels(t0 + milliseconds(1500), 2, 1);
  t.failed(t0 + milliseconds(3200), FailPhase::Call, "2/6");
  t.failed(t0 + milliseconds(3300), FailPhase::Tunnel, "2/6");
  t.teardown(t0 + milliseconds(3400));
  t.levels(t0 + milliseconds(3400), 1, 1);
  const auto b = t.buckets();
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].setups, 2u);
  EXPECT_EQ(b[1].established, 1u);
  EXPECT_EQ(b[1].sessions_up, 2u);  // the last level of the second
  EXPECT_EQ(b[2].sessions_up, 2u);  // carried
  EXPECT_EQ(b[2].tunnels_up, 1u);
  EXPECT_EQ(b[3].failed, 1u);  // calls only; the tunnel has its phase
  EXPECT_EQ(b[3].failed_by_phase[static_cast<std::size_t>(FailPhase::Tunnel)], 1u);
  EXPECT_EQ(b[3].failed_by_phase[static_cast<std::size_t>(FailPhase::Call)], 1u);
  ASSERT_EQ(b[3].failed_by_result.size(), 1u);
  EXPECT_EQ(b[3].failed_by_result[0], (std::pair<std::string, std::uint32_t>{"2/6", 2}));
  EXPECT_EQ(b[3].teardowns, 1u);
  EXPECT_EQ(b[3].sessions_up, 1u);
}

TEST(Timeline, SamplesGiveEachSecondWhatGrewInIt) {
  Timeline t;
  t.set_origin(Time{});
  TimelineTotals s;
  s.retransmissions = 5;
  s.ppp_up = 10;
  t.sample(0, s);
  s.retransmissions = 7;
  s.ppp_up = 30;
  s.ppp_failed_by_phase["auth"] = 3;
  s.ppp_failed_by_result["3"] = 3;
  s.data_sent = 40;
  s.data_received = 38;
  s.data_dropped = 1;
  s.probes_lost = 2;
  s.ppp_renegotiations = 4;
  t.sample(1, s);
  const auto b = t.buckets();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].data_sent, 0u);
  EXPECT_EQ(b[1].data_sent, 40u);
  EXPECT_EQ(b[1].data_received, 38u);
  EXPECT_EQ(b[1].data_dropped, 1u);
  EXPECT_EQ(b[1].data_lost, 2u);
  EXPECT_EQ(b[0].retransmissions, 5u);
  EXPECT_EQ(b[1].retransmissions, 2u);
  EXPECT_EQ(b[1].ppp_up, 20u);
  EXPECT_EQ(b[0].ppp_renegotiations, 0u);
  EXPECT_EQ(b[1].ppp_renegotiations, 4u);
  EXPECT_EQ(b[1].failed, 3u);
  EXPECT_EQ(b[1].failed_by_phase[static_cast<std::size_t>(FailPhase::Auth)], 3u);
}

TEST(Timeline, ShardsMergeBucketByBucketLevelsAddedWhereOneIsQuiet) {
  const Time t0{};
  Timeline a, b;
  a.set_origin(t0);
  b.set_origin(t0);
  for (int i = 0; i < 3; ++i) {
    a.setup(t0 + milliseconds(1000 * i + 100));
    a.levels(t0 + milliseconds(1000 * i + 100), static_cast<std::size_t>(i + 1), 1);
  }
  b.setup(t0 + milliseconds(100), 5);
  b.levels(t0 + milliseconds(100), 5, 1);  // and then nothing changes in b
  b.failed(t0 + milliseconds(1200), FailPhase::Lcp, "3");
  Timeline m = a;
  m.merge(b);
  const auto x = m.buckets();
  ASSERT_EQ(x.size(), 3u);
  EXPECT_EQ(x[0].setups, 6u);
  EXPECT_EQ(x[0].sessions_up, 6u);
  EXPECT_EQ(x[1].sessions_up, 2u + 5u);  // b's level carried into its quiet seconds
  EXPECT_EQ(x[2].sessions_up, 3u + 5u);
  EXPECT_EQ(x[2].tunnels_up, 2u);
  EXPECT_EQ(x[1].failed, 1u);
  // The merge is the same either way round.
  Timeline n = b;
  n.merge(a);
  const auto y = n.buckets();
  ASSERT_EQ(y.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(y[i].setups, x[i].setups);
    EXPECT_EQ(y[i].sessions_up, x[i].sessions_up);
    EXPECT_EQ(y[i].failed, x[i].failed);
  }
  // A timeline starting 2 s later lands 2 buckets on.
  Timeline late;
  late.set_origin(t0 + milliseconds(2000));
  late.setup(t0 + milliseconds(2100));
  Timeline o = a;
  o.merge(late);
  EXPECT_EQ(o.buckets()[2].setups, 2u);
}

TEST(Timeline, JsonHasTheKeysTheSummaryDocuments) {
  Timeline t;
  t.set_origin(Time{});
  t.setup(Time{});
  t.failed(Time{}, FailPhase::Ncp, "none");
  const auto j = timeline_json(t);
  ASSERT_EQ(j.size(), 1u);
  for (const char* k : {"t", "setups", "established", "failed", "teardowns", "sessions_up", "tunnels_up",
                        "retransmissions", "data_sent", "data_received", "data_dropped", "data_lost",
                        "ppp_up", "ppp_renegotiations", "failed_by_phase", "failed_by_result"})
    EXPECT_TRUE(j[0].contains(k)) << k;
  EXPECT_EQ(j[0]["failed_by_phase"]["ncp"], 1);
  EXPECT_EQ(j[0]["failed_by_result"]["none"], 1);
  EXPECT_FALSE(j[0]["failed_by_phase"].contains("lcp"));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
