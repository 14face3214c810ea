// `l2tpsim lac --sim` as a user runs it: the LAC's load run (pacing, churn, the teardown, the
// reports) against l2tpsim's own LNS in this process, in virtual time. A paced soak with churn
// comes up and tears down; the same seed gives the same pcap bytes, another seed others; under
// loss, duplication and reordering of control and PPP frames every session still comes up; a
// lifetime counts from PPP up, so under loss it cuts no negotiation short; an
// LNS that refuses calls is named in the LAC's failures with its codes; what cannot be
// simulated is a usage error.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/child_process.hpp"

#ifndef L2TPSIM_BINARY
#error "L2TPSIM_BINARY must be defined"
#endif

namespace l2tp {
namespace L2TPSIM_FILE_ID {

testing::CommandOutput lac(const std::string& args) {
  return testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' lac --sim " + args);
}

int exit_code(const testing::CommandOutput& r) {
  return WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
}

struct Dir {
  Dir() : path(testing::make_temp_dir("l2tpsim-lac-sim")) {}
  ~Dir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

nlohmann::json json_of(const std::string& path) {
  return nlohmann::json::parse(testing::read_file(path));
}

// 200 calls at 200/s with lifetimes of 2-4 s and flaps, redialled through the same pacer, for
// 10 virtual seconds: every call comes up at both ends, nothing fails, the reports say the run
// was simulated and the timeline spans the virtual run. (Sized for ASan, about 100 times slower
// here than the release build's 0.1 s.)
TEST(LacSimCommand, PacedSoakWithChurnComesUpAndTearsDown) {
  Dir dir;
  const auto r =
      lac("--tunnels 4 --sessions 50 --setup-rate 200 --session-lifetime 2s-4s --flap 5 "
          "--duration 10 --seed 11 --json '" +
          dir.file("lac.json") + "' --pcap '" + dir.file("lac.pcap") + "'");
  ASSERT_EQ(exit_code(r), 0) << r.out << r.err;
  EXPECT_NE(r.err.find("l2tpsim lac: simulated: against `l2tpsim lns --listen 192.0.2.1:1701"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("the simulated LNS (l2tpsim lns in this process):"), std::string::npos) << r.out;
  // A pool for any load (the LNS's own default, a /16, would refuse the 65,534th call).
  EXPECT_NE(r.err.find("--remote-address 10.64.0.2-10.127.255.254"), std::string::npos) << r.err;
  const auto j = json_of(dir.file("lac.json"));
  // Churn redials: more calls came up than were asked for at first.
  EXPECT_GT(j["sessions_established"].get<int>(), 200);
  EXPECT_EQ(j["sessions_failed"], 0);
  EXPECT_EQ(j["tunnels_failed"], 0);
  EXPECT_EQ(j["ppp"]["failed"], 0);
  EXPECT_EQ(j["ppp"]["up"], j["sessions_established"]);
  EXPECT_EQ(j["torn_down"], true);
  EXPECT_NE(j["simulated"].get<std::string>().find("--seed 11 repeats it"), std::string::npos);
  EXPECT_GE(j["duration_s"].get<double>(), 10.0);
  EXPECT_GE(j["timeline"].size(), 10u);         // one sample per virtual second
  EXPECT_EQ(j.contains("setup_cpu_s"), false);  // no process CPU is measured in virtual time
  EXPECT_GT(j["pcap_frames"].get<int>(), 2000);
  EXPECT_EQ(std::filesystem::file_size(dir.file("lac.pcap")) > 0, true);
}

TEST(LacSimCommand, TheSameSeedGivesTheSameWireAnotherSeedAnother) {
  Dir dir;
  const std::string args =
      "--tunnels 4 --sessions 25 --setup-rate 200 --duration 30 --sim-loss 0.05 --sim-reorder 0.05 ";
  for (const auto& [seed, file] : {std::pair{"5", "a.pcap"}, {"5", "b.pcap"}, {"6", "c.pcap"}}) {
    const auto r = lac(args + "--seed " + seed + " --pcap '" + dir.file(file) + "'");
    ASSERT_EQ(exit_code(r), 0) << r.out << r.err;
  }
  const std::string a = testing::read_file(dir.file("a.pcap"));
  EXPECT_GT(a.size(), 10000u);
  EXPECT_EQ(a, testing::read_file(dir.file("b.pcap")));
  EXPECT_NE(a, testing::read_file(dir.file("c.pcap")));
}

// 5% of all datagrams lost, 5% duplicated, 5% held back behind later ones, control and PPP
// alike (MS-CHAPv2, the default): every call comes up and is cleared, through retransmissions.
// (At 10% loss, 5 LCP Echo-Requests 1 s apart all go unanswered about once in 4,000 rounds: a
// keepalive failure that is the configuration's, not a fault. 8 seeds passed at 5%.)
TEST(LacSimCommand, UnderLossDuplicationAndReorderingEverySessionComesUp) {
  Dir dir;
  const auto r =
      lac("--tunnels 10 --sessions 40 --setup-rate 200 --duration 60 --teardown-timeout 60 "
          "--sim-loss 0.05 --sim-duplicate 0.05 --sim-reorder 0.05 --seed 3 --json '" +
          dir.file("lac.json") + "'");
  ASSERT_EQ(exit_code(r), 0) << r.out << r.err;
  const auto j = json_of(dir.file("lac.json"));
  EXPECT_EQ(j["sessions_established"], 400);
  EXPECT_EQ(j["sessions_failed"], 0);
  EXPECT_EQ(j["ppp"]["up"], 400);
  EXPECT_EQ(j["ppp"]["failed"], 0);
  EXPECT_GT(j["retransmissions"].get<int>(), 20);
  EXPECT_GT(j["duplicates"].get<int>(), 0);
}

// With PPP a call's --session-lifetime counts from its link up, not from the L2TP session up:
// under 5% loss a lost LCP or IPCP frame costs a 3 s restart, and a lifetime of 2-4 s counted
// from the session cut about a third of the negotiations (0.61-0.70 of the links came up over 8
// seeds; the LNS counted each cut as a PPP failure). Counted from link up: 0.88-0.94.
TEST(LacSimCommand, ALifetimeUnderLossCountsFromPppUpAndCutsNoNegotiation) {
  Dir dir;
  const auto r =
      lac("--tunnels 4 --sessions 25 --setup-rate 50 --session-lifetime 2s-4s --duration 20 --sim-loss 0.05 "
          "--seed 5 --json '" +
          dir.file("lac.json") + "'");
  ASSERT_EQ(exit_code(r), 0) << r.out << r.err;
  const auto j = json_of(dir.file("lac.json"));
  const double up = j["ppp"]["up"].get<double>(), links = j["ppp"]["links"].get<double>();
  EXPECT_GT(j["churn"]["lifetimes_ended"].get<double>(), 100) << j["churn"].dump();
  EXPECT_GE(up / links, 0.8) << up << " of " << links << " links up";
  EXPECT_EQ(j["ppp"]["failed"], 0);
}

// The LNS takes `l2tpsim lns` options: with --max-sessions 10 it refuses calls 11-20 of each
// tunnel, and the LAC names the phase and the LNS's result code (RFC 2661 4.4.2: 4, no
// resources), exit 1.
TEST(LacSimCommand, CallsTheLnsRefusesAreNamedWithItsCodes) {
  const auto r = lac("--tunnels 2 --sessions 20 --duration 5 --seed 3 --sim-options '--max-sessions 10'");
  EXPECT_EQ(exit_code(r), 1) << r.out << r.err;
  EXPECT_NE(r.out.find("sessions: 20 established, 20 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed in wait-reply, peer sent result 4 error 0 \"session limit reached\""),
            std::string::npos)
      << r.out;
}

// A load scenario with `run --sim lns`: the shipped soak example's lac: block as `lac --sim`,
// against its own lns: block (CHAP, user{n}, its address pool) in virtual time; its 20 s of
// churn in a moment. --sim lac is refused: a load scenario's LAC needs an LNS.
TEST(LacSimCommand, ALoadScenarioRunsInVirtualTimeAgainstItsOwnLnsBlock) {
  Dir dir;
  const std::string file = std::string(L2TPSIM_SOURCE_DIR) + "/scenarios/library/examples/load-soak.yaml";
  const auto r = testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' run '" + file +
                                        "' --sim lns --seed 3 --json '" + dir.file("soak.json") + "'");
  ASSERT_EQ(exit_code(r), 0) << r.out << r.err;
  EXPECT_NE(r.err.find("simulated: against `l2tpsim lns --listen 127.0.0.3:23921 --authentication chap"),
            std::string::npos)
      << r.err;
  const auto j = json_of(dir.file("soak.json"));
  EXPECT_GT(j["sessions_established"].get<int>(), 40);  // 40 calls, redialled 2-5 s after each came up
  EXPECT_EQ(j["sessions_failed"], 0);
  EXPECT_EQ(j["ppp"]["failed"], 0);
  EXPECT_GT(j["churn"]["redials"].get<int>(), 0);
  EXPECT_NE(j["simulated"].get<std::string>().find("--seed 3 repeats it"), std::string::npos);
  const auto refused =
      testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' run '" + file + "' --sim lac");
  EXPECT_EQ(exit_code(refused), 2);
  EXPECT_NE(refused.err.find("is a load scenario: its LAC runs against an LNS, so use --sim lns"),
            std::string::npos)
      << refused.err;
}

TEST(LacSimCommand, WhatCannotBeSimulatedIsAUsageError) {
  auto expect_usage = [](const std::string& args, const std::string& says) {
    const auto r = testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' lac " + args);
    EXPECT_EQ(exit_code(r), 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
  };
  expect_usage("--sim --tunnels 1", "--sim needs --duration");
  expect_usage("--connect-to 127.0.0.1 --sim-loss 0.1", "--sim-loss needs --sim");
  expect_usage("--sim --duration 5 --sim-loss 2", "--sim-loss");
  expect_usage("--sim --duration 5 --use-ipsec yes --ipsec-secret x", "--use-ipsec needs the kernel");
  expect_usage("--sim --duration 5 --sim-options '--no-such-option'", "--sim-options:");
  expect_usage("--sim --duration 5 --stats-listen 127.0.0.1:0", "--stats-listen serves a run in real time");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
