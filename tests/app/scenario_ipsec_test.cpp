// A scenario's role block takes the IPsec options of `l2tpsim lac|lns` (use-ipsec, ipsec-*,
// pcap-outer): accepted with good values, a bad value refused at its line. A conform run brings
// one IPsec phase up for the whole suite, so its cases must agree on it: a suite whose cases
// differ is refused before anything is sent. (Runs with real peers: IpsecRun.Scenario* in
// tests/interop/ipsec_test.cpp.)
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "tests/support/child_process.hpp"

#ifndef L2TPSIM_BINARY
#error "L2TPSIM_BINARY must be defined"
#endif

namespace l2tp {
namespace L2TPSIM_FILE_ID {

// `l2tpsim check` of one file with `text`; its outcome.
testing::CommandOutput check(const std::string& text) {
  testing::ScratchDir dir("l2tpsim-scenario-ipsec");
  const std::string path = dir.path() + "/s.yaml";
  testing::write_file(path, text);
  return testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' check '" + path + "'");
}

TEST(ScenarioIpsec, IpsecOptionsInRoleBlocksAreAccepted) {
  const auto lac = check(
      "lac:\n"
      "  connect-to: 10.231.0.2\n"
      "  local-address: 10.231.0.1\n"
      "  use-ipsec: yes\n"
      "  ipsec-secret: s3cret\n"
      "  ipsec-mode: tunnel\n"
      "  ipsec-peer: 192.168.231.2\n"
      "  ipsec-local: 192.168.231.1\n"
      "  ipsec-proposals: aes256-sha256-modp2048\n"
      "  ipsec-esp-proposals: aes256-sha256\n"
      "  pcap-outer: outer.pcap\n"
      "steps:\n"
      "  - open-tunnels: 1\n");
  ASSERT_TRUE(WIFEXITED(lac.status)) << testing::describe_status(lac.status);
  EXPECT_EQ(WEXITSTATUS(lac.status), 0) << lac.out << lac.err;
  EXPECT_NE(lac.out.find(": ok, 1 steps"), std::string::npos) << lac.out;

  const auto lns = check(
      "lns:\n"
      "  listen: 10.231.0.2\n"
      "  use-ipsec: required\n"
      "  ipsec-secret: s3cret\n"
      "  ipsec-mode: tunnel\n"
      "steps:\n"
      "  - wait: 1s\n");
  ASSERT_TRUE(WIFEXITED(lns.status)) << testing::describe_status(lns.status);
  EXPECT_EQ(WEXITSTATUS(lns.status), 0) << lns.out << lns.err;
}

TEST(ScenarioIpsec, ABadValueIsRefusedAtItsLine) {
  struct Bad {
    std::string text, line, says;
  };
  for (const Bad& b : {
           Bad{"lac:\n  connect-to: 127.0.0.3\n  use-ipsec: maybe\n  ipsec-secret: s3cret\n"
               "steps:\n  - open-tunnels: 1\n",
               ":3:", "--use-ipsec: 'maybe' is not one of yes, no"},
           Bad{"lac:\n  connect-to: 127.0.0.3\n  use-ipsec: yes\n  ipsec-secret: s3cret\n"
               "  ipsec-mode: sideways\nsteps:\n  - open-tunnels: 1\n",
               ":5:", "--ipsec-mode: 'sideways' is not one of transport, tunnel"},
           Bad{"lac:\n  connect-to: 127.0.0.3\n  use-ipsec: yes\nsteps:\n  - open-tunnels: 1\n",
               ":3:", "--use-ipsec needs --ipsec-secret"},
           Bad{"lac:\n  connect-to: 127.0.0.3\n  use-ipsec: yes\n  ipsec-secret: s\n  ipsec-peer: nowhere\n"
               "steps:\n  - open-tunnels: 1\n",
               ":5:", "--ipsec-peer: 'nowhere' is not an IP address"},
           Bad{"lns:\n  listen: 127.0.0.3\n  use-ipsec: sometimes\n  ipsec-secret: s3cret\n"
               "steps:\n  - wait: 1s\n",
               ":3:", "--use-ipsec: 'sometimes' is not one of no, yes, required"},
       }) {
    SCOPED_TRACE(b.text);
    const auto r = check(b.text);
    ASSERT_TRUE(WIFEXITED(r.status)) << testing::describe_status(r.status);
    EXPECT_EQ(WEXITSTATUS(r.status), 1) << r.out << r.err;
    const std::string all = r.out + r.err;
    EXPECT_NE(all.find(b.line), std::string::npos) << all;
    EXPECT_NE(all.find(b.says), std::string::npos) << all;
    EXPECT_EQ(all.find("not supported"), std::string::npos) << all;
  }
}

// A self-test's LNS is a child process in the same network namespace: its charon and the LAC's
// would share IKE's ports, so IPsec on both sides is refused at the lac: block's use-ipsec.
TEST(ScenarioIpsec, ASelfTestWithIpsecOnBothSidesIsRefusedAtTheLacsUseIpsec) {
  const auto r = check(
      "lns:\n"
      "  listen: 127.0.0.3:23999\n"
      "  use-ipsec: required\n"
      "  ipsec-secret: s3cret\n"
      "lac:\n"
      "  use-ipsec: yes\n"
      "  ipsec-secret: s3cret\n"
      "steps:\n"
      "  - open-tunnels: 1\n");
  ASSERT_TRUE(WIFEXITED(r.status)) << testing::describe_status(r.status);
  EXPECT_EQ(WEXITSTATUS(r.status), 1) << r.out << r.err;
  EXPECT_NE(r.out.find(":6:3: lac.use-ipsec: use-ipsec in both blocks of a self-test"), std::string::npos)
      << r.out;
  // IPsec on the LNS side alone is fine: the LAC plays in the clear against it.
  const auto lns_only = check(
      "lns:\n"
      "  listen: 127.0.0.3:23999\n"
      "  use-ipsec: yes\n"
      "  ipsec-secret: s3cret\n"
      "lac:\n"
      "  no-ppp: true\n"
      "steps:\n"
      "  - open-tunnels: 1\n");
  EXPECT_EQ(WEXITSTATUS(lns_only.status), 0) << lns_only.out << lns_only.err;
}

TEST(ScenarioIpsec, ConformRefusesCasesThatDisagreeOnTheIpsecPhase) {
  testing::ScratchDir dir("l2tpsim-conform-ipsec");
  std::filesystem::create_directories(dir.path() + "/lns");
  auto case_file = [&](const std::string& id, const std::string& ipsec) {
    testing::write_file(dir.path() + "/lns/" + id + ".yaml",
                        "case:\n"
                        "  id: " +
                            id +
                            "\n"
                            "  title: a tunnel comes up\n"
                            "  requirements: [R024]\n"
                            "  dut: lns\n"
                            "lac:\n"
                            "  no-ppp: true\n" +
                            ipsec +
                            "steps:\n"
                            "  - open-tunnels: 1\n"
                            "  - expect: {event: tunnel-up, within: 1s, requirement: R024, clause: \"x\"}\n");
  };
  case_file("T-1", "  use-ipsec: yes\n  ipsec-secret: one\n");
  case_file("T-2", "  use-ipsec: yes\n  ipsec-secret: two\n");
  const auto r = testing::run_capturing(
      "'" + std::string(L2TPSIM_BINARY) +
      "' conform --dut-role lns --target 127.0.0.1:9 --no-liveness --suite '" + dir.path() + "'");
  ASSERT_TRUE(WIFEXITED(r.status)) << testing::describe_status(r.status);
  EXPECT_EQ(WEXITSTATUS(r.status), 2) << r.out << r.err;
  EXPECT_NE(r.err.find("T-2.yaml: its IPsec options (use-ipsec: yes, ipsec-secret: two) differ from"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("share one IPsec phase"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("cases against"), std::string::npos) << "nothing may run: " << r.out;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
