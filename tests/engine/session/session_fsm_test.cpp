// The four call tables of RFC 2661 section 7 (7.4.1, 7.4.2, 7.5.1, 7.5.2), row by row, against
// the pure transition functions of engine/session. Each case names the row (Rule) it checks; a
// table's case list must cite every row of that table, and every (state, event) pair the table
// does not list must come back with no row and the state unchanged.
#include "engine/session/session_fsm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace l2tp::session {
namespace L2TPSIM_FILE_ID {

using S = SessionState;
using E = SessionEvent;
using A = SessionAction;

struct Case {
  Rule row;
  S from;
  E event;
  S to;
  A action;
  // RFC 2661 7.5.2 lists idle + CDN under two rows (2 and 9); either is a correct citation.
  std::optional<Rule> also = std::nullopt;
};

constexpr E kAllEvents[] = {
    E::LocalOpen,   E::TunnelOpen, E::LocalClose,  E::BearerAnswer, E::BearerFailure, E::RecvIcrqOk,
    E::RecvIcrqBad, E::RecvIcrpOk, E::RecvIcrpBad, E::RecvIccnOk,   E::RecvIccnBad,   E::RecvOcrqOk,
    E::RecvOcrqBad, E::RecvOcrpOk, E::RecvOcrpBad, E::RecvOccnOk,   E::RecvOccnBad,   E::RecvCdn,
};

std::string describe(CallKind k, S s, E e) {
  std::ostringstream o;
  o << to_string(k) << ": in " << to_string(s) << " on '" << to_string(e) << "'";
  return o.str();
}

std::string row_name(const std::optional<Rule>& r) {
  return r ? std::string(to_string(*r)) : std::string("no row");
}

// Every case gives its row, next state and action, via the per-table function and via step().
void check_rows(CallKind kind, Transition (*fn)(S, E), const std::vector<Case>& cases,
                const std::vector<Rule>& table_rows) {
  std::set<Rule> cited;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.row)) + " (" + describe(kind, c.from, c.event) + ")");
    const Transition t = fn(c.from, c.event);
    EXPECT_EQ(t.next, c.to) << "next state " << to_string(t.next) << ", table says " << to_string(c.to);
    EXPECT_EQ(t.action, c.action);
    EXPECT_TRUE(t.row == c.row || (c.also && t.row == c.also))
        << "cited " << row_name(t.row) << ", table row is " << to_string(c.row);
    const Transition via_step = step(kind, c.from, c.event);
    EXPECT_EQ(via_step.next, t.next);
    EXPECT_EQ(via_step.action, t.action);
    EXPECT_EQ(via_step.row, t.row);
    cited.insert(c.row);
  }
  for (Rule r : table_rows) EXPECT_TRUE(cited.count(r)) << "no case checks table row " << to_string(r);
}

// Every (state, event) of the table's states that no case covers has no row and changes nothing.
void check_no_row(CallKind kind, Transition (*fn)(S, E), const std::vector<Case>& cases,
                  const std::vector<S>& states) {
  for (S s : states) {
    for (E e : kAllEvents) {
      const bool listed =
          std::any_of(cases.begin(), cases.end(), [&](const Case& c) { return c.from == s && c.event == e; });
      if (listed) continue;
      const Transition t = fn(s, e);
      EXPECT_EQ(t.row, std::nullopt) << describe(kind, s, e) << " is not in the table but cites "
                                     << row_name(t.row);
      EXPECT_EQ(t.next, s) << describe(kind, s, e) << " moved to " << to_string(t.next);
      EXPECT_EQ(t.action, A::None) << describe(kind, s, e);
    }
  }
}

// ---- 7.4.1 LAC incoming call -------------------------------------------------------------

const std::vector<Case>& lac_incoming_cases() {
  static const std::vector<Case> cases = {
      // R281 idle, bearer ring / ready to indicate an incoming connection: open the tunnel.
      {Rule::R281, S::Idle, E::LocalOpen, S::WaitTunnel, A::OpenTunnel},
      // R282 idle, receive ICCN, ICRP or CDN: clean up.
      {Rule::R282, S::Idle, E::RecvIccnOk, S::Idle, A::CleanUp},
      {Rule::R282, S::Idle, E::RecvIccnBad, S::Idle, A::CleanUp},
      {Rule::R282, S::Idle, E::RecvIcrpOk, S::Idle, A::CleanUp},
      {Rule::R282, S::Idle, E::RecvIcrpBad, S::Idle, A::CleanUp},
      {Rule::R282, S::Idle, E::RecvCdn, S::Idle, A::CleanUp},
      // R283 wait-tunnel, bearer line drop or local close: clean up.
      {Rule::R283, S::WaitTunnel, E::LocalClose, S::Idle, A::CleanUp},
      // R284 wait-tunnel, tunnel-open: send ICRQ.
      {Rule::R284, S::WaitTunnel, E::TunnelOpen, S::WaitReply, A::SendIcrq},
      // R285 wait-reply, ICRP acceptable: send ICCN.
      {Rule::R285, S::WaitReply, E::RecvIcrpOk, S::Established, A::SendIccn},
      // R286 wait-reply, ICRP not acceptable: send CDN, clean up.
      {Rule::R286, S::WaitReply, E::RecvIcrpBad, S::Idle, A::SendCdn},
      // R287 wait-reply, receive ICRQ: send CDN, clean up.
      {Rule::R287, S::WaitReply, E::RecvIcrqOk, S::Idle, A::SendCdn},
      {Rule::R287, S::WaitReply, E::RecvIcrqBad, S::Idle, A::SendCdn},
      // R288 wait-reply, receive CDN or ICCN: clean up.
      {Rule::R288, S::WaitReply, E::RecvCdn, S::Idle, A::CleanUp},
      {Rule::R288, S::WaitReply, E::RecvIccnOk, S::Idle, A::CleanUp},
      {Rule::R288, S::WaitReply, E::RecvIccnBad, S::Idle, A::CleanUp},
      // R289 wait-reply, local close or bearer line drop: send CDN, clean up.
      {Rule::R289, S::WaitReply, E::LocalClose, S::Idle, A::SendCdn},
      // R290 established, receive CDN: clean up.
      {Rule::R290, S::Established, E::RecvCdn, S::Idle, A::CleanUp},
      // R291 established, receive ICRQ, ICRP or ICCN: send CDN, clean up.
      {Rule::R291, S::Established, E::RecvIcrqOk, S::Idle, A::SendCdn},
      {Rule::R291, S::Established, E::RecvIcrqBad, S::Idle, A::SendCdn},
      {Rule::R291, S::Established, E::RecvIcrpOk, S::Idle, A::SendCdn},
      {Rule::R291, S::Established, E::RecvIcrpBad, S::Idle, A::SendCdn},
      {Rule::R291, S::Established, E::RecvIccnOk, S::Idle, A::SendCdn},
      {Rule::R291, S::Established, E::RecvIccnBad, S::Idle, A::SendCdn},
      // R292 established, bearer line drop or local close: send CDN, clean up.
      {Rule::R292, S::Established, E::LocalClose, S::Idle, A::SendCdn},
  };
  return cases;
}

TEST(LacIncomingFsm, R281_R292_EveryRowOfTable741) {
  check_rows(CallKind::LacIncoming, lac_incoming, lac_incoming_cases(),
             {Rule::R281, Rule::R282, Rule::R283, Rule::R284, Rule::R285, Rule::R286, Rule::R287, Rule::R288,
              Rule::R289, Rule::R290, Rule::R291, Rule::R292});
}

TEST(LacIncomingFsm, R281_R292_EventsWithoutARowChangeNothing) {
  check_no_row(CallKind::LacIncoming, lac_incoming, lac_incoming_cases(),
               {S::Idle, S::WaitTunnel, S::WaitReply, S::Established});
}

TEST(LacIncomingFsm, R285_IcrpAcceptableSendsIccn) {
  const Transition t = lac_incoming(S::WaitReply, E::RecvIcrpOk);
  EXPECT_EQ(t.next, S::Established);
  EXPECT_EQ(t.action, A::SendIccn);
  EXPECT_EQ(t.row, Rule::R285);
}

TEST(LacIncomingFsm, R284_TunnelOpenOnlyMattersWhileWaitingForTheTunnel) {
  for (S s : {S::Idle, S::WaitReply, S::Established}) {
    const Transition t = lac_incoming(s, E::TunnelOpen);
    EXPECT_EQ(t.row, std::nullopt) << to_string(s);
    EXPECT_EQ(t.next, s);
  }
}

// ---- 7.4.2 LNS incoming call -------------------------------------------------------------

const std::vector<Case>& lns_incoming_cases() {
  static const std::vector<Case> cases = {
      // R293 idle, ICRQ acceptable: send ICRP.
      {Rule::R293, S::Idle, E::RecvIcrqOk, S::WaitConnect, A::SendIcrp},
      // R294 idle, ICRQ not acceptable: send CDN, clean up.
      {Rule::R294, S::Idle, E::RecvIcrqBad, S::Idle, A::SendCdn},
      // R295 idle, receive ICRP: send CDN, clean up.
      {Rule::R295, S::Idle, E::RecvIcrpOk, S::Idle, A::SendCdn},
      {Rule::R295, S::Idle, E::RecvIcrpBad, S::Idle, A::SendCdn},
      // R296 idle, receive ICCN: clean up.
      {Rule::R296, S::Idle, E::RecvIccnOk, S::Idle, A::CleanUp},
      {Rule::R296, S::Idle, E::RecvIccnBad, S::Idle, A::CleanUp},
      // R297 wait-connect, ICCN acceptable: prepare for data (no message).
      {Rule::R297, S::WaitConnect, E::RecvIccnOk, S::Established, A::None},
      // R298 wait-connect, ICCN not acceptable: send CDN, clean up.
      {Rule::R298, S::WaitConnect, E::RecvIccnBad, S::Idle, A::SendCdn},
      // R299 wait-connect, receive ICRQ or ICRP: send CDN, clean up.
      {Rule::R299, S::WaitConnect, E::RecvIcrqOk, S::Idle, A::SendCdn},
      {Rule::R299, S::WaitConnect, E::RecvIcrqBad, S::Idle, A::SendCdn},
      {Rule::R299, S::WaitConnect, E::RecvIcrpOk, S::Idle, A::SendCdn},
      {Rule::R299, S::WaitConnect, E::RecvIcrpBad, S::Idle, A::SendCdn},
      // R300 idle, wait-connect, established, receive CDN: clean up.
      {Rule::R300, S::Idle, E::RecvCdn, S::Idle, A::CleanUp},
      {Rule::R300, S::WaitConnect, E::RecvCdn, S::Idle, A::CleanUp},
      {Rule::R300, S::Established, E::RecvCdn, S::Idle, A::CleanUp},
      // R301 wait-connect, established, local close: send CDN, clean up.
      {Rule::R301, S::WaitConnect, E::LocalClose, S::Idle, A::SendCdn},
      {Rule::R301, S::Established, E::LocalClose, S::Idle, A::SendCdn},
      // R302 established, receive ICRQ, ICRP or ICCN: send CDN, clean up.
      {Rule::R302, S::Established, E::RecvIcrqOk, S::Idle, A::SendCdn},
      {Rule::R302, S::Established, E::RecvIcrqBad, S::Idle, A::SendCdn},
      {Rule::R302, S::Established, E::RecvIcrpOk, S::Idle, A::SendCdn},
      {Rule::R302, S::Established, E::RecvIcrpBad, S::Idle, A::SendCdn},
      {Rule::R302, S::Established, E::RecvIccnOk, S::Idle, A::SendCdn},
      {Rule::R302, S::Established, E::RecvIccnBad, S::Idle, A::SendCdn},
  };
  return cases;
}

TEST(LnsIncomingFsm, R293_R302_EveryRowOfTable742) {
  check_rows(CallKind::LnsIncoming, lns_incoming, lns_incoming_cases(),
             {Rule::R293, Rule::R294, Rule::R295, Rule::R296, Rule::R297, Rule::R298, Rule::R299, Rule::R300,
              Rule::R301, Rule::R302});
}

TEST(LnsIncomingFsm, R293_R302_EventsWithoutARowChangeNothing) {
  check_no_row(CallKind::LnsIncoming, lns_incoming, lns_incoming_cases(),
               {S::Idle, S::WaitConnect, S::Established});
}

TEST(LnsIncomingFsm, R301_IdleHasNoLocalCloseRow) {
  const Transition t = lns_incoming(S::Idle, E::LocalClose);
  EXPECT_EQ(t.row, std::nullopt);
  EXPECT_EQ(t.next, S::Idle);
  EXPECT_EQ(t.action, A::None);
}

// ---- 7.5.1 LAC outgoing call -------------------------------------------------------------

const std::vector<Case>& lac_outgoing_cases() {
  static const std::vector<Case> cases = {
      // R307 idle, OCRQ acceptable: send OCRP, open the bearer.
      {Rule::R307, S::Idle, E::RecvOcrqOk, S::WaitCsAnswer, A::SendOcrp},
      // R308 idle, OCRQ not acceptable: send CDN, clean up.
      {Rule::R308, S::Idle, E::RecvOcrqBad, S::Idle, A::SendCdn},
      // R309 idle, receive OCRP: send CDN, clean up.
      {Rule::R309, S::Idle, E::RecvOcrpOk, S::Idle, A::SendCdn},
      {Rule::R309, S::Idle, E::RecvOcrpBad, S::Idle, A::SendCdn},
      // R310 idle, receive OCCN or CDN: clean up.
      {Rule::R310, S::Idle, E::RecvOccnOk, S::Idle, A::CleanUp},
      {Rule::R310, S::Idle, E::RecvOccnBad, S::Idle, A::CleanUp},
      {Rule::R310, S::Idle, E::RecvCdn, S::Idle, A::CleanUp},
      // R311 wait-cs-answer, bearer answer and framing detected: send OCCN.
      {Rule::R311, S::WaitCsAnswer, E::BearerAnswer, S::Established, A::SendOccn},
      // R312 wait-cs-answer, bearer failure: send CDN, clean up.
      {Rule::R312, S::WaitCsAnswer, E::BearerFailure, S::Idle, A::SendCdn},
      // A local close while dialling abandons the call before completion: the 7.5.1 state text
      // ("call not completed ... CDN with a suitable error", R304) handles it like row 6.
      {Rule::R312, S::WaitCsAnswer, E::LocalClose, S::Idle, A::SendCdn},
      // R313 wait-cs-answer, receive OCRQ, OCRP or OCCN: send CDN, clean up.
      {Rule::R313, S::WaitCsAnswer, E::RecvOcrqOk, S::Idle, A::SendCdn},
      {Rule::R313, S::WaitCsAnswer, E::RecvOcrqBad, S::Idle, A::SendCdn},
      {Rule::R313, S::WaitCsAnswer, E::RecvOcrpOk, S::Idle, A::SendCdn},
      {Rule::R313, S::WaitCsAnswer, E::RecvOcrpBad, S::Idle, A::SendCdn},
      {Rule::R313, S::WaitCsAnswer, E::RecvOccnOk, S::Idle, A::SendCdn},
      {Rule::R313, S::WaitCsAnswer, E::RecvOccnBad, S::Idle, A::SendCdn},
      // R314 established, receive OCRQ, OCRP or OCCN: send CDN, clean up.
      {Rule::R314, S::Established, E::RecvOcrqOk, S::Idle, A::SendCdn},
      {Rule::R314, S::Established, E::RecvOcrqBad, S::Idle, A::SendCdn},
      {Rule::R314, S::Established, E::RecvOcrpOk, S::Idle, A::SendCdn},
      {Rule::R314, S::Established, E::RecvOcrpBad, S::Idle, A::SendCdn},
      {Rule::R314, S::Established, E::RecvOccnOk, S::Idle, A::SendCdn},
      {Rule::R314, S::Established, E::RecvOccnBad, S::Idle, A::SendCdn},
      // R315 wait-cs-answer, established, receive CDN: clean up.
      {Rule::R315, S::WaitCsAnswer, E::RecvCdn, S::Idle, A::CleanUp},
      {Rule::R315, S::Established, E::RecvCdn, S::Idle, A::CleanUp},
      // R316 established, bearer line drop or local close: send CDN, clean up.
      {Rule::R316, S::Established, E::LocalClose, S::Idle, A::SendCdn},
  };
  return cases;
}

TEST(LacOutgoingFsm, R307_R316_EveryRowOfTable751) {
  check_rows(CallKind::LacOutgoing, lac_outgoing, lac_outgoing_cases(),
             {Rule::R307, Rule::R308, Rule::R309, Rule::R310, Rule::R311, Rule::R312, Rule::R313, Rule::R314,
              Rule::R315, Rule::R316});
}

TEST(LacOutgoingFsm, R307_R316_EventsWithoutARowChangeNothing) {
  check_no_row(CallKind::LacOutgoing, lac_outgoing, lac_outgoing_cases(),
               {S::Idle, S::WaitCsAnswer, S::Established});
}

TEST(LacOutgoingFsm, R311_BearerAnswerOnlyWhileDialling) {
  for (S s : {S::Idle, S::Established}) {
    const Transition t = lac_outgoing(s, E::BearerAnswer);
    EXPECT_EQ(t.row, std::nullopt) << to_string(s);
    EXPECT_EQ(t.next, s);
  }
}

// ---- 7.5.2 LNS outgoing call -------------------------------------------------------------

const std::vector<Case>& lns_outgoing_cases() {
  static const std::vector<Case> cases = {
      // R317 idle, local open request: open the tunnel.
      {Rule::R317, S::Idle, E::LocalOpen, S::WaitTunnel, A::OpenTunnel},
      // R318 idle, receive OCCN, OCRP or CDN: clean up.
      {Rule::R318, S::Idle, E::RecvOccnOk, S::Idle, A::CleanUp},
      {Rule::R318, S::Idle, E::RecvOccnBad, S::Idle, A::CleanUp},
      {Rule::R318, S::Idle, E::RecvOcrpOk, S::Idle, A::CleanUp},
      {Rule::R318, S::Idle, E::RecvOcrpBad, S::Idle, A::CleanUp},
      {Rule::R318, S::Idle, E::RecvCdn, S::Idle, A::CleanUp, Rule::R325},
      // R319 wait-tunnel, tunnel-open: send OCRQ.
      {Rule::R319, S::WaitTunnel, E::TunnelOpen, S::WaitReply, A::SendOcrq},
      // R320 wait-reply, OCRP acceptable: nothing to send, wait for OCCN.
      {Rule::R320, S::WaitReply, E::RecvOcrpOk, S::WaitConnect, A::None},
      // R321 wait-reply, OCRP not acceptable: send CDN, clean up.
      {Rule::R321, S::WaitReply, E::RecvOcrpBad, S::Idle, A::SendCdn},
      // R322 wait-reply, receive OCCN or OCRQ: send CDN, clean up.
      {Rule::R322, S::WaitReply, E::RecvOccnOk, S::Idle, A::SendCdn},
      {Rule::R322, S::WaitReply, E::RecvOccnBad, S::Idle, A::SendCdn},
      {Rule::R322, S::WaitReply, E::RecvOcrqOk, S::Idle, A::SendCdn},
      {Rule::R322, S::WaitReply, E::RecvOcrqBad, S::Idle, A::SendCdn},
      // R323 wait-connect, receive OCCN: established. An OCCN that fails validation is not the
      // row's "Receive OCCN"; it has no row and the tunnel clears the call (7.1).
      {Rule::R323, S::WaitConnect, E::RecvOccnOk, S::Established, A::None},
      // R324 wait-connect, receive OCRQ or OCRP: send CDN, clean up.
      {Rule::R324, S::WaitConnect, E::RecvOcrqOk, S::Idle, A::SendCdn},
      {Rule::R324, S::WaitConnect, E::RecvOcrqBad, S::Idle, A::SendCdn},
      {Rule::R324, S::WaitConnect, E::RecvOcrpOk, S::Idle, A::SendCdn},
      {Rule::R324, S::WaitConnect, E::RecvOcrpBad, S::Idle, A::SendCdn},
      // R325 idle, wait-reply, wait-connect, established, receive CDN: clean up (idle is above).
      {Rule::R325, S::WaitReply, E::RecvCdn, S::Idle, A::CleanUp},
      {Rule::R325, S::WaitConnect, E::RecvCdn, S::Idle, A::CleanUp},
      {Rule::R325, S::Established, E::RecvCdn, S::Idle, A::CleanUp},
      // R326 established, receive OCRQ, OCRP or OCCN: send CDN, clean up.
      {Rule::R326, S::Established, E::RecvOcrqOk, S::Idle, A::SendCdn},
      {Rule::R326, S::Established, E::RecvOcrqBad, S::Idle, A::SendCdn},
      {Rule::R326, S::Established, E::RecvOcrpOk, S::Idle, A::SendCdn},
      {Rule::R326, S::Established, E::RecvOcrpBad, S::Idle, A::SendCdn},
      {Rule::R326, S::Established, E::RecvOccnOk, S::Idle, A::SendCdn},
      {Rule::R326, S::Established, E::RecvOccnBad, S::Idle, A::SendCdn},
      // R327 wait-reply, wait-connect, established, local close: send CDN, clean up.
      {Rule::R327, S::WaitReply, E::LocalClose, S::Idle, A::SendCdn},
      {Rule::R327, S::WaitConnect, E::LocalClose, S::Idle, A::SendCdn},
      {Rule::R327, S::Established, E::LocalClose, S::Idle, A::SendCdn},
      // R328 wait-tunnel, local close: clean up (no OCRQ was sent, so no CDN).
      {Rule::R328, S::WaitTunnel, E::LocalClose, S::Idle, A::CleanUp},
  };
  return cases;
}

TEST(LnsOutgoingFsm, R317_R328_EveryRowOfTable752) {
  check_rows(CallKind::LnsOutgoing, lns_outgoing, lns_outgoing_cases(),
             {Rule::R317, Rule::R318, Rule::R319, Rule::R320, Rule::R321, Rule::R322, Rule::R323, Rule::R324,
              Rule::R325, Rule::R326, Rule::R327, Rule::R328});
}

TEST(LnsOutgoingFsm, R317_R328_EventsWithoutARowChangeNothing) {
  check_no_row(CallKind::LnsOutgoing, lns_outgoing, lns_outgoing_cases(),
               {S::Idle, S::WaitTunnel, S::WaitReply, S::WaitConnect, S::Established});
}

TEST(LnsOutgoingFsm, R325_CdnWhileWaitingForTheTunnelHasNoRow) {
  // No OCRQ has gone out, so the peer cannot know the call: a CDN for it is not in the table.
  const Transition t = lns_outgoing(S::WaitTunnel, E::RecvCdn);
  EXPECT_EQ(t.row, std::nullopt);
  EXPECT_EQ(t.next, S::WaitTunnel);
  EXPECT_EQ(t.action, A::None);
}

// ---- Names ---------------------------------------------------------------------------------

TEST(SessionFsmNames, EveryStateEventAndKindHasAName) {
  for (S s : {S::Idle, S::WaitTunnel, S::WaitReply, S::WaitConnect, S::WaitCsAnswer, S::Established})
    EXPECT_NE(to_string(s), "?");
  std::set<std::string_view> names;
  for (E e : kAllEvents) {
    EXPECT_NE(to_string(e), "?");
    names.insert(to_string(e));
  }
  EXPECT_EQ(names.size(), std::size(kAllEvents));  // tells events apart in failure messages
  for (CallKind k :
       {CallKind::LacIncoming, CallKind::LnsIncoming, CallKind::LacOutgoing, CallKind::LnsOutgoing})
    EXPECT_NE(to_string(k), "?");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::session
