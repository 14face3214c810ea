// `l2tpsim rules --coverage` on the bundled suite and on a suite made here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"

namespace fs = std::filesystem;

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

std::string suite_dir() {
  return std::string(L2TPSIM_SOURCE_DIR) + "/scenarios/library/conformance";
}

// Every binding requirement for a DUT LNS is cited by a case or listed as not testable here.
TEST(RulesCoverage, BundledSuiteLeavesNothingUncoveredForADutLns) {
  const auto r = run_capturing(std::string(L2TPSIM_BINARY) + " rules --coverage --dut-role lns --suite '" +
                               suite_dir() + "' --fail-uncovered");
  EXPECT_EQ(r.status, 0) << describe_status(r.status) << "\n" << r.err << r.out;
  EXPECT_NE(r.out.find(" 0 uncovered"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("UNCOVERED"), std::string::npos) << r.out;
}

class TinySuite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("l2tpsim-coverage-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "lns");
    std::ofstream(dir_ / "lns" / "one.yaml") << "case:\n"
                                                "  id: LNS-X-001\n"
                                                "  title: t\n"
                                                "  requirements: [R274]\n"
                                                "  dut: lns\n"
                                                "lac:\n"
                                                "  no-ppp: true\n"
                                                "steps:\n"
                                                "  - open-tunnels: 1\n"
                                                "  - expect: {event: tunnel-up, within: 5s, setup: true}\n";
    std::ofstream(dir_ / "not-testable.tsv") << "id\tdut-role\treason\nR273\tboth\tneeds an operator\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string run(const std::string& args) {
    last_ = run_capturing(std::string(L2TPSIM_BINARY) + " rules --coverage --suite '" + dir_.string() + "' " +
                          args);
    return last_.out;
  }
  fs::path dir_;
  CommandOutput last_;
};

TEST_F(TinySuite, TableTotalsAndExitStatus) {
  const std::string out = run("--dut-role lns");
  EXPECT_EQ(last_.status, 0) << last_.err;
  EXPECT_NE(out.find("R274"), std::string::npos);
  EXPECT_NE(out.find("LNS-X-001"), std::string::npos);
  EXPECT_NE(out.find("needs an operator"), std::string::npos);
  EXPECT_NE(out.find("UNCOVERED"), std::string::npos);
  EXPECT_NE(out.find("1 of "), std::string::npos);
  run("--dut-role lns --fail-uncovered");
  EXPECT_NE(last_.status, 0);  // exit status 1: plenty is uncovered in this suite
}

TEST_F(TinySuite, Json) {
  const auto j = nlohmann::json::parse(run("--dut-role lns --json"));
  EXPECT_EQ(j["dut_role"], "lns");
  EXPECT_EQ(j["totals"]["covered"], 1);
  bool saw = false;
  for (const auto& r : j["rows"])
    if (r["id"] == "R273") {
      EXPECT_EQ(r["status"], "not-testable");
      saw = true;
    }
  EXPECT_TRUE(saw);
  // Without --dut-role: both roles, one object each.
  const auto both = nlohmann::json::parse(run("--json"));
  ASSERT_TRUE(both.is_array());
  EXPECT_EQ(both.size(), 2u);
}

TEST_F(TinySuite, UsageErrors) {
  run("--dut-role bng");
  EXPECT_NE(last_.err.find("lns or lac"), std::string::npos);
  std::ofstream(dir_ / "not-testable.tsv") << "id\tdut-role\treason\nR273\tnowhere\twhy\n";
  run("--dut-role lns");
  EXPECT_NE(last_.err.find("not-testable.tsv:2: dut-role 'nowhere'"), std::string::npos) << last_.err;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
