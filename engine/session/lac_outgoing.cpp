// RFC 2661 7.5.1: LAC outgoing call.
#include "engine/session/session_fsm.hpp"

namespace l2tp::session {

Transition lac_outgoing(SessionState s, SessionEvent e) {
  using S = SessionState;
  using E = SessionEvent;
  using A = SessionAction;
  const bool any_oc = e == E::RecvOcrqOk || e == E::RecvOcrqBad || e == E::RecvOcrpOk ||
                      e == E::RecvOcrpBad || e == E::RecvOccnOk || e == E::RecvOccnBad;
  switch (s) {
    case S::Idle:
      if (e == E::RecvOcrqOk) return {S::WaitCsAnswer, A::SendOcrp, Rule::R307};
      if (e == E::RecvOcrqBad) return {S::Idle, A::SendCdn, Rule::R308};
      if (e == E::RecvOcrpOk || e == E::RecvOcrpBad) return {S::Idle, A::SendCdn, Rule::R309};
      if (e == E::RecvOccnOk || e == E::RecvOccnBad || e == E::RecvCdn)
        return {S::Idle, A::CleanUp, Rule::R310};
      break;
    case S::WaitCsAnswer:
      if (e == E::BearerAnswer) return {S::Established, A::SendOccn, Rule::R311};
      if (e == E::BearerFailure || e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R312};
      if (any_oc) return {S::Idle, A::SendCdn, Rule::R313};
      if (e == E::RecvCdn) return {S::Idle, A::CleanUp, Rule::R315};
      break;
    case S::Established:
      if (any_oc) return {S::Idle, A::SendCdn, Rule::R314};
      if (e == E::RecvCdn) return {S::Idle, A::CleanUp, Rule::R315};
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R316};
      break;
    default:
      break;
  }
  return {s, A::None, std::nullopt};
}

}  // namespace l2tp::session
