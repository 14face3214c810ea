// The player's schedule: the initiator dials at once, calls open at their captured offsets
// (scaled, or at once with fast), a hang-up waits for its call's PPP, a StopCCN for our hang-ups.
#include "replay/replay_player.hpp"

#include <gtest/gtest.h>

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using std::chrono::seconds;

ReplayScript lac_script() {
  ReplayScript s;
  s.role = capture::PeerRole::Lac;
  s.initiator = true;
  s.actions = {ScriptAction{ActionKind::OpenTunnel, 0, std::nullopt, {}, 1},
               ScriptAction{ActionKind::OpenSession, 2'000'000'000, 0, {}, 5},
               ScriptAction{ActionKind::CloseSession, 20'000'000'000, 0, ResultInfo{3}, 30},
               ScriptAction{ActionKind::CloseTunnel, 21'000'000'000, std::nullopt, ResultInfo{6}, 32}};
  return s;
}

NodeEvent event(std::uint16_t tunnel, Time at, EventBody body) {
  return NodeEvent{TunnelId{tunnel}, Event{at, std::move(body)}};
}

TEST(ReplayPlayer, ParsesTiming) {
  EXPECT_FALSE(parse_timing("original")->fast);
  EXPECT_TRUE(parse_timing("fast")->fast);
  EXPECT_DOUBLE_EQ(parse_timing("x0.1")->scale, 0.1);
  EXPECT_FALSE(parse_timing("x0").has_value());
  EXPECT_FALSE(parse_timing("slow").has_value());
}

TEST(ReplayPlayer, PlaysTheCapturedScheduleScaled) {
  const ReplayScript script = lac_script();
  ReplayPlayer p(script, *parse_timing("x0.5"), true);
  const Time t0{};
  p.start(t0);
  auto a = p.poll_action(t0);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ActionKind::OpenTunnel);
  p.tunnel_opened(TunnelId{4}, t0);
  EXPECT_FALSE(p.poll_action(t0));
  EXPECT_EQ(p.poll_timeout(), t0 + seconds(1));  // 2 s scaled by 0.5
  a = p.poll_action(t0 + seconds(1));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ActionKind::OpenSession);
  p.session_opened(0, SessionId{9}, t0 + seconds(1));
  // The hang-up waits for the call: nothing is due before it is up.
  EXPECT_FALSE(p.poll_timeout());
  p.handle_event(event(4, t0 + seconds(2), TunnelUp{TunnelId{77}, seconds(1)}), t0 + seconds(2));
  p.handle_event(event(4, t0 + seconds(2), SessionUp{SessionId{9}, SessionId{3}, {}, {}, false, {}}),
                 t0 + seconds(2));
  // Up, PPP not yet: it waits for PPP (or Timing::ppp_wait, 30 s by default).
  EXPECT_EQ(p.poll_timeout(), t0 + seconds(2) + seconds(30));
  p.handle_ppp_up(LinkKey{4, 9}, t0 + seconds(3));
  EXPECT_EQ(p.poll_timeout(), t0 + seconds(10));  // 20 s scaled
  a = p.poll_action(t0 + seconds(10));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ActionKind::CloseSession);
  EXPECT_EQ(a->live_session, SessionId{9});
  EXPECT_EQ(a->result.result, 3);
  // The StopCCN waits for the call to clear (or 5 s).
  EXPECT_EQ(p.poll_timeout(), t0 + seconds(15));
  p.handle_event(
      event(4, t0 + seconds(10), SessionDown{SessionId{9}, SessionId{3}, {}, {}, false, {}, {}, {}, ""}),
      t0 + seconds(10));
  EXPECT_EQ(p.poll_timeout(), t0 + seconds(10) + std::chrono::milliseconds(500));  // 21 s scaled
  a = p.poll_action(t0 + seconds(11));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ActionKind::CloseTunnel);
  EXPECT_EQ(a->result.result, 6);
  EXPECT_FALSE(p.finished());
  p.handle_event(event(4, t0 + seconds(12), TunnelDown{}), t0 + seconds(12));
  EXPECT_TRUE(p.finished());
  EXPECT_TRUE(p.tunnel_up());
  EXPECT_EQ(p.sessions_up(), 1u);
  EXPECT_EQ(p.ppp_up(), 1u);
}

TEST(ReplayPlayer, FastTimingActsAsSoonAsItCanAndDropsAHangUpThePeerBeat) {
  const ReplayScript script = lac_script();
  ReplayPlayer p(script, *parse_timing("fast"), true);
  const Time t0{};
  p.start(t0);
  ASSERT_EQ(p.poll_action(t0)->kind, ActionKind::OpenTunnel);
  p.tunnel_opened(TunnelId{4}, t0);
  ASSERT_EQ(p.poll_action(t0)->kind, ActionKind::OpenSession);
  p.session_opened(0, SessionId{9}, t0);
  p.handle_event(event(4, t0 + seconds(1), SessionUp{SessionId{9}, SessionId{3}, {}, {}, false, {}}),
                 t0 + seconds(1));
  // The peer clears the call before PPP came up: our hang-up is dropped, the StopCCN goes.
  p.handle_event(
      event(4, t0 + seconds(2), SessionDown{SessionId{9}, SessionId{3}, {}, {}, true, {}, {}, {}, ""}),
      t0 + seconds(2));
  auto a = p.poll_action(t0 + seconds(2));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ActionKind::CloseTunnel);
  ASSERT_EQ(p.notes().size(), 1u);
  EXPECT_NE(p.notes()[0].find("cleared before"), std::string::npos);
}

// A peer whose PPP never comes up (xl2tpd with no pppd): the hang-up goes ppp_wait after the
// call came up, not a moment earlier.
TEST(ReplayPlayer, AHangUpWaitsPppWaitForALinkThatNeverComesUp) {
  const ReplayScript script = lac_script();
  Timing timing = *parse_timing("fast");
  timing.ppp_wait = seconds(2);
  ReplayPlayer p(script, timing, true);
  const Time t0{};
  p.start(t0);
  ASSERT_EQ(p.poll_action(t0)->kind, ActionKind::OpenTunnel);
  p.tunnel_opened(TunnelId{4}, t0);
  ASSERT_EQ(p.poll_action(t0)->kind, ActionKind::OpenSession);
  p.session_opened(0, SessionId{9}, t0);
  p.handle_event(event(4, t0 + seconds(1), SessionUp{SessionId{9}, SessionId{3}, {}, {}, false, {}}),
                 t0 + seconds(1));
  EXPECT_EQ(p.poll_timeout(), t0 + seconds(3));
  EXPECT_FALSE(p.poll_action(t0 + seconds(3) - std::chrono::milliseconds(1)));
  auto a = p.poll_action(t0 + seconds(3));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ActionKind::CloseSession);
  EXPECT_EQ(p.ppp_up(), 0u);
}

// A hang-up through PPP (LCP Terminate first): against a peer that never acknowledges, the CDN
// goes only when LCP gives up; the StopCCN waits for it instead of overtaking it at 5 s (xl2tpd
// with its pppd stand-in: the replay sent Terminate-Request twice, then the StopCCN, no CDN).
TEST(ReplayPlayer, TheStopCcnWaitsForAHangUpThroughPpp) {
  const ReplayScript script = lac_script();
  ReplayPlayer p(script, *parse_timing("fast"), true);
  const Time t0{};
  p.start(t0);
  ASSERT_EQ(p.poll_action(t0)->kind, ActionKind::OpenTunnel);
  p.tunnel_opened(TunnelId{4}, t0);
  ASSERT_EQ(p.poll_action(t0)->kind, ActionKind::OpenSession);
  p.session_opened(0, SessionId{9}, t0);
  p.handle_event(event(4, t0 + seconds(1), SessionUp{SessionId{9}, SessionId{3}, {}, {}, false, {}}),
                 t0 + seconds(1));
  p.handle_ppp_up(LinkKey{4, 9}, t0 + seconds(1));
  ASSERT_EQ(p.poll_action(t0 + seconds(1))->kind, ActionKind::CloseSession);
  p.hanging_up_through_ppp(0, seconds(6));
  // 5 s for the call to clear after its CDN, which may go 6 s after the Terminate-Request.
  EXPECT_EQ(p.poll_timeout(), t0 + seconds(12));
  EXPECT_FALSE(p.poll_action(t0 + seconds(7)));
  // The CDN went (LCP gave up) and the call is down: the StopCCN goes at once.
  p.handle_event(
      event(4, t0 + seconds(7), SessionDown{SessionId{9}, SessionId{3}, {}, {}, false, {}, {}, {}, ""}),
      t0 + seconds(7));
  auto a = p.poll_action(t0 + seconds(7));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ActionKind::CloseTunnel);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
