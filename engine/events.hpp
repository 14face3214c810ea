// What a tunnel reports to its driver: state changes, data, and the peer's rule violations.
// Events carry the time they happened so adapters can compute per-phase latencies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "engine/session/proxy_ppp.hpp"
#include "engine/session/session_fsm.hpp"
#include "engine/time.hpp"
#include "engine/tunnel/tunnel_fsm.hpp"
#include "engine/util/bytes.hpp"
#include "engine/wire/avp_value.hpp"
#include "engine/wire/rules.hpp"
#include "engine/wire/types.hpp"

namespace l2tp {

// A Result Code AVP as sent or received (StopCCN, CDN). A CDN may add the RFC 3145 PPP
// Disconnect Cause Code, which says why PPP ended (ignored for StopCCN).
struct ResultInfo {
  ResultInfo() = default;
  ResultInfo(std::uint16_t r, std::optional<std::uint16_t> e = std::nullopt, std::string m = {},
             std::optional<avp::DisconnectCause> cause = std::nullopt)
      : result(r), error(e), message(std::move(m)), ppp_cause(std::move(cause)) {}

  std::uint16_t result = 0;
  std::optional<std::uint16_t> error;
  std::string message;
  std::optional<avp::DisconnectCause> ppp_cause;
  std::string to_string() const;
};

struct TunnelUp {
  TunnelId peer;
  Duration setup_time{};  // from SCCRQ sent or received to established
};

struct TunnelDown {
  tunnel::TunnelState phase;         // the state it was in when it went down
  bool by_peer = false;              // the peer sent StopCCN
  std::optional<ResultInfo> result;  // the StopCCN's Result Code (ours or the peer's)
  std::string reason;
};

struct SessionUp {
  SessionId local, remote;
  session::CallKind kind;
  Duration setup_time{};
  bool sequencing = false;                 // data messages carry Ns/Nr
  std::optional<session::ProxyPpp> proxy;  // LNS: proxy LCP/authentication from the ICCN
};

struct SessionDown {
  SessionId local, remote;
  session::CallKind kind;
  session::SessionState phase;  // the state it was in when it failed or was cleared
  bool by_peer = false;
  std::optional<ResultInfo> result;               // the CDN's Result Code (ours or the peer's)
  std::optional<avp::Q931Cause> q931;             // received
  std::optional<avp::DisconnectCause> ppp_cause;  // received (RFC 3145)
  std::string reason;
};

struct SessionData {
  SessionId local;
  Buffer ppp;
};

// WEN or SLI received on an established session.
struct SessionInfo {
  SessionId local;
  MessageType type;
  std::optional<avp::CallErrors> call_errors;
  std::optional<avp::Accm> accm;
};

// The peer sent something RFC 2661 forbids; the engine coped with it.
struct PeerViolation {
  Rule rule;
  std::string detail;
};

using EventBody =
    std::variant<TunnelUp, TunnelDown, SessionUp, SessionDown, SessionData, SessionInfo, PeerViolation>;

struct Event {
  Time at;
  EventBody body;
};

}  // namespace l2tp
