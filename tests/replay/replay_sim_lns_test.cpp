// --play lns in virtual time: the LNS side of the recorded l2tpsim run (recorded_run.hpp) is
// replayed against l2tpsim's LAC on a fresh SimNet, the LAC doing what the captured one did
// (dial, one PAP call, hang up at 5 s with CDN 3, StopCCN at 7 s). The same LAC matches with
// no differences; a LAC configured differently (another host name) differs in exactly that.
#include <gtest/gtest.h>

#include <deque>

#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

struct LnsReplay {
  SimReplay replay;
  bool lac_ppp_up = false;
};

// The captured LNS (127.0.0.3 in the capture) played at 127.0.0.13 against l2tpsim's LAC at
// 127.0.0.2, configured as the captured LAC but for `lac_host`.
LnsReplay replay_lns_against_lac(const std::string& lac_host) {
  LnsReplay out;
  const capture::Conversations& conv = recorded();
  auto script = make_script(conv, 0, capture::PeerRole::Lns, ScriptOptions{"s3cret"});
  EXPECT_TRUE(script.has_value()) << (script ? "" : script.error());
  if (!script) return out;
  EXPECT_FALSE(script->initiator);
  sim::SimNet net(7, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = lac_host;
  lc.tunnel.secret = "s3cret";
  lc.tunnel.hidden_avps = {AvpType::CallSerialNumber};
  lc.accept_tunnels = false;
  Driver& lac = net.add_driver(sim_ep(2), lc);
  PppSettings client;
  client.user = "alice";
  client.password = "pw";
  client.link.methods = {ppp::auth::Method::Pap};
  lac.set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));
  Alarm alarm;
  alarm.wake = at_seconds(5);
  lac.set_filter(&alarm);

  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.local = sim_ep(13);
  const TunnelId tunnel = lac.node().open_tunnel(sim_ep(2), cfg.local, net.now());
  const auto session = lac.node().open_session(tunnel, net.now());
  EXPECT_TRUE(session);
  net.pump(lac.node());
  out.replay = replay_in_sim(net, conv, *script, cfg, DiffOptions{}, std::chrono::minutes(2),
                             lac_hangs_up(net, lac, alarm, tunnel, session, at_seconds(5), at_seconds(7),
                                          [&] { out.lac_ppp_up = lac.ppp()->links_up() == 1; }));
  lac.set_filter(nullptr);
  return out;
}

TEST(ReplaySimLns, SameLacMatchesWithNoDifferences) {
  const LnsReplay r = replay_lns_against_lac("sim-lac");
  const ReplayOutcome& o = r.replay.outcome;
  EXPECT_EQ(o.played, "LNS");
  EXPECT_TRUE(r.lac_ppp_up);
  EXPECT_TRUE(o.tunnel_up);
  EXPECT_EQ(o.sessions_up, 1u);
  EXPECT_EQ(o.ppp_up, 1u);
  EXPECT_TRUE(o.differences.empty()) << outcome_text(o);
  EXPECT_TRUE(o.matched()) << outcome_text(o);

  // The live LNS answered as the captured one: SCCRP, ICRP in the same order, and nothing else.
  const capture::Conversations live = live_conversations(r.replay.transcript, "s3cret");
  ASSERT_EQ(live.tunnels.size(), 1u);
  std::vector<std::string> captured_types, live_types;
  for (const auto& rec : recorded().tunnels[0].sides[1].control)
    if (!rec.zlb && !rec.retransmission) captured_types.push_back(rec.type_name());
  for (const auto& rec : live.tunnels[0].sides[1].control)
    if (!rec.zlb && !rec.retransmission) live_types.push_back(rec.type_name());
  EXPECT_EQ(live_types, captured_types);
  EXPECT_EQ(live.tunnels[0].sides[1].host_name, "sim-lns");  // the captured name, not ours
}

TEST(ReplaySimLns, LacWithAnotherHostNameDiffersInExactlyThat) {
  const LnsReplay r = replay_lns_against_lac("other-lac");
  const ReplayOutcome& o = r.replay.outcome;
  EXPECT_TRUE(o.tunnel_up);
  EXPECT_EQ(o.ppp_up, 1u);
  EXPECT_FALSE(o.matched());
  ASSERT_EQ(o.differences.size(), 1u) << outcome_text(o);
  const Difference& d = o.differences[0];
  EXPECT_EQ(d.exchange, "tunnel: SCCRQ");
  EXPECT_EQ(d.kind, "avp-value");
  EXPECT_EQ(d.captured, "Host Name [M]: \"sim-lac\"");
  EXPECT_EQ(d.live, "Host Name [M]: \"other-lac\"");
  EXPECT_GT(d.frame_captured, 0u);
  EXPECT_GT(d.frame_live, 0u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
