// A run's counters as Prometheus metrics: strictly parsed, and the same figures the JSON
// summary of that result gives.
#include <gtest/gtest.h>

#include "peers/stats/run_metrics.hpp"
#include "tests/support/prometheus_parser.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

TEST(StatsRunMetrics, StrictlyParsedAndEqualToTheJsonSummary) {
  RunResult r;
  r.summary.role = "lac";
  r.summary.duration_s = 12.5;
  r.summary.channel.retransmissions = 7;
  RunStats& s = r.stats;
  s.tunnels_attempted = 4;
  s.tunnels_established = 3;
  s.tunnels_failed = 1;
  s.sessions_attempted = 100;
  s.sessions_established = 97;
  s.sessions_failed = 3;
  s.sessions_closed = 20;
  const Time t0{};
  s.timeline.set_origin(t0);
  s.timeline.failed(t0 + std::chrono::milliseconds(100), FailPhase::Tunnel, "2/6");
  s.timeline.failed(t0 + std::chrono::seconds(1), FailPhase::Call, "2/6");
  s.timeline.failed(t0 + std::chrono::seconds(2), FailPhase::Call, "3");
  for (int i = 1; i <= 97; ++i) s.session_latency.record_ms(i);
  r.has_ppp = true;
  r.ppp.up = 90;
  r.ppp.failed = 2;
  r.ppp.up_latency.record_ms(30);
  r.ppp.lcp_restarts.ours = 4;
  r.ppp.lcp_restarts.by_peer = 1;
  r.ppp.lcp_restarts.up = 3;
  r.ppp.lcp_restarts.failed = 2;
  r.ppp.lcp_restarts.latency.record_ms(40);
  r.ppp.ipcp_restarts.by_peer = 6;

  std::string error;
  const std::string text = reports::prometheus::render(run_metrics(r));
  const auto e = testing::parse_prometheus(text, error);
  ASSERT_TRUE(e) << error << "\n" << text;
  const nlohmann::json j = summary_json(r, {"--tunnels", "4"});

  EXPECT_EQ(e->value("l2tpsim_run_info", {{"role", "lac"}}), 1);
  EXPECT_EQ(e->value("l2tpsim_sessions_established_total"), j["sessions_established"].get<double>());
  EXPECT_EQ(e->value("l2tpsim_sessions_attempted_total"), j["sessions_attempted"].get<double>());
  EXPECT_EQ(e->value("l2tpsim_tunnels_failed_total"), j["tunnels_failed"].get<double>());
  EXPECT_EQ(e->value("l2tpsim_control_retransmissions_total"), j["retransmissions"].get<double>());
  EXPECT_EQ(e->value("l2tpsim_sessions_up"), 0);
  EXPECT_EQ(e->value("l2tpsim_setup_failures_total", {{"phase", "tunnel"}}), 1);
  EXPECT_EQ(e->value("l2tpsim_setup_failures_total", {{"phase", "call"}}), 2);
  EXPECT_EQ(e->value("l2tpsim_setup_failures_total", {{"phase", "lcp"}}), 0);
  EXPECT_EQ(e->value("l2tpsim_setup_failures_by_result_total", {{"result", "2/6"}}), 2);
  EXPECT_EQ(e->value("l2tpsim_setup_failures_by_result_total", {{"result", "3"}}), 1);
  EXPECT_EQ(e->value("l2tpsim_ppp_links_up_total"), 90);
  // The session latencies: 1..97 ms, so 10 at or under 10 ms (within the buckets' 1.6%: 10 ms
  // itself lies in a bucket reaching past 10 ms, so 9 are certain) and all under 100 ms.
  const auto at = [&](const char* phase, const char* le) {
    return e->value("l2tpsim_setup_latency_seconds_bucket", {{"phase", phase}, {"le", le}});
  };
  EXPECT_GE(at("session_setup", "0.01"), 9);
  EXPECT_LE(at("session_setup", "0.01"), 10);
  EXPECT_EQ(at("session_setup", "0.1"), 97);
  EXPECT_EQ(e->value("l2tpsim_setup_latency_seconds_count", {{"phase", "session_setup"}}),
            j["histograms"]["session_setup"]["count"].get<double>());
  EXPECT_EQ(at("ppp_up", "0.05"), 1);
  EXPECT_EQ(at("tunnel_setup", "+Inf"), 0);
  // Renegotiations in place: the JSON's ppp.restarts, by layer and by whom.
  const auto& restarts = j["ppp"]["restarts"];
  EXPECT_EQ(e->value("l2tpsim_ppp_renegotiations_total", {{"layer", "lcp"}, {"by", "us"}}),
            restarts["lcp"]["ours"].get<double>());
  EXPECT_EQ(e->value("l2tpsim_ppp_renegotiations_total", {{"layer", "lcp"}, {"by", "us"}}), 4);
  EXPECT_EQ(e->value("l2tpsim_ppp_renegotiations_total", {{"layer", "lcp"}, {"by", "peer"}}), 1);
  EXPECT_EQ(e->value("l2tpsim_ppp_renegotiations_total", {{"layer", "ipcp"}, {"by", "peer"}}), 6);
  EXPECT_EQ(e->value("l2tpsim_ppp_renegotiations_up_total", {{"layer", "lcp"}}), 3);
  EXPECT_EQ(e->value("l2tpsim_ppp_renegotiations_failed_total", {{"layer", "lcp"}}), 2);
  EXPECT_EQ(e->value("l2tpsim_ppp_renegotiations_failed_total", {{"layer", "ipcp"}}), 0);
  EXPECT_EQ(at("lcp_restart", "0.05"), 1);
  EXPECT_EQ(e->value("l2tpsim_setup_latency_seconds_count", {{"phase", "ipcp_restart"}}), 0);
  // The timeline's failures are the JSON's, phase by phase.
  double call_failures = 0;
  for (const auto& b : j["timeline"]) call_failures += b["failed_by_phase"].value("call", 0.0);
  EXPECT_EQ(call_failures, 2);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
