// The bundled conformance suite against l2tpsim itself, as CI runs it: every case for a DUT LNS
// against `l2tpsim lns` (tunnel secret, a PPP user, short keepalives), every case for a DUT
// LAC against `l2tpsim lac` started by the suite's --trigger. Every case must pass; the
// reports must be readable by the tools that read them (JSON, JUnit XML through xmllint, the
// HTML with no outside references) and the pcap must dissect cleanly in tshark.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tests/support/child_process.hpp"
#include "tests/support/conform_shard.hpp"
#include "tests/support/decoded_pcap.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every case passed, exactly the shard's cases ran; the report files agree with each other.
void expect_all_passed(const LoopbackPair& pair, int status, const std::string& output,
                       const std::set<std::string>& planned) {
  EXPECT_EQ(status, 0) << output;
  const auto j = read_json(pair.file("suite.json"));
  SCOPED_TRACE(output);
  const auto& t = j["totals"];
  std::set<std::string> ran;
  for (const auto& c : j["cases"]) ran.insert(c["id"].get<std::string>());
  EXPECT_EQ(ran, planned);
  EXPECT_EQ(t.value("pass", 0), static_cast<int>(planned.size()));
  EXPECT_EQ(t.value("fail", -1), 0);
  EXPECT_EQ(t.value("inconclusive", -1), 0);
  EXPECT_EQ(t.value("not_applicable", -1), 0);
  for (const auto& c : j["cases"]) {
    EXPECT_EQ(c["verdict"], "pass") << c.dump(2);
    EXPECT_FALSE(c["requirements"].empty()) << c["id"];
    EXPECT_FALSE(c["checks"].empty()) << c["id"] << " checks nothing";
  }
  int xml_status = -1;
  const std::string xml = run_command("xmllint --noout " + pair.file("suite.xml") + " 2>&1", &xml_status);
  EXPECT_EQ(xml_status, 0) << xml;
  const std::string junit = slurp(pair.file("suite.xml"));
  EXPECT_NE(junit.find("tests=\"" + std::to_string(j["cases"].size()) + "\""), std::string::npos);
  EXPECT_NE(junit.find("failures=\"0\""), std::string::npos);
  const std::string html = slurp(pair.file("suite.html"));
  EXPECT_NE(html.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
}

std::string report_args(const LoopbackPair& pair) {
  return " --json " + pair.file("suite.json") + " --junit " + pair.file("suite.xml") + " --html " +
         pair.file("suite.html") + " --pcap " + pair.file("suite.pcap");
}

// Shard I of N of the LNS cases against `l2tpsim lns`: the suite runs in parts at once (CI's
// interop stage waits on its longest test).
void every_lns_case_passes(Shard sh) {
  LoopbackPair pair("l2tpsim-conform-lns");
  ASSERT_TRUE(pair.ok());
  auto lns = pair.start_lns({"--secret", "s3cret", "--user", "alice", "--password", "pw", "--authentication",
                             "mschap2,chap,pap", "--keepalive-timeout", "3", "--duration", "900"});
  ASSERT_TRUE(lns);
  int status = -1;
  const std::string out =
      run_command(std::string(L2TPSIM_BINARY) + " conform --dut-role lns --target " + pair.lns_endpoint() +
                      " --secret s3cret --user alice --password pw --var echo_wait=15s --shard " + sh.arg() +
                      report_args(pair) + " 2>&1",
                  &status);
  LoopbackPair::stop(*lns);
  expect_all_passed(pair, status, out, listed_cases("lns", &sh));
  // Malformed frames are the ones the cases break on purpose, all ours (the LAC's source
  // address is the kernel's choice for 127.0.0.3: 127.0.0.1).
  expect_only_tester_frames_flagged(pair.file("suite.pcap"), pair.port(), "127.0.0.1");
}
TEST(Conformance, EveryLnsCasePassesAgainstL2tpsimsOwnLns1of3) {
  every_lns_case_passes({1, 3});
}
TEST(Conformance, EveryLnsCasePassesAgainstL2tpsimsOwnLns2of3) {
  every_lns_case_passes({2, 3});
}
TEST(Conformance, EveryLnsCasePassesAgainstL2tpsimsOwnLns3of3) {
  every_lns_case_passes({3, 3});
}

// Shard I of N of the LAC cases against `l2tpsim lac`, started by the suite's --trigger.
void every_lac_case_passes(Shard sh) {
  LoopbackPair pair("l2tpsim-conform-lac");
  ASSERT_TRUE(pair.ok());
  const std::string listen = pair.lns_endpoint();
  const std::string trigger =
      std::string(L2TPSIM_BINARY) + " lac --connect-to " + listen +
      " --local-address 127.0.0.5 --secret s3cret --user alice --password pw --duration 8";
  int status = -1;
  const std::string out = run_command(std::string(L2TPSIM_BINARY) + " conform --dut-role lac --listen " +
                                          listen + " --secret s3cret --user alice --password pw --trigger '" +
                                          trigger + "' --shard " + sh.arg() + report_args(pair) + " 2>&1",
                                      &status);
  expect_all_passed(pair, status, out, listed_cases("lac", &sh));
  expect_only_tester_frames_flagged(pair.file("suite.pcap"), pair.port(), "127.0.0.3");
}
TEST(Conformance, EveryLacCasePassesAgainstL2tpsimsOwnLac1of2) {
  every_lac_case_passes({1, 2});
}
TEST(Conformance, EveryLacCasePassesAgainstL2tpsimsOwnLac2of2) {
  every_lac_case_passes({2, 2});
}

// Without a secret or a user the cases that need them are not applicable, and nothing else
// changes verdict.
TEST(Conformance, CasesThatNeedASecretOrAUserAreNotApplicableWithoutThem) {
  LoopbackPair pair("l2tpsim-conform-na");
  ASSERT_TRUE(pair.ok());
  auto lns = pair.start_lns({"--no-ppp", "--duration", "300"});
  ASSERT_TRUE(lns);
  int status = -1;
  const std::string out =
      run_command(std::string(L2TPSIM_BINARY) + " conform --dut-role lns --target " + pair.lns_endpoint() +
                      " --cases 'LNS-AUTH-*'" + report_args(pair) + " 2>&1",
                  &status);
  LoopbackPair::stop(*lns);
  EXPECT_EQ(status, 0) << out;
  const auto j = read_json(pair.file("suite.json"));
  ASSERT_FALSE(j["cases"].empty()) << out;
  for (const auto& c : j["cases"]) {
    const bool needs_secret = c["reason"].get<std::string>().find("--secret") != std::string::npos;
    if (c["verdict"] == "not-applicable") {
      EXPECT_TRUE(needs_secret) << c.dump(2);
    }
  }
  EXPECT_GE(j["totals"].value("not_applicable", 0), 1) << out;
}

TEST(Conformance, BadUsageAndBadCaseFilesExitTwoWithTheReason) {
  int status = -1;
  std::string out = run_command(std::string(L2TPSIM_BINARY) + " conform --dut-role bras 2>&1", &status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("--dut-role"), std::string::npos) << out;
  LoopbackPair pair("l2tpsim-conform-bad");
  const std::string dir = pair.file("suite/lns");
  run_command("mkdir -p " + dir);
  std::ofstream(dir + "/bad.yaml")
      << "case: {id: X-1, title: t, requirements: [R023], dut: lns}\nlac:\n  no-pp: true\n"
      << "steps:\n  - open-tunnels: 1\n  - expect: {event: tunnel-up, requirement: R023, clause: x}\n";
  out = run_command(std::string(L2TPSIM_BINARY) + " conform --dut-role lns --target 127.0.0.3:1 --suite " +
                        pair.file("suite") + " 2>&1",
                    &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("bad.yaml:3:3: lac.no-pp"), std::string::npos) << out;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
