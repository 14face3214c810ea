#include "engine/tunnel/tunnel_fsm.hpp"

namespace l2tp::tunnel {

TunnelTransition tunnel_step(TunnelState s, TunnelInput in) {
  using S = TunnelState;
  using I = TunnelInput;
  using A = TunnelAction;
  if (in == I::RecvStopCcn &&
      (s == S::Idle || s == S::WaitCtlReply || s == S::WaitCtlConn || s == S::Established))
    return {S::Lingering, A::CleanUp, Rule::R275};
  switch (s) {
    case S::Idle:
      if (in == I::LocalOpen) return {S::WaitCtlReply, A::SendSccrq, Rule::R260};
      if (in == I::RecvSccrqOk) return {S::WaitCtlConn, A::SendSccrp, Rule::R261};
      if (in == I::RecvSccrqBad) return {S::Closing, A::SendStopCcn, Rule::R262};
      if (in == I::RecvSccrpOk || in == I::RecvSccrpBad) return {S::Closing, A::SendStopCcn, Rule::R263};
      if (in == I::RecvScccnOk || in == I::RecvScccnBad) return {S::Closed, A::CleanUp, Rule::R264};
      break;
    case S::WaitCtlReply:
      if (in == I::RecvSccrpOk) return {S::Established, A::SendScccn, Rule::R265};
      if (in == I::RecvSccrpBad) return {S::Closing, A::SendStopCcn, Rule::R266};
      if (in == I::RecvSccrqLoseTie) return {S::Closed, A::Requeue, Rule::R267};
      if (in == I::RecvScccnOk || in == I::RecvScccnBad) return {S::Closing, A::SendStopCcn, Rule::R268};
      if (in == I::LocalClose) return {S::Closing, A::SendStopCcn, std::nullopt};
      break;
    case S::WaitCtlConn:
      if (in == I::RecvScccnOk) return {S::Established, A::OpenSessions, Rule::R269};
      if (in == I::RecvScccnBad) return {S::Closing, A::SendStopCcn, Rule::R270};
      if (in == I::RecvSccrpOk || in == I::RecvSccrpBad || in == I::RecvSccrqOk || in == I::RecvSccrqBad)
        return {S::Closing, A::SendStopCcn, Rule::R271};
      if (in == I::LocalClose) return {S::Closing, A::SendStopCcn, std::nullopt};
      break;
    case S::Established:
      if (in == I::LocalOpen) return {S::Established, A::OpenSessions, Rule::R272};
      if (in == I::LocalClose) return {S::Closing, A::SendStopCcn, Rule::R273};
      if (in == I::RecvSccrqOk || in == I::RecvSccrqBad || in == I::RecvSccrpOk || in == I::RecvSccrpBad ||
          in == I::RecvScccnOk || in == I::RecvScccnBad)
        return {S::Closing, A::SendStopCcn, Rule::R274};
      break;
    default:
      break;
  }
  return {s, A::None, std::nullopt};
}

std::string_view to_string(TunnelState s) {
  switch (s) {
    case TunnelState::Idle:
      return "idle";
    case TunnelState::WaitCtlReply:
      return "wait-ctl-reply";
    case TunnelState::WaitCtlConn:
      return "wait-ctl-conn";
    case TunnelState::Established:
      return "established";
    case TunnelState::Closing:
      return "closing";
    case TunnelState::Lingering:
      return "lingering";
    case TunnelState::Closed:
      return "closed";
  }
  return "?";
}

std::string_view to_string(TunnelInput in) {
  switch (in) {
    case TunnelInput::LocalOpen:
      return "local open";
    case TunnelInput::LocalClose:
      return "local close";
    case TunnelInput::RecvSccrqOk:
      return "SCCRQ";
    case TunnelInput::RecvSccrqBad:
      return "SCCRQ (not acceptable)";
    case TunnelInput::RecvSccrqLoseTie:
      return "SCCRQ (lost tie breaker)";
    case TunnelInput::RecvSccrpOk:
      return "SCCRP";
    case TunnelInput::RecvSccrpBad:
      return "SCCRP (not acceptable)";
    case TunnelInput::RecvScccnOk:
      return "SCCCN";
    case TunnelInput::RecvScccnBad:
      return "SCCCN (not acceptable)";
    case TunnelInput::RecvStopCcn:
      return "StopCCN";
  }
  return "?";
}

}  // namespace l2tp::tunnel
