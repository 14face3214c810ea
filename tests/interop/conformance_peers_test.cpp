// The conformance suite against real devices: xl2tpd as an LNS and as a LAC, l2tpns as an LNS.
// Each run's verdicts are compared with a committed file, tests/interop/expected/PEER.tsv (one
// line per case: ID, verdict, why), so a change in the tester's judgement, or in the peer,
// shows up as a test failure naming the case. Every fail and inconclusive in those files is a
// real deviation or limit of that peer (or of its harness), explained with a requirement ID.
//
// L2TPSIM_UPDATE_EXPECTED=1 rewrites the files from the run (keeping the notes of cases whose
// verdict did not change; new notes read "TODO"), for a human to explain and commit.
//
// These runs are left out of the sanitizer build: they take minutes each, and the tester's
// code under ASan is already exercised by conformance_test.cpp against l2tpsim itself.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/child_process.hpp"
#include "tests/support/decoded_pcap.hpp"
#include "tests/support/l2tpns_peer.hpp"
#include "tests/support/loopback_pair.hpp"
#include "tests/support/xl2tpd_peer.hpp"

#if !L2TPSIM_SANITIZED

namespace l2tp::testing {
namespace {

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

struct Expected {
  std::string verdict, note;
};

std::string expected_path(const std::string& name) {
  return std::string(L2TPSIM_SOURCE_DIR) + "/tests/interop/expected/" + name + ".tsv";
}

std::map<std::string, Expected> read_expected(const std::string& path) {
  std::map<std::string, Expected> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos) continue;
    out[line.substr(0, t1)] = {line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1),
                               t2 == std::string::npos ? "" : line.substr(t2 + 1)};
  }
  return out;
}

// The run's verdicts against the committed ones, case by case.
void compare_with_expected(const nlohmann::json& suite, const std::string& name, const std::string& header) {
  const std::string path = expected_path(name);
  const auto expected = read_expected(path);
  std::map<std::string, std::string> actual;
  for (const auto& c : suite["cases"]) actual[c["id"]] = c["verdict"];
  ASSERT_FALSE(actual.empty()) << "the suite ran no case";
  if (const char* u = std::getenv("L2TPSIM_UPDATE_EXPECTED"); u && std::string(u) == "1") {
    std::ofstream out(path);
    out << header;
    for (const auto& c : suite["cases"]) {
      const std::string id = c["id"], v = c["verdict"];
      auto it = expected.find(id);
      std::string note = it != expected.end() && it->second.verdict == v ? it->second.note : "";
      if (note.empty()) note = v == "pass" ? "" : "TODO " + c.value("reason", std::string());
      out << id << "\t" << v << "\t" << note << "\n";
    }
    return;
  }
  for (const auto& [id, v] : actual) {
    const auto it = expected.find(id);
    if (it == expected.end()) {
      ADD_FAILURE() << id << ": " << v << ", not in " << path << " (a new case: add its expected verdict)";
      continue;
    }
    EXPECT_EQ(v, it->second.verdict) << id << " changed verdict against " << name
                                     << "; expected because: " << it->second.note;
  }
  for (const auto& [id, e] : expected) {
    if (!actual.count(id)) ADD_FAILURE() << id << " is in " << path << " but the suite did not run it";
    // A fail or inconclusive must say why, citing the requirement.
    if (e.verdict != "pass") {
      EXPECT_NE(e.note.find_first_of("RP"), std::string::npos) << path << ": " << id << " needs a reason";
      EXPECT_EQ(e.note.find("TODO"), std::string::npos) << path << ": " << id << " is not explained yet";
    }
  }
}

nlohmann::json run_conform(const std::string& prefix, const std::string& args, const std::string& dir) {
  int status = -1;
  const std::string json = dir + "/suite.json";
  const std::string out = run_command(prefix + L2TPSIM_BINARY + " conform " + args + " --json " + json +
                                          " --pcap " + dir + "/suite.pcap --html " + dir + "/suite.html 2>&1",
                                      &status);
  EXPECT_TRUE(status == 0 || status == 1) << out;  // 1: some case failed, which the file says
  auto j = nlohmann::json::parse(read_file(json), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << out;
  ::testing::Test::RecordProperty("conform_output", out);
  return j;
}

void require(const std::string& missing) {
  if (missing.empty()) return;
  if (in_ci()) FAIL() << missing << " (CI=true: a missing peer is a failure)";
  GTEST_SKIP() << missing;
}

std::string xl2tpd_missing() {
  if (::geteuid() != 0) return "xl2tpd interop needs root (mount namespace)";
  if (run_command("command -v xl2tpd").empty()) return "xl2tpd is not installed";
  return "";
}

constexpr const char* kHeader =
    "# Verdicts of the bundled conformance suite against this peer (tests/interop/"
    "conformance_peers_test.cpp).\n# ID\tverdict\twhy (for fail and inconclusive: the peer's deviation, with "
    "the requirement ID)\n";

TEST(ConformancePeers, Xl2tpdAsLns) {
  require(xl2tpd_missing());
  const std::string dir = make_temp_dir("l2tpsim-conform-xl2tpd-lns");
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{"127.0.4.2", "s3cret", true, false, ""}, dir, err);
  ASSERT_TRUE(peer) << err;
  // No --user: the pppd stand-in swallows PPP, so the PPP cases are not applicable here.
  const auto j = run_conform(
      "", "--dut-role lns --target 127.0.4.2:1701 --local-address 127.0.4.3 --secret s3cret", dir);
  peer->stop();
  compare_with_expected(j, "xl2tpd-lns", kHeader);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

TEST(ConformancePeers, Xl2tpdAsLac) {
  require(xl2tpd_missing());
  const std::string dir = make_temp_dir("l2tpsim-conform-xl2tpd-lac");
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{"127.0.4.6", "s3cret", true, false, "127.0.4.7"}, dir, err);
  ASSERT_TRUE(peer) << err;
  // Each case makes xl2tpd dial through its control FIFO.
  const std::string trigger = "echo 'c peer' > " + dir + "/control";
  const auto j = run_conform(
      "", "--dut-role lac --listen 127.0.4.7:1701 --secret s3cret --trigger \"" + trigger + "\"", dir);
  peer->stop();
  compare_with_expected(j, "xl2tpd-lac", kHeader);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

TEST(ConformancePeers, L2tpnsAsLns) {
  require(L2tpnsPeer::missing_prerequisites());
  const std::string dir = make_temp_dir("l2tpsim-conform-l2tpns");
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"alice", "pw", std::nullopt}};
  opt.secret = "s3cret";
  opt.echo_timeout = 2;
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;
  const auto j =
      run_conform(peer->exec_prefix(),
                  "--dut-role lns --target 127.0.0.3:1701 --local-address 127.0.0.1 --secret s3cret "
                  "--user alice --password pw --var echo_wait=25s",
                  dir);
  peer->stop();
  compare_with_expected(j, "l2tpns-lns", kHeader);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace l2tp::testing

#endif  // !L2TPSIM_SANITIZED
