// l2tpsim's LAC against l2tpns 2.4.1 (an independent LNS that does PPP itself and
// authenticates over RADIUS), both inside a network namespace the harness creates, with
// FreeRADIUS beside it. The smoke test checks that the L2TP tunnel and session come up and
// that l2tpns starts PPP (LCP Configure-Requests in data messages), with our PPP switched off;
// others run PPP to the end with a RADIUS user (PAP, CHAP) and a pool address, answer
// l2tpns's LCP Echo-Requests, ping l2tpns's address through the session, and see a wrong
// password refused (CDN Result Code 3, l2tpns's only signal), renegotiate LCP or IPCP in place,
// and clear and redial calls at their --session-lifetime; one checks that the harness reports a
// failed start and leaves no namespace behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/ci_required.hpp"
#include "tests/support/decoded_pcap.hpp"
#include "tests/support/l2tpns_peer.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

constexpr const char* kLns = "127.0.0.3";
// Our LAC's own address: left to the kernel it would also be 127.0.0.3 (the LNS's address is
// local in the namespace), and the two ends would differ by port only.
constexpr const char* kLac = "127.0.0.1";
constexpr int kLcp = 0xc021;
constexpr int kIpcp = 0x8021;

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
  EXPECT_EQ(s["dns"], nlohmann::json::array({"10.99.0.253"})) << s.dump();  // l2tpns Acks a 0.0.0.0 secondary
  EXPECT_GE(ppp_from_lns(r.wire, kIpcp, 2), 1u) << "no IPCP Configure-Ack from l2tpns\n" << peer->log();
  peer->stop();
  // l2tpns accounts the session it started.
  EXPECT_NE(peer->accounting().find("MT-User"), std::string::npos) << peer->accounting();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

// The same, in data messages sent by our LAC.
std::size_t ppp_from_lac(const std::vector<WireMessage>& wire, int protocol, int code = 0) {
  std::size_t n = 0;
  for (const auto& m : wire) {
    if (from_lns(m) || !m.j.contains("ppp")) continue;
    const auto& p = m.j["ppp"];
    n += p.value("protocol", -1) == protocol && (code == 0 || p.value("code", -1) == code);
  }
  return n;
}

// Identifiers of the LCP packets with `code` that one side sent, in order.
std::vector<int> lcp_identifiers(const std::vector<WireMessage>& wire, int code, bool lns) {
  std::vector<int> ids;
  for (const auto& m : wire) {
    if (from_lns(m) != lns || !m.j.contains("ppp")) continue;
    const auto& p = m.j["ppp"];
    if (p.value("protocol", -1) == kLcp && p.value("code", -1) == code)
      ids.push_back(p.value("identifier", -1));
  }
  return ids;
}

// The Result Code AVPs of the CDNs that one side sent, as the decoder shows them
// ("result 3", "result 3 error 0 \"...\"").
std::vector<std::string> cdn_result_codes(const std::vector<WireMessage>& wire, bool lns) {
  std::vector<std::string> out;
  for (const auto& m : wire) {
    if (m.name != "CDN" || from_lns(m) != lns) continue;
    for (const auto& avp : m.j["avps"])
      if (avp.value("name", "") == "Result Code") out.push_back(avp.value("value", ""));
  }
  return out;
}

TEST(L2tpns, ChapUserFromRadiusGetsAPoolAddress) {
  REQUIRE_L2TPNS();
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-chap");
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"MT-User", "StrongPass", std::nullopt}};
  opt.authtypes = "chap";
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;

  const auto r = run_lac(
      *peer, dir, "--tunnels 1 --sessions 1 --duration 3 --user MT-User --password StrongPass --allow chap");
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  EXPECT_EQ(r.summary["sessions_established"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["ppp"]["up"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["auth_failures"], 0) << r.summary.dump();
  ASSERT_EQ(r.summary["sessions"].size(), 1u) << r.summary.dump();
  const auto& s = r.summary["sessions"][0];
  EXPECT_EQ(s["user"], "MT-User");
  EXPECT_EQ(s["auth"], "chap");
  EXPECT_EQ(s["local_ip"].get<std::string>().rfind("10.99.0.", 0), 0u) << s.dump();
  EXPECT_EQ(s["remote_ip"], kLns) << s.dump();
  EXPECT_EQ(s["dns"], nlohmann::json::array({"10.99.0.253"})) << s.dump();  // l2tpns Acks a 0.0.0.0 secondary

  // CHAP on the wire (RFC 1994): l2tpns's Challenge, our Response, its Success; no PAP at all.
  constexpr int kChap = 0xc223, kPap = 0xc023;
  EXPECT_GE(ppp_from_lns(r.wire, kChap, 1), 1u) << "no CHAP Challenge from l2tpns\n" << peer->log();
  EXPECT_GE(ppp_from_lac(r.wire, kChap, 2), 1u) << "no CHAP Response from our LAC";
  EXPECT_EQ(ppp_from_lns(r.wire, kChap, 3), 1u) << "no CHAP Success from l2tpns\n" << peer->log();
  EXPECT_EQ(ppp_from_lns(r.wire, kChap, 4), 0u) << "CHAP Failure from l2tpns\n" << peer->log();
  EXPECT_EQ(ppp_from_lns(r.wire, kPap) + ppp_from_lac(r.wire, kPap), 0u);
  EXPECT_GE(ppp_from_lns(r.wire, kIpcp, 2), 1u) << "no IPCP Configure-Ack from l2tpns\n" << peer->log();
  // l2tpns passed the CHAP exchange to FreeRADIUS, which accepted it.
  const std::string radius = peer->radius_log();
  EXPECT_NE(radius.find("CHAP-Password"), std::string::npos) << radius;
  EXPECT_NE(radius.find("Sent Access-Accept"), std::string::npos) << radius;
  EXPECT_EQ(radius.find("Sent Access-Reject"), std::string::npos) << radius;
  peer->stop();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

// l2tpns sends its first LCP Echo-Request echo_timeout seconds after the session's last
// packet and then one every 10 s whatever echo_timeout says (with 1 s: at about 1 s and 11 s
// after IPCP came up), so 13 s gives two with a margin.
TEST(L2tpns, LacAnswersEveryLcpEchoRequestAndTheSessionStaysUp) {
  REQUIRE_L2TPNS();
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-echo");
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"MT-User", "StrongPass", std::nullopt}};
  opt.authtypes = "pap";
  opt.echo_timeout = 1;
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;

  const auto r = run_lac(
      *peer, dir, "--tunnels 1 --sessions 1 --duration 13 --user MT-User --password StrongPass --allow pap");
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  EXPECT_EQ(r.summary["ppp"]["up"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["ppp"]["keepalive_failures"], 0) << r.summary.dump();
  ASSERT_EQ(r.summary["sessions"].size(), 1u) << r.summary.dump();
  // Up until our teardown cleared it: closed, not failed.
  EXPECT_EQ(r.summary["sessions"][0]["state"], "closed") << r.summary.dump();
  EXPECT_EQ(r.summary["sessions_closed_by_peer"], 0) << r.summary.dump();

  const auto requests = lcp_identifiers(r.wire, 9, true);
  const auto replies = lcp_identifiers(r.wire, 10, false);
  ::testing::Test::RecordProperty("echo_requests", static_cast<int>(requests.size()));
  ::testing::Test::RecordProperty("echo_replies", static_cast<int>(replies.size()));
  EXPECT_GE(requests.size(), 2u) << "l2tpns sent too few LCP Echo-Requests\n" << peer->log();
  EXPECT_EQ(ppp_from_lns(r.wire, kLcp, 9), requests.size());
  // One Echo-Reply per Echo-Request, with its identifier (RFC 1661 5.8), and no Echo-Request of
  // our own (our keepalive only starts after 60 s of silence).
  EXPECT_EQ(replies, requests);
  EXPECT_EQ(ppp_from_lac(r.wire, kLcp, 9), 0u);
  EXPECT_EQ(ppp_from_lns(r.wire, kLcp, 10), 0u);
  // l2tpns never gave up on the session: no LCP Terminate-Request, no CDN or StopCCN of its own;
  // the only CDN is ours, after the last echo.
  EXPECT_EQ(ppp_from_lns(r.wire, kLcp, 5), 0u);
  EXPECT_EQ(count(r.wire, "CDN", true), 0u) << peer->log();
  EXPECT_EQ(count(r.wire, "StopCCN", true), 0u) << peer->log();
  EXPECT_EQ(count(r.wire, "CDN", false), 1u);
  double last_echo = 0, our_cdn = 0;
  for (const auto& m : r.wire) {
    if (m.j.contains("ppp") && m.j["ppp"].value("protocol", -1) == kLcp && m.j["ppp"].value("code", -1) == 10)
      last_echo = m.j.value("time", 0.0);
    if (m.name == "CDN" && !from_lns(m)) our_cdn = m.j.value("time", 0.0);
  }
  EXPECT_LT(last_echo, our_cdn);
  EXPECT_EQ(peer->log().find("No response to LCP ECHO"), std::string::npos) << peer->log();
  peer->stop();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

// Pings from our LAC to l2tpns's own address (the IPCP peer address, the default probe target):
// l2tpns takes them off the session onto tun0 and the namespace's kernel answers, back through
// l2tpns. route_localnet lets the kernel accept and answer a 127/8 address on tun0.
TEST(L2tpns, LacPingsTheL2tpnsAddressThroughTheSession) {
  REQUIRE_L2TPNS();
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-ping");
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"MT-User", "StrongPass", std::nullopt}};
  opt.authtypes = "pap";
  opt.route_localnet = true;
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;

  const auto r =
      run_lac(*peer, dir,
              "--tunnels 1 --sessions 1 --duration 3 --user MT-User --password StrongPass --allow pap "
              "--traffic icmp --traffic-interval 0.2");
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  EXPECT_EQ(r.summary["ppp"]["up"], 1) << r.summary.dump();
  ASSERT_EQ(r.summary["sessions"].size(), 1u) << r.summary.dump();
  const auto& s = r.summary["sessions"][0];
  EXPECT_EQ(s["remote_ip"], kLns) << s.dump();
  ::testing::Test::RecordProperty("ping", s.dump());
  EXPECT_GE(s["sent"].get<int>(), 10) << s.dump();
  EXPECT_GT(s["received"].get<int>(), 0) << s.dump();
  EXPECT_EQ(s["received"], s["sent"]) << s.dump();
  EXPECT_EQ(s["lost"], 0) << s.dump();
  ASSERT_TRUE(s["rtt_ms"].is_number()) << s.dump();
  EXPECT_GT(s["rtt_ms"].get<double>(), 0.0) << s.dump();
  EXPECT_EQ(r.summary["ppp"]["traffic"]["received"], s["received"]) << r.summary.dump();
  // Every probe and every answer went through the L2TP session as an IPv4 PPP frame.
  constexpr int kIpv4 = 0x0021;
  EXPECT_EQ(ppp_from_lac(r.wire, kIpv4), s["sent"].get<std::size_t>());
  EXPECT_EQ(ppp_from_lns(r.wire, kIpv4), s["received"].get<std::size_t>()) << peer->log();
  peer->stop();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

// FreeRADIUS rejects the password; l2tpns then clears the call with CDN Result Code 3 and
// nothing else (no PAP Authenticate-Nak, no CHAP Failure, no Error Code, no Disconnect
// Cause). Our LAC counts that as an authentication failure, in the auth phase, naming result 3.
void expect_wrong_password_is_an_auth_failure(const std::string& method) {
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-badpw-" + method);
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"MT-User", "StrongPass", std::nullopt}};
  opt.authtypes = method;
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;

  const auto r =
      run_lac(*peer, dir,
              "--tunnels 1 --sessions 1 --duration 2 --user MT-User --password WrongPass --allow " + method);
  ::testing::Test::RecordProperty("summary", r.summary.dump());
  EXPECT_EQ(r.status, 1) << r.output;  // a session that failed fails the run
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  SCOPED_TRACE(r.summary.dump());
  EXPECT_EQ(r.summary["auth_failures"], 1);
  EXPECT_EQ(r.summary["ppp"]["auth_failures"], 1);
  EXPECT_EQ(r.summary["ppp"]["failed"], 1);
  EXPECT_EQ(r.summary["ppp"]["up"], 0);
  EXPECT_EQ(r.summary["sessions_closed_by_peer"], 1);
  ASSERT_EQ(r.summary["sessions"].size(), 1u);
  const auto& s = r.summary["sessions"][0];
  EXPECT_EQ(s["user"], "MT-User");
  EXPECT_EQ(s["state"], "failed");
  EXPECT_EQ(s["phase_failed"], "auth");
  EXPECT_EQ(s["auth_failed"], true);
  EXPECT_TRUE(s["local_ip"].is_null());
  ASSERT_TRUE(s["reason"].is_string());
  EXPECT_NE(s["reason"].get<std::string>().find("CDN result 3"), std::string::npos);
  // l2tpns's own codes, as fields: its CDN, and the method we were refused with.
  EXPECT_EQ(s["cdn"]["result"], 3);
  EXPECT_TRUE(s["cdn"]["error"].is_null());
  EXPECT_EQ(s["cdn"]["by_peer"], true);
  EXPECT_EQ(s["auth"], method);
  // The text summary says the same.
  EXPECT_NE(r.output.find("failed in auth: the peer cleared the call (CDN result 3)"), std::string::npos)
      << r.output;

  // On the wire: our credentials went out, l2tpns answered with a bare CDN, Result Code 3.
  constexpr int kChap = 0xc223, kPap = 0xc023;
  if (method == "pap") {
    EXPECT_EQ(ppp_from_lac(r.wire, kPap, 1), 1u) << "no PAP Authenticate-Request from our LAC";
  } else {
    EXPECT_EQ(ppp_from_lns(r.wire, kChap, 1), 1u) << "no CHAP Challenge from l2tpns\n" << peer->log();
    EXPECT_EQ(ppp_from_lac(r.wire, kChap, 2), 1u) << "no CHAP Response from our LAC";
  }
  EXPECT_EQ(ppp_from_lns(r.wire, kPap, 2) + ppp_from_lns(r.wire, kChap, 3), 0u) << "l2tpns accepted";
  EXPECT_EQ(ppp_from_lns(r.wire, kPap, 3), 0u) << "l2tpns sent a PAP Authenticate-Nak after all";
  EXPECT_EQ(ppp_from_lns(r.wire, kChap, 4), 0u) << "l2tpns sent a CHAP Failure after all";
  EXPECT_EQ(cdn_result_codes(r.wire, true), std::vector<std::string>{"result 3"}) << peer->log();
  EXPECT_EQ(count(r.wire, "CDN", false), 0u) << "our LAC cleared the call itself";
  EXPECT_EQ(count(r.wire, "StopCCN", true), 0u);
  EXPECT_NE(peer->radius_log().find("Sent Access-Reject"), std::string::npos) << peer->radius_log();
  EXPECT_NE(peer->log().find("Authentication rejected"), std::string::npos) << peer->log();
  peer->stop();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

TEST(L2tpns, WrongPapPasswordIsAnAuthFailureWithCdnResult3) {
  REQUIRE_L2TPNS();
  expect_wrong_password_is_an_auth_failure("pap");
}

TEST(L2tpns, WrongChapPasswordIsAnAuthFailureWithCdnResult3) {
  REQUIRE_L2TPNS();
  expect_wrong_password_is_an_auth_failure("chap");
}

// l2tpns as the peer of renegotiations in place (l2tpsim lac --flap-kind lcp-restart,
// ipcp-restart): our LAC restarts LCP (or IPCP) on its one call about twice a second, and l2tpns
// renegotiates in Opened (RFC 1661 4.1: tld, scr, sca) each time: its own Configure-Request, then
// IPCP again. What l2tpns 2.4.1 does after an LCP restart: its new LCP Configure-Requests carry
// MRU and Magic-Number only, no Authentication-Protocol, so nobody authenticates again (no new
// CHAP Challenge, RADIUS is not asked) and the link goes straight to IPCP, which our LAC accepts
// (a client demands nothing). Every restart comes back up, the call is never cleared or
// redialled, nothing fails.
void expect_restarts_in_place_with_l2tpns(const std::string& kind) {
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-" + kind);
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"MT-User", "StrongPass", std::nullopt}};
  opt.authtypes = "chap";
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;

  const auto r = run_lac(*peer, dir,
                         "--tunnels 1 --sessions 1 --duration 8 --flap 2 --flap-kind " + kind +
                             " --user MT-User --password StrongPass --allow chap");
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  const auto churn = r.summary.value("churn", nlohmann::json::object());
  const auto restarts =
      r.summary.value("ppp", nlohmann::json::object()).value("restarts", nlohmann::json::object());
  const bool lcp = kind == "lcp-restart";
  const auto ours = restarts.value(lcp ? "lcp" : "ipcp", nlohmann::json::object());
  std::cout << kind << " with l2tpns: churn " << churn.dump() << "\n  ppp.restarts " << restarts.dump()
            << "\n";
  const std::uint64_t flaps = churn.value("flaps", std::uint64_t{0});
  EXPECT_GE(flaps, 3u) << r.summary.dump();
  EXPECT_EQ(ours.value("ours", std::uint64_t{0}), flaps);
  EXPECT_GE(ours.value("up", std::uint64_t{0}) + 1, flaps) << "l2tpns did not renegotiate\n" << peer->log();
  EXPECT_EQ(ours.value("failed", std::uint64_t{1}), 0u) << peer->log();
  EXPECT_EQ(churn.value("redials", std::uint64_t{1}), 0u);
  EXPECT_EQ(r.summary["sessions_established"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["ppp"]["up"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["ppp"]["failed"], 0) << r.summary.dump();
  EXPECT_EQ(count(r.wire, "CDN", true), 0u) << "l2tpns cleared the call\n" << peer->log();

  constexpr int kChap = 0xc223;
  const std::size_t restarted = ours.value("up", std::uint64_t{0});
  // IPCP again after every restart: our Configure-Requests and l2tpns's Acks of them.
  EXPECT_GE(ppp_from_lac(r.wire, kIpcp, 1), 1 + restarted);
  EXPECT_GE(ppp_from_lns(r.wire, kIpcp, 2), 1 + restarted) << peer->log();
  // One CHAP exchange, at the start: l2tpns does not ask for authentication again.
  EXPECT_EQ(ppp_from_lns(r.wire, kChap, 1), 1u) << peer->log();
  EXPECT_EQ(ppp_from_lns(r.wire, kChap, 3), 1u) << peer->log();
  const std::string radius = peer->radius_log();
  EXPECT_EQ(occurrences(radius, "Sent Access-Accept"), 1u) << radius;
  if (lcp) {
    // Our LCP Configure-Request per restart, and l2tpns's own each time (Opened x RCR: scr).
    EXPECT_GE(ppp_from_lac(r.wire, kLcp, 1), 1 + restarted);
    EXPECT_GE(ppp_from_lns(r.wire, kLcp, 1), 1 + restarted) << peer->log();
    EXPECT_GE(ppp_from_lns(r.wire, kLcp, 2), 1 + restarted) << peer->log();
  } else {
    EXPECT_EQ(ppp_from_lac(r.wire, kLcp, 1), ppp_from_lns(r.wire, kLcp, 2)) << "LCP is negotiated once";
  }
  peer->stop();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

TEST(L2tpns, LcpRestartInPlaceIsRenegotiatedWithoutNewAuthentication) {
  REQUIRE_L2TPNS();
  expect_restarts_in_place_with_l2tpns("lcp-restart");
}

TEST(L2tpns, IpcpRestartInPlaceIsRenegotiated) {
  REQUIRE_L2TPNS();
  expect_restarts_in_place_with_l2tpns("ipcp-restart");
}

// --session-lifetime against l2tpns: each call is cleared by the LAC (CDN) once it has lived its
// lifetime, counted from its PPP link up, and redialled; RADIUS accepts and accounts every dial,
// PPP comes up on each and nothing fails on either side. One password for every user (a DEFAULT
// entry): each dial authenticates as a user of its own.
TEST(L2tpns, SessionLifetimesClearEachCallAfterPppUpAndItsRedialComesUpAgain) {
  REQUIRE_L2TPNS();
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-lifetime");
  std::string err;
  L2tpnsOptions opt;
  opt.users = {{"DEFAULT", "StrongPass", std::nullopt}};
  opt.authtypes = "chap";
  auto peer = L2tpnsPeer::start(opt, dir, err);
  ASSERT_TRUE(peer) << err;

  const auto r =
      run_lac(*peer, dir,
              "--tunnels 1 --sessions 4 --setup-rate 20 --session-lifetime 2s-3s --redial-delay 0.5 "
              "--duration 12 --user user{n} --password StrongPass --allow chap");
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  const auto churn = r.summary.value("churn", nlohmann::json::object());
  std::cout << "lifetimes with l2tpns: churn " << churn.dump() << "\n";
  // Four calls, each dialled every 2.5-3.5 s (lifetime, then the redial delay) for 12 s; one
  // whose lifetime ends in the last half second is not dialled again.
  const std::uint64_t ended = churn.value("lifetimes_ended", std::uint64_t{0});
  EXPECT_GE(ended, 8u) << r.summary.dump();
  EXPECT_GE(churn.value("redials", std::uint64_t{0}), ended > 4 ? ended - 4 : 0) << r.summary.dump();
  ASSERT_TRUE(r.summary.contains("ppp")) << r.summary.dump();
  EXPECT_EQ(r.summary["sessions_failed"], 0) << r.output;
  EXPECT_EQ(r.summary["ppp"]["failed"], 0) << r.output;
  // A lifetime counts from PPP up, so every call whose lifetime ended had its link up; a redial in
  // the last moments of --duration may still have been negotiating at the teardown.
  const std::uint64_t dials = 4 + churn.value("redials", std::uint64_t{0});
  EXPECT_GE(r.summary["ppp"]["up"].get<std::uint64_t>(), ended) << r.summary.dump();
  EXPECT_LE(r.summary["ppp"]["up"].get<std::uint64_t>(), dials) << r.summary.dump();
  // The LAC cleared them, each link with an LCP Terminate-Request first (sent only on a link that
  // is up); l2tpns cleared nothing itself.
  EXPECT_GE(count(r.wire, "CDN", false), ended);
  EXPECT_GE(ppp_from_lac(r.wire, kLcp, 5), ended);
  EXPECT_EQ(count(r.wire, "CDN", true), 0u) << peer->log();
  EXPECT_EQ(count(r.wire, "StopCCN", true), 0u) << peer->log();
  // Each dial was authenticated, and accounted when it came up (the Stops may come later).
  const std::string radius = peer->radius_log();
  EXPECT_GE(occurrences(radius, "Sent Access-Accept"), ended) << radius;
  EXPECT_GE(occurrences(peer->accounting(), "Acct-Status-Type = Start"), ended) << peer->accounting();
  EXPECT_TRUE(peer->running()) << peer->log();
  peer->stop();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
