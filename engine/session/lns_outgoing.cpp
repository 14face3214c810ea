// RFC 2661 7.5.2: LNS outgoing call.
#include "engine/session/session_fsm.hpp"

namespace l2tp::session {

Transition lns_outgoing(SessionState s, SessionEvent e) {
  using S = SessionState;
  using E = SessionEvent;
  using A = SessionAction;
  if (e == E::RecvCdn && s != S::WaitTunnel) return {S::Idle, A::CleanUp, Rule::R325};
  switch (s) {
    case S::Idle:
      if (e == E::LocalOpen) return {S::WaitTunnel, A::OpenTunnel, Rule::R317};
      if (e == E::RecvOccnOk || e == E::RecvOccnBad || e == E::RecvOcrpOk || e == E::RecvOcrpBad)
        return {S::Idle, A::CleanUp, Rule::R318};
      break;
    case S::WaitTunnel:
      if (e == E::TunnelOpen) return {S::WaitReply, A::SendOcrq, Rule::R319};
      if (e == E::LocalClose) return {S::Idle, A::CleanUp, Rule::R328};
      break;
    case S::WaitReply:
      if (e == E::RecvOcrpOk) return {S::WaitConnect, A::None, Rule::R320};
      if (e == E::RecvOcrpBad) return {S::Idle, A::SendCdn, Rule::R321};
      if (e == E::RecvOccnOk || e == E::RecvOccnBad || e == E::RecvOcrqOk || e == E::RecvOcrqBad)
        return {S::Idle, A::SendCdn, Rule::R322};
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R327};
      break;
    case S::WaitConnect:
      if (e == E::RecvOccnOk) return {S::Established, A::None, Rule::R323};
      if (e == E::RecvOcrqOk || e == E::RecvOcrqBad || e == E::RecvOcrpOk || e == E::RecvOcrpBad)
        return {S::Idle, A::SendCdn, Rule::R324};
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R327};
      break;
    case S::Established:
      if (e == E::RecvOcrqOk || e == E::RecvOcrqBad || e == E::RecvOcrpOk || e == E::RecvOcrpBad ||
          e == E::RecvOccnOk || e == E::RecvOccnBad)
        return {S::Idle, A::SendCdn, Rule::R326};
      if (e == E::LocalClose) return {S::Idle, A::SendCdn, Rule::R327};
      break;
    default:
      break;
  }
  return {s, A::None, std::nullopt};
}

}  // namespace l2tp::session
