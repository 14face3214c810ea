// l2tpsim against xl2tpd 1.3 (a real, independent L2TP implementation): both directions,
// with and without tunnel authentication and hidden AVPs. Each test starts its own xl2tpd
// on its own loopback addresses and judges the outcome from l2tpsim's pcap.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/child_process.hpp"
#include "tests/support/decoded_pcap.hpp"
#include "tests/support/xl2tpd_peer.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

std::size_t count(const std::vector<WireMessage>& w, const std::string& name, const std::string& src_prefix) {
  std::size_t n = 0;
  for (const auto& m : w) n += m.name == name && m.src.rfind(src_prefix, 0) == 0;
  return n;
}

void require_xl2tpd() {
  ASSERT_TRUE(have_tool("xl2tpd")) << "xl2tpd is required for interop tests (apt-get install xl2tpd)";
  ASSERT_EQ(geteuid(), 0u) << "xl2tpd interop needs root (mount namespace for the pppd stand-in)";
}

struct LacRun {
  int status = -1;
  nlohmann::json summary;
  std::vector<WireMessage> wire;
  std::string output;
};

LacRun run_lac(const std::string& dir, const std::string& args) {
  LacRun r;
  const std::string json = dir + "/lac.json", pcap = dir + "/lac.pcap";
  r.output = run_command(
      // --no-ppp: the pppd stand-in swallows frames, so PPP could never complete.
      std::string(L2TPSIM_BINARY) + " lac --no-ppp " + args + " --json " + json + " --pcap " + pcap + " 2>&1",
      &r.status);
  r.summary = nlohmann::json::parse(read_file(json), nullptr, false);
  r.wire = decode_pcap(L2TPSIM_BINARY, pcap);
  expect_clean_in_tshark(pcap);
  return r;
}

void expect_full_lac_lifecycle(const LacRun& r, const std::string& us, const std::string& them,
                               std::size_t sessions) {
  EXPECT_EQ(r.status, 0) << r.output;
  ASSERT_FALSE(r.summary.is_discarded()) << r.output;
  EXPECT_EQ(r.summary["tunnels_established"], 1) << r.summary.dump();
  EXPECT_EQ(r.summary["sessions_established"], sessions) << r.summary.dump();
  EXPECT_EQ(r.summary["sessions_failed"], 0) << r.summary.dump();
  EXPECT_EQ(count(r.wire, "SCCRQ", us), 1u);
  EXPECT_EQ(count(r.wire, "SCCRP", them), 1u);
  EXPECT_EQ(count(r.wire, "SCCCN", us), 1u);
  EXPECT_EQ(count(r.wire, "ICRQ", us), sessions);
  EXPECT_EQ(count(r.wire, "ICRP", them), sessions);
  EXPECT_EQ(count(r.wire, "ICCN", us), sessions);
  // Torn down cleanly: our CDNs and StopCCN, and xl2tpd acknowledged the StopCCN (its last
  // control message to us is a ZLB or carries Nr past our StopCCN).
  EXPECT_EQ(count(r.wire, "CDN", us), sessions);
  EXPECT_EQ(count(r.wire, "StopCCN", us), 1u);
  int stop_ns = -1;
  int last_nr_from_peer = -1;
  for (const auto& m : r.wire) {
    if (m.name == "StopCCN" && m.src.rfind(us, 0) == 0) stop_ns = m.j["ns"];
    if (m.src.rfind(them, 0) == 0 && m.j.value("control", false)) last_nr_from_peer = m.j["nr"];
  }
  EXPECT_EQ(last_nr_from_peer, stop_ns + 1) << "xl2tpd did not acknowledge our StopCCN";
  // xl2tpd itself sent no StopCCN and no CDN: nothing failed on its side.
  EXPECT_EQ(count(r.wire, "StopCCN", them), 0u);
  EXPECT_EQ(count(r.wire, "CDN", them), 0u);
}

TEST(Xl2tpd, L2tpsimLacToXl2tpdLns) {
  require_xl2tpd();
  const ScratchDir scratch("l2tpsim-xl2tpd-lns");
  const std::string& dir = scratch.path();
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{"127.0.1.2", "", false, false, "", "", ""}, dir, err);
  ASSERT_TRUE(peer) << err;
  const auto r =
      run_lac(dir,
              "--connect-to 127.0.1.2:1701 --local-address 127.0.1.3:1701 --tunnels 1 --sessions 2 "
              "--duration 2");
  expect_full_lac_lifecycle(r, "127.0.1.3", "127.0.1.2", 2);
  EXPECT_TRUE(peer->running()) << peer->log();
}

// xl2tpd loads the tunnel secret only when it builds its own challenge (in its SCCRP), so it
// cannot reveal hidden AVPs in an SCCRQ: it answers "Invalid Hidden AVP" (StopCCN 2/6). We hide
// the call-level AVPs, which it does reveal.
TEST(Xl2tpd, R138_TunnelAuthenticationBothWaysWithHiddenAvps) {
  require_xl2tpd();
  const ScratchDir scratch("l2tpsim-xl2tpd-auth");
  const std::string& dir = scratch.path();
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{"127.0.1.4", "s3cret", true, true, "", "", ""}, dir, err);
  ASSERT_TRUE(peer) << err;
  const auto r =
      run_lac(dir,
              "--connect-to 127.0.1.4:1701 --local-address 127.0.1.5:1701 --tunnels 1 --sessions 1 "
              "--duration 2 --secret s3cret --hidden "
              "assigned-session-id,call-serial-number,bearer-type,tx-connect-speed,framing-type");
  expect_full_lac_lifecycle(r, "127.0.1.5", "127.0.1.4", 1);
  // Both sides challenged and answered (R085), and we really sent hidden AVPs (4.3).
  bool our_challenge = false, their_challenge = false, their_response = false, our_hidden = false;
  for (const auto& m : r.wire) {
    const bool ours = m.src.rfind("127.0.1.5", 0) == 0;
    for (const auto& a : m.j.value("avps", nlohmann::json::array())) {
      if (a["type"] == 11) (ours ? our_challenge : their_challenge) = true;
      if (a["type"] == 13 && !ours) their_response = true;
      if (a["h"] == true && ours) our_hidden = true;
    }
  }
  EXPECT_TRUE(our_challenge);
  EXPECT_TRUE(their_challenge);
  EXPECT_TRUE(their_response);
  EXPECT_TRUE(our_hidden);
}

TEST(Xl2tpd, R139_WrongSecretIsReportedWithPhaseAndCodes) {
  require_xl2tpd();
  const ScratchDir scratch("l2tpsim-xl2tpd-badsecret");
  const std::string& dir = scratch.path();
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{"127.0.1.6", "right", true, false, "", "", ""}, dir, err);
  ASSERT_TRUE(peer) << err;
  const auto r =
      run_lac(dir,
              "--connect-to 127.0.1.6:1701 --local-address 127.0.1.7:1701 --tunnels 1 --sessions 1 "
              "--duration 2 --secret wrong");
  EXPECT_EQ(r.status, 1) << r.output;
  ASSERT_FALSE(r.summary.is_discarded());
  EXPECT_EQ(r.summary["tunnels_established"], 0);
  EXPECT_EQ(r.summary["sessions_established"], 0);
  // One side's check fails (we check xl2tpd's Challenge Response; it checks ours): a StopCCN
  // with result 4 from us, or xl2tpd's StopCCN (it uses 2/6), ends the tunnel.
  EXPECT_EQ(count(r.wire, "ICRQ", "127.0.1.7"), 0u);
  EXPECT_GE(count(r.wire, "StopCCN", "127.0.1.7") + count(r.wire, "StopCCN", "127.0.1.6"), 1u);
  EXPECT_NE(r.output.find("result"), std::string::npos) << r.output;
}

TEST(Xl2tpd, Xl2tpdLacToL2tpsimLns) {
  require_xl2tpd();
  const ScratchDir scratch("l2tpsim-xl2tpd-lac");
  const std::string& dir = scratch.path();
  // xl2tpd clears its tunnel (StopCCN) when it hangs up: the LNS would stay up to 31 s after it
  // to re-acknowledge a retransmission (RFC 2661 5.7); --teardown-timeout bounds that wait.
  auto lns = ChildProcess::start(
      {L2TPSIM_BINARY, "lns", "--no-ppp", "--listen", "127.0.2.3:1701", "--duration", "8",
       "--teardown-timeout", "3", "--json", dir + "/lns.json", "--pcap", dir + "/lns.pcap"},
      dir + "/lns.log");
  ASSERT_TRUE(lns);
  std::string err;
  auto peer = Xl2tpdPeer::start(Xl2tpdOptions{"127.0.2.2", "", false, false, "127.0.2.3", "", ""}, dir, err);
  ASSERT_TRUE(peer) << err;
  ASSERT_TRUE(peer->dial());
  // Wait until xl2tpd has its session (ICCN in its log), then hang up.
  EXPECT_TRUE(wait_until([&] { return peer->log().find("Call established") != std::string::npos; },
                         std::chrono::seconds(5)))
      << peer->log();
  ASSERT_TRUE(peer->hang_up());
  const auto st = lns->wait(std::chrono::seconds(20));
  ASSERT_TRUE(st) << read_file(dir + "/lns.log");
  EXPECT_EQ(*st, 0) << read_file(dir + "/lns.log");
  const auto summary = nlohmann::json::parse(read_file(dir + "/lns.json"), nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << read_file(dir + "/lns.log");
  EXPECT_EQ(summary["tunnels_established"], 1) << summary.dump();
  EXPECT_EQ(summary["sessions_established"], 1) << summary.dump();
  const auto wire = decode_pcap(L2TPSIM_BINARY, dir + "/lns.pcap");
  expect_clean_in_tshark(dir + "/lns.pcap");
  EXPECT_EQ(count(wire, "SCCRQ", "127.0.2.2"), 1u);
  EXPECT_EQ(count(wire, "SCCRP", "127.0.2.3"), 1u);
  EXPECT_EQ(count(wire, "SCCCN", "127.0.2.2"), 1u);
  EXPECT_EQ(count(wire, "ICRQ", "127.0.2.2"), 1u);
  EXPECT_EQ(count(wire, "ICRP", "127.0.2.3"), 1u);
  EXPECT_EQ(count(wire, "ICCN", "127.0.2.2"), 1u);
  // xl2tpd hangs up with StopCCN (no CDN first, see peers.md); we acknowledge it.
  EXPECT_EQ(count(wire, "StopCCN", "127.0.2.2"), 1u);
  int stop_ns = -1, acked = -1;
  for (const auto& m : wire) {
    if (m.name == "StopCCN" && m.src.rfind("127.0.2.2", 0) == 0) stop_ns = m.j["ns"];
    if (m.src.rfind("127.0.2.3", 0) == 0 && m.j.value("control", false)) acked = m.j["nr"];
  }
  EXPECT_EQ(acked, stop_ns + 1) << "we did not acknowledge xl2tpd's StopCCN";
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
