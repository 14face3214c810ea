// Listing a shard's cases. See conform_shard.hpp.
#include "tests/support/conform_shard.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {

std::set<std::string> listed_cases(const std::string& role, const Shard* shard) {
  int status = -1;
  const std::string out =
      run_command(std::string(L2TPSIM_BINARY) + " conform --list --dut-role " + role + " --target 127.0.0.1" +
                      (shard ? " --shard " + shard->arg() : "") + " 2>&1",
                  &status);
  EXPECT_EQ(status, 0) << out;
  std::set<std::string> ids;
  std::stringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (const auto tab = line.find('\t'); tab != std::string::npos) ids.insert(line.substr(0, tab));
  return ids;
}

}  // namespace l2tp::testing
