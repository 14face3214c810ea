// `l2tpsim replay` run as a user runs it, for the command's tests: the binary in its own process
// (a crash is a failed exit status, not a dead test binary), its exit code, and a usage error.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <string>

#include "tests/support/child_process.hpp"

#ifndef L2TPSIM_BINARY
#error "L2TPSIM_BINARY must be defined"
#endif

namespace l2tp::replay_cli {

// The Windows LAC / Cisco LNS capture the replay tests play.
inline const std::string kWindowsCapture =
    std::string(L2TPSIM_TEST_DATA_DIR) + "/captures/jnetpcap-legacy_test-l2tp.pcap";

inline testing::CommandOutput replay(const std::string& args) {
  return testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' replay " + args);
}

inline int exit_code(const testing::CommandOutput& r) {
  return WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
}

// `replay ARGS` is refused as bad usage (exit 2), saying `says` on stderr when given.
inline void expect_usage_error(const std::string& args, const std::string& says = "") {
  const auto r = replay(args);
  EXPECT_EQ(exit_code(r), 2) << args;
  if (!says.empty()) {
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
  }
}

}  // namespace l2tp::replay_cli
