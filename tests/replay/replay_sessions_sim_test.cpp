// --sessions N in virtual time: the one PAP call of the recorded l2tpsim run (recorded_run.hpp)
// cloned three times, each clone dialled at the captured call's offset with its own user
// ({n} pattern), against l2tpsim's LNS: three calls and PPP links up, every clone held against
// the captured call, matched. The clones of a script and their users, without a network.
#include <gtest/gtest.h>

#include <set>

#include "replay/session_clones.hpp"
#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

SimReplay replay_clones(Lns& lns, std::size_t n, const std::string& user) {
  auto script = make_script(recorded(), 0, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
  EXPECT_TRUE(script.has_value());
  if (!script) return {};
  const ReplayScript clones = clone_sessions(*script, n);
  sim::SimNet net(5, sim::LinkConfig{});
  add_lns(net, lns);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.local = sim_ep(12);
  cfg.target = sim_ep(3);
  cfg.sessions = n;
  cfg.user = user;
  return replay_in_sim(net, recorded(), clones, cfg, DiffOptions{}, std::chrono::minutes(5));
}

TEST(SessionClones, EveryCallRepeatedNextToItself) {
  auto script = make_script(recorded(), 0, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
  ASSERT_TRUE(script.has_value());
  const ReplayScript c = clone_sessions(*script, 3);
  std::vector<std::pair<ActionKind, std::size_t>> calls;
  for (const ScriptAction& a : c.actions)
    if (a.session) calls.emplace_back(a.kind, *a.session);
  const std::vector<std::pair<ActionKind, std::size_t>> expected{
      {ActionKind::OpenSession, 0},  {ActionKind::OpenSession, 1},  {ActionKind::OpenSession, 2},
      {ActionKind::CloseSession, 0}, {ActionKind::CloseSession, 1}, {ActionKind::CloseSession, 2}};
  EXPECT_EQ(calls, expected);
  // Messages: the tunnel's once, the call's three times, occurrences counted anew.
  std::size_t icrq = 0, sccrq = 0;
  for (const ScriptMessage& m : c.messages) {
    if (m.type == MessageType::Icrq) {
      EXPECT_EQ(m.occurrence, icrq++);
    }
    if (m.type == MessageType::Sccrq) ++sccrq;
  }
  EXPECT_EQ(icrq, 3u);
  EXPECT_EQ(sccrq, 1u);
  EXPECT_EQ(clone_sessions(*script, 1).actions.size(), script->actions.size());
  EXPECT_EQ(clone_user("alice", "", 3), "alice{n}");
  EXPECT_EQ(clone_user("alice", "", 1), "alice");
  EXPECT_EQ(clone_user("alice", "u{n}@x", 3), "u{n}@x");
}

TEST(ReplaySessions, ThreeClonesOfTheCapturedCallMatch) {
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_clones(lns, 3, "");
  const ReplayOutcome& o = r.outcome;
  EXPECT_TRUE(o.tunnel_up);
  EXPECT_EQ(o.sessions_up, 3u);
  EXPECT_EQ(o.ppp_up, 3u);
  EXPECT_EQ(o.captured_sessions, 3u);
  EXPECT_TRUE(o.differences.empty()) << outcome_text(o);
  EXPECT_TRUE(o.matched()) << outcome_text(o);
  // Each clone's exchanges compared on its own, its response times against the captured call's.
  std::size_t icrp = 0;
  for (const ExchangeRow& row : o.exchanges) icrp += row.exchange.find(": ICRP") != std::string::npos ? 1 : 0;
  EXPECT_EQ(icrp, 3u);
  for (const ResponseTime& t : o.response_times) EXPECT_TRUE(t.captured_ms) << t.exchange;
  // Users alice1..alice3, one per call, in the order the calls went.
  const capture::Conversations live = live_conversations(r.transcript, "s3cret");
  ASSERT_EQ(live.tunnels.size(), 1u);
  ASSERT_EQ(live.tunnels[0].sessions.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(live.tunnels[0].sessions[i].user, "alice" + std::to_string(i + 1));
}

TEST(ReplaySessions, UserPatternNamesEveryClone) {
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_clones(lns, 2, "load-{n}@example");
  EXPECT_TRUE(r.outcome.matched()) << outcome_text(r.outcome);
  const capture::Conversations live = live_conversations(r.transcript, "s3cret");
  ASSERT_EQ(live.tunnels.size(), 1u);
  ASSERT_EQ(live.tunnels[0].sessions.size(), 2u);
  EXPECT_EQ(live.tunnels[0].sessions[0].user, "load-1@example");
  EXPECT_EQ(live.tunnels[0].sessions[1].user, "load-2@example");
}

// An LNS demanding CHAP: every clone differs in the method, each named as its own call.
TEST(ReplaySessions, LnsDemandingChapDiffersInEveryClone) {
  Lns chap("pw", ppp::auth::Method::ChapMd5);
  const SimReplay r = replay_clones(chap, 2, "");
  std::set<std::string> calls;
  for (const Difference& d : r.outcome.differences)
    if (d.kind == "ppp-auth-method") calls.insert(d.exchange);
  EXPECT_EQ(calls, (std::set<std::string>{"call 1: PPP authentication", "call 2: PPP authentication"}))
      << outcome_text(r.outcome);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
