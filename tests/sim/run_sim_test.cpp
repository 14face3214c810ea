// `l2tpsim run --sim lns|lac`: one scenario file in virtual time against l2tpsim's own LNS or
// LAC (the SimBench of conform --sim). The bundled demo passes with its reports read back, an
// expectation the simulated DUT does not meet fails with the step named, a seed repeats the
// wire byte for byte, and what cannot run in virtual time is refused (status 2) or not
// applicable with the reason.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

const std::string kDemo = std::string(L2TPSIM_SOURCE_DIR) + "/scenarios/library/examples/demo-faults.yaml";

struct RunResult {
  int status = -1;
  std::string output;
};

RunResult run_sim(const std::string& args) {
  RunResult r;
  r.output = run_command(std::string(L2TPSIM_BINARY) + " run " + args + " 2>&1", &r.status);
  return r;
}

// The bundled self-test with faults: its lns: block is the simulated LNS, its LAC the tester.
TEST(RunSim, TheBundledDemoPassesAgainstL2tpsimsOwnLnsWithItsReportsReadBack) {
  ScratchDir dir("l2tpsim-run-sim-demo");
  const std::string d = dir.path();
  const RunResult r = run_sim(kDemo + " --sim lns --json " + d + "/r.json --junit " + d + "/r.xml --html " +
                              d + "/r.html --pcap " + d + "/r.pcap");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("simulated"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--seed 42"), std::string::npos) << "the file's seed is the run's\n" << r.output;
  const auto j = read_json(d + "/r.json");
  ASSERT_EQ(j["cases"].size(), 1u) << j.dump(2);
  const auto& c = j["cases"][0];
  EXPECT_EQ(c["id"], "demo-faults");
  EXPECT_EQ(c["verdict"], "pass") << c.dump(2);
  EXPECT_GT(c["last_frame"].get<int>(), 20) << c.dump(2);
  EXPECT_EQ(j["dut_role"], "lns");
  ASSERT_TRUE(j["simulated"].is_string()) << j.dump(2);
  EXPECT_NE(j["simulated"].get<std::string>().find("l2tpsim lns"), std::string::npos) << j["simulated"];
  EXPECT_FALSE(j["dut"].value("checked", true));
  EXPECT_NE(j["dut"].value("not_checked", std::string()), "");
  int xml_status = -1;
  const std::string xml = run_command("xmllint --noout " + d + "/r.xml 2>&1", &xml_status);
  EXPECT_EQ(xml_status, 0) << xml;
  EXPECT_NE(read_file(d + "/r.html").find("Simulated:"), std::string::npos);
  // Virtual timestamps from 2026-01-01T00:00:00Z (the pcap's first record header: ts_sec LE).
  const std::string pcap = read_file(d + "/r.pcap");
  ASSERT_GT(pcap.size(), 40u);
  const auto sec = static_cast<unsigned char>(pcap[24]) | static_cast<unsigned char>(pcap[25]) << 8 |
                   static_cast<unsigned char>(pcap[26]) << 16 |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(pcap[27])) << 24;
  EXPECT_GE(sec, 1767225600u);
  EXPECT_LT(sec, 1767225600u + 120u);
}

TEST(RunSim, AnExpectationTheSimulatedDutDoesNotMeetFailsWithTheStepNamed) {
  ScratchDir dir("l2tpsim-run-sim-fail");
  const std::string f = dir.path() + "/no-stopccn.yaml";
  write_file(f,
             "lac: {no-ppp: true}\n"
             "steps:\n  - open-tunnels: 1\n  - expect: {event: tunnel-up, within: 5s}\n"
             "  - expect: {message: StopCCN, within: 2s, note: the LNS never closes a good tunnel}\n");
  const RunResult r = run_sim(f + " --sim lns --seed 1 --json " + dir.path() + "/f.json");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("StopCCN"), std::string::npos) << r.output;
  const auto j = read_json(dir.path() + "/f.json");
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["verdict"], "fail") << j.dump(2);
  bool named = false;
  for (const auto& ch : j["cases"][0]["checks"])
    named = named || (ch.dump().find("StopCCN") != std::string::npos && !ch.value("passed", true));
  EXPECT_TRUE(named) << "the failed check names the step's StopCCN\n" << j["cases"][0].dump(2);
}

TEST(RunSim, TheSameSeedGivesTheSamePcap) {
  ScratchDir dir("l2tpsim-run-sim-seed");
  const std::string d = dir.path();
  const RunResult a = run_sim(kDemo + " --sim lns -q --seed 5 --pcap " + d + "/a.pcap");
  const RunResult b = run_sim(kDemo + " --sim lns -q --seed 5 --pcap " + d + "/b.pcap");
  const RunResult c = run_sim(kDemo + " --sim lns -q --seed 6 --pcap " + d + "/c.pcap");
  ASSERT_EQ(a.status, 0) << a.output;
  ASSERT_EQ(b.status, 0) << b.output;
  ASSERT_EQ(c.status, 0) << c.output;
  const std::string pa = read_file(d + "/a.pcap");
  EXPECT_GT(pa.size(), 2000u);
  EXPECT_TRUE(pa == read_file(d + "/b.pcap")) << "two runs with --seed 5 differ on the wire";
  EXPECT_FALSE(pa == read_file(d + "/c.pcap")) << "--seed 6 gave the wire of --seed 5";
}

// An LNS tester against the simulated LAC: ${trigger} makes it dial.
TEST(RunSim, AnLnsScenarioRunsAgainstTheSimulatedLacOnTheTrigger) {
  ScratchDir dir("l2tpsim-run-sim-lac");
  const std::string f = dir.path() + "/dial.yaml";
  write_file(f,
             "lns: {no-ppp: true}\n"
             "steps:\n  - shell: {command: \"${trigger}\", background: true}\n"
             "  - expect: {message: SCCRQ, within: 10s}\n  - expect: {event: tunnel-up, within: 5s}\n"
             "  - expect: {event: session-up, within: 5s}\n");
  const RunResult r =
      run_sim(f + " --sim lac --sim-options '--no-ppp --duration 3' --json " + dir.path() + "/l.json");
  EXPECT_EQ(r.status, 0) << r.output;
  const auto j = read_json(dir.path() + "/l.json");
  EXPECT_EQ(j["dut_role"], "lac");
  EXPECT_EQ(j["cases"][0]["verdict"], "pass") << j.dump(2);
}

TEST(RunSim, WhatCannotRunInVirtualTimeIsRefusedOrNotApplicableWithTheReason) {
  ScratchDir dir("l2tpsim-run-sim-refused");
  const std::string d = dir.path();
  // A shell command of this machine: not applicable, nothing sent.
  write_file(d + "/echo.yaml",
             "lac: {no-ppp: true}\n"
             "steps:\n  - open-tunnels: 1\n  - shell: \"echo hello > /dev/null\"\n"
             "  - expect: {event: tunnel-up, within: 5s}\n");
  const RunResult echo = run_sim(d + "/echo.yaml --sim lns --json " + d + "/e.json");
  EXPECT_EQ(echo.status, 1) << echo.output;
  const auto j = read_json(d + "/e.json");
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["verdict"], "not-applicable") << j.dump(2);
  const std::string reason = j["cases"][0]["reason"];
  EXPECT_NE(reason.find("virtual time"), std::string::npos) << reason;
  EXPECT_NE(reason.find("echo hello > /dev/null"), std::string::npos) << reason;
  EXPECT_EQ(j["cases"][0]["first_frame"], 0);

  // Refused before anything runs, status 2, with the reason.
  const auto refused = [&](const std::string& args, const std::string& why) {
    const RunResult r = run_sim(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(why), std::string::npos) << args << "\n" << r.output;
  };
  write_file(d + "/ipsec.yaml",
             "lac: {no-ppp: true, use-ipsec: yes, ipsec-secret: k}\n"
             "steps:\n  - open-tunnels: 1\n  - expect: {event: tunnel-up, within: 5s}\n");
  refused(d + "/ipsec.yaml --sim lns", "use-ipsec");
  refused(d + "/echo.yaml --sim lac", "use --sim lns");
  refused(d + "/echo.yaml --sim lns --sim-options '--use-ipsec required --ipsec-secret k'", "IPsec");
  refused(d + "/echo.yaml --sim lns --sim-options '--radius 127.0.0.1 --radius-secret x'", "RADIUS");
  // A load scenario runs with --sim lns (tests/app/lac_sim_command_test.cpp); its LAC needs an LNS.
  refused(std::string(L2TPSIM_SOURCE_DIR) + "/scenarios/library/examples/load-soak.yaml --sim lac",
          "is a load scenario: its LAC runs against an LNS, so use --sim lns");
  refused(d + "/echo.yaml --sim lac --trigger 'xl2tpd-control c x'", "--trigger");
  refused(d + "/echo.yaml --sim-options '--no-ppp'", "only with --sim");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
