// --emit-scenario with the LNS side: an l2tpsim LAC-LNS run on loopback (tunnel secret, PAP user
// alice, one call, torn down after 2 s) is recorded by the LNS; its LNS side becomes a scenario
// (`replay --play lns --emit-scenario`), which `l2tpsim run` plays as an LNS tester on another
// port against `l2tpsim lac` as the LAC under test, made to dial by `--trigger`. The same LAC
// passes every expectation; a LAC with another PPP user fails on the exchange that changed (PPP
// does not come up: the tester accepts the captured user only) and only there. Every pcap is
// clean in tshark.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/decoded_pcap.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

struct Check {
  std::string description;
  bool passed = false;
};

struct RunResult {
  int status = -1;
  std::string verdict, log;
  std::vector<Check> checks;
};

// Records the run and emits its LNS side into the pair's directory: the scenario's path.
std::string record_and_emit(LoopbackPair& pair) {
  auto lns = pair.start_lns({"--secret", "s3cret", "--authentication", "pap", "--user", "alice", "--password",
                             "pw", "--host-name", "rec-lns", "--duration", "30"});
  if (!lns) {
    ADD_FAILURE() << "the LNS did not start";
    return "";
  }
  const int lac = pair.run_lac({"--tunnels", "1", "--sessions", "1", "--duration", "2", "--secret", "s3cret",
                                "--user", "alice", "--password", "pw", "--host-name", "rec-lac"});
  LoopbackPair::stop(*lns);
  EXPECT_EQ(lac, 0) << pair.logs();
  expect_clean_in_tshark(pair.file("lns.pcap"), pair.port());
  const std::string out = pair.file("case.yaml");
  int status = -1;
  const std::string log = run_command(std::string(L2TPSIM_BINARY) + " replay " + pair.file("lns.pcap") +
                                          " --port " + std::to_string(pair.port()) +
                                          " --secret s3cret --play lns --emit-scenario " + out + " 2>&1",
                                      &status);
  EXPECT_EQ(status, 0) << log;
  return out;
}

// `l2tpsim run` of the scenario on a port of its own, triggering `l2tpsim lac` with `lac_args`.
RunResult run_with_lac(LoopbackPair& pair, const std::string& scenario, const std::string& lac_args,
                       const std::string& tag) {
  RunResult r;
  const int port = random_lns_port();
  if (port == 0) {
    ADD_FAILURE() << "no free port";
    return r;
  }
  const std::string listen = std::string(kLoopbackLns) + ":" + std::to_string(port);
  const std::string trigger =
      std::string(L2TPSIM_BINARY) + " lac --connect-to " + listen +
      " --local-address 127.0.0.4 --tunnels 1 --sessions 1 --duration 2 --secret s3cret " + lac_args + " > " +
      pair.file(tag + "-lac.log") + " 2>&1";
  r.log = run_command(std::string(L2TPSIM_BINARY) + " run " + scenario + " --listen " + listen +
                          " --secret s3cret --password pw --trigger '" + trigger + "' --json " +
                          pair.file(tag + ".json") + " --pcap " + pair.file(tag + ".pcap") + " 2>&1",
                      &r.status);
  const auto j = read_json(pair.file(tag + ".json"));
  if (j.contains("cases") && !j["cases"].empty()) {
    const auto& c = j["cases"][0];
    r.verdict = c.value("verdict", "");
    for (const auto& ch : c.value("checks", nlohmann::json::array()))
      r.checks.push_back({ch.value("description", ""), ch.value("passed", false)});
  }
  expect_clean_in_tshark(pair.file(tag + ".pcap"), port);
  return r;
}

std::vector<std::string> failed(const RunResult& r) {
  std::vector<std::string> out;
  for (const Check& c : r.checks)
    if (!c.passed) out.push_back(c.description);
  return out;
}

TEST(EmittedLnsScenario, PassesAgainstTheSameLacAndFailsOnlyOnPppForAnotherUser) {
  LoopbackPair pair("l2tpsim-emitted-lns");
  ASSERT_TRUE(pair.ok());
  const std::string scenario = record_and_emit(pair);
  ASSERT_FALSE(scenario.empty());
  std::ifstream in(scenario);
  const std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find("host-name: \"rec-lns\""), std::string::npos);
  EXPECT_NE(yaml.find("authentication: pap"), std::string::npos);
  EXPECT_NE(yaml.find("user: \"alice\""), std::string::npos);

  const RunResult same =
      run_with_lac(pair, scenario, "--user alice --password pw --host-name rec-lac", "same");
  {
    SCOPED_TRACE(same.log);
    EXPECT_EQ(same.status, 0);
    EXPECT_EQ(same.verdict, "pass");
    // SCCRQ, SCCCN, tunnel-up, ICRQ, ICCN, session-up, PAP request, ppp-up, CDN, StopCCN.
    EXPECT_EQ(same.checks.size(), 10u);
    EXPECT_TRUE(failed(same).empty());
  }

  const RunResult other =
      run_with_lac(pair, scenario, "--user bob --password pw --host-name rec-lac", "other");
  SCOPED_TRACE(other.log);
  EXPECT_EQ(other.status, 1);
  EXPECT_EQ(other.verdict, "fail");
  const auto f = failed(other);
  ASSERT_FALSE(f.empty());
  EXPECT_NE(f.front().find("ppp-up"), std::string::npos) << f.front();
  // Everything before PPP held: the tunnel, the call and the LAC's PAP request as another user.
  std::size_t passed_before = 0;
  for (const Check& c : other.checks) {
    if (!c.passed) break;
    ++passed_before;
  }
  EXPECT_EQ(passed_before, 7u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
