// `l2tpsim lac --setup-rate 2000` for 10 s against `l2tpsim lns` on loopback (L2TP only, the
// default shards): the JSON timeline of the LAC has every one-second bucket of the setup within
// 5% of 2,000 attempts, the calls all come up, and both timelines add up to the run's totals.
// The 100 ms evenness is the pacer's own, checked in virtual time (tests/peers/setup_pacer_test).
// A loopback load: the test holds /tmp/l2tpsim-load.lock so no other load runs beside it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

class LoadLock {
 public:
  LoadLock() : fd_(::open("/tmp/l2tpsim-load.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~LoadLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  LoadLock(const LoadLock&) = delete;
  LoadLock& operator=(const LoadLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

nlohmann::json read_json(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "no JSON summary in " << path;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

std::uint64_t sum(const nlohmann::json& timeline, const char* key) {
  std::uint64_t n = 0;
  for (const auto& b : timeline) n += b.value(key, std::uint64_t{0});
  return n;
}

TEST(LoadProfile, SetupRate2000For10SecondsEveryBucketWithin5Percent) {
  LoadLock lock;
  ASSERT_TRUE(lock.held());
  const std::string dir = make_temp_dir("l2tpsim-load-profile");
  const std::string lns_at = "127.0.0.3:" + std::to_string(free_udp_port());
  auto lns =
      ChildProcess::start({L2TPSIM_BINARY, "lns", "--listen", lns_at, "--no-ppp", "--json", dir + "/lns.json",
                           "--duration", "60", "--keepalive-timeout", "0", "--html", dir + "/lns.html"},
                          dir + "/lns.log");
  ASSERT_TRUE(lns);
  ASSERT_TRUE(
      wait_until([&] { return read_file(dir + "/lns.log").find("listening on") != std::string::npos; },
                 std::chrono::seconds(10)))
      << read_file(dir + "/lns.log");
  // 20 tunnels x 1,000 calls at 2,000 a second: 10 s of setup, held 3 s more, then torn down.
  auto lac = ChildProcess::start({L2TPSIM_BINARY,
                                  "lac",
                                  "--connect-to",
                                  lns_at,
                                  "--local-address",
                                  "127.0.0.4",
                                  "--port",
                                  "0",
                                  "--tunnels",
                                  "20",
                                  "--sessions",
                                  "1000",
                                  "--setup-rate",
                                  "2000",
                                  "--no-ppp",
                                  "--keepalive-timeout",
                                  "0",
                                  "--duration",
                                  "13",
                                  "--json",
                                  dir + "/lac.json",
                                  "--html",
                                  dir + "/lac.html"},
                                 dir + "/lac.log");
  ASSERT_TRUE(lac);
  const auto lac_status = lac->wait(std::chrono::seconds(60));
  lns->signal(SIGTERM);
  const auto lns_status = lns->wait(std::chrono::seconds(30));
  const std::string logs =
      "--- lac.log\n" + read_file(dir + "/lac.log") + "--- lns.log\n" + read_file(dir + "/lns.log");
  ASSERT_EQ(lac_status, 0) << logs;
  ASSERT_EQ(lns_status, 0) << logs;

  const auto lac_json = read_json(dir + "/lac.json");
  const auto lns_json = read_json(dir + "/lns.json");
  ASSERT_TRUE(lac_json.contains("timeline")) << logs;
  const auto& t = lac_json["timeline"];
  ASSERT_GE(t.size(), 13u) << t.dump();
  std::cout << "LAC timeline (setups/established/sessions_up per second):";
  for (const auto& b : t)
    std::cout << " " << b.value("setups", 0) << "/" << b.value("established", 0) << "/"
              << b.value("sessions_up", 0);
  std::cout << "\n";
  for (std::size_t s = 0; s < 10; ++s) {
    SCOPED_TRACE("second " + std::to_string(s) + ": " + t[s].dump());
    EXPECT_EQ(t[s].value("t", -1), static_cast<int>(s));
    EXPECT_GE(t[s].value("setups", 0), 1900);
    EXPECT_LE(t[s].value("setups", 0), 2100);
  }
  // Nothing more is attempted once the 20,000 calls are out; every one came up and was cleared.
  for (std::size_t s = 11; s < t.size(); ++s) EXPECT_EQ(t[s].value("setups", 0), 0) << t[s].dump();
  EXPECT_EQ(sum(t, "setups"), 20000u);
  EXPECT_EQ(sum(t, "established"), 20000u);
  EXPECT_EQ(sum(t, "failed"), 0u);
  EXPECT_EQ(sum(t, "teardowns"), 20000u);
  EXPECT_EQ(sum(t, "retransmissions"), lac_json.value("retransmissions", std::uint64_t{0}));
  EXPECT_EQ(t[11].value("sessions_up", 0), 20000) << t[11].dump();  // all up, before the teardown
  EXPECT_EQ(t[11].value("tunnels_up", 0), 20);
  EXPECT_EQ(t.back().value("sessions_up", -1), 0);
  // The LNS saw the same calls, second by second.
  const auto& l = lns_json["timeline"];
  EXPECT_EQ(sum(l, "established"), 20000u) << l.dump();
  EXPECT_EQ(sum(l, "teardowns"), 20000u);
  // The report pages were written, whole.
  for (const char* page : {"/lac.html", "/lns.html"}) {
    const std::string html = read_file(dir + page);
    EXPECT_NE(html.find("</html>"), std::string::npos) << page;
    EXPECT_NE(html.find("l2tpsim"), std::string::npos) << page;
  }
  EXPECT_EQ(lac_json["peer_identity"].value("host_name", ""), "l2tpsim-lns");
  EXPECT_EQ(lns_json["peer_identity"].value("host_name", ""), "l2tpsim-lac");
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

// A load scenario file (no steps; load keys in its lac: block, an lns: block beside it) run by
// `l2tpsim run`: its lac: block runs as `l2tpsim lac` would, against l2tpsim's LNS started as a
// child process. 2 tunnels x 20 calls at 200 a second, each cleared 1 s after it came up and
// dialled again 0.5 s later, for 4 s; the file's fault drops each shard's first SCCRQ (resent
// after 200 ms). The
// JSON written through `run --json` is the LAC runner's: calls, redials, the timeline.
TEST(LoadProfile, LoadScenarioFileRunsTheLacRunnerWithChurnAgainstItsOwnLns) {
  LoadLock lock;
  ASSERT_TRUE(lock.held());
  ScratchDir dir("l2tpsim-load-scenario");
  const int lns_port = free_udp_port();
  const std::string lns_at = "127.0.0.3:" + std::to_string(lns_port);
  write_file(dir.path() + "/soak.yaml",
             "lns:\n"
             "  listen: " +
                 lns_at +
                 "\n"
                 "  no-ppp: true\n"
                 "  keepalive-timeout: 0\n"
                 "  duration: 60\n"
                 "lac:\n"
                 "  local-address: 127.0.0.4\n"
                 "  port: 0\n"
                 "  tunnels: 2\n"
                 "  sessions: 20\n"
                 "  setup-rate: 200\n"
                 "  session-lifetime: 1s\n"
                 "  redial-delay: 0.5\n"
                 "  retransmit-initial: 200\n"
                 "  no-ppp: true\n"
                 "  keepalive-timeout: 0\n"
                 "  duration: 4\n"
                 "faults:\n"
                 "  - name: lose-first-sccrq\n"
                 "    match: {message: SCCRQ, count: 1}\n"
                 "    drop: true\n");
  auto run = ChildProcess::start(
      {L2TPSIM_BINARY, "run", dir.path() + "/soak.yaml", "--json", dir.path() + "/lac.json", "--html",
       dir.path() + "/lac.html", "--pcap", dir.path() + "/lac.pcap"},
      dir.path() + "/run.log");
  ASSERT_TRUE(run);
  const auto status = run->wait(std::chrono::seconds(60));
  const std::string logs = "--- run.log\n" + read_file(dir.path() + "/run.log") + "--- lns.log\n" +
                           read_file(dir.path() + "/lac.pcap.lns.log");
  ASSERT_TRUE(status.has_value()) << "l2tpsim run did not end\n" << logs;
  ASSERT_EQ(*status, 0) << describe_status(*status) << "\n" << logs;

  const auto j = read_json(dir.path() + "/lac.json");
  std::cout << "load scenario: " << j.value("sessions_established", 0) << " calls established, churn "
            << j["churn"].dump() << "\n";
  // Every first call came up, and the redials after each lifetime came up as well.
  EXPECT_EQ(j.value("tunnels_established", 0), 2) << j.dump(1);
  EXPECT_EQ(j.value("sessions_failed", -1), 0) << j.dump(1);
  ASSERT_TRUE(j.contains("churn")) << j.dump(1);
  const auto& churn = j["churn"];
  EXPECT_EQ(churn.value("session_lifetime", ""), "1s");
  EXPECT_DOUBLE_EQ(churn.value("redial_delay_s", 0.0), 0.5);
  EXPECT_GE(churn.value("lifetimes_ended", 0), 40) << churn.dump();
  EXPECT_GT(churn.value("redials", 0), 0) << churn.dump();
  // The first 40 and at least a round of redials (about three rounds fit in 4 s), no more than
  // were dialled.
  EXPECT_GE(j.value("sessions_established", 0), 80) << j.dump(1);
  EXPECT_LE(j.value("sessions_established", 0), 40 + churn.value("redials", 0)) << j.dump(1);
  // The timeline: a second for each of the 4 s at least, adding up to the totals.
  ASSERT_TRUE(j.contains("timeline")) << j.dump(1);
  const auto& t = j["timeline"];
  EXPECT_GE(t.size(), 4u) << t.dump();
  EXPECT_EQ(sum(t, "established"), j.value("sessions_established", std::uint64_t{0})) << t.dump();
  EXPECT_EQ(t[0].value("tunnels_up", 0), 2) << t[0].dump();    // the dropped SCCRQs resent after 0.2 s
  EXPECT_EQ(t[0].value("established", 0), 40) << t[0].dump();  // 200 a second: all 40 in the first
  EXPECT_GE(sum(t, "setups"), sum(t, "established")) << t.dump();
  EXPECT_GT(sum(t, "teardowns"), 40u) << t.dump();  // the lifetimes' and the final teardown's
  // The file's fault: each shard's first SCCRQ dropped, and retransmitted (RFC 2661 5.8).
  const std::string log = read_file(dir.path() + "/run.log");
  const auto at = log.find("fault 'lose-first-sccrq' applied ");
  ASSERT_NE(at, std::string::npos) << logs;
  const int dropped = std::stoi(log.substr(at + std::string("fault 'lose-first-sccrq' applied ").size()));
  EXPECT_GE(dropped, 1) << log;
  EXPECT_GE(j.value("retransmissions", 0), dropped) << j.dump(1);
  // The LNS side saw the same calls; the HTML and the pcap were written.
  const std::string lns_log = read_file(dir.path() + "/lac.pcap.lns.log");
  EXPECT_NE(lns_log.find("listening on " + lns_at), std::string::npos) << lns_log;
  EXPECT_NE(read_file(dir.path() + "/lac.html").find("</html>"), std::string::npos);
  const auto decoded = run_capturing(std::string(L2TPSIM_BINARY) + " decode " + dir.path() +
                                     "/lac.pcap --brief --port " + std::to_string(lns_port));
  EXPECT_NE(decoded.out.find("ICCN"), std::string::npos) << decoded.out.substr(0, 2000);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
