// The bundled conformance suite in virtual time (`l2tpsim conform --sim`): every case for a DUT
// LNS against l2tpsim's own LNS, and every case for a DUT LAC against its own LAC dialling on
// ${trigger}, configured as the socket suite's peers are (tests/interop/conformance_test.cpp):
// the same cases, the same verdicts (all pass), the same reports; the pcap with virtual
// timestamps dissects cleanly in tshark. A seed repeats the wire byte for byte; faults and a
// restart run in virtual time too; a shell command other than the trigger is not applicable.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <set>

#include "tests/support/child_process.hpp"
#include "tests/support/conform_shard.hpp"
#include "tests/support/decoded_pcap.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

// The simulated run's addresses (app/conform_sim.hpp): the tester's frames are the ones a case
// breaks on purpose.
constexpr const char* kTester = "192.0.2.2";

// As the socket suite configures `l2tpsim lns` and the `l2tpsim lac` its trigger starts.
const std::string kLnsArgs =
    " --sim lns --secret s3cret --user alice --password pw"
    " --sim-options '--authentication mschap2,chap,pap --keepalive-timeout 3' --var echo_wait=15s";
const std::string kLacArgs =
    " --sim lac --secret s3cret --user alice --password pw --sim-options '--duration 8'";

std::string reports(const std::string& dir, const std::string& name) {
  return " --json " + dir + "/" + name + ".json --junit " + dir + "/" + name + ".xml --html " + dir + "/" +
         name + ".html --pcap " + dir + "/" + name + ".pcap";
}

struct SimRun {
  int status = -1;
  std::string output;
  double wall_s = 0;
};

SimRun conform(const std::string& args) {
  SimRun r;
  const auto t0 = std::chrono::steady_clock::now();
  r.output = run_command(std::string(L2TPSIM_BINARY) + " conform" + args + " 2>&1", &r.status);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// Every case of the role ran and passed; the reports agree and are readable; the run says it
// was simulated and why the DUT's liveness was not checked.
void expect_all_passed(const std::string& dir, const std::string& name, const SimRun& run,
                       const std::string& role) {
  EXPECT_EQ(run.status, 0) << run.output;
  SCOPED_TRACE(run.output);
  const auto j = read_json(dir + "/" + name + ".json");
  std::set<std::string> ran;
  for (const auto& c : j["cases"]) {
    ran.insert(c["id"].get<std::string>());
    EXPECT_EQ(c["verdict"], "pass") << c.dump(2);
    EXPECT_FALSE(c["checks"].empty()) << c["id"] << " checks nothing";
  }
  EXPECT_EQ(ran, listed_cases(role, nullptr));
  EXPECT_EQ(j["totals"].value("pass", 0), static_cast<int>(ran.size()));
  EXPECT_TRUE(j["simulated"].is_string());
  EXPECT_FALSE(j["dut"].value("checked", true));
  EXPECT_NE(j["dut"].value("not_checked", std::string()), "");
  int xml_status = -1;
  const std::string xml = run_command("xmllint --noout " + dir + "/" + name + ".xml 2>&1", &xml_status);
  EXPECT_EQ(xml_status, 0) << xml;
  const std::string html = read_file(dir + "/" + name + ".html");
  EXPECT_NE(html.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  // Virtual timestamps from 2026-01-01: tshark reads them; only frames of ours are flagged.
  expect_only_tester_frames_flagged(dir + "/" + name + ".pcap", 1701, kTester);
  const std::string first = run_command("tshark -n -r " + dir + "/" + name +
                                        ".pcap -c 1 -T fields -e frame.time_epoch 2>/dev/null");
  EXPECT_EQ(first.rfind("1767225600", 0), 0u) << first;
}

TEST(ConformanceSim, EveryLnsCasePassesAgainstL2tpsimsOwnLnsInVirtualTime) {
  ScratchDir dir("l2tpsim-conform-sim-lns");
  const SimRun run = conform(kLnsArgs + " --seed 11" + reports(dir.path(), "lns"));
  expect_all_passed(dir.path(), "lns", run, "lns");
  std::cout << "[ figures ] every LNS case in virtual time: " << run.wall_s << " s wall\n";
}

TEST(ConformanceSim, EveryLacCasePassesAgainstL2tpsimsOwnLacInVirtualTime) {
  ScratchDir dir("l2tpsim-conform-sim-lac");
  const SimRun run = conform(kLacArgs + " --seed 11" + reports(dir.path(), "lac"));
  expect_all_passed(dir.path(), "lac", run, "lac");
  std::cout << "[ figures ] every LAC case in virtual time: " << run.wall_s << " s wall\n";
}

TEST(ConformanceSim, TheSameSeedGivesTheSameWire) {
  ScratchDir dir("l2tpsim-conform-sim-seed");
  for (const auto& [role, args] : {std::pair{"lns", kLnsArgs}, std::pair{"lac", kLacArgs}}) {
    const std::string a = dir.path() + "/" + role + "-a.pcap", b = dir.path() + "/" + role + "-b.pcap",
                      c = dir.path() + "/" + role + "-c.pcap";
    const SimRun ra = conform(args + " --seed 5 --pcap " + a);
    const SimRun rb = conform(args + " --seed 5 --pcap " + b);
    const SimRun rc = conform(args + " --seed 6 --pcap " + c);
    ASSERT_EQ(ra.status, 0) << ra.output;
    ASSERT_EQ(rb.status, 0) << rb.output;
    ASSERT_EQ(rc.status, 0) << rc.output;
    const std::string pa = read_file(a);
    EXPECT_GT(pa.size(), 10000u) << role;
    EXPECT_TRUE(pa == read_file(b)) << role << ": two runs with --seed 5 differ on the wire";
    // Another seed: other Random Vectors, challenges and IDs.
    EXPECT_FALSE(pa == read_file(c)) << role << ": --seed 6 gave the wire of --seed 5";
  }
}

// Frames from the tester of one message type (tshark's l2tp.avp.message_type) in a case's frames.
int tester_messages(const std::string& pcap, const nlohmann::json& c, int type) {
  const std::string out = run_command(
      "tshark -n -r " + pcap +
      " -d udp.port==1701,l2tp -Y 'frame.number >= " + std::to_string(c["first_frame"].get<int>()) +
      " && frame.number <= " + std::to_string(c["last_frame"].get<int>()) + " && ip.src == " + kTester +
      " && l2tp.avp.message_type == " + std::to_string(type) + "' -T fields -e frame.number 2>/dev/null");
  return static_cast<int>(lines_of(out).size());
}

// Faults (a drop, a duplicate) between the tester's node and the net, and a restart, as on sockets.
TEST(ConformanceSim, FaultsAndARestartRunInVirtualTime) {
  ScratchDir dir("l2tpsim-conform-sim-faults");
  const SimRun run =
      conform(kLnsArgs + " --seed 3 --cases LNS-REL-006,LNS-REL-014,LNS-REL-015" + reports(dir.path(), "f"));
  EXPECT_EQ(run.status, 0) << run.output;
  const auto j = read_json(dir.path() + "/f.json");
  ASSERT_EQ(j["cases"].size(), 3u) << run.output;
  const std::string pcap = dir.path() + "/f.pcap";
  for (const auto& c : j["cases"]) {
    EXPECT_EQ(c["verdict"], "pass") << c.dump(2);
    const std::string id = c["id"];
    if (id == "LNS-REL-006") {
      EXPECT_EQ(tester_messages(pcap, c, 12), 2) << "the duplicate fault sends the ICCN twice";
    } else if (id == "LNS-REL-014") {
      EXPECT_EQ(tester_messages(pcap, c, 1), 2) << "an SCCRQ before the restart and one after it";
    } else {
      // The drop fault: the DUT's SCCRP unanswered, retransmitted until it gives up (about 31 s).
      EXPECT_GT(c["duration_s"].get<double>(), 30.0) << c.dump(2);
      EXPECT_EQ(tester_messages(pcap, c, 3), 0) << "no SCCCN of ours passes the drop";
    }
  }
}

// `shell: true` is an action that does nothing, the same in virtual time; any other command
// would need this machine, so its case is not applicable, with the reason, never passed.
TEST(ConformanceSim, AShellStepOtherThanTheTriggerIsNotApplicableWithTheReason) {
  ScratchDir dir("l2tpsim-conform-sim-shell");
  const std::string suite = dir.path() + "/suite/lns";
  run_command("mkdir -p " + suite);
  write_file(suite + "/echo.yaml",
             "case: {id: X-ECHO, title: a shell command, requirements: [R137], dut: lns}\n"
             "lac: {no-ppp: true}\n"
             "steps:\n  - open-tunnels: 1\n  - shell: \"echo hello > /dev/null\"\n"
             "  - expect: {event: tunnel-up, within: 5s, requirement: R137, clause: x}\n");
  write_file(suite + "/true.yaml",
             "case: {id: X-TRUE, title: a shell true, requirements: [R137], dut: lns}\n"
             "lac: {no-ppp: true}\n"
             "steps:\n  - open-tunnels: 1\n  - shell: \"true\"\n"
             "  - expect: {event: tunnel-up, within: 5s, requirement: R137, clause: x}\n");
  const SimRun run = conform(" --sim lns --suite " + dir.path() + "/suite --json " + dir.path() + "/s.json");
  EXPECT_EQ(run.status, 0) << run.output;
  const auto j = read_json(dir.path() + "/s.json");
  ASSERT_EQ(j["cases"].size(), 2u) << run.output;
  for (const auto& c : j["cases"]) {
    if (c["id"] == "X-ECHO") {
      EXPECT_EQ(c["verdict"], "not-applicable") << c.dump(2);
      const std::string reason = c["reason"];
      EXPECT_NE(reason.find("virtual time"), std::string::npos) << reason;
      EXPECT_NE(reason.find("echo hello > /dev/null"), std::string::npos) << reason;
      EXPECT_EQ(c["first_frame"], 0) << "nothing of a case that cannot run is sent";
    } else {
      EXPECT_EQ(c["verdict"], "pass") << c.dump(2);
    }
  }
  // The trigger is the simulated LAC's; a --trigger of one's own has no machine to run on.
  int status = -1;
  const std::string out = run_command(
      std::string(L2TPSIM_BINARY) + " conform --sim lac --trigger 'xl2tpd-control c x' 2>&1", &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("--trigger"), std::string::npos) << out;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
