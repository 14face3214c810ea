// --stats-listen on a running `l2tpsim lac` and `l2tpsim lns` (loopback, two threads each, so
// the views and commands cross threads): /metrics parsed strictly while calls come up, /json
// parsed, wrong requests refused with their status, POST /control/rate visible in the LAC's
// timeline, stop-setup ending the attempts, and POST /control/teardown ending both runs cleanly
// (exit status 0, the JSON summary written and agreeing with the last scrape).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/prometheus_parser.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

struct HttpReply {
  int status = 0;
  std::string headers, body;
};

// One request over a fresh connection to 127.0.0.x:port; the server closes after its reply.
HttpReply http(const std::string& host, int port, const std::string& method, const std::string& target) {
  HttpReply r;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return r;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return r;
  }
  const std::string req =
      method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return r;
  }
  std::string all;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) all.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  const auto head_end = all.find("\r\n\r\n");
  if (all.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return r;
  r.status = std::stoi(all.substr(9, 3));
  r.headers = all.substr(0, head_end);
  r.body = all.substr(head_end + 4);
  return r;
}

// The port a run printed in "stats: http://ADDR:PORT/metrics".
int stats_port(const std::string& log) {
  static const std::regex re(R"(stats: http://[0-9.]+:([0-9]+)/metrics)");
  std::smatch m;
  return std::regex_search(log, m, re) ? std::stoi(m[1]) : 0;
}

PromExposition scrape(const std::string& host, int port) {
  const HttpReply r = http(host, port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.headers.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << r.headers;
  std::string error;
  auto e = parse_prometheus(r.body, error);
  EXPECT_TRUE(e) << error << "\n" << r.body;
  return e ? *e : PromExposition{};
}

nlohmann::json live_json(const std::string& host, int port) {
  const HttpReply r = http(host, port, "GET", "/json");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.headers.find("Content-Type: application/json"), std::string::npos) << r.headers;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.body;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

TEST(StatsListen, MetricsJsonAndControlsOnRunningLacAndLns) {
  ScratchDir dir("l2tpsim-stats-listen");
  const std::string lns_host = "127.0.0.71", lac_host = "127.0.0.72";
  const std::string lns_at = lns_host + ":" + std::to_string(free_udp_port());
  auto lns = ChildProcess::start(
      {L2TPSIM_BINARY, "lns", "--listen", lns_at, "--no-ppp", "--keepalive-timeout", "0", "--threads", "2",
       "--duration", "60", "--json", dir.path() + "/lns.json", "--stats-listen", lns_host + ":0"},
      dir.path() + "/lns.log");
  ASSERT_TRUE(lns);
  int lns_port = 0;
  ASSERT_TRUE(wait_until([&] { return (lns_port = stats_port(read_file(dir.path() + "/lns.log"))) != 0; },
                         std::chrono::seconds(10)))
      << read_file(dir.path() + "/lns.log");
  // 4 tunnels x 1,000 calls at 100/s over two shards: far more than the test lets it open.
  auto lac = ChildProcess::start({L2TPSIM_BINARY,
                                  "lac",
                                  "--connect-to",
                                  lns_at,
                                  "--local-address",
                                  lac_host,
                                  "--port",
                                  "0",
                                  "--tunnels",
                                  "4",
                                  "--sessions",
                                  "1000",
                                  "--setup-rate",
                                  "100",
                                  "--teardown-rate",  // all at once: the test ends in seconds
                                  "0",
                                  "--no-ppp",
                                  "--keepalive-timeout",
                                  "0",
                                  "--threads",
                                  "2",
                                  "--duration",
                                  "60",
                                  "--json",
                                  dir.path() + "/lac.json",
                                  "--stats-listen",
                                  lac_host + ":0"},
                                 dir.path() + "/lac.log");
  ASSERT_TRUE(lac);
  int lac_port = 0;
  ASSERT_TRUE(wait_until([&] { return (lac_port = stats_port(read_file(dir.path() + "/lac.log"))) != 0; },
                         std::chrono::seconds(10)))
      << read_file(dir.path() + "/lac.log");
  const auto logs = [&] {
    return "--- lac.log\n" + read_file(dir.path() + "/lac.log") + "--- lns.log\n" +
           read_file(dir.path() + "/lns.log");
  };

  // Calls come up at 100/s; the scrape sees them, strictly well-formed.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const PromExposition first = scrape(lac_host, lac_port);
  EXPECT_EQ(first.value("l2tpsim_run_info", {{"role", "lac"}}), 1);
  const double up = first.value("l2tpsim_sessions_up").value_or(-1);
  EXPECT_GT(up, 50) << logs();
  EXPECT_LE(up, first.value("l2tpsim_sessions_established_total").value_or(0));
  EXPECT_EQ(first.value("l2tpsim_tunnels_up"), 4);
  EXPECT_GT(first.value("l2tpsim_setup_latency_seconds_count", {{"phase", "session_setup"}}).value_or(0), 50);
  const nlohmann::json live = live_json(lac_host, lac_port);
  EXPECT_EQ(live.value("role", ""), "lac");
  EXPECT_EQ(live.value("threads", 0), 2);
  EXPECT_GE(live.value("sessions_established", 0.0),
            first.value("l2tpsim_sessions_established_total").value_or(0));
  ASSERT_TRUE(live.contains("timeline")) << live.dump();

  // What it refuses, and why.
  EXPECT_EQ(http(lac_host, lac_port, "GET", "/nothing").status, 404);
  EXPECT_EQ(http(lac_host, lac_port, "POST", "/metrics").status, 405);
  EXPECT_EQ(http(lac_host, lac_port, "GET", "/control/teardown").status, 405);
  EXPECT_EQ(http(lac_host, lac_port, "PUT", "/json").status, 405);
  const HttpReply bad = http(lac_host, lac_port, "POST", "/control/rate?setups-per-second=fast");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("setups-per-second: 'fast' is not a rate"), std::string::npos) << bad.body;
  EXPECT_EQ(http(lac_host, lac_port, "POST", "/control/rate?setups-per-second=0").status, 400);
  EXPECT_EQ(http(lac_host, lac_port, "POST", "/control/rate").status, 400);
  EXPECT_EQ(http(lns_host, lns_port, "POST", "/control/rate?setups-per-second=10").status, 409);

  // 100/s -> 400/s, held ~2.5 s, then no more setups.
  const double changed_s = live_json(lac_host, lac_port).value("duration_s", 0.0);
  const HttpReply faster = http(lac_host, lac_port, "POST", "/control/rate?setups-per-second=400");
  EXPECT_EQ(faster.status, 200) << faster.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const double stopped_s = live_json(lac_host, lac_port).value("duration_s", 0.0);
  const HttpReply stop = http(lac_host, lac_port, "POST", "/control/stop-setup");
  EXPECT_EQ(stop.status, 200) << stop.body;
  EXPECT_EQ(http(lac_host, lac_port, "POST", "/control/stop-setup").status, 409);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const PromExposition held = scrape(lac_host, lac_port);
  const PromExposition lns_view = scrape(lns_host, lns_port);
  EXPECT_EQ(lns_view.value("l2tpsim_run_info", {{"role", "lns"}}), 1);
  // Setup stopped: every call the LAC attempted has come up at the LNS by now.
  EXPECT_EQ(lns_view.value("l2tpsim_sessions_up"), held.value("l2tpsim_sessions_up")) << logs();

  // The teardown, as SIGINT: both end with status 0 and write their summaries.
  EXPECT_EQ(http(lac_host, lac_port, "POST", "/control/teardown").status, 200);
  const auto lac_status = lac->wait(std::chrono::seconds(15));
  EXPECT_EQ(http(lns_host, lns_port, "POST", "/control/teardown").status, 200);
  const auto lns_status = lns->wait(std::chrono::seconds(15));
  ASSERT_EQ(lac_status, 0) << logs();
  ASSERT_EQ(lns_status, 0) << logs();
  EXPECT_NE(read_file(dir.path() + "/lac.log").find("POST /control/teardown: tearing down"),
            std::string::npos)
      << logs();

  const auto lac_json = nlohmann::json::parse(read_file(dir.path() + "/lac.json"), nullptr, false);
  const auto lns_json = nlohmann::json::parse(read_file(dir.path() + "/lns.json"), nullptr, false);
  ASSERT_FALSE(lac_json.is_discarded()) << logs();
  ASSERT_FALSE(lns_json.is_discarded()) << logs();
  // The last scrape, after setup stopped, counted what the summary counts.
  EXPECT_EQ(lac_json.value("sessions_established", 0.0), held.value("l2tpsim_sessions_established_total"));
  EXPECT_EQ(lac_json.value("sessions_attempted", 0.0), held.value("l2tpsim_sessions_attempted_total"));
  EXPECT_EQ(lac_json.value("sessions_failed", -1), 0);
  EXPECT_EQ(lns_json.value("sessions_established", -1), lac_json.value("sessions_established", -2));
  EXPECT_EQ(lac_json.value("sessions_closed", -1), lac_json.value("sessions_established", -2));

  // The timeline shows the rate: ~100 a second before the change, ~400 after, none once stopped.
  const auto& t = lac_json["timeline"];
  int before = 0, after = 0, quiet = 0;
  for (const auto& b : t) {
    const double s = b.value("t", 0.0);
    const int setups = b.value("setups", 0);
    SCOPED_TRACE("second " + std::to_string(s) + ": " + b.dump() + " (changed at " +
                 std::to_string(changed_s) + " s, stopped at " + std::to_string(stopped_s) + " s)");
    if (s >= 1 && s + 1 <= changed_s - 0.1) {
      ++before;
      EXPECT_NEAR(setups, 100, 15);
    } else if (s >= changed_s + 0.1 && s + 1 <= stopped_s - 0.1) {
      ++after;
      EXPECT_NEAR(setups, 400, 60);
    } else if (s >= stopped_s + 0.1) {
      ++quiet;
      EXPECT_EQ(setups, 0);
    }
  }
  EXPECT_GE(after, 1) << t.dump();
  EXPECT_GE(quiet, 1) << t.dump();
  (void)before;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
