// RFC 2661 table 7.2.1 (control connection establishment), row by row, against the pure
// transition function. The engine splits the table's "send StopCCN, clean up -> idle" into
// Closing (StopCCN in flight, clean-up once delivered, 7.1 conventions) and its "clean up ->
// idle" after a received StopCCN into Lingering (5.7: keep acknowledging for ~31 s, R161);
// a silent clean-up or a lost tie breaker ends in Closed.
#include "engine/tunnel/tunnel_fsm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace l2tp::tunnel {
namespace L2TPSIM_FILE_ID {

using S = TunnelState;
using I = TunnelInput;
using A = TunnelAction;

struct Case {
  Rule row;
  S from;
  I input;
  S to;
  A action;
};

constexpr I kAllInputs[] = {
    I::LocalOpen,   I::LocalClose,   I::RecvSccrqOk, I::RecvSccrqBad, I::RecvSccrqLoseTie,
    I::RecvSccrpOk, I::RecvSccrpBad, I::RecvScccnOk, I::RecvScccnBad, I::RecvStopCcn,
};

// The table's four states, plus the engine's own end states (which no row may leave).
constexpr S kTableStates[] = {S::Idle, S::WaitCtlReply, S::WaitCtlConn, S::Established};
constexpr S kEngineStates[] = {S::Closing, S::Lingering, S::Closed};

std::string describe(S s, I in) {
  std::ostringstream o;
  o << "in " << to_string(s) << " on '" << to_string(in) << "'";
  return o.str();
}

std::string row_name(const std::optional<Rule>& r) {
  return r ? std::string(to_string(*r)) : std::string("no row");
}

const std::vector<Case>& cases() {
  static const std::vector<Case> list = {
      // R260 idle, local open request: send SCCRQ.
      {Rule::R260, S::Idle, I::LocalOpen, S::WaitCtlReply, A::SendSccrq},
      // R261 idle, SCCRQ acceptable: send SCCRP.
      {Rule::R261, S::Idle, I::RecvSccrqOk, S::WaitCtlConn, A::SendSccrp},
      // R262 idle, SCCRQ not acceptable: send StopCCN, clean up.
      {Rule::R262, S::Idle, I::RecvSccrqBad, S::Closing, A::SendStopCcn},
      // R263 idle, receive SCCRP: send StopCCN, clean up.
      {Rule::R263, S::Idle, I::RecvSccrpOk, S::Closing, A::SendStopCcn},
      {Rule::R263, S::Idle, I::RecvSccrpBad, S::Closing, A::SendStopCcn},
      // R264 idle, receive SCCCN: clean up (silently).
      {Rule::R264, S::Idle, I::RecvScccnOk, S::Closed, A::CleanUp},
      {Rule::R264, S::Idle, I::RecvScccnBad, S::Closed, A::CleanUp},
      // R265 wait-ctl-reply, SCCRP acceptable: send SCCCN, open the waiting sessions.
      {Rule::R265, S::WaitCtlReply, I::RecvSccrpOk, S::Established, A::SendScccn},
      // R266 wait-ctl-reply, SCCRP not acceptable: send StopCCN, clean up.
      {Rule::R266, S::WaitCtlReply, I::RecvSccrpBad, S::Closing, A::SendStopCcn},
      // R267 wait-ctl-reply, SCCRQ and we lose the tie breaker: clean up silently, re-queue.
      {Rule::R267, S::WaitCtlReply, I::RecvSccrqLoseTie, S::Closed, A::Requeue},
      // R268 wait-ctl-reply, receive SCCCN: send StopCCN, clean up.
      {Rule::R268, S::WaitCtlReply, I::RecvScccnOk, S::Closing, A::SendStopCcn},
      {Rule::R268, S::WaitCtlReply, I::RecvScccnBad, S::Closing, A::SendStopCcn},
      // R269 wait-ctl-conn, SCCCN acceptable: open the waiting sessions.
      {Rule::R269, S::WaitCtlConn, I::RecvScccnOk, S::Established, A::OpenSessions},
      // R270 wait-ctl-conn, SCCCN not acceptable: send StopCCN, clean up.
      {Rule::R270, S::WaitCtlConn, I::RecvScccnBad, S::Closing, A::SendStopCcn},
      // R271 wait-ctl-conn, receive SCCRP or SCCRQ: send StopCCN, clean up.
      {Rule::R271, S::WaitCtlConn, I::RecvSccrpOk, S::Closing, A::SendStopCcn},
      {Rule::R271, S::WaitCtlConn, I::RecvSccrpBad, S::Closing, A::SendStopCcn},
      {Rule::R271, S::WaitCtlConn, I::RecvSccrqOk, S::Closing, A::SendStopCcn},
      {Rule::R271, S::WaitCtlConn, I::RecvSccrqBad, S::Closing, A::SendStopCcn},
      // R272 established, local open request (new call): open the waiting sessions.
      {Rule::R272, S::Established, I::LocalOpen, S::Established, A::OpenSessions},
      // R273 established, administrative close: send StopCCN, clean up.
      {Rule::R273, S::Established, I::LocalClose, S::Closing, A::SendStopCcn},
      // R274 established, receive SCCRQ, SCCRP or SCCCN: send StopCCN, clean up.
      {Rule::R274, S::Established, I::RecvSccrqOk, S::Closing, A::SendStopCcn},
      {Rule::R274, S::Established, I::RecvSccrqBad, S::Closing, A::SendStopCcn},
      {Rule::R274, S::Established, I::RecvSccrpOk, S::Closing, A::SendStopCcn},
      {Rule::R274, S::Established, I::RecvSccrpBad, S::Closing, A::SendStopCcn},
      {Rule::R274, S::Established, I::RecvScccnOk, S::Closing, A::SendStopCcn},
      {Rule::R274, S::Established, I::RecvScccnBad, S::Closing, A::SendStopCcn},
      // R275 idle, wait-ctl-reply, wait-ctl-conn, established, receive StopCCN: clean up
      // (after the 5.7 linger).
      {Rule::R275, S::Idle, I::RecvStopCcn, S::Lingering, A::CleanUp},
      {Rule::R275, S::WaitCtlReply, I::RecvStopCcn, S::Lingering, A::CleanUp},
      {Rule::R275, S::WaitCtlConn, I::RecvStopCcn, S::Lingering, A::CleanUp},
      {Rule::R275, S::Established, I::RecvStopCcn, S::Lingering, A::CleanUp},
  };
  return list;
}

// Not in the table, but 5.7 lets either side send StopCCN at any time: an administrative close
// during setup sends StopCCN without citing a row.
struct Extension {
  S from;
  I input;
  S to;
  A action;
};
constexpr Extension kExtensions[] = {
    {S::WaitCtlReply, I::LocalClose, S::Closing, A::SendStopCcn},
    {S::WaitCtlConn, I::LocalClose, S::Closing, A::SendStopCcn},
};

TEST(TunnelFsm, R260_R275_EveryRowOfTable721) {
  std::set<Rule> cited;
  for (const Case& c : cases()) {
    SCOPED_TRACE(std::string(to_string(c.row)) + " (" + describe(c.from, c.input) + ")");
    const TunnelTransition t = tunnel_step(c.from, c.input);
    EXPECT_EQ(t.next, c.to) << "next state " << to_string(t.next) << ", expected " << to_string(c.to);
    EXPECT_EQ(t.action, c.action);
    EXPECT_EQ(t.row, c.row) << "cited " << row_name(t.row) << ", table row is " << to_string(c.row);
    cited.insert(c.row);
  }
  for (Rule r :
       {Rule::R260, Rule::R261, Rule::R262, Rule::R263, Rule::R264, Rule::R265, Rule::R266, Rule::R267,
        Rule::R268, Rule::R269, Rule::R270, Rule::R271, Rule::R272, Rule::R273, Rule::R274, Rule::R275})
    EXPECT_TRUE(cited.count(r)) << "no case checks table row " << to_string(r);
}

TEST(TunnelFsm, R260_R275_InputsWithoutARowChangeNothing) {
  for (S s : kTableStates) {
    for (I in : kAllInputs) {
      const auto& list = cases();
      if (std::any_of(list.begin(), list.end(), [&](const Case& c) { return c.from == s && c.input == in; }))
        continue;
      const TunnelTransition t = tunnel_step(s, in);
      EXPECT_EQ(t.row, std::nullopt) << describe(s, in) << " is not in the table but cites "
                                     << row_name(t.row);
      const auto* ext = std::find_if(std::begin(kExtensions), std::end(kExtensions),
                                     [&](const Extension& x) { return x.from == s && x.input == in; });
      if (ext != std::end(kExtensions)) {
        EXPECT_EQ(t.next, ext->to) << describe(s, in);
        EXPECT_EQ(t.action, ext->action) << describe(s, in);
        continue;
      }
      EXPECT_EQ(t.next, s) << describe(s, in) << " moved to " << to_string(t.next);
      EXPECT_EQ(t.action, A::None) << describe(s, in);
    }
  }
}

TEST(TunnelFsm, R275_EndStatesIgnoreEverything) {
  // Closing, Lingering and Closed are past the table: nothing (a late SCCRQ retransmission, a
  // crossing StopCCN, ...) may restart the FSM from them.
  for (S s : kEngineStates) {
    for (I in : kAllInputs) {
      const TunnelTransition t = tunnel_step(s, in);
      EXPECT_EQ(t.row, std::nullopt) << describe(s, in);
      EXPECT_EQ(t.next, s) << describe(s, in);
      EXPECT_EQ(t.action, A::None) << describe(s, in);
    }
  }
}

TEST(TunnelFsm, R267_OnlyTheOriginatorCanLoseATieBreaker) {
  for (S s : {S::Idle, S::WaitCtlConn, S::Established}) {
    const TunnelTransition t = tunnel_step(s, I::RecvSccrqLoseTie);
    EXPECT_EQ(t.row, std::nullopt) << to_string(s);
    EXPECT_EQ(t.next, s);
  }
}

TEST(TunnelFsm, R273_IdleHasNothingToClose) {
  const TunnelTransition t = tunnel_step(S::Idle, I::LocalClose);
  EXPECT_EQ(t.row, std::nullopt);
  EXPECT_EQ(t.next, S::Idle);
  EXPECT_EQ(t.action, A::None);
}

TEST(TunnelFsmNames, EveryStateAndInputHasADistinctName) {
  std::set<std::string_view> states, inputs;
  for (S s : kTableStates) states.insert(to_string(s));
  for (S s : kEngineStates) states.insert(to_string(s));
  for (I in : kAllInputs) inputs.insert(to_string(in));
  EXPECT_EQ(states.size(), std::size(kTableStates) + std::size(kEngineStates));
  EXPECT_EQ(inputs.size(), std::size(kAllInputs));
  EXPECT_FALSE(states.count("?"));
  EXPECT_FALSE(inputs.count("?"));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::tunnel
