// Interop tests and their prerequisites (a peer, a tool, root): skipped on a developer's machine
// that lacks one, a failure in CI (CI=true), where a skip would be a failure in disguise.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace l2tp::testing {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

}  // namespace l2tp::testing

// `why_missing`: an optional<string> saying what is missing (nullopt: nothing).
#define REQUIRE_OR_SKIP(why_missing)                                  \
  do {                                                                \
    if (const auto missing_ = (why_missing)) {                        \
      if (in_ci()) FAIL() << *missing_ << " (required with CI=true)"; \
      GTEST_SKIP() << *missing_;                                      \
    }                                                                 \
  } while (0)
