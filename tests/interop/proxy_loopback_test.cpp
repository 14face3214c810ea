// Proxy LCP and proxy authentication (RFC 2661 4.4.5) between `l2tpsim lac --proxy-auth` and
// `l2tpsim lns`: the ICCN carries AVPs 26-33 (checked in the pcap, and by tshark), an LNS that
// accepts them goes straight to IPCP (no LCP or authentication packet on the wire), one told to
// renegotiate runs LCP and authentication afresh (R116, R353), and a proxied wrong password is
// refused with CDN and RFC 3145 cause 16.
#include <gtest/gtest.h>

#include <set>

#include "tests/support/decoded_pcap.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

std::size_t count_ppp(const std::vector<WireMessage>& w, const std::string& name) {
  std::size_t n = 0;
  for (const auto& m : w)
    if (m.name == "data" && m.j.contains("ppp")) n += m.j["ppp"].value("name", "") == name;
  return n;
}

// AVP types (vendor 0) carried by the ICCNs in `w`.
std::set<int> iccn_avp_types(const std::vector<WireMessage>& w) {
  std::set<int> types;
  for (const auto& m : w)
    if (m.name == "ICCN")
      for (const auto& a : m.j["avps"])
        if (a.value("vendor", -1) == 0) types.insert(a.value("type", -1));
  return types;
}

struct ProxyRun {
  int status = -1;
  nlohmann::json lac, lns;
  std::vector<WireMessage> wire;
};

ProxyRun run(LoopbackPair& pair, std::vector<std::string> lns_args, const std::string& password) {
  ProxyRun r;
  lns_args.insert(lns_args.end(),
                  {"--user", "alice", "--password", "secret", "--remote-address", "10.9.0.2"});
  auto lns = pair.start_lns(lns_args);
  EXPECT_TRUE(lns);
  if (!lns) return r;
  r.status = pair.run_lac({"--tunnels", "1", "--sessions", "1", "--duration", "2", "--user", "alice",
                           "--password", password, "--allow", "chap", "--proxy-auth"});
  EXPECT_EQ(LoopbackPair::stop(*lns), 0) << pair.logs();
  r.lac = read_json(pair.file("lac.json"));
  r.lns = read_json(pair.file("lns.json"));
  r.wire = decode_pcap(L2TPSIM_BINARY, pair.file("lac.pcap"), pair.port());
  expect_clean_in_tshark(pair.file("lac.pcap"), pair.port());
  return r;
}

TEST(ProxyAuth, R117_AcceptedProxyChapSkipsLcpAndAuthenticationOnTheWire) {
  LoopbackPair pair("l2tpsim-proxy");
  ASSERT_TRUE(pair.ok());
  const auto r = run(pair, {"--authentication", "chap"}, "secret");
  EXPECT_EQ(r.status, 0) << pair.logs();
  SCOPED_TRACE(r.lac.dump());
  EXPECT_EQ(r.lac.value("sessions_ppp_up", -1), 1);
  EXPECT_EQ(r.lns.value("sessions_ppp_up", -1), 1) << r.lns.dump();
  ASSERT_EQ(r.lns["sessions"].size(), 1u) << r.lns.dump();
  EXPECT_EQ(r.lns["sessions"][0]["user"], "alice");
  EXPECT_EQ(r.lns["sessions"][0]["auth"], "chap");
  EXPECT_EQ(r.lac["sessions"][0]["local_ip"], "10.9.0.2");
  // ICCN: Initial Received, Last Sent, Last Received LCP CONFREQ, Proxy Authen Type, Name,
  // Challenge, ID, Response.
  const auto types = iccn_avp_types(r.wire);
  for (int t = 26; t <= 33; ++t) EXPECT_TRUE(types.count(t)) << "ICCN lacks AVP " << t;
  EXPECT_EQ(count_ppp(r.wire, "LCP"), 0u) << "LCP was negotiated although the LNS took the proxy over";
  EXPECT_EQ(count_ppp(r.wire, "CHAP"), 0u);
  EXPECT_GE(count_ppp(r.wire, "IPCP"), 2u);
}

TEST(ProxyAuth, R116_R353_LnsToldToRenegotiateRunsLcpAndChapAgain) {
  LoopbackPair pair("l2tpsim-proxy-reneg");
  ASSERT_TRUE(pair.ok());
  const auto r = run(pair, {"--authentication", "chap", "--proxy", "renegotiate"}, "secret");
  EXPECT_EQ(r.status, 0) << pair.logs();
  SCOPED_TRACE(r.lns.dump());
  EXPECT_EQ(r.lns.value("sessions_ppp_up", -1), 1);
  EXPECT_GE(count_ppp(r.wire, "LCP"), 4u);   // Configure-Request and -Ack each way
  EXPECT_GE(count_ppp(r.wire, "CHAP"), 3u);  // Challenge, Response, Success
}

TEST(ProxyAuth, ProxiedWrongPasswordIsRefusedWithCdnAndCause16) {
  LoopbackPair pair("l2tpsim-proxy-bad");
  ASSERT_TRUE(pair.ok());
  const auto r = run(pair, {"--authentication", "chap"}, "wrong");
  EXPECT_EQ(r.status, 1) << pair.logs();
  SCOPED_TRACE(r.lns.dump());
  EXPECT_EQ(r.lns.value("auth_failures", -1), 1);
  ASSERT_EQ(r.lns["sessions"].size(), 1u);
  EXPECT_EQ(r.lns["sessions"][0]["disconnect_cause"]["code"], 16);
  std::size_t cdn_from_lns = 0;
  for (const auto& m : r.wire) cdn_from_lns += m.name == "CDN" && m.src.rfind(kLoopbackLns, 0) == 0;
  EXPECT_EQ(cdn_from_lns, 1u);
  EXPECT_EQ(count_ppp(r.wire, "CHAP"), 0u);  // the refusal is the CDN: there was no exchange to fail
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
