// The control connection: reliable delivery in, 7.2.1 transitions, keepalive, teardown.
#include "engine/tunnel/tunnel.hpp"

#include "engine/wire/avp_spec.hpp"
#include "engine/wire/checker.hpp"

namespace l2tp::tunnel {
namespace {

// Why a malformed AVP makes its message unacceptable, for the Result Code's message.
std::string describe_malformed(const wire::ControlMessage& m, const wire::Avp& a) {
  const std::string name = avp_display_name(a.vendor, a.type);
  const std::string length = "AVP Length " + std::to_string(a.wire_length);
  if (a.wire_length < kAvpHeaderSize) return name + ": " + length + " is below 6";  // R026
  if (m.header.has_length && a.offset + a.wire_length > m.header.length)
    return name + ": " + length + " runs past the end of the message";  // R028
  return name + " has a malformed value (" + length + ")";
}

}  // namespace

Tunnel::Tunnel(TunnelId local, const TunnelConfig& cfg, Rng& rng, Time now)
    : Tunnel(local, std::make_shared<const TunnelConfig>(cfg), rng, now) {}

Tunnel::Tunnel(TunnelId local, std::shared_ptr<const TunnelConfig> cfg, Rng& rng, Time now)
    : shared_cfg_(std::move(cfg)),
      cfg_(*shared_cfg_),
      rng_(rng),
      local_(local),
      created_at_(now),
      channel_(cfg_.reliability),
      last_receive_(now) {}

void Tunnel::open(Time now) {
  originator_ = true;
  apply(TunnelInput::LocalOpen, nullptr, now);
}

// Encoded into a buffer of its own that the channel keeps until acknowledged: no scratch buffer
// held per tunnel, and no copy. Most control messages fit the reserve without growing.
constexpr std::size_t kEncodeReserve = 256;

Seq Tunnel::queue_message(wire::ControlMessage msg) {
  Buffer encoded;
  encoded.reserve(kEncodeReserve);
  auto opt = wire::EncodeOptions::hiding(as_bytes(cfg_.secret), &rng_, cfg_.hidden_padding);
  if (!wire::encode_control(msg, opt, encoded)) return channel_.next_ns();  // our own messages always fit
  return channel_.queue(std::move(encoded));
}

std::optional<Seq> Tunnel::send_control(wire::ControlMessage msg, Time) {
  if (state_ != TunnelState::Established) return std::nullopt;
  msg.header.tunnel = peer_;
  Buffer encoded;
  encoded.reserve(kEncodeReserve);
  auto opt = wire::EncodeOptions::hiding(as_bytes(cfg_.secret), &rng_, cfg_.hidden_padding);
  if (!wire::encode_control(msg, opt, encoded)) return std::nullopt;  // a caller's AVPs may not fit
  return channel_.queue(std::move(encoded));
}

void Tunnel::handle_control(wire::ControlMessage msg, Time now) {
  if (state_ == TunnelState::Closed) return;
  last_receive_ = now;
  channel_.handle_receive(std::move(msg), now);
  while (auto m = channel_.poll_delivery()) {
    if (state_ == TunnelState::Closed) break;
    process(*m, now);
  }
  if (!holding_.empty()) settle_connects(now);        // its Nr may acknowledge an ICCN/OCCN
  if (!waiting_.empty()) open_waiting_sessions(now);  // its Nr may have made room for new calls
  if (state_ == TunnelState::Closing && channel_.idle()) state_ = TunnelState::Closed;  // StopCCN delivered
}

void Tunnel::handle_timeout(Time now) {
  if (state_ == TunnelState::Closed) return;
  channel_.handle_timeout(now);
  if (channel_.failed()) {
    // 5.8: no acknowledgement after the last retry clears the tunnel and all its sessions.
    go_down(state_, false, std::nullopt,
            "no acknowledgement from the peer after " + std::to_string(cfg_.reliability.max_retries) +
                " retransmissions",
            now);
    state_ = TunnelState::Closed;
    return;
  }
  if (state_ == TunnelState::Lingering && linger_until_ && now >= *linger_until_) {
    state_ = TunnelState::Closed;
    return;
  }
  // 6.5: a HELLO after keepalive-timeout of silence; its loss brings the tunnel down via 5.8.
  if (state_ == TunnelState::Established && cfg_.keepalive_timeout > Duration::zero() &&
      now >= last_receive_ + cfg_.keepalive_timeout) {
    queue_message(wire::make_control(MessageType::Hello, peer_, SessionId{}));
    ++stats_.hellos_sent;
    last_receive_ = now;
  }
}

std::optional<Time> Tunnel::poll_timeout() const {
  if (state_ == TunnelState::Closed) return std::nullopt;
  std::optional<Time> t = channel_.poll_timeout();
  auto take = [&](Time c) {
    if (!t || c < *t) t = c;
  };
  if (state_ == TunnelState::Established && cfg_.keepalive_timeout > Duration::zero())
    take(last_receive_ + cfg_.keepalive_timeout);
  if (state_ == TunnelState::Lingering && linger_until_) take(*linger_until_);
  return t;
}

bool Tunnel::poll_transmit(Time now, Buffer& out) {
  if (state_ == TunnelState::Closed) return false;
  if (channel_.poll_transmit(now, out)) return true;
  if (data_out_.empty()) return false;
  if (pool_) pool_->give(out);  // the caller is done with it: its storage serves the next frame
  out = std::move(data_out_.front());
  data_out_.pop_front();
  return true;
}

std::optional<Event> Tunnel::poll_event() {
  auto& q = shared_events_ ? *shared_events_ : events_;
  if (q.empty()) return std::nullopt;
  Event e = std::move(q.front());
  q.pop_front();
  return e;
}

void Tunnel::close(const ResultInfo& result, Time now) {
  if (state_ == TunnelState::Idle) {
    state_ = TunnelState::Closed;
    return;
  }
  apply(TunnelInput::LocalClose, nullptr, now, result);
}

std::size_t Tunnel::take_requeued_calls() {
  const std::size_t n = requeued_calls_;
  requeued_calls_ = 0;
  return n;
}

void Tunnel::go_down(TunnelState phase, bool by_peer, std::optional<ResultInfo> result, std::string reason,
                     Time now) {
  if (down_reported_) return;
  down_reported_ = true;
  drop_all_sessions(reason, by_peer, result, now);
  emit(now, TunnelDown{phase, by_peer, std::move(result), std::move(reason)});
}

void Tunnel::apply(TunnelInput in, const wire::ControlMessage* msg, Time now,
                   std::optional<ResultInfo> stop) {
  const TunnelState prev = state_;
  const TunnelTransition t = tunnel_step(prev, in);
  if (!t.row && t.action == TunnelAction::None) {
    if (in == TunnelInput::LocalClose && prev == TunnelState::Idle)
      state_ = TunnelState::Closed;  // nothing to tell
    ++stats_.messages_ignored;       // e.g. a late SCCRQ retransmission while closing
    return;
  }
  state_ = t.next;
  switch (t.action) {
    case TunnelAction::None:
      break;
    case TunnelAction::SendSccrq:
      if (cfg_.send_tie_breaker) tie_breaker_ = rng_.next_u64();
      queue_message(build_sccrq());
      break;
    case TunnelAction::SendSccrp:
      queue_message(build_sccrp());
      break;
    case TunnelAction::SendScccn:
      queue_message(build_scccn());
      emit(now, TunnelUp{peer_, now - created_at_});
      open_waiting_sessions(now);
      break;
    case TunnelAction::OpenSessions:
      if (prev != TunnelState::Established) emit(now, TunnelUp{peer_, now - created_at_});
      open_waiting_sessions(now);
      break;
    case TunnelAction::SendStopCcn: {
      const ResultInfo r = stop.value_or(ResultInfo{1, std::nullopt, ""});
      queue_message(build_stopccn(r));
      go_down(prev, false, r, r.message.empty() ? "closed locally" : r.message, now);
      break;
    }
    case TunnelAction::CleanUp:
      if (in == TunnelInput::RecvStopCcn && msg) {
        std::optional<ResultInfo> peer_result;
        if (const auto* a = msg->find(AvpType::ResultCode))
          if (const auto* rc = a->get<avp::ResultCode>())
            peer_result = ResultInfo{rc->result, rc->error, rc->message};
        // 5.7: stay around to acknowledge retransmissions of the StopCCN, and say nothing more
        // (R275: the tunnel is cleared; our unacknowledged messages are not retransmitted).
        linger_until_ = now + cfg_.stop_linger;
        channel_.abandon_sends();
        go_down(prev, true, peer_result, "peer sent StopCCN", now);
      } else {
        go_down(prev, false, std::nullopt, "unexpected " + std::string(to_string(in)) + " in idle", now);
      }
      break;
    case TunnelAction::Requeue:
      if (!requeue_calls_) {
        // R065: our attempt goes silently all the same; with no tunnel of the peer's to take
        // them (this node answers no SCCRQ), the calls waiting for it end here.
        go_down(prev, false, std::nullopt,
                "lost the tie breaker to the peer's SCCRQ (4.4.3), and this node takes no incoming tunnels",
                now);
        break;
      }
      // 7.2.1 row 8: drop our attempt silently; the calls move to the peer's tunnel.
      sessions_.for_each_by_id([&](std::uint16_t, const session::Session& s) {
        requeued_calls_ += s.state == session::SessionState::WaitTunnel;
      });
      sessions_.clear();
      down_reported_ = true;
      emit(now,
           TunnelDown{prev, false, std::nullopt, "lost the tie breaker; calls move to the peer's tunnel"});
      break;
  }
}

void Tunnel::process(const wire::ControlMessage& msg, Time now) {
  if (msg.is_zlb()) return;
  // 7.1 (R250): a malformed AVP with the M bit set (a value that does not fit its attribute, or
  // one whose AVP Length cannot frame it, which the node hands on as such) makes the message
  // unacceptable: the call it belongs to or the tunnel is ended with Result 2, Error 2 ("Length
  // is wrong"). With the M bit clear it is ignored and the message taken (R251).
  const wire::Avp* malformed = wire::malformed_mandatory_avp(msg);
  const auto mt = msg.message_type();
  if (!mt) {
    if (malformed == &msg.avps.front()) {
      apply(TunnelInput::LocalClose, nullptr, now, ResultInfo{2, 2, describe_malformed(msg, *malformed)});
      return;
    }
    emit(now, PeerViolation{Rule::R039, "first AVP is not a Message Type"});
    apply(TunnelInput::LocalClose, nullptr, now, ResultInfo{2, 3, "first AVP is not Message Type"});
    return;
  }
  if (!is_known_message_type(*mt)) {
    if (msg.avps.front().mandatory) {  // R040: unknown type with M=1 clears the tunnel
      apply(TunnelInput::LocalClose, nullptr, now,
            ResultInfo{2, 3, "unknown mandatory Message Type " + std::to_string(*mt)});
    } else {
      ++stats_.messages_ignored;  // R041
    }
    return;
  }
  const auto type = static_cast<MessageType>(*mt);
  // R022-R024: an unrecognised AVP (or one with reserved flag bits) marked mandatory makes the
  // message unacceptable: the call it belongs to is refused or cleared with CDN 2/8 (R023),
  // a tunnel-level message ends the tunnel with StopCCN 2/8 (R024).
  std::optional<ResultInfo> refusal;
  if (malformed) refusal = ResultInfo{2, 2, describe_malformed(msg, *malformed)};
  for (const auto& a : msg.avps) {
    const bool unknown = !find_avp_spec(a.vendor, a.type) || a.reserved_bits != 0;
    if (!refusal && unknown && a.mandatory) {
      refusal = ResultInfo{2, 8, "unknown mandatory AVP " + avp_display_name(a.vendor, a.type)};  // R053
      break;
    }
  }
  if (is_session_message(type)) {
    process_session_message(type, msg, now, refusal);
  } else {
    process_tunnel_message(type, msg, now, refusal);
  }
}

void Tunnel::process_tunnel_message(MessageType type, const wire::ControlMessage& msg, Time now,
                                    std::optional<ResultInfo> refusal) {
  switch (type) {
    case MessageType::Sccrq: {
      learn_peer(msg);
      auto bad = refusal ? refusal : judge_sccrq(msg);
      apply(bad ? TunnelInput::RecvSccrqBad : TunnelInput::RecvSccrqOk, &msg, now, bad);
      break;
    }
    case MessageType::Sccrp: {
      learn_peer(msg);
      auto bad = refusal ? refusal : judge_sccrp(msg);
      apply(bad ? TunnelInput::RecvSccrpBad : TunnelInput::RecvSccrpOk, &msg, now, bad);
      break;
    }
    case MessageType::Scccn: {
      auto bad = refusal ? refusal : judge_scccn(msg);
      apply(bad ? TunnelInput::RecvScccnBad : TunnelInput::RecvScccnOk, &msg, now, bad);
      break;
    }
    case MessageType::StopCcn:
      // R078: a StopCCN names the sender's tunnel even when its SCCRP never reached us, so our
      // acknowledgement can be addressed to it.
      if (peer_.value == 0) {
        learn_peer(msg);
      } else if (const auto* a = msg.find(AvpType::AssignedTunnelId)) {
        // R078: the Assigned Tunnel ID of a StopCCN repeats the one the peer first gave us.
        if (const auto* v = a->get<std::uint16_t>(); v && *v != peer_.value)
          emit(now, PeerViolation{Rule::R078, "StopCCN carries Assigned Tunnel ID " + std::to_string(*v) +
                                                  ", not " + std::to_string(peer_.value) +
                                                  " as the peer first assigned"});
      }
      if (state_ == TunnelState::Closing) {
        state_ = TunnelState::Lingering;  // both sides closing: ack theirs, then go
        linger_until_ = now + cfg_.stop_linger;
        channel_.abandon_sends();
      } else {
        apply(TunnelInput::RecvStopCcn, &msg, now);
      }
      break;
    case MessageType::Hello:  // acknowledged by the channel; that is all it asks
    default:
      if (refusal) apply(TunnelInput::LocalClose, nullptr, now, refusal);  // R024
      break;
  }
}

}  // namespace l2tp::tunnel
