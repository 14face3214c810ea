#include "reports/load_html.hpp"

#include <gtest/gtest.h>

#include "engine/util/latency_histogram.hpp"
#include "reports/html_page.hpp"

namespace l2tp::reports {
namespace L2TPSIM_FILE_ID {

nlohmann::json histogram(std::initializer_list<std::uint64_t> us) {
  LatencyHistogram h;
  for (auto v : us) h.record_us(v);
  nlohmann::json buckets = nlohmann::json::array();
  h.for_each_bucket([&](std::uint64_t lo, std::uint64_t hi, std::uint64_t n) {
    buckets.push_back({lo, hi, n});
  });
  return {{"unit", "us"},      {"count", h.count()}, {"min", h.min_us()},
          {"max", h.max_us()}, {"sum", h.sum_us()},  {"buckets", buckets}};
}

nlohmann::json summary() {
  nlohmann::json j;
  j["role"] = "lac";
  j["connect_to"] = "127.0.0.3:1701";
  j["seed"] = 7;
  j["duration_s"] = 3.2;
  j["tunnels_established"] = 2;
  j["sessions_established"] = 20;
  j["sessions_failed"] = 1;
  j["retransmissions"] = 4;
  j["options"] = {"--connect-to", "127.0.0.3", "--user", "<bob>"};
  j["peer_identity"] = {{"message", "SCCRP"},
                        {"address", "127.0.0.3:1701"},
                        {"host_name", "lns-1"},
                        {"vendor_name", "Acme & Co"},
                        {"firmware_revision", 512}};
  j["histograms"] = {{"session_setup", histogram({900, 1200, 1500, 30000})}, {"lcp", histogram({400, 800})}};
  j["failures_by_result"] = {{"2/6", 1}};
  j["timeline"] = nlohmann::json::array();
  for (int t = 0; t < 3; ++t)
    j["timeline"].push_back(
        {{"t", t},
         {"setups", 7},
         {"established", 7},
         {"failed", t == 1 ? 1 : 0},
         {"teardowns", 0},
         {"sessions_up", 7 * (t + 1)},
         {"tunnels_up", 2},
         {"retransmissions", t},
         {"ppp_up", 0},
         {"failed_by_phase", t == 1 ? nlohmann::json{{"call", 1}} : nlohmann::json::object()},
         {"failed_by_result", t == 1 ? nlohmann::json{{"2/6", 1}} : nlohmann::json::object()}});
  return j;
}

TEST(LoadHtml, OneSelfContainedPageWithChartsIdentityAndOptions) {
  const std::string html = load_report_html(summary(), "1.2.3");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // Nothing fetched: no external script, stylesheet, image or font.
  for (const char* bad : {"src=", "href=\"http", "url(", "@import", "<link"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Sessions and tunnels up"), std::string::npos);
  EXPECT_NE(html.find("Failures by Result/Error Code"), std::string::npos);
  EXPECT_NE(html.find("lns-1"), std::string::npos);
  EXPECT_NE(html.find("Acme &amp; Co"), std::string::npos);  // escaped
  EXPECT_NE(html.find(">512<"), std::string::npos);
  EXPECT_NE(html.find("--user &lt;bob&gt;"), std::string::npos);
  // The percentiles come from the histogram: p50 of 0.9, 1.2, 1.5, 30 ms is 1.2 ms (its bucket's
  // middle, within 1%).
  EXPECT_NE(html.find("Call setup (ICRQ to ICCN acknowledged)"), std::string::npos);
  LatencyHistogram h;
  for (std::uint64_t v : {900, 1200, 1500, 30000}) h.record_us(v);
  EXPECT_NEAR(h.percentile_us(0.5), 1200, 12);
  EXPECT_NE(html.find(">" + html_fixed(h.percentile_us(0.5) / 1000, 2) + " ms<"), std::string::npos);
  EXPECT_NE(html.find("30.0 ms"), std::string::npos);  // max
  EXPECT_NE(html.find("FAILURES"), std::string::npos);
  EXPECT_EQ(html.find("our own wait"), std::string::npos);  // no batch interval given
}

// A real-time run's batch interval is named where its latencies are.
TEST(LoadHtml, TheBatchIntervalIsNamedAboveTheLatencies) {
  auto j = summary();
  j["batch_interval_ms"] = 1.0;
  const std::string html = load_report_html(j, "x");
  const auto note = html.find("each includes up to 1 ms of our own wait per message received while busy");
  EXPECT_NE(note, std::string::npos);
  EXPECT_LT(note, html.find("<tr><td>Call setup"));
}

TEST(LoadHtml, IpsecSetupIsAPhaseOfItsOwn) {
  auto j = summary();
  EXPECT_EQ(load_report_html(j, "x").find("IPsec setup"), std::string::npos);
  j["histograms"]["ipsec_setup"] = histogram({80000, 90000, 150000});
  j["timeline"][1]["failed_by_phase"] = {{"ipsec", 1}};
  const std::string html = load_report_html(j, "x");
  const auto row = html.find("<tr><td>IPsec setup (IKE and CHILD SA)</td><td class=\"num\">3</td>");
  EXPECT_NE(row, std::string::npos);
  EXPECT_LT(row, html.find("<tr><td>Call setup"));     // the phases in the order they happen
  EXPECT_NE(html.find(">ipsec<"), std::string::npos);  // a series of the failures chart
}

TEST(LoadHtml, ARunWithoutTimelineOrPeerStillRenders) {
  nlohmann::json j{{"role", "lns"}, {"listen", {"127.0.0.3:1701"}}};
  const std::string html = load_report_html(j, "x");
  EXPECT_NE(html.find("no SCCRQ came in"), std::string::npos);
  EXPECT_NE(html.find("no data"), std::string::npos);
  EXPECT_NE(html.find("NO FAILURES"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::reports
