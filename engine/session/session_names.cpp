#include "engine/session/session_fsm.hpp"

namespace l2tp::session {

std::string_view to_string(SessionState s) {
  switch (s) {
    case SessionState::Idle:
      return "idle";
    case SessionState::WaitTunnel:
      return "wait-tunnel";
    case SessionState::WaitReply:
      return "wait-reply";
    case SessionState::WaitConnect:
      return "wait-connect";
    case SessionState::WaitCsAnswer:
      return "wait-cs-answer";
    case SessionState::Established:
      return "established";
  }
  return "?";
}

std::string_view to_string(SessionEvent e) {
  switch (e) {
    case SessionEvent::LocalOpen:
      return "local open";
    case SessionEvent::TunnelOpen:
      return "tunnel-open";
    case SessionEvent::LocalClose:
      return "local close";
    case SessionEvent::BearerAnswer:
      return "bearer answer";
    case SessionEvent::BearerFailure:
      return "bearer failure";
    case SessionEvent::RecvIcrqOk:
      return "ICRQ";
    case SessionEvent::RecvIcrqBad:
      return "ICRQ (not acceptable)";
    case SessionEvent::RecvIcrpOk:
      return "ICRP";
    case SessionEvent::RecvIcrpBad:
      return "ICRP (not acceptable)";
    case SessionEvent::RecvIccnOk:
      return "ICCN";
    case SessionEvent::RecvIccnBad:
      return "ICCN (not acceptable)";
    case SessionEvent::RecvOcrqOk:
      return "OCRQ";
    case SessionEvent::RecvOcrqBad:
      return "OCRQ (not acceptable)";
    case SessionEvent::RecvOcrpOk:
      return "OCRP";
    case SessionEvent::RecvOcrpBad:
      return "OCRP (not acceptable)";
    case SessionEvent::RecvOccnOk:
      return "OCCN";
    case SessionEvent::RecvOccnBad:
      return "OCCN (not acceptable)";
    case SessionEvent::RecvCdn:
      return "CDN";
  }
  return "?";
}

std::string_view to_string(CallKind k) {
  switch (k) {
    case CallKind::LacIncoming:
      return "LAC incoming";
    case CallKind::LnsIncoming:
      return "LNS incoming";
    case CallKind::LacOutgoing:
      return "LAC outgoing";
    case CallKind::LnsOutgoing:
      return "LNS outgoing";
  }
  return "?";
}

}  // namespace l2tp::session
