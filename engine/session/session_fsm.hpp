// The four call state tables of RFC 2661 section 7 (7.4.1, 7.4.2, 7.5.1, 7.5.2) as pure
// transition functions: (state, event) -> (next state, action, table row). The Session object
// carries out the action; these functions only decide, so every row is unit-testable.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/wire/rules.hpp"

namespace l2tp::session {

enum class CallKind : std::uint8_t {
  LacIncoming,  // 7.4.1: we are the LAC, the call came from a client; we send ICRQ
  LnsIncoming,  // 7.4.2: we are the LNS, the LAC sent ICRQ
  LacOutgoing,  // 7.5.1: we are the LAC, the LNS sent OCRQ
  LnsOutgoing,  // 7.5.2: we are the LNS and asked the LAC to dial (OCRQ)
};

enum class SessionState : std::uint8_t {
  Idle,
  WaitTunnel,    // LAC incoming / LNS outgoing: the tunnel is not established yet
  WaitReply,     // ICRQ or OCRQ sent
  WaitConnect,   // LNS: ICRP sent (incoming) or OCRP received (outgoing)
  WaitCsAnswer,  // LAC outgoing: OCRP sent, the call is being placed
  Established,
};

enum class SessionEvent : std::uint8_t {
  LocalOpen,      // a call to set up (client rang / dial-out requested)
  TunnelOpen,     // the tunnel became established
  LocalClose,     // local close request or bearer line drop
  BearerAnswer,   // LAC outgoing: the called party answered
  BearerFailure,  // LAC outgoing: the call could not be placed
  RecvIcrqOk,
  RecvIcrqBad,
  RecvIcrpOk,
  RecvIcrpBad,
  RecvIccnOk,
  RecvIccnBad,
  RecvOcrqOk,
  RecvOcrqBad,
  RecvOcrpOk,
  RecvOcrpBad,
  RecvOccnOk,
  RecvOccnBad,
  RecvCdn,
};

enum class SessionAction : std::uint8_t {
  None,
  OpenTunnel,  // ask the tunnel to come up (it may already be on its way)
  SendIcrq,
  SendIcrp,
  SendIccn,
  SendOcrq,
  SendOcrp,  // and place the call
  SendOccn,
  SendCdn,  // then clean up
  CleanUp,
};

struct Transition {
  SessionState next;
  SessionAction action;
  std::optional<Rule> row;  // the table row applied; nullopt when no row covers the event
};

// No row for (state, event): the message is out of sequence (7.1). The tables' recommended
// handling is to clear the session with a CDN.
Transition lac_incoming(SessionState s, SessionEvent e);
Transition lns_incoming(SessionState s, SessionEvent e);
Transition lac_outgoing(SessionState s, SessionEvent e);
Transition lns_outgoing(SessionState s, SessionEvent e);

inline Transition step(CallKind k, SessionState s, SessionEvent e) {
  switch (k) {
    case CallKind::LacIncoming:
      return lac_incoming(s, e);
    case CallKind::LnsIncoming:
      return lns_incoming(s, e);
    case CallKind::LacOutgoing:
      return lac_outgoing(s, e);
    case CallKind::LnsOutgoing:
      return lns_outgoing(s, e);
  }
  return {s, SessionAction::None, std::nullopt};
}

std::string_view to_string(SessionState s);
std::string_view to_string(SessionEvent e);
std::string_view to_string(CallKind k);

}  // namespace l2tp::session
