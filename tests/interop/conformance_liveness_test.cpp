// The conformance runner watches the device under test: a DUT that dies on one message is named
// with the case that killed it and the later cases are not run; --dut-restart brings it back and
// the suite completes; SIGINT still writes every report, marked incomplete. The DUT here is
// tests/tools/crashing_relay in front of l2tpsim's own LNS: it forwards everything and exits at
// once when the tester sends an ICRQ (Message Type 10).
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

constexpr const char* kRelayAddress = "127.0.0.60";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Three cases, in ID order: one with no call (passes), one that opens a call (its ICRQ kills
// the DUT), one with no call again.
std::string make_suite(const LoopbackPair& pair) {
  const std::string dir = pair.file("suite/lns");
  run_command("mkdir -p " + dir);
  for (const char* f : {"auth-challenge-response.yaml", "call-incoming.yaml", "tunnel-basic.yaml"})
    run_command(std::string("cp ") + L2TPSIM_SOURCE_DIR + "/scenarios/library/conformance/lns/" + f + " " +
                dir);
  return pair.file("suite");
}

struct Dut {
  LoopbackPair& pair;
  std::optional<ChildProcess> lns;
  std::string relay_endpoint, relay_command;
  explicit Dut(LoopbackPair& p)
      : pair(p), lns(pair.start_lns({"--secret", "s3cret", "--no-ppp", "--duration", "300"})) {
    relay_endpoint = std::string(kRelayAddress) + ":" + std::to_string(pair.port());
    relay_command = std::string(CRASHING_RELAY_BINARY) + " --listen " + relay_endpoint + " --to " +
                    pair.lns_endpoint() + " --crash-on 10 --pidfile " + pair.file("relay.pid");
  }
  // Started in the background by a shell, as a user's --dut-restart would.
  void start_relay() {
    run_command(relay_command + " >>" + pair.file("relay.log") + " 2>&1 &");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ~Dut() {
    // Only the relay this test started (its own pidfile), then the LNS.
    const std::string pid = slurp(pair.file("relay.pid"));
    if (!pid.empty() && std::stoi(pid) > 1) ::kill(std::stoi(pid), SIGTERM);
    if (lns) LoopbackPair::stop(*lns);
  }
};

TEST(ConformanceLiveness, ADutThatCrashesIsNamedAndTheLaterCasesAreNotRun) {
  LoopbackPair pair("l2tpsim-liveness-crash");
  ASSERT_TRUE(pair.ok());
  Dut dut(pair);
  ASSERT_TRUE(dut.lns);
  dut.start_relay();
  int status = -1;
  const std::string out =
      run_command(std::string(L2TPSIM_BINARY) + " conform --dut-role lns --target " + dut.relay_endpoint +
                      " --secret s3cret --suite " + make_suite(pair) + " --json " + pair.file("suite.json") +
                      " --html " + pair.file("suite.html") + " 2>&1",
                  &status);
  EXPECT_EQ(status, 1) << out;
  const auto j = read_json(pair.file("suite.json"));
  ASSERT_EQ(j["cases"].size(), 3u) << out;
  EXPECT_EQ(j["cases"][0]["verdict"], "pass") << j["cases"][0].dump(2);
  EXPECT_EQ(j["cases"][1]["id"], "LNS-CALL-001");
  EXPECT_EQ(j["cases"][1]["verdict"], "fail");
  EXPECT_TRUE(j["cases"][1]["dut_stopped"].get<bool>());
  EXPECT_NE(j["cases"][1]["reason"].get<std::string>().find("the DUT stopped answering during this case"),
            std::string::npos);
  EXPECT_EQ(j["cases"][2]["verdict"], "not-run");
  EXPECT_FALSE(j["dut"]["alive"].get<bool>());
  ASSERT_EQ(j["dut"]["stopped"].size(), 1u);
  EXPECT_EQ(j["dut"]["stopped"][0]["case"], "LNS-CALL-001");
  EXPECT_GT(j["dut"]["stopped"][0]["time_s"].get<double>(), 0.0);
  EXPECT_EQ(j["dut"]["restarts"], 0);
  EXPECT_EQ(j["totals"]["not_run"], 1);
  // People see it first: the console and the HTML put the dead DUT at the top.
  EXPECT_NE(out.find("THE DUT STOPPED ANSWERING"), std::string::npos) << out;
  const std::string html = slurp(pair.file("suite.html"));
  const auto alert = html.find("The device under test stopped answering");
  ASSERT_NE(alert, std::string::npos);
  EXPECT_LT(alert, html.find("<h2>Cases"));
}

TEST(ConformanceLiveness, DutRestartBringsItBackAndTheSuiteCompletes) {
  LoopbackPair pair("l2tpsim-liveness-restart");
  ASSERT_TRUE(pair.ok());
  Dut dut(pair);
  ASSERT_TRUE(dut.lns);
  dut.start_relay();
  int status = -1;
  const std::string restart = dut.relay_command + " >>" + pair.file("relay.log") + " 2>&1 &";
  const std::string out =
      run_command(std::string(L2TPSIM_BINARY) + " conform --dut-role lns --target " + dut.relay_endpoint +
                      " --secret s3cret --suite " + make_suite(pair) + " --dut-restart '" + restart +
                      "' --json " + pair.file("suite.json") + " 2>&1",
                  &status);
  EXPECT_EQ(status, 1) << out;  // the crash is still a failure of the case that caused it
  const auto j = read_json(pair.file("suite.json"));
  ASSERT_EQ(j["cases"].size(), 3u) << out;
  EXPECT_EQ(j["cases"][1]["verdict"], "fail");
  EXPECT_EQ(j["cases"][2]["verdict"], "pass") << j["cases"][2].dump(2);
  EXPECT_TRUE(j["dut"]["alive"].get<bool>());
  EXPECT_EQ(j["dut"]["restarts"], 1);
  EXPECT_EQ(j["dut"]["stopped"].size(), 1u);
  EXPECT_NE(out.find("restarted 1 time"), std::string::npos) << out;
}

TEST(ConformanceLiveness, SigintWritesTheReportsOfTheCasesRunSoFarMarkedIncomplete) {
  LoopbackPair pair("l2tpsim-liveness-sigint");
  ASSERT_TRUE(pair.ok());
  auto lns = pair.start_lns({"--no-ppp", "--duration", "300"});
  ASSERT_TRUE(lns);
  // Three cases of our own: quick, slow (it waits 30 s), quick.
  const std::string dir = pair.file("suite/lns");
  run_command("mkdir -p " + dir);
  for (int k = 1; k <= 3; ++k)
    std::ofstream(dir + "/c" + std::to_string(k) + ".yaml")
        << "case: {id: T-00" << k << ", title: t, requirements: [R137], dut: lns}\n"
        << "lac: {no-ppp: true}\nsteps:\n  - open-tunnels: 1\n"
        << (k == 2 ? "  - wait: 30s\n" : "")
        << "  - expect: {event: tunnel-up, within: 5s, requirement: R137, clause: \"5.1: SCCRQ, SCCRP, "
           "SCCCN\"}\n";
  auto conform =
      ChildProcess::start({L2TPSIM_BINARY, "conform", "--dut-role", "lns", "--target", pair.lns_endpoint(),
                           "--suite", pair.file("suite"), "--json", pair.file("suite.json"), "--junit",
                           pair.file("suite.xml"), "--html", pair.file("suite.html")},
                          pair.file("conform.log"));
  ASSERT_TRUE(conform);
  // Let the first case finish, then interrupt the slow one.
  ASSERT_TRUE(wait_until([&] { return slurp(pair.file("conform.log")).find("[1/") != std::string::npos; },
                         std::chrono::seconds(60)))
      << slurp(pair.file("conform.log"));
  conform->signal(SIGINT);
  const auto status = conform->wait(std::chrono::seconds(20));
  LoopbackPair::stop(*lns);
  ASSERT_TRUE(status.has_value()) << "conform did not end within 20 s of SIGINT";
  EXPECT_EQ(*status, 130) << slurp(pair.file("conform.log"));
  const auto j = read_json(pair.file("suite.json"));
  EXPECT_TRUE(j["incomplete"].get<bool>());
  ASSERT_EQ(j["cases"].size(), 2u) << j.dump(2);
  EXPECT_EQ(j["cases"][0]["verdict"], "pass");
  EXPECT_EQ(j["cases"][1]["verdict"], "inconclusive");
  EXPECT_EQ(j["cases_planned"], 3);
  EXPECT_NE(slurp(pair.file("suite.xml")).find("name=\"incomplete\" value=\"true\""), std::string::npos);
  EXPECT_NE(slurp(pair.file("suite.html")).find("Incomplete run"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
