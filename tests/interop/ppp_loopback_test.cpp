// PPP between `l2tpsim lac` and `l2tpsim lns` over loopback: every authentication method comes
// up with a pool address and carries pings, a wrong password is refused with the protocol's
// failure and a CDN with an RFC 3145 cause, and a LAC that goes silent is disconnected by the
// LNS the RouterOS way (keepalive-timeout, then five echoes one second apart).
#include <gtest/gtest.h>
#include <signal.h>

#include <set>

#include "tests/support/decoded_pcap.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

// Data messages carrying PPP protocol `name` ("PAP", "CHAP", "LCP") with code `code_name`.
std::size_t count_ppp(const std::vector<WireMessage>& w, const std::string& name,
                      const std::string& code_name) {
  std::size_t n = 0;
  for (const auto& m : w) {
    if (m.name != "data" || !m.j.contains("ppp")) continue;
    const auto& p = m.j["ppp"];
    n += p.value("name", "") == name && p.value("code_name", "") == code_name;
  }
  return n;
}

class PppMethod : public ::testing::TestWithParam<std::string> {};

TEST_P(PppMethod, ComesUpWithPoolAddressAndCarriesPings) {
  const std::string method = GetParam();
  LoopbackPair pair("l2tpsim-ppp");
  ASSERT_TRUE(pair.ok());
  auto lns = pair.start_lns({"--authentication", method, "--user", "user{n}", "--password", "pw-" + method,
                             "--remote-address", "10.7.0.10-10.7.0.200", "--local-address", "10.7.0.1",
                             "--dns-server", "10.7.0.53"});
  ASSERT_TRUE(lns);
  const int status =
      pair.run_lac({"--tunnels", "2", "--sessions", "2", "--duration", "3", "--user", "user{n}", "--password",
                    "pw-" + method, "--allow", method, "--traffic", "icmp", "--traffic-interval", "0.2"});
  EXPECT_EQ(status, 0) << pair.logs();
  EXPECT_EQ(LoopbackPair::stop(*lns), 0) << pair.logs();

  const auto lac = read_json(pair.file("lac.json"));
  SCOPED_TRACE(lac.dump());
  EXPECT_EQ(lac.value("sessions_ppp_up", -1), 4);
  EXPECT_EQ(lac.value("auth_failures", -1), 0);
  ASSERT_EQ(lac["sessions"].size(), 4u);
  std::set<std::string> users, addresses;
  for (const auto& s : lac["sessions"]) {
    EXPECT_EQ(s["auth"], method);
    EXPECT_EQ(s["remote_ip"], "10.7.0.1");
    EXPECT_EQ(s["dns"], nlohmann::json::array({"10.7.0.53"}));
    addresses.insert(s["local_ip"].get<std::string>());
    users.insert(s["user"].get<std::string>());
    EXPECT_GE(s["sent"].get<int>(), 10);
    EXPECT_EQ(s["received"], s["sent"]);
    EXPECT_EQ(s["lost"], 0);
    EXPECT_TRUE(s["rtt_ms"].is_number());
  }
  EXPECT_EQ(users, (std::set<std::string>{"user1", "user2", "user3", "user4"}));
  EXPECT_EQ(addresses.size(), 4u);  // each from the pool, none twice
  for (const auto& a : addresses) EXPECT_EQ(a.rfind("10.7.0.", 0), 0u) << a;

  const auto ns = read_json(pair.file("lns.json"));
  EXPECT_EQ(ns.value("sessions_ppp_up", -1), 4) << ns.dump();
  EXPECT_GE(ns["ppp"].value("echo_answered", 0), 40) << ns.dump();
  expect_clean_in_tshark(pair.file("lac.pcap"), pair.port());
}

INSTANTIATE_TEST_SUITE_P(Methods, PppMethod, ::testing::Values("pap", "chap", "mschap1", "mschap2"));

class PppWrongPassword : public ::testing::TestWithParam<std::string> {};

TEST_P(PppWrongPassword, IsRefusedWithProtocolFailureThenCdnAndCause16) {
  const std::string method = GetParam();
  LoopbackPair pair("l2tpsim-ppp-bad");
  ASSERT_TRUE(pair.ok());
  auto lns = pair.start_lns({"--authentication", method, "--user", "alice", "--password", "right"});
  ASSERT_TRUE(lns);
  const int status = pair.run_lac({"--tunnels", "1", "--sessions", "1", "--duration", "5", "--user", "alice",
                                   "--password", "wrong", "--allow", method});
  EXPECT_EQ(status, 1) << pair.logs();  // a failed session fails the run
  EXPECT_EQ(LoopbackPair::stop(*lns), 0) << pair.logs();

  const auto lac = read_json(pair.file("lac.json"));
  SCOPED_TRACE(lac.dump());
  EXPECT_EQ(lac.value("auth_failures", -1), 1);
  EXPECT_EQ(lac.value("sessions_ppp_up", -1), 0);
  ASSERT_EQ(lac["sessions"].size(), 1u);
  EXPECT_EQ(lac["sessions"][0]["state"], "failed");
  EXPECT_EQ(lac["sessions"][0]["phase_failed"], "auth");
  const auto ns = read_json(pair.file("lns.json"));
  EXPECT_EQ(ns.value("auth_failures", -1), 1) << ns.dump();
  ASSERT_EQ(ns["sessions"].size(), 1u);
  EXPECT_EQ(ns["sessions"][0]["disconnect_cause"]["code"], 16) << ns.dump();

  // On the wire: the protocol's own refusal, then the LNS's CDN.
  const auto wire = decode_pcap(L2TPSIM_BINARY, pair.file("lac.pcap"), pair.port());
  if (method == "pap")
    EXPECT_EQ(count_ppp(wire, "PAP", "Authenticate-Nak"), 1u);
  else
    EXPECT_EQ(count_ppp(wire, "CHAP", "Failure"), 1u);
  // The authenticator ends the link (RFC 1661 P008): its Terminate-Request, then its CDN.
  std::size_t cdn_from_lns = 0, cdn_from_lac = 0;
  for (const auto& m : wire) {
    const bool from_lns = m.src.rfind(kLoopbackLns, 0) == 0;
    cdn_from_lns += m.name == "CDN" && from_lns;
    cdn_from_lac += m.name == "CDN" && !from_lns;
  }
  EXPECT_EQ(cdn_from_lns, 1u);
  EXPECT_EQ(cdn_from_lac, 0u);
  EXPECT_GE(count_ppp(wire, "LCP", "Terminate-Request"), 1u);
}

INSTANTIATE_TEST_SUITE_P(Methods, PppWrongPassword, ::testing::Values("pap", "chap", "mschap1", "mschap2"));

// RouterOS server keepalive: after keepalive-timeout (2 s here) without anything from the LAC,
// the LNS sends one LCP Echo-Request a second; five unanswered ones clear the call with CDN
// result 1 (lost carrier) and Disconnect Cause 8 (echo timeout). The LAC is frozen with
// SIGSTOP so it cannot answer.
TEST(PppKeepalive, SilentLacIsDisconnectedAfterFiveEchoes) {
  LoopbackPair pair("l2tpsim-ppp-ka");
  ASSERT_TRUE(pair.ok());
  auto lns = pair.start_lns({"--keepalive-timeout", "2", "--progress"});
  ASSERT_TRUE(lns);
  auto lac = ChildProcess::start(pair.lac_argv({"--tunnels", "1", "--sessions", "1", "--duration", "60",
                                                "--progress", "--keepalive-timeout", "0"}),
                                 pair.file("lac.log"));
  ASSERT_TRUE(lac);
  ASSERT_TRUE(
      wait_until([&] { return read_file(pair.file("lns.log")).find("ppp 1 up") != std::string::npos; },
                 std::chrono::seconds(15)))
      << pair.logs();
  lac->signal(SIGSTOP);
  // 2 s of silence, then echoes at +0..+4 s, the verdict at +5 s. Only status lines printed from
  // now on count: one printed before the call came up also says "ppp 0 up".
  const std::size_t seen = read_file(pair.file("lns.log")).size();
  const bool cleared =
      wait_until([&] { return read_file(pair.file("lns.log")).find("ppp 0 up", seen) != std::string::npos; },
                 std::chrono::seconds(15));
  lac->signal(SIGCONT);
  lac->signal(SIGTERM);
  (void)lac->wait(std::chrono::seconds(20));
  EXPECT_TRUE(cleared) << pair.logs();
  LoopbackPair::stop(*lns);
  const auto ns = read_json(pair.file("lns.json"));
  SCOPED_TRACE(ns.dump());
  EXPECT_EQ(ns["ppp"].value("keepalive_failures", -1), 1);
  ASSERT_EQ(ns["sessions"].size(), 1u);
  const auto& s = ns["sessions"][0];
  EXPECT_EQ(s["phase_failed"], "keepalive");
  EXPECT_EQ(s["echo_sent"], 5);
  EXPECT_EQ(s["disconnect_cause"]["code"], 8);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
