// RFC 2661 7.2.1, control connection establishment, as a pure transition function. The
// Tunnel object carries out the action.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/wire/rules.hpp"

namespace l2tp::tunnel {

enum class TunnelState : std::uint8_t {
  Idle,
  WaitCtlReply,  // we sent SCCRQ
  WaitCtlConn,   // we sent SCCRP
  Established,
  Closing,    // we sent StopCCN; waiting for its ack (or the retry limit)
  Lingering,  // we got StopCCN; acking its retransmissions for a while (5.7, ~31 s)
  Closed,     // nothing left to do; the endpoint may forget the tunnel
};

enum class TunnelInput : std::uint8_t {
  LocalOpen,
  LocalClose,  // administrative close
  RecvSccrqOk,
  RecvSccrqBad,
  RecvSccrqLoseTie,
  RecvSccrpOk,
  RecvSccrpBad,
  RecvScccnOk,
  RecvScccnBad,
  RecvStopCcn,
};

enum class TunnelAction : std::uint8_t {
  None,
  SendSccrq,
  SendSccrp,
  SendScccn,     // and tell waiting sessions the tunnel is open
  OpenSessions,  // tell waiting sessions the tunnel is open
  SendStopCcn,   // then clean up once it is delivered
  CleanUp,       // silently
  Requeue,       // lost the tie breaker: drop silently, calls move to the peer's tunnel
};

struct TunnelTransition {
  TunnelState next;
  TunnelAction action;
  std::optional<Rule> row;
};

TunnelTransition tunnel_step(TunnelState s, TunnelInput in);

std::string_view to_string(TunnelState s);
std::string_view to_string(TunnelInput in);

}  // namespace l2tp::tunnel
