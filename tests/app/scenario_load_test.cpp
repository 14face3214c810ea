// Load keys in scenario files: a scenario without steps whose lac: block names one is a load
// scenario (its lac: block runs as `l2tpsim lac`); in a scenario with steps each is refused at
// its line, saying why; a load scenario's bad value is refused at its line like the lac
// command's. (The run itself, with real sockets: LoadProfile.LoadScenario* in
// tests/interop/load_profile_test.cpp.)
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

#ifndef L2TPSIM_BINARY
#error "L2TPSIM_BINARY must be defined"
#endif

namespace l2tp {
namespace L2TPSIM_FILE_ID {

// `l2tpsim ARGS FILE` with FILE holding `text`; its outcome.
testing::CommandOutput l2tpsim(const std::string& args, const std::string& text) {
  testing::ScratchDir dir("l2tpsim-scenario-load");
  const std::string path = dir.path() + "/s.yaml";
  testing::write_file(path, text);
  return testing::run_capturing("cd '" + dir.path() + "' && '" + std::string(L2TPSIM_BINARY) + "' " + args +
                                " '" + path + "'");
}

int exit_status(const testing::CommandOutput& r) {
  EXPECT_TRUE(WIFEXITED(r.status)) << testing::describe_status(r.status);
  return WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
}

TEST(ScenarioLoad, EveryLoadKeyInAScenarioWithStepsIsRefusedAtItsLine) {
  const std::vector<std::pair<std::string, std::string>> keys = {{"setup-rate", "200"},
                                                                 {"ramp", "0:10,10s:100"},
                                                                 {"max-outstanding", "50"},
                                                                 {"sessions-per-tunnel", "10"},
                                                                 {"session-lifetime", "1s"},
                                                                 {"redial-delay", "0.5"},
                                                                 {"flap", "2"},
                                                                 {"flap-kind", "cdn"}};
  for (const auto& [key, value] : keys) {
    SCOPED_TRACE(key);
    const auto r = l2tpsim("check",
                           "lac:\n"
                           "  connect-to: 127.0.0.3\n"
                           "  tunnels: 2\n"
                           "  " +
                               key + ": " + value +
                               "\n"
                               "steps:\n"
                               "  - open-tunnels: 1\n");
    EXPECT_EQ(exit_status(r), 1) << r.out << r.err;
    EXPECT_NE(
        r.out.find(":4:3: lac." + key + ": --" + key +
                   ": a scenario with steps opens its calls itself; load keys need a scenario without steps"),
        std::string::npos)
        << r.out;
  }
}

TEST(ScenarioLoad, WithoutStepsALoadKeyMakesALoadScenario) {
  const auto r = l2tpsim("check",
                         "lac:\n"
                         "  connect-to: 127.0.0.3\n"
                         "  tunnels: 3\n"
                         "  sessions: 4\n"
                         "  setup-rate: 100\n"
                         "  session-lifetime: 2s-5s\n"
                         "  redial-delay: 1\n"
                         "  flap: 0.5\n"
                         "  flap-kind: lcp\n"
                         "  max-outstanding: 10\n"
                         "faults:\n"
                         "  - name: lose-first-sccrq\n"
                         "    match: {message: SCCRQ, count: 1}\n"
                         "    drop: true\n");
  EXPECT_EQ(exit_status(r), 0) << r.out << r.err;
  EXPECT_NE(r.out.find(": ok, a load scenario (l2tpsim lac's run: 3 tunnel(s) x 4 call(s)), 1 faults"),
            std::string::npos)
      << r.out;
  // The same block without a load key is a scenario of no steps, as before: nothing is dialled.
  const auto plain = l2tpsim("check", "lac:\n  connect-to: 127.0.0.3\n  tunnels: 3\n");
  EXPECT_EQ(exit_status(plain), 0) << plain.out << plain.err;
  EXPECT_NE(plain.out.find(": ok, 0 steps, 0 faults"), std::string::npos) << plain.out;
}

TEST(ScenarioLoad, ALoadScenariosBadValueIsRefusedAtItsLineAsTheLacCommandRefusesIt) {
  struct Bad {
    std::string block, line, says;
  };
  for (const Bad& b : {
           Bad{"  ramp: soon\n", ":3:", "--ramp: "},
           Bad{"  flap-kind: sometimes\n",
               ":3:", "--flap-kind: 'sometimes' is not one of cdn, lcp, lcp-restart, ipcp-restart, mix"},
           Bad{"  session-lifetime: forever\n", ":3:", "--session-lifetime: "},
           // Both are named; the error stands at the first of them.
           Bad{"  sessions: 4\n  sessions-per-tunnel: 10\n",
               ":3:", "--sessions-per-tunnel replaces --sessions"},
           // The agent options are the lac command's: a scenario is one machine's run.
           Bad{"  setup-rate: 10\n  agent: 1/2\n", ":4:", "unrecognised option '--agent'"},
       }) {
    SCOPED_TRACE(b.block);
    const auto r = l2tpsim("check", "lac:\n  connect-to: 127.0.0.3\n" + b.block + "  redial-delay: 1\n");
    EXPECT_EQ(exit_status(r), 1) << r.out << r.err;
    EXPECT_NE(r.out.find(b.line), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(b.says), std::string::npos) << r.out;
  }
}

// The shipped example checks as what it says it is.
TEST(ScenarioLoad, TheLoadSoakExampleIsALoadScenario) {
  const auto r = testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' check '" + L2TPSIM_SOURCE_DIR +
                                        "/scenarios/library/examples/load-soak.yaml'");
  EXPECT_EQ(exit_status(r), 0) << r.out << r.err;
  EXPECT_NE(r.out.find("load-soak.yaml: ok, a load scenario (l2tpsim lac's run: 2 tunnel(s) x 20 call(s))"),
            std::string::npos)
      << r.out;
}

// --junit has no cases to report in a load run: refused before anything is started or sent.
TEST(ScenarioLoad, RunRefusesJunitForALoadScenario) {
  const auto r =
      l2tpsim("run --target 127.0.0.1:9 --junit out.xml", "lac:\n  setup-rate: 10\n  duration: 1\n");
  EXPECT_EQ(exit_status(r), 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--junit: a load scenario reports as l2tpsim lac does (--json, --html, --pcap)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("l2tpsim lac:"), std::string::npos) << "the LAC must not start: " << r.err;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
