// One call inside a tunnel: its state in the RFC 2661 section 7 tables, its IDs and its data
// channel sequencing. The tunnel drives it (sessions share the tunnel's control channel).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/session/proxy_ppp.hpp"
#include "engine/session/session_fsm.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/wire/types.hpp"

namespace l2tp::session {

struct DataStats {
  std::uint64_t sent = 0, received = 0;
  std::uint64_t lost = 0;       // gaps in the peer's data Ns
  std::uint64_t reordered = 0;  // data Ns older than expected
};

struct Session {
  SessionId local;
  SessionId remote;  // 0 until the peer's Assigned Session ID arrives (R092)
  CallKind kind = CallKind::LacIncoming;
  SessionState state = SessionState::Idle;
  std::uint32_t call_serial = 0;
  Time opened_at{};
  bool sequencing = false;            // data messages carry Ns/Nr
  bool unsequenced_reported = false;  // R151: the peer sent data without Ns/Nr although we asked
  Seq data_ns;                        // next data Ns to send
  std::optional<Seq> data_expected;   // next data Ns expected from the peer
  DataStats data;
  ProxyPppBox proxy;  // LAC: sent in ICCN; LNS: as the ICCN carried it
  // LAC: the Ns of our ICCN/OCCN until the peer acknowledges it; the call is announced up
  // (SessionUp) only then. Meanwhile data either way waits here, in order.
  std::optional<Seq> connect_ns;
  // Only while connect_ns is set, so on the heap (8 octets in every session, not 48).
  struct Waiting {
    std::vector<Buffer> held;   // ours, encoded, to send once the peer has the call
    std::vector<Buffer> early;  // the peer's PPP frames, to report after SessionUp
  };
  std::unique_ptr<Waiting> waiting;
  Waiting& wait() {
    if (!waiting) waiting = std::make_unique<Waiting>();
    return *waiting;
  }
};

}  // namespace l2tp::session
