// The pcaps of `l2tpsim lac --sim` in Wireshark: a soak with churn and in-place PPP renegotiation
// under loss, duplication and reordering, captured at the LAC (--pcap) and at the simulated LNS
// (its own --pcap through --sim-options), each dissects in tshark with no malformed packet and
// no expert info, virtual timestamps and all.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/decoded_pcap.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(LacSimPcap, BothSidesOfASoakUnderFaultsDissectCleanly) {
  const std::string dir = testing::make_temp_dir("l2tpsim-lac-sim-pcap");
  const std::string lac = dir + "/lac.pcap", lns = dir + "/lns.pcap";
  const auto r = testing::run_capturing(
      "'" + std::string(L2TPSIM_BINARY) +
      "' lac --sim --tunnels 4 --sessions 50 --setup-rate 200 --session-lifetime 2s-5s --flap 4 --duration "
      "15 "
      "--secret s3cret --sim-loss 0.03 --sim-duplicate 0.03 --sim-reorder 0.03 --seed 21 --pcap '" +
      lac + "' --sim-options \"--pcap '" + lns + "'\"");
  ASSERT_TRUE(WIFEXITED(r.status)) << r.err;
  EXPECT_EQ(WEXITSTATUS(r.status), 0) << r.out << r.err;
  testing::expect_clean_in_tshark(lac);
  testing::expect_clean_in_tshark(lns);
  std::filesystem::remove_all(dir);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
