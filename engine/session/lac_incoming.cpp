// RFC 2661 7.4.1: LAC incoming call.
#include "engine/session/session_fsm.hpp"

namespace l2tp::session {

Transition lac_incoming(SessionState s, SessionEvent e) {
  using S = SessionState;
  using E = SessionEvent;
  using A = SessionAction;
  switch (s) {
    case S::Idle:
      if (e == E::LocalOpen) return {S::WaitTunnel, A::OpenTunnel, Rule::R281};
      if (e == E::RecvIccnOk || e == E::RecvIccnBad || e == E::RecvIcrpOk || e == E::RecvIcrpBad ||
          e == E::RecvCdn)
        return {S::Idle, A::CleanUp, Rule::R282};
      break;
    case S::WaitTunnel:
      if (e == E::LocalClose) return {S::Idle, A::CleanUp, Rule::R283};
      if (e == E::TunnelOpen) return {S::WaitReply, A::SendIcrq, Rule::R284};
      break;
    case S::WaitReply:
      if (e == E::RecvIcrpOk) return {S::Established, A::SendIccn, Rule::R285};
      if (e == E::RecvIcrpBad) return {S::Idle, A::SendCdn, Rule::R286};
      if (e == E::RecvIcrqOk || e == E::RecvIcrqBad) return {S::Idle, A::SendCdn, Rule::R287};
      if (e == E::RecvCdn || e == E::RecvIccnOk || e == E::RecvIccnBad)
        return {S::Idle, A::CleanUp, Rule::R288};
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R289};
      break;
    case S::Established:
      if (e == E::RecvCdn) return {S::Idle, A::CleanUp, Rule::R290};
      if (e == E::RecvIcrqOk || e == E::RecvIcrqBad || e == E::RecvIcrpOk || e == E::RecvIcrpBad ||
          e == E::RecvIccnOk || e == E::RecvIccnBad)
        return {S::Idle, A::SendCdn, Rule::R291};
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R292};
      break;
    default:
      break;
  }
  return {s, A::None, std::nullopt};
}

}  // namespace l2tp::session
