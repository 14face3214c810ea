// RFC 2661 7.4.2: LNS incoming call.
#include "engine/session/session_fsm.hpp"

namespace l2tp::session {

Transition lns_incoming(SessionState s, SessionEvent e) {
  using S = SessionState;
  using E = SessionEvent;
  using A = SessionAction;
  if (e == E::RecvCdn && (s == S::Idle || s == S::WaitConnect || s == S::Established))
    return {S::Idle, A::CleanUp, Rule::R300};
  switch (s) {
    case S::Idle:
      if (e == E::RecvIcrqOk) return {S::WaitConnect, A::SendIcrp, Rule::R293};
      if (e == E::RecvIcrqBad) return {S::Idle, A::SendCdn, Rule::R294};
      if (e == E::RecvIcrpOk || e == E::RecvIcrpBad) return {S::Idle, A::SendCdn, Rule::R295};
      if (e == E::RecvIccnOk || e == E::RecvIccnBad) return {S::Idle, A::CleanUp, Rule::R296};
      break;
    case S::WaitConnect:
      if (e == E::RecvIccnOk) return {S::Established, A::None, Rule::R297};
      if (e == E::RecvIccnBad) return {S::Idle, A::SendCdn, Rule::R298};
      if (e == E::RecvIcrqOk || e == E::RecvIcrqBad || e == E::RecvIcrpOk || e == E::RecvIcrpBad)
        return {S::Idle, A::SendCdn, Rule::R299};
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R301};
      break;
    case S::Established:
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R301};
      if (e == E::RecvIcrqOk || e == E::RecvIcrqBad || e == E::RecvIcrpOk || e == E::RecvIcrpBad ||
          e == E::RecvIccnOk || e == E::RecvIccnBad)
        return {S::Idle, A::SendCdn, Rule::R302};
      break;
    default:
      break;
  }
  return {s, A::None, std::nullopt};
}

}  // namespace l2tp::session
