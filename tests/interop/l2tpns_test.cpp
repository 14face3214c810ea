// l2tpsim's LAC against l2tpns 2.4.1 (an independent LNS that does PPP itself and
// authenticates over RADIUS), both inside a network namespace the harness creates, with
// FreeRADIUS beside it. The smoke test checks that the L2TP tunnel and session come up and
// that l2tpns starts PPP (LCP Configure-Requests in data messages), with our PPP switched off;
// another runs PPP to the end with a RADIUS user and a pool address; a third checks that the
// harness reports a failed start and leaves no namespace behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/decoded_pcap.hpp"
#include "tests/support/l2tpns_peer.hpp"

namespace l2tp::testing {
namespace {

constexpr const char* kLns = "127.0.0.3";
// Our LAC's own address: left to the kernel it would also be 127.0.0.3 (the LNS's address is
// local in the namespace), and the two ends would differ by port only.
constexpr const char* kLac = "127.0.0.1";
constexpr int kLcp = 0xc021;
constexpr int kIpcp = 0x8021;

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// With CI=true a machine that cannot run l2tpns is a failure, elsewhere a skip with the reason.
#define REQUIRE_L2TPNS()                                                                      \
  do {                                                                                        \
    const std::string l2tpns_missing = L2tpnsPeer::missing_prerequisites();                   \
    if (!l2tpns_missing.empty()) {                                                            \
      if (in_ci()) FAIL() << l2tpns_missing << " (CI=true: prerequisites must be installed)"; \
      GTEST_SKIP() << l2tpns_missing;                                                         \
    }                                                                                         \
  } while (0)

bool from_lns(const WireMessage& m) {
  return m.src == std::string(kLns) + ":1701";
}

std::size_t count(const std::vector<WireMessage>& wire, const std::string& name, bool lns) {
  std::size_t n = 0;
  for (const auto& m : wire) n += m.name == name && from_lns(m) == lns;
  return n;
}

// PPP frames of `protocol` (and `code`, if not 0) in data messages sent by l2tpns.
std::size_t ppp_from_lns(const std::vector<WireMessage>& wire, int protocol, int code = 0) {
  std::size_t n = 0;
  for (const auto& m : wire) {
    if (!from_lns(m) || !m.j.contains("ppp")) continue;
    const auto& p = m.j["ppp"];
    n += p.value("protocol", -1) == protocol && (code == 0 || p.value("code", -1) == code);
  }
  return n;
}

struct LacRun {
  int status = -1;
  std::string output;
  nlohmann::json summary;
  std::vector<WireMessage> wire;
};

LacRun run_lac(const L2tpnsPeer& peer, const std::string& dir, const std::string& args) {
  LacRun r;
  const std::string json = dir + "/lac.json", pcap = dir + "/lac.pcap";
  r.output = run_command(peer.exec_prefix() + L2TPSIM_BINARY + " lac --connect-to " + kLns +
                             ":1701 --local-address " + kLac + " " + args + " --json " + json + " --pcap " +
                             pcap + " 2>&1",
                         &r.status);
  r.summary = nlohmann::json::parse(read_file(json), nullptr, false);
  r.wire = decode_pcap(L2TPSIM_BINARY, pcap);
  expect_clean_in_tshark(pcap);
  return r;
}

bool netns_exists(const std::string& name) {
  for (const auto& line : lines_of(run_command("ip netns list 2>/dev/null")))
    if (line == name || line.rfind(name + " ", 0) == 0) return true;
  return false;
}

TEST(L2tpns, SmokeTunnelAndSessionComeUpAndL2tpnsStartsLcp) {
  REQUIRE_L2TPNS();
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-smoke");
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"MT-User", "StrongPass", std::nullopt}};
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;
  const std::string netns = peer->netns();
  EXPECT_TRUE(netns_exists(netns));

  // L2TP only: our LAC leaves l2tpns's LCP unanswered, which must not stop the session.
  const auto r = run_lac(*peer, dir, "--tunnels 1 --sessions 1 --duration 2 --no-ppp");
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  EXPECT_EQ(r.summary["tunnels_established"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["sessions_established"], 1) << r.summary.dump();
  EXPECT_EQ(count(r.wire, "SCCRQ", false), 1u);
  EXPECT_EQ(count(r.wire, "SCCRP", true), 1u) << peer->log();
  EXPECT_EQ(count(r.wire, "SCCCN", false), 1u);
  EXPECT_EQ(count(r.wire, "ICRQ", false), 1u);
  EXPECT_EQ(count(r.wire, "ICRP", true), 1u) << peer->log();
  EXPECT_EQ(count(r.wire, "ICCN", false), 1u);
  EXPECT_GE(ppp_from_lns(r.wire, kLcp, 1), 1u) << "no LCP Configure-Request from l2tpns";
  // Nothing failed on l2tpns's side: it neither cleared the call nor the tunnel itself.
  EXPECT_EQ(count(r.wire, "CDN", true), 0u);
  EXPECT_EQ(count(r.wire, "StopCCN", true), 0u);

  // l2tpns is still there (no crash); stop() ends it and removes the namespace.
  EXPECT_TRUE(peer->running()) << peer->log();
  EXPECT_NE(peer->stop(), -1);
  EXPECT_FALSE(peer->running());
  EXPECT_FALSE(netns_exists(netns)) << "the harness left namespace " << netns << " behind";
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

// Namespaces this test process has created and not yet deleted.
std::vector<std::string> our_namespaces() {
  std::vector<std::string> out;
  const std::string prefix = "l2tpsim-l2tpns-" + std::to_string(getpid()) + "-";
  for (const auto& line : lines_of(run_command("ip netns list 2>/dev/null")))
    if (line.rfind(prefix, 0) == 0) out.push_back(line.substr(0, line.find(' ')));
  return out;
}

TEST(L2tpns, HarnessReportsAFailedStartAndCleansUp) {
  REQUIRE_L2TPNS();
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-bad");
  std::string err;
  L2tpnsOptions opt;
  opt.extra_config = {"set cluster_interface nosuch0"};  // fatal for l2tpns
  const auto before = our_namespaces();
  auto peer = L2tpnsPeer::start(opt, dir, err);
  EXPECT_FALSE(peer);
  EXPECT_NE(err.find("l2tpns exited during startup"), std::string::npos) << err;
  EXPECT_NE(err.find("nosuch0"), std::string::npos) << "the error should show l2tpns's complaint: " << err;
  EXPECT_EQ(our_namespaces(), before);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

TEST(L2tpns, PapUserFromRadiusGetsAPoolAddress) {
  REQUIRE_L2TPNS();
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-pap");
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"MT-User", "StrongPass", std::nullopt}};
  opt.authtypes = "pap";
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;

  const auto r = run_lac(
      *peer, dir, "--tunnels 1 --sessions 1 --duration 3 --user MT-User --password StrongPass --allow pap");
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  EXPECT_EQ(r.summary["sessions_established"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["ppp"]["up"], 1) << r.summary.dump();
  // l2tpns asked FreeRADIUS, which accepted MT-User with PAP.
  EXPECT_NE(peer->radius_log().find("Sent Access-Accept"), std::string::npos) << peer->radius_log();
  ASSERT_EQ(r.summary["sessions"].size(), 1u) << r.summary.dump();
  const auto& s = r.summary["sessions"][0];
  EXPECT_EQ(s["user"], "MT-User");
  EXPECT_EQ(s["auth"], "pap");
  // IPCP: our address from l2tpns's pool, l2tpns's own address is its bind address, and the
  // DNS server it was configured with.
  EXPECT_EQ(s["local_ip"].get<std::string>().rfind("10.99.0.", 0), 0u) << s.dump();
  EXPECT_EQ(s["remote_ip"], kLns) << s.dump();
  EXPECT_EQ(s["dns"][0], "10.99.0.253") << s.dump();
  EXPECT_GE(ppp_from_lns(r.wire, kIpcp, 2), 1u) << "no IPCP Configure-Ack from l2tpns\n" << peer->log();
  peer->stop();
  // l2tpns accounts the session it started.
  EXPECT_NE(peer->accounting().find("MT-User"), std::string::npos) << peer->accounting();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace l2tp::testing
