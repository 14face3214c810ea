// One L2TP tunnel (control connection) with its sessions, either side, either role. Sans-I/O:
// feed it decoded control messages, data datagrams and timeouts; drain poll_transmit(),
// poll_event() and poll_timeout() after every input.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/control/control_channel.hpp"
#include "engine/events.hpp"
#include "engine/session/session.hpp"
#include "engine/tunnel/tunnel_config.hpp"
#include "engine/tunnel/tunnel_fsm.hpp"
#include "engine/util/buffer_pool.hpp"
#include "engine/util/fifo.hpp"
#include "engine/util/id_table.hpp"
#include "engine/util/rng.hpp"
#include "engine/wire/message.hpp"

namespace l2tp::tunnel {

struct TunnelStats {
  std::uint64_t data_sent = 0, data_received = 0, data_dropped = 0;
  std::uint64_t hellos_sent = 0;
  std::uint64_t messages_ignored = 0;  // unknown type with M=0, stray session messages, ...
  TunnelStats& operator+=(const TunnelStats& o) {
    data_sent += o.data_sent;
    data_received += o.data_received;
    data_dropped += o.data_dropped;
    hellos_sent += o.hellos_sent;
    messages_ignored += o.messages_ignored;
    return *this;
  }
};

class Tunnel {
 public:
  // `local` is our Assigned Tunnel ID (never 0, R145); `rng` must outlive the tunnel.
  Tunnel(TunnelId local, const TunnelConfig& cfg, Rng& rng, Time now);
  // The same with a configuration the node's tunnels share (one copy, not one per tunnel).
  Tunnel(TunnelId local, std::shared_ptr<const TunnelConfig> cfg, Rng& rng, Time now);

  // Originator: queue the SCCRQ (7.2.1 idle -> wait-ctl-reply).
  void open(Time now);

  // A decoded control message addressed to this tunnel (or an SCCRQ that created it). Runs
  // reliable delivery first, then the FSMs for every message it releases in order.
  void handle_control(wire::ControlMessage msg, Time now);
  // A data message addressed to this tunnel.
  void handle_data(const wire::DataMessage& msg, Time now);
  void handle_timeout(Time now);

  // LAC: an incoming call (ICRQ, 7.4.1); LNS: an outgoing call (OCRQ, 7.5.2). The call waits
  // for the tunnel if it is not established yet. Returns our Session ID, or nullopt when the
  // tunnel is going down or the session limit is reached.
  // `proxy` (LAC, incoming calls): proxy LCP and authentication AVPs to send in ICCN.
  std::optional<SessionId> open_session(Time now, std::optional<session::ProxyPpp> proxy = std::nullopt);
  // Clears a call with CDN (when the table says so for its state).
  void close_session(SessionId local, const ResultInfo& result, Time now);
  // Administrative close: StopCCN with `result`, then clean-up once it is delivered.
  void close(const ResultInfo& result, Time now);

  // The node found our SCCRQ crossing the peer's and we lost the tie breaker (4.4.3): our
  // attempt goes silently. `requeue`: the calls waiting for it move to the peer's tunnel
  // (take_requeued_calls, 7.2.1 row 8); false when the node takes no incoming tunnels, so
  // there is none for them to move to and they end with it (SessionDown).
  void lose_tie_breaker(Time now, bool requeue = true) {
    requeue_calls_ = requeue;
    apply(TunnelInput::RecvSccrqLoseTie, nullptr, now);
  }
  // Refuse the SCCRQ about to be handled with this StopCCN result (node-level limits).
  void refuse_with(const ResultInfo& r) { refusal_ = r; }

  // A control message the caller built, queued in the control channel like our own (reliable
  // delivery: Ns/Nr written by the channel, acknowledged, retransmitted): the header Tunnel ID is
  // set to the peer's, the header Session ID and the AVPs are sent as given, AVPs marked hidden
  // are hidden with the tunnel secret (behind the Random Vector before them). The FSMs do not
  // see it. Only on an established tunnel; returns the Ns given to it (nullopt: not established,
  // or the message cannot be encoded).
  std::optional<Seq> send_control(wire::ControlMessage msg, Time now);

  // Sends one PPP frame on an established session (dropped otherwise).
  void send_ppp(SessionId local, Bytes ppp, Time now);
  // Where data messages take their storage and give back the caller's (the node's pool; not
  // owned; nullptr: a buffer of their own each).
  void set_buffer_pool(BufferPool* pool) { pool_ = pool; }
  // Where events queue until poll_event (not owned; nullptr: a queue of the tunnel's own). The
  // node shares one among its tunnels and empties it after every call into a tunnel: a ring of
  // each tunnel's own was made and freed for nearly every datagram.
  void set_event_queue(Fifo<Event, true>* q) { shared_events_ = q; }
  void send_wen(SessionId local, const avp::CallErrors& errors, Time now);
  void send_sli(SessionId local, const avp::Accm& accm, Time now);

  // The next datagram to send (control first, then data), into `out`. False when none.
  bool poll_transmit(Time now, Buffer& out);
  std::optional<Time> poll_timeout() const;
  std::optional<Event> poll_event();

  TunnelState state() const { return state_; }
  TunnelId local_id() const { return local_; }
  TunnelId peer_id() const { return peer_; }
  // The Tie Breaker our SCCRQ carried, for the node's collision check (4.4.3).
  std::optional<std::uint64_t> our_tie_breaker() const { return tie_breaker_; }
  bool is_originator() const { return originator_; }
  std::size_t session_count() const { return sessions_.size(); }
  const session::Session* find_session(SessionId local) const;
  const control::ControlChannel& channel() const { return channel_; }
  // Lingering after a StopCCN (5.7): until when it keeps acknowledging retransmissions of it.
  std::optional<Time> linger_until() const { return linger_until_; }
  const TunnelStats& stats() const { return stats_; }
  const TunnelConfig& config() const { return cfg_; }
  // Calls waiting for this tunnel when it lost a tie breaker (7.2.1 row 8): the endpoint
  // re-opens them on the winning tunnel.
  std::size_t take_requeued_calls();

 private:
  // Control plane (tunnel.cpp).
  void apply(TunnelInput in, const wire::ControlMessage* msg, Time now, std::optional<ResultInfo> stop = {});
  void process(const wire::ControlMessage& msg, Time now);
  // `refusal`: the message is unacceptable for a reason found before its type was looked at.
  void process_tunnel_message(MessageType type, const wire::ControlMessage& msg, Time now,
                              std::optional<ResultInfo> refusal);
  void go_down(TunnelState phase, bool by_peer, std::optional<ResultInfo> result, std::string reason,
               Time now);
  Seq queue_message(wire::ControlMessage msg);
  void emit(Time now, EventBody body) {
    if (shared_events_)
      shared_events_->push_back(Event{now, std::move(body)});
    else
      events_.push_back(Event{now, std::move(body)});
  }

  // Message building and checks (tunnel_messages.cpp).
  wire::ControlMessage build_sccrq();
  wire::ControlMessage build_sccrp();
  wire::ControlMessage build_scccn();
  wire::ControlMessage build_stopccn(const ResultInfo& r);
  void add_common_tunnel_avps(wire::ControlMessage& m);
  void add_challenge_response(wire::ControlMessage& m, MessageType carrying);
  void apply_hiding(wire::ControlMessage& m);
  // nullopt when acceptable; else the StopCCN result to send (7.2.1 "not acceptable").
  std::optional<ResultInfo> judge_sccrq(const wire::ControlMessage& m);
  std::optional<ResultInfo> judge_sccrp(const wire::ControlMessage& m);
  std::optional<ResultInfo> judge_scccn(const wire::ControlMessage& m);
  void learn_peer(const wire::ControlMessage& m);

  // Sessions (tunnel_sessions.cpp).
  void process_session_message(MessageType type, const wire::ControlMessage& msg, Time now,
                               std::optional<ResultInfo> refusal);
  void session_step(session::Session& s, session::SessionEvent e, const wire::ControlMessage* msg, Time now,
                    std::optional<ResultInfo> cdn = {});
  // Calls waiting for the tunnel, or for room in the control window (ControlChannel::room),
  // go out in the order they were opened, as many as there is room for.
  void open_waiting_sessions(Time now);
  // The tunnel went down: every call ends with it (by the peer when it sent StopCCN).
  void drop_all_sessions(const std::string& reason, bool by_peer, const std::optional<ResultInfo>& result,
                         Time now);
  Seq send_session_message(session::Session& s, MessageType type, std::optional<ResultInfo> cdn);
  void announce_up(session::Session& s, Time now);
  // LAC: the calls whose ICCN/OCCN the peer has now acknowledged come up (SessionUp), then
  // what was held for them goes: our data to the wire, the peer's as SessionData.
  void settle_connects(Time now);
  void connect_acknowledged(session::Session& s, Time now);  // its ICCN/OCCN acked: up
  static void add_proxy_avps(wire::ControlMessage& m, const session::ProxyPpp& p);
  static std::optional<session::ProxyPpp> read_proxy_avps(const wire::ControlMessage& m);
  std::optional<ResultInfo> judge_session_message(MessageType type, const wire::ControlMessage& m);
  SessionId allocate_session_id();
  void finish_session(session::Session& s, session::SessionState phase, bool by_peer,
                      std::optional<ResultInfo> result, const wire::ControlMessage* cdn, std::string reason,
                      Time now);

  std::shared_ptr<const TunnelConfig> shared_cfg_;
  const TunnelConfig& cfg_;  // *shared_cfg_
  Rng& rng_;
  BufferPool* pool_ = nullptr;
  TunnelId local_;
  TunnelId peer_{};
  TunnelState state_ = TunnelState::Idle;
  bool originator_ = false;
  bool down_reported_ = false;
  Time created_at_;
  control::ControlChannel channel_;
  std::optional<std::uint64_t> tie_breaker_;
  Buffer our_challenge_;   // what we sent; the peer must answer it (R138, R139)
  Buffer peer_challenge_;  // what the peer sent; we answer it in SCCRP/SCCCN
  Time last_receive_;
  std::optional<Time> linger_until_;
  std::size_t requeued_calls_ = 0;
  bool requeue_calls_ = true;  // on losing the tie breaker (lose_tie_breaker)
  std::optional<ResultInfo> refusal_;
  IdTable<session::Session> sessions_;  // by local Session ID
  std::uint16_t next_session_id_ = 1;
  std::uint32_t next_call_serial_ = 1;
  Fifo<Buffer, true> data_out_;  // keeps its ring (a few words): filled and emptied per frame sent
  // LAC: calls whose ICCN/OCCN awaits its ack, in Ns order (so acks settle them from the front).
  Fifo<std::uint16_t> holding_;
  // Calls opened but not yet sent (WaitTunnel), in order: released into window room.
  Fifo<std::uint16_t> waiting_;
  Fifo<Event, true> events_;                    // without a shared queue (a tunnel on its own: tests)
  Fifo<Event, true>* shared_events_ = nullptr;  // used instead of events_ when set
  TunnelStats stats_;
};

}  // namespace l2tp::tunnel
