// `l2tpsim lns` under a flood of SCCRQs (tests/tools/sccrq_flood: thousands a second, each from
// a new source port and Assigned Tunnel ID, never answered): a legitimate LAC from another
// address still gets its tunnel and session up within seconds, SIGINT ends the LNS within
// --teardown-timeout, and a second SIGINT ends it at once. All on 127.0.22.0/24; only the
// processes started here are signalled, by PID. A load test: it needs the optimized binary (an
// LNS under ASan at -O0 cannot take 15,000 datagrams a second), so it is in the slow set, which
// runs only in build/.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kLnsAddress = "127.0.22.1";
constexpr const char* kLacAddress = "127.0.22.2";
constexpr const char* kFloodAddress = "127.0.22.50";
constexpr const char* kFloodRate = "15000";  // the measurement: 120,000 in 8 s

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class Overload : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("l2tpsim-overload");
    port_ = random_lns_port(kLnsAddress);
    ASSERT_NE(port_, 0) << "no free UDP port on " << kLnsAddress;
  }
  void TearDown() override {
    if (!HasFailure())
      std::filesystem::remove_all(dir_);
    else
      std::cerr << "kept " << dir_ << " for inspection\n";
  }

  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  std::string lns_endpoint() const { return std::string(kLnsAddress) + ":" + std::to_string(port_); }
  std::string logs() const {
    return "--- lns.log\n" + read_file(file("lns.log")) + "--- lac.log\n" + read_file(file("lac.log")) +
           "--- flood.log\n" + read_file(file("flood.log"));
  }

  std::optional<ChildProcess> start_lns(const std::string& teardown_timeout) {
    auto lns = ChildProcess::start({L2TPSIM_BINARY, "lns", "--listen", lns_endpoint(), "--teardown-timeout",
                                    teardown_timeout, "--progress", "--json", file("lns.json")},
                                   file("lns.log"));
    if (lns) {
      EXPECT_TRUE(wait_until(
          [&] { return read_file(file("lns.log")).find("listening on") != std::string::npos; }, seconds(10)))
          << read_file(file("lns.log"));
    }
    return lns;
  }

  // The flood, for longer than any test needs (it is stopped with the test).
  std::optional<ChildProcess> start_flood() {
    auto flood = ChildProcess::start({SCCRQ_FLOOD_BINARY, "--to", lns_endpoint(), "--from", kFloodAddress,
                                      "--rate", kFloodRate, "--duration", "60", "--silent"},
                                     file("flood.log"));
    // Let it fill the LNS with half-open tunnels first.
    std::this_thread::sleep_for(seconds(2));
    return flood;
  }

  // A legitimate LAC from its own address: one tunnel, one call, --no-ppp; `extra` adds options.
  std::optional<ChildProcess> start_lac(const std::vector<std::string>& extra) {
    std::vector<std::string> argv{L2TPSIM_BINARY,
                                  "lac",
                                  "--connect-to",
                                  lns_endpoint(),
                                  "--local-address",
                                  kLacAddress,
                                  "--no-ppp",
                                  "--tunnels",
                                  "1",
                                  "--sessions",
                                  "1",
                                  "--progress",
                                  "--json",
                                  file("lac.json")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return ChildProcess::start(argv, file("lac.log"));
  }

  bool lac_session_up(milliseconds limit) {
    return wait_until([&] { return read_file(file("lac.log")).find("sessions 1 up") != std::string::npos; },
                      limit);
  }

  std::string dir_;
  int port_ = 0;
};

// The measurement: 15,000 SCCRQs a second made a legitimate LAC wait 10-20 s and SIGINT
// did not end the LNS within 60 s. Now the LAC is up within a few seconds, its call cleared at
// the end of its --duration, and SIGINT ends the LNS within --teardown-timeout (3 s) and a margin.
TEST_F(Overload, LegitimateLacComesUpAndSigintEndsTheLnsWithinTheTeardownTimeout) {
  auto lns = start_lns("3");
  ASSERT_TRUE(lns);
  auto flood = start_flood();
  ASSERT_TRUE(flood);
  ASSERT_TRUE(flood->running()) << logs();

  const auto lac_started = Clock::now();
  auto lac = start_lac({"--duration", "1"});
  ASSERT_TRUE(lac);
  EXPECT_EQ(lac->wait(seconds(15)).value_or(-1), 0) << logs();
  std::cerr << "legitimate LAC: up and torn down in " << seconds_since(lac_started) << " s\n";
  const auto lac_json = nlohmann::json::parse(read_file(file("lac.json")), nullptr, false);
  ASSERT_FALSE(lac_json.is_discarded()) << logs();
  EXPECT_EQ(lac_json.value("sessions_established", 0), 1) << lac_json.dump();
  // Its tunnel and its call came up within a few seconds (before: never, six SCCRQs unanswered).
  EXPECT_LT(lac_json["tunnel_setup_latency_ms"].value("max", 1e9), 3000.0) << lac_json.dump();
  EXPECT_LT(lac_json["setup_latency_ms"].value("max", 1e9), 3000.0) << lac_json.dump();

  const auto sigint = Clock::now();
  lns->signal(SIGINT);
  const auto status = lns->wait(seconds(3 + 3));
  ASSERT_TRUE(status.has_value()) << "the LNS did not exit within --teardown-timeout 3 + 3 s\n" << logs();
  std::cerr << "LNS: SIGINT to exit " << seconds_since(sigint) << " s\n";
  // 0, or 1 for the flood's tunnels that failed; never 130 (one signal) or a crash.
  EXPECT_TRUE(*status == 0 || *status == 1) << "exit status " << *status << "\n" << logs();
  const auto j = nlohmann::json::parse(read_file(file("lns.json")), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << logs();
  EXPECT_GT(j["overload"].value("new_peers_refused", 0), 0)
      << "the flood never pressed: " << j["overload"].dump();
  EXPECT_EQ(j.value("sessions_established", 0), 1);
  EXPECT_EQ(flood->stop(), 0);
  std::cerr << read_file(file("flood.log"));
}

// A teardown that would wait: the legitimate LAC is stopped (SIGSTOP) after its call came up, so
// nothing acknowledges the LNS's CDN and StopCCN and --teardown-timeout 30 would run out. A
// second SIGINT ends the LNS at once, with status 130, flood or not.
TEST_F(Overload, SecondSigintExitsAtOnce) {
  auto lns = start_lns("30");
  ASSERT_TRUE(lns);
  auto flood = start_flood();
  ASSERT_TRUE(flood);
  auto lac = start_lac({});
  ASSERT_TRUE(lac);
  ASSERT_TRUE(lac_session_up(seconds(5))) << logs();
  lac->signal(SIGSTOP);

  lns->signal(SIGINT);
  ASSERT_TRUE(wait_until(
      [&] { return read_file(file("lns.log")).find("again to exit at once") != std::string::npos; },
      seconds(3)))
      << "the first SIGINT was not served within 3 s\n"
      << logs();
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_TRUE(lns->running()) << "the teardown did not wait for the stopped LAC\n" << logs();
  const auto second = Clock::now();
  lns->signal(SIGINT);
  const auto status = lns->wait(seconds(2));
  ASSERT_TRUE(status.has_value()) << "the second SIGINT did not end the LNS within 2 s\n" << logs();
  std::cerr << "LNS: second SIGINT to exit " << seconds_since(second) << " s\n";
  EXPECT_EQ(*status, 130) << logs();
  lac->signal(SIGCONT);
  EXPECT_EQ(flood->stop(), 0);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
