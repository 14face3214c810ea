// `l2tpsim version` names the allocator the binary was linked with, and it is the one the build
// chose (app/CMakeLists.txt: jemalloc unless a sanitizer owns malloc or libjemalloc-dev is
// missing): a build that fell back to glibc's malloc without saying so fails here.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

TEST(Version, NamesTheAllocatorTheBuildLinked) {
  const auto r = run_capturing(std::string(L2TPSIM_BINARY) + " version");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("l2tpsim "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::string("allocator: ") + L2TPSIM_ALLOCATOR + "\n"), std::string::npos) << r.out;
  if (std::string(L2TPSIM_ALLOCATOR) == "jemalloc") {
    // Really jemalloc: it answers its own option variable (glibc ignores MALLOC_CONF).
    const auto stats =
        run_capturing("MALLOC_CONF=stats_print:true " + std::string(L2TPSIM_BINARY) + " version");
    EXPECT_NE((stats.out + stats.err).find("jemalloc statistics"), std::string::npos) << stats.err;
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
