// A scenario's role block takes `l2tpsim lac|lns` option names, but the case runner has no IPsec
// phase: `use-ipsec` there is refused at its line, saying why, not run in the clear.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/child_process.hpp"

#ifndef L2TPSIM_BINARY
#error "L2TPSIM_BINARY must be defined"
#endif

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(ScenarioIpsec, UseIpsecInARoleBlockIsRefusedAtItsLine) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("l2tpsim-scenario-ipsec-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream f(path);
    f << "lac:\n"
         "  connect-to: 127.0.0.3\n"
         "  use-ipsec: true\n"
         "  ipsec-secret: s3cret\n"
         "steps:\n"
         "  - open-tunnels: 1\n";
  }
  const auto r =
      testing::run_capturing("'" + std::string(L2TPSIM_BINARY) + "' check '" + path.string() + "'");
  std::filesystem::remove(path);
  ASSERT_TRUE(WIFEXITED(r.status)) << testing::describe_status(r.status);
  EXPECT_NE(WEXITSTATUS(r.status), 0) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find(":3:"), std::string::npos) << all;  // the use-ipsec line
  EXPECT_NE(all.find("IPsec is not supported in scenario files yet: run `l2tpsim lac --use-ipsec ...`"),
            std::string::npos)
      << all;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
