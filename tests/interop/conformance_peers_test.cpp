// The conformance suite against real devices: xl2tpd as an LNS and as a LAC, l2tpns as an LNS.
// Each run's verdicts are compared with a committed file, tests/interop/expected/PEER.tsv (one
// line per case: ID, verdict, why), so a change in the tester's judgement, or in the peer,
// shows up as a test failure naming the case. Every verdict other than pass in those files
// (fail, warn, inconclusive, not-applicable, not-run) is explained on its line: the requirement
// ID, its level (MUST, SHOULD, MAY, FSM, DEF, or the catalogue's lower-case must/should), the RFC
// sentence it rests on, and what the peer did. A fail is a MUST-level deviation of that peer; a
// warn a miss of a weaker requirement; inconclusive and not-applicable a limit of the peer's
// harness or of the case. A verdict written "fail|pass" accepts either: a real deviation the peer
// shows only when its own timers fall inside the case's window, explained on its line.
//
// L2TPSIM_UPDATE_EXPECTED=1 rewrites the files from the run (keeping the notes of cases whose
// verdict did not change; new notes read "TODO" and the tester's reason), for a human to explain
// and commit; the run's directory (suite.json with every check's requirement, level, clause and
// evidence, suite.pcap, suite.html) is kept and its path printed.
//
// These runs are left out of the sanitizer build: they take minutes each, and the tester's
// code under ASan is already exercised by conformance_test.cpp against l2tpsim itself.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/child_process.hpp"
#include "tests/support/ci_required.hpp"
#include "tests/support/conform_shard.hpp"
#include "tests/support/decoded_pcap.hpp"
#include "tests/support/l2tpns_peer.hpp"
#include "tests/support/loopback_pair.hpp"
#include "tests/support/xl2tpd_peer.hpp"

#if !L2TPSIM_SANITIZED

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

bool updating() {
  const char* u = std::getenv("L2TPSIM_UPDATE_EXPECTED");
  return u != nullptr && std::string(u) == "1";
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

// Every line of an expected file has a known verdict, and every verdict but pass says why: the
// requirement's ID and its level (and, by convention, the RFC sentence and what the peer did).
void check_explained(const std::string& path, const std::map<std::string, Expected>& expected) {
  static const std::regex kVerdict(
      "(pass|warn|fail|inconclusive|not-applicable|not-run)(\\|(pass|warn|fail|inconclusive|not-applicable|"
      "not-run))*");
  static const std::regex kRequirement("\\b[RP][0-9]{3}\\b");
  static const std::regex kLevel("\\b(MUST|SHOULD|MAY|FSM|DEF|must|should)\\b");
  for (const auto& [id, e] : expected) {
    EXPECT_TRUE(std::regex_match(e.verdict, kVerdict))
        << path << ": " << id << ": unknown verdict '" << e.verdict << "'";
    if (e.verdict == "pass") continue;
    EXPECT_TRUE(std::regex_search(e.note, kRequirement))
        << path << ": " << id << " (" << e.verdict
        << ") needs a reason naming the requirement ID (R123, P045)";
    EXPECT_TRUE(std::regex_search(e.note, kLevel))
        << path << ": " << id << " (" << e.verdict
        << ") needs the requirement's level (MUST, SHOULD, MAY, FSM, DEF, must, should) in its reason";
    EXPECT_EQ(e.note.find("TODO"), std::string::npos) << path << ": " << id << " is not explained yet";
  }
}

// "fail|pass": a deviation the peer shows only when its own timers line up with the case's
// window (the note says which and why); any verdict listed is accepted.
bool verdict_allowed(const std::string& expected, const std::string& actual) {
  std::stringstream alternatives(expected);
  for (std::string v; std::getline(alternatives, v, '|');)
    if (v == actual) return true;
  return false;
}

// L2TPSIM_UPDATE_EXPECTED: this shard's lines replaced in the file, the others' kept (the shards
// run at once: under a lock).
void update_expected(const nlohmann::json& suite, const std::string& path, const std::string& header) {
  const int lock = ::open((path + ".lock").c_str(), O_CREAT | O_RDWR, 0644);
  ::flock(lock, LOCK_EX);
  auto lines = read_expected(path);
  for (const auto& c : suite["cases"]) {
    const std::string id = c["id"], v = c["verdict"];
    auto it = lines.find(id);
    const bool kept = it != lines.end() && verdict_allowed(it->second.verdict, v);
    std::string note = kept ? it->second.note : "";
    if (note.empty()) note = v == "pass" ? "" : "TODO " + c.value("reason", std::string());
    lines[id] = {kept ? it->second.verdict : v, note};
  }
  std::ofstream out(path);
  out << header;
  for (const auto& [id, e] : lines) out << id << "\t" << e.verdict << "\t" << e.note << "\n";
  out.close();
  ::flock(lock, LOCK_UN);
  ::close(lock);
  std::filesystem::remove(path + ".lock");
}

// The run's verdicts against the committed ones, case by case: exactly the shard's cases ran,
// each with its expected verdict.
void compare_with_expected(const nlohmann::json& suite, const std::string& name, const std::string& header,
                           const std::set<std::string>& planned) {
  const std::string path = expected_path(name);
  if (updating()) return update_expected(suite, path, header);
  const auto expected = read_expected(path);
  std::map<std::string, std::string> actual;
  for (const auto& c : suite["cases"]) actual[c["id"]] = c["verdict"];
  ASSERT_FALSE(actual.empty()) << "the suite ran no case";
  for (const auto& [id, v] : actual) {
    EXPECT_TRUE(planned.count(id)) << id << " ran, but `conform --list` does not name it for this shard";
    const auto it = expected.find(id);
    if (it == expected.end()) {
      ADD_FAILURE() << id << ": " << v << ", not in " << path << " (a new case: add its expected verdict)";
      continue;
    }
    EXPECT_TRUE(verdict_allowed(it->second.verdict, v))
        << id << " changed verdict against " << name << ": " << v << ", expected " << it->second.verdict
        << "; expected because: " << it->second.note;
  }
  for (const auto& id : planned)
    if (!actual.count(id))
      ADD_FAILURE() << id << " is in this shard (conform --list) but the suite did not run it";
  check_explained(path, expected);
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

// False when the peer is missing: a failure with CI=true, a skip elsewhere; the test returns.
bool require(const std::string& missing) {
  if (missing.empty()) return true;
  if (in_ci())
    ADD_FAILURE() << missing << " (CI=true: a missing peer is a failure)";
  else
    [&] { GTEST_SKIP() << missing; }();
  return false;
}
std::string xl2tpd_missing() {
  if (::geteuid() != 0) return "xl2tpd interop needs root (mount namespace)";
  if (run_command("command -v xl2tpd").empty()) return "xl2tpd is not installed";
  return "";
}

// The run's directory goes unless a check failed or the expected file is being rewritten.
void finish(const std::string& dir) {
  if (updating() || ::testing::Test::HasFailure()) {
    std::cout << "[ conform  ] run kept in " << dir << " (suite.json, suite.pcap, suite.html)\n";
    return;
  }
  std::filesystem::remove_all(dir);
}

constexpr const char* kHeader =
    "# Verdicts of the bundled conformance suite against this peer (tests/interop/"
    "conformance_peers_test.cpp).\n# ID\tverdict\twhy (for every verdict but pass: requirement ID (level), "
    "RFC section and sentence, what the peer did)\n";

// The files' explanations are checked without the peers too (milliseconds, no root), and each
// file has a line for exactly the cases of the suite (the shard tests check only their part).
TEST(ConformancePeers, ExpectedFilesExplainEveryVerdict) {
  for (const auto& [name, role] :
       {std::pair{"xl2tpd-lns", "lns"}, {"xl2tpd-lac", "lac"}, {"l2tpns-lns", "lns"}}) {
    const auto expected = read_expected(expected_path(name));
    EXPECT_FALSE(expected.empty()) << expected_path(name);
    check_explained(expected_path(name), expected);
    std::set<std::string> ids;
    for (const auto& e : expected) ids.insert(e.first);
    EXPECT_EQ(ids, listed_cases(role, nullptr)) << expected_path(name) << " against `conform --list`";
  }
}

// The shards of one role together run every case once, in ID order round robin.
TEST(ConformancePeers, ShardsPartitionTheSuite) {
  const auto all = listed_cases("lns", nullptr);
  ASSERT_GT(all.size(), 8u);
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int i = 1; i <= 3; ++i) {
    const Shard sh{i, 3};
    const auto part = listed_cases("lns", &sh);
    EXPECT_NEAR(static_cast<double>(part.size()), all.size() / 3.0, 1.0) << sh.arg();
    total += part.size();
    seen.insert(part.begin(), part.end());
  }
  EXPECT_EQ(total, all.size());
  EXPECT_EQ(seen, all);
  int status = -1;
  const std::string out = run_command(
      std::string(L2TPSIM_BINARY) + " conform --list --dut-role lns --target 127.0.0.1 --shard 4/3 2>&1",
      &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("--shard"), std::string::npos) << out;
}

// xl2tpd as the LNS; shard k uses 127.0.4.(2+16k) for xl2tpd and the next address for the tester.
void xl2tpd_as_lns(Shard sh) {
  if (!require(xl2tpd_missing())) return;
  const std::string dir = make_temp_dir("l2tpsim-conform-xl2tpd-lns");
  const std::string lns = "127.0.4." + std::to_string(2 + 16 * sh.index),
                    lac = "127.0.4." + std::to_string(3 + 16 * sh.index);
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{lns, "s3cret", true, false, "", "", ""}, dir, err);
  ASSERT_TRUE(peer) << err;
  // No --user: the pppd stand-in swallows PPP, so the PPP cases are not applicable here.
  const auto j = run_conform("",
                             "--dut-role lns --target " + lns + ":1701 --local-address " + lac +
                                 " --secret s3cret --shard " + sh.arg(),
                             dir);
  peer->stop();
  compare_with_expected(j, "xl2tpd-lns", kHeader, listed_cases("lns", &sh));
  finish(dir);
}
TEST(ConformancePeers, Xl2tpdAsLns1of2) {
  xl2tpd_as_lns({1, 2});
}
TEST(ConformancePeers, Xl2tpdAsLns2of2) {
  xl2tpd_as_lns({2, 2});
}

// xl2tpd as the LAC, dialling the tester at 127.0.4.(7+16k) from 127.0.4.(6+16k).
void xl2tpd_as_lac(Shard sh) {
  if (!require(xl2tpd_missing())) return;
  const std::string dir = make_temp_dir("l2tpsim-conform-xl2tpd-lac");
  const std::string lac = "127.0.4." + std::to_string(6 + 16 * sh.index),
                    lns = "127.0.4." + std::to_string(7 + 16 * sh.index);
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{lac, "s3cret", true, false, lns, "", ""}, dir, err);
  ASSERT_TRUE(peer) << err;
  // Each case makes xl2tpd dial through its control FIFO.
  const std::string trigger = "echo 'c peer' > " + dir + "/control";
  const auto j = run_conform("",
                             "--dut-role lac --listen " + lns + ":1701 --secret s3cret --trigger \"" +
                                 trigger + "\" --shard " + sh.arg(),
                             dir);
  peer->stop();
  compare_with_expected(j, "xl2tpd-lac", kHeader, listed_cases("lac", &sh));
  finish(dir);
}
// One run, not parts: xl2tpd as a LAC carries state from one case to the next (a case that
// withholds acknowledgements leaves it unwilling to dial for the next), and the expected verdicts
// explain the ones that follow from the suite's order.
TEST(ConformancePeers, Xl2tpdAsLac) {
  xl2tpd_as_lac({1, 1});
}

// l2tpns (in its own network namespace, so every shard has its own at 127.0.0.3).
void l2tpns_as_lns(Shard sh) {
  if (!require(L2tpnsPeer::missing_prerequisites())) return;
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
                  "--user alice --password pw --var echo_wait=25s --shard " +
                      sh.arg(),
                  dir);
  peer->stop();
  compare_with_expected(j, "l2tpns-lns", kHeader, listed_cases("lns", &sh));
  finish(dir);
}
TEST(ConformancePeers, L2tpnsAsLns1of4) {
  l2tpns_as_lns({1, 4});
}
TEST(ConformancePeers, L2tpnsAsLns2of4) {
  l2tpns_as_lns({2, 4});
}
TEST(ConformancePeers, L2tpnsAsLns3of4) {
  l2tpns_as_lns({3, 4});
}
TEST(ConformancePeers, L2tpnsAsLns4of4) {
  l2tpns_as_lns({4, 4});
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing

#endif  // !L2TPSIM_SANITIZED
