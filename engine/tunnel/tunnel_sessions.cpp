// Calls inside the tunnel: the four RFC 2661 section 7 call tables, their messages, and the
// data channel (5.4 sequencing).
#include "engine/tunnel/tunnel.hpp"
#include "engine/wire/checker.hpp"
#include "engine/wire/ppp_summary.hpp"

namespace l2tp::tunnel {
namespace {

using session::CallKind;
using session::SessionAction;
using session::SessionEvent;
using session::SessionState;
using wire::make_avp;

// Frames the peer may send on a call whose ICCN we have not seen acknowledged (settle_connects).
constexpr std::size_t kMaxEarlyFrames = 32;

SessionEvent event_for(MessageType t, bool ok) {
  switch (t) {
    case MessageType::Icrq:
      return ok ? SessionEvent::RecvIcrqOk : SessionEvent::RecvIcrqBad;
    case MessageType::Icrp:
      return ok ? SessionEvent::RecvIcrpOk : SessionEvent::RecvIcrpBad;
    case MessageType::Iccn:
      return ok ? SessionEvent::RecvIccnOk : SessionEvent::RecvIccnBad;
    case MessageType::Ocrq:
      return ok ? SessionEvent::RecvOcrqOk : SessionEvent::RecvOcrqBad;
    case MessageType::Ocrp:
      return ok ? SessionEvent::RecvOcrpOk : SessionEvent::RecvOcrpBad;
    case MessageType::Occn:
      return ok ? SessionEvent::RecvOccnOk : SessionEvent::RecvOccnBad;
    default:
      return SessionEvent::RecvCdn;
  }
}

bool is_receive(SessionEvent e) {
  return e != SessionEvent::LocalOpen && e != SessionEvent::TunnelOpen && e != SessionEvent::LocalClose &&
         e != SessionEvent::BearerAnswer && e != SessionEvent::BearerFailure;
}

template <typename T>
std::optional<T> value_of(const wire::ControlMessage& m, AvpType t) {
  if (const auto* a = m.find(t))
    if (const auto* v = a->get<T>()) return *v;
  return std::nullopt;
}

}  // namespace

const session::Session* Tunnel::find_session(SessionId local) const {
  return sessions_.find(local.value);
}

SessionId Tunnel::allocate_session_id() {
  // R145: never 0; unique within the tunnel.
  for (std::uint32_t tries = 0; tries < 65535; ++tries) {
    const std::uint16_t id = next_session_id_++;
    if (next_session_id_ == 0) next_session_id_ = 1;
    if (id != 0 && !sessions_.contains(id)) return SessionId{id};
  }
  return SessionId{};
}

std::optional<SessionId> Tunnel::open_session(Time now, std::optional<session::ProxyPpp> proxy) {
  if (state_ == TunnelState::Closing || state_ == TunnelState::Lingering || state_ == TunnelState::Closed)
    return std::nullopt;
  if (cfg_.max_sessions != 0 && sessions_.size() >= cfg_.max_sessions) return std::nullopt;
  const SessionId id = allocate_session_id();
  if (id.value == 0) return std::nullopt;
  session::Session s;
  s.local = id;
  s.kind = cfg_.role == Role::Lac ? CallKind::LacIncoming : CallKind::LnsOutgoing;
  s.call_serial = next_call_serial_++;
  s.opened_at = now;
  if (s.kind == CallKind::LacIncoming) s.proxy = std::move(proxy);
  auto& ref = sessions_.insert(id.value, std::make_unique<session::Session>(std::move(s)));
  session_step(ref, SessionEvent::LocalOpen, nullptr, now);
  return id;
}

void Tunnel::close_session(SessionId local, const ResultInfo& result, Time now) {
  auto* it = sessions_.find(local.value);
  if (!it) return;
  session_step(*it, SessionEvent::LocalClose, nullptr, now, result);
}

void Tunnel::open_waiting_sessions(Time now) {
  if (state_ != TunnelState::Established) return;
  while (!waiting_.empty() && channel_.room() > 0) {
    auto* it = sessions_.find(waiting_.front());
    waiting_.pop_front();
    // Gone, or no longer waiting (closed before it went out): nothing to send.
    if (it && it->state == SessionState::WaitTunnel)
      session_step(*it, SessionEvent::TunnelOpen, nullptr, now);
  }
}

void Tunnel::drop_all_sessions(const std::string& reason, bool by_peer,
                               const std::optional<ResultInfo>& result, Time now) {
  sessions_.for_each_by_id([&](std::uint16_t, const session::Session& s) {
    SessionDown d{s.local, s.remote, s.kind, s.state, by_peer, result, std::nullopt, std::nullopt, reason};
    emit(now, std::move(d));
  });
  sessions_.clear();
  waiting_.clear();
}

void Tunnel::finish_session(session::Session& s, SessionState phase, bool by_peer,
                            std::optional<ResultInfo> result, const wire::ControlMessage* cdn,
                            std::string reason, Time now) {
  SessionDown d{s.local,      s.remote,     s.kind,           phase, by_peer, std::move(result),
                std::nullopt, std::nullopt, std::move(reason)};
  if (cdn) {
    d.q931 = value_of<avp::Q931Cause>(*cdn, AvpType::Q931CauseCode);
    d.ppp_cause = value_of<avp::DisconnectCause>(*cdn, AvpType::PppDisconnectCause);
  }
  const std::uint16_t id = s.local.value;
  emit(now, std::move(d));
  sessions_.erase(id);  // `s` is gone from here on
}

void Tunnel::session_step(session::Session& s, SessionEvent e, const wire::ControlMessage* msg, Time now,
                          std::optional<ResultInfo> cdn) {
  session::Transition t = session::step(s.kind, s.state, e);
  if (!t.row && t.action == SessionAction::None) {
    if (!is_receive(e)) return;
    // 7.1: a message out of sequence for this call clears it.
    t = {SessionState::Idle, SessionAction::SendCdn, std::nullopt};
    cdn = ResultInfo{
        2, 0, "unexpected " + std::string(to_string(e)) + " in state " + std::string(to_string(s.state))};
  }
  const SessionState prev = s.state;
  s.state = t.next;
  // The LAC's call is established when it sends ICCN/OCCN (7.4.1, 7.5.1), but it is announced
  // up, and so PPP starts, only once the peer has acknowledged that message. RFC 2661 does not
  // forbid data before (5.8, 6.8), but the data channel is unreliable and not ordered with the
  // control channel: a frame sent on an unacknowledged ICCN can reach an LNS that does not
  // know the call yet (the ICCN lost, held for reordering or waiting for the window) and be
  // dropped (R135), so the first LCP Configure-Request costs a 3 s restart. The ack is the
  // first proof that the peer has the call. The LNS is up as soon as it has the ICCN.
  auto await_ack = [&](Seq ns) {
    if (cfg_.data_sequencing == DataSequencing::On) s.sequencing = true;  // we asked for it (5.4)
    s.connect_ns = ns;
    holding_.push_back(s.local.value);
  };
  switch (t.action) {
    case SessionAction::None:
      if (t.next == SessionState::Established && prev != SessionState::Established) announce_up(s, now);
      break;
    case SessionAction::OpenTunnel:
      // Out now only into room in the window and behind calls already waiting (open order).
      waiting_.push_back(s.local.value);
      open_waiting_sessions(now);
      break;
    case SessionAction::SendIcrq:
      send_session_message(s, MessageType::Icrq, std::nullopt);
      break;
    case SessionAction::SendIcrp:
      send_session_message(s, MessageType::Icrp, std::nullopt);
      break;
    case SessionAction::SendOcrq:
      send_session_message(s, MessageType::Ocrq, std::nullopt);
      break;
    case SessionAction::SendIccn:
      await_ack(send_session_message(s, MessageType::Iccn, std::nullopt));
      break;
    case SessionAction::SendOccn:
      await_ack(send_session_message(s, MessageType::Occn, std::nullopt));
      break;
    case SessionAction::SendOcrp:
      send_session_message(s, MessageType::Ocrp, std::nullopt);
      // The simulated bearer answers at once (7.5.1 wait-cs-answer -> established).
      session_step(s, SessionEvent::BearerAnswer, nullptr, now);
      break;
    case SessionAction::SendCdn: {
      const ResultInfo r = cdn.value_or(ResultInfo{3, std::nullopt, ""});
      send_session_message(s, MessageType::Cdn, r);
      finish_session(s, prev, false, r, nullptr, r.message.empty() ? "cleared locally" : r.message, now);
      break;
    }
    case SessionAction::CleanUp: {
      std::optional<ResultInfo> peer_result;
      if (msg)
        if (auto rc = value_of<avp::ResultCode>(*msg, AvpType::ResultCode))
          peer_result = ResultInfo{rc->result, rc->error, rc->message};
      const bool by_peer = e == SessionEvent::RecvCdn;
      finish_session(s, prev, by_peer, peer_result, by_peer ? msg : nullptr,
                     by_peer ? "peer sent CDN" : "cleared on " + std::string(to_string(e)), now);
      break;
    }
  }
}

void Tunnel::add_proxy_avps(wire::ControlMessage& m, const session::ProxyPpp& p) {
  auto add = [&](AvpType t, AvpValue v) { m.avps.push_back(make_avp(t, std::move(v))); };
  auto octets = [&](AvpType t, const Buffer& b) {
    if (!b.empty()) add(t, avp::Octets{b});
  };
  octets(AvpType::InitialReceivedLcpConfreq, p.initial_received_confreq);
  octets(AvpType::LastSentLcpConfreq, p.last_sent_confreq);
  octets(AvpType::LastReceivedLcpConfreq, p.last_received_confreq);
  if (p.authen_type) add(AvpType::ProxyAuthenType, *p.authen_type);
  if (p.authen_type && *p.authen_type != session::proxy_authen::kNone) {
    add(AvpType::ProxyAuthenName, p.authen_name);
    octets(AvpType::ProxyAuthenChallenge, p.authen_challenge);
    if (p.authen_id) add(AvpType::ProxyAuthenId, *p.authen_id);
    add(AvpType::ProxyAuthenResponse, avp::Octets{p.authen_response});
  }
}

std::optional<session::ProxyPpp> Tunnel::read_proxy_avps(const wire::ControlMessage& m) {
  session::ProxyPpp p;
  auto octets = [&](AvpType t) { return value_of<avp::Octets>(m, t).value_or(avp::Octets{}).bytes; };
  p.initial_received_confreq = octets(AvpType::InitialReceivedLcpConfreq);
  p.last_sent_confreq = octets(AvpType::LastSentLcpConfreq);
  p.last_received_confreq = octets(AvpType::LastReceivedLcpConfreq);
  p.authen_type = value_of<std::uint16_t>(m, AvpType::ProxyAuthenType);
  p.authen_name = value_of<std::string>(m, AvpType::ProxyAuthenName).value_or("");
  p.authen_challenge = octets(AvpType::ProxyAuthenChallenge);
  p.authen_id = value_of<std::uint16_t>(m, AvpType::ProxyAuthenId);
  p.authen_response = octets(AvpType::ProxyAuthenResponse);
  if (!p.has_lcp() && !p.has_auth() && p.initial_received_confreq.empty()) return std::nullopt;
  return p;
}

void Tunnel::announce_up(session::Session& s, Time now) {
  if (cfg_.role == Role::Lns && cfg_.data_sequencing == DataSequencing::On) s.sequencing = true;
  SessionUp up{s.local, s.remote, s.kind, now - s.opened_at, s.sequencing, {}};
  if (s.kind == CallKind::LnsIncoming) up.proxy = s.proxy;
  emit(now, std::move(up));
}

void Tunnel::settle_connects(Time now) {
  // Our messages are acknowledged in Ns order (5.8): those in flight are the last ones sent. The
  // calls wait in the order of their ICCN's Ns, so only the front can be settled: the walk stops
  // at the first call still unacknowledged (no scan of every waiting call per message).
  const Seq unacked{static_cast<std::uint16_t>(channel_.first_unsent_ns().value - channel_.in_flight())};
  while (!holding_.empty()) {
    auto* it = sessions_.find(holding_.front());
    if (it && it->connect_ns) {                            // else gone (a CDN, StopCCN)
      if (!Seq::before(*it->connect_ns, unacked)) return;  // not acknowledged yet
      connect_acknowledged(*it, now);
    }
    holding_.pop_front();
  }
}

void Tunnel::connect_acknowledged(session::Session& s, Time now) {
  s.connect_ns.reset();
  announce_up(s, now);
  if (s.waiting) {
    for (auto& b : s.waiting->held) data_out_.push_back(std::move(b));
    for (auto& ppp : s.waiting->early) emit(now, SessionData{s.local, std::move(ppp)});
  }
  s.waiting.reset();  // nothing more is held once the call is up
}

Seq Tunnel::send_session_message(session::Session& s, MessageType type, std::optional<ResultInfo> cdn) {
  auto m = wire::make_control(type, peer_, s.remote);  // R092: Session ID 0 until the peer assigns one
  auto add = [&](AvpType t, AvpValue v) { m.avps.push_back(make_avp(t, std::move(v))); };
  switch (type) {
    case MessageType::Icrq:
    case MessageType::Ocrq:
      add(AvpType::AssignedSessionId, s.local.value);
      add(AvpType::CallSerialNumber, s.call_serial);
      if (type == MessageType::Ocrq) {
        add(AvpType::MinimumBps, std::uint32_t{0});
        add(AvpType::MaximumBps, cfg_.tx_connect_speed);
      }
      add(AvpType::BearerType, cfg_.bearer_type);
      if (type == MessageType::Ocrq) add(AvpType::FramingType, cfg_.framing_type);
      if (!cfg_.called_number.empty() || type == MessageType::Ocrq)
        add(AvpType::CalledNumber, cfg_.called_number.empty() ? std::string("0") : cfg_.called_number);
      if (type == MessageType::Icrq && !cfg_.calling_number.empty())
        add(AvpType::CallingNumber, cfg_.calling_number);
      break;
    case MessageType::Icrp:
    case MessageType::Ocrp:
      add(AvpType::AssignedSessionId, s.local.value);
      break;
    case MessageType::Iccn:
    case MessageType::Occn:
      add(AvpType::TxConnectSpeed, cfg_.tx_connect_speed);
      add(AvpType::FramingType, cfg_.framing_type);
      if (cfg_.data_sequencing == DataSequencing::On) add(AvpType::SequencingRequired, avp::Empty{});
      if (type == MessageType::Iccn && s.proxy) add_proxy_avps(m, *s.proxy);
      break;
    case MessageType::Cdn: {
      const ResultInfo r = cdn.value_or(ResultInfo{3, std::nullopt, ""});
      add(AvpType::ResultCode, avp::ResultCode{r.result, r.error, r.message});
      add(AvpType::AssignedSessionId, s.local.value);                   // R093
      if (r.ppp_cause) add(AvpType::PppDisconnectCause, *r.ppp_cause);  // RFC 3145; M=0 (P120)
      break;
    }
    default:
      break;
  }
  apply_hiding(m);
  return queue_message(std::move(m));
}

std::optional<ResultInfo> Tunnel::judge_session_message(MessageType type, const wire::ControlMessage& m) {
  // A malformed mandatory AVP was refused before the message got here (Tunnel::process, R250).
  const auto absent = wire::missing_mandatory_avps(m);
  if (!absent.empty())
    return ResultInfo{2, 0,
                      "missing mandatory AVP " +
                          avp_display_name(kIetfVendor, static_cast<std::uint16_t>(absent.front().first))};
  if (const auto sid = value_of<std::uint16_t>(m, AvpType::AssignedSessionId); sid && *sid == 0)
    return ResultInfo{2, 5, "Assigned Session ID is 0"};  // R145
  if (type == MessageType::Ocrq) {
    // R099, R103: only what we advertised may be asked for.
    const auto framing = value_of<std::uint32_t>(m, AvpType::FramingType).value_or(0);
    const auto bearer = value_of<std::uint32_t>(m, AvpType::BearerType).value_or(0);
    if (framing & ~cfg_.framing_capabilities) return ResultInfo{11, std::nullopt, "framing not supported"};
    if (bearer & ~cfg_.bearer_capabilities) return ResultInfo{2, 3, "bearer type not supported"};
  }
  return std::nullopt;
}

void Tunnel::process_session_message(MessageType type, const wire::ControlMessage& msg, Time now,
                                     std::optional<ResultInfo> refusal) {
  if (state_ != TunnelState::Established) {
    // R134: calls only on an established control connection. Once we have sent or received
    // StopCCN, a call message is one the peer sent before it knew: ignored, not its fault.
    if (state_ == TunnelState::Idle || state_ == TunnelState::WaitCtlReply ||
        state_ == TunnelState::WaitCtlConn)
      emit(now,
           PeerViolation{Rule::R134, std::string(to_string(type)) + " before the tunnel was established"});
    ++stats_.messages_ignored;
    return;
  }
  if (type == MessageType::Wen || type == MessageType::Sli) {
    auto* it = sessions_.find(msg.header.session.value);
    if (!it || it->state != SessionState::Established) {
      ++stats_.messages_ignored;
      return;
    }
    if (refusal) {  // R023, R250: a malformed or unknown M=1 AVP clears the call
      session_step(*it, SessionEvent::LocalClose, nullptr, now, refusal);
      return;
    }
    emit(now, SessionInfo{it->local, type, value_of<avp::CallErrors>(msg, AvpType::CallErrors),
                          value_of<avp::Accm>(msg, AvpType::Accm)});
    return;
  }
  auto bad = refusal ? refusal : judge_session_message(type, msg);
  const bool creates = (type == MessageType::Icrq && cfg_.role == Role::Lns) ||
                       (type == MessageType::Ocrq && cfg_.role == Role::Lac);
  if (creates && msg.header.session.value == 0) {
    session::Session s;
    s.kind = type == MessageType::Icrq ? CallKind::LnsIncoming : CallKind::LacOutgoing;
    s.remote = SessionId{value_of<std::uint16_t>(msg, AvpType::AssignedSessionId).value_or(0)};
    s.call_serial = value_of<std::uint32_t>(msg, AvpType::CallSerialNumber).value_or(0);
    s.opened_at = now;
    if (!bad && cfg_.max_sessions != 0 && sessions_.size() >= cfg_.max_sessions)
      bad = ResultInfo{4, std::nullopt, "session limit reached"};  // CDN 4: temporary lack of resources
    s.local = allocate_session_id();
    if (s.local.value == 0) bad = ResultInfo{4, std::nullopt, "no free Session ID"};
    if (bad && s.local.value == 0) return;
    const std::uint16_t key = s.local.value;
    auto& ref = sessions_.insert(key, std::make_unique<session::Session>(std::move(s)));
    session_step(ref, event_for(type, !bad), &msg, now, bad);
    return;
  }
  auto* it = sessions_.find(msg.header.session.value);
  if (!it) {
    if (type == MessageType::Icrp && cfg_.role == Role::Lns) {
      // 7.4.2, idle: Receive ICRP -> Send CDN, clean up (R295). An LNS never asks for an
      // incoming call, so the call this ICRP answers is none of ours: a CDN to the Session ID it
      // assigned, from an ID of ours that lives only for this answer.
      session::Session s;
      s.kind = CallKind::LnsIncoming;
      s.remote = SessionId{value_of<std::uint16_t>(msg, AvpType::AssignedSessionId).value_or(0)};
      s.opened_at = now;
      s.local = allocate_session_id();
      if (s.local.value == 0) return;
      const std::uint16_t key = s.local.value;
      auto& ref = sessions_.insert(key, std::make_unique<session::Session>(std::move(s)));
      session_step(ref, event_for(type, !bad), &msg, now,
                   ResultInfo{2, 5, "ICRP for no call of ours (an LNS places no incoming calls)"});
      return;
    }
    ++stats_.messages_ignored;  // 7.4.x/7.5.x idle rows: nothing to clean up
    return;
  }
  session::Session& s = *it;
  if (!bad && (type == MessageType::Icrp || type == MessageType::Ocrp))
    s.remote = SessionId{value_of<std::uint16_t>(msg, AvpType::AssignedSessionId).value_or(0)};
  if (type == MessageType::Iccn || type == MessageType::Occn)
    if (msg.find(AvpType::SequencingRequired)) s.sequencing = true;  // 5.4: the LAC asked for it
  if (type == MessageType::Iccn && s.kind == CallKind::LnsIncoming) s.proxy = read_proxy_avps(msg);
  session_step(s, event_for(type, !bad), &msg, now, bad);
  // The LAC starts PPP only on our ack of its ICCN/OCCN (settle_connects), and no message of
  // ours answers it to carry that ack: ack at once rather than after ack_delay.
  if (type == MessageType::Iccn || type == MessageType::Occn) channel_.acknowledge_now(now);
}

void Tunnel::send_ppp(SessionId local, Bytes ppp, Time) {
  auto* it = sessions_.find(local.value);
  if (!it || it->state != SessionState::Established) {
    ++stats_.data_dropped;
    return;
  }
  session::Session& s = *it;
  wire::Header h;
  h.has_length = true;
  h.tunnel = peer_;
  h.session = s.remote;
  if (s.sequencing) {
    h.has_sequence = true;
    h.ns = s.data_ns;
    s.data_ns = s.data_ns.next();
  }
  // R009: LCP keepalives ride with the P bit so they are not queued behind data.
  const auto summary = wire::summarize_ppp(ppp);
  h.priority = summary.protocol == 0xC021 && summary.code && (*summary.code == 9 || *summary.code == 10);
  Buffer out = pool_ ? pool_->take() : Buffer{};
  if (!wire::encode_data(h, ppp, out)) return;
  if (s.connect_ns) {
    s.wait().held.push_back(std::move(out));  // the peer may not know the call yet (settle_connects)
  } else {
    data_out_.push_back(std::move(out));
  }
  ++s.data.sent;
  ++stats_.data_sent;
}

void Tunnel::handle_data(const wire::DataMessage& msg, Time now) {
  auto* it = sessions_.find(msg.header.session.value);
  if (!it || it->state != SessionState::Established) {
    ++stats_.data_dropped;  // R135: no PPP before the session is up
    return;
  }
  session::Session& s = *it;
  // 5.4: the LAC follows the LNS (R153, R154), unless it asked for sequencing itself (R151).
  if (cfg_.role == Role::Lac && cfg_.data_sequencing != DataSequencing::On)
    s.sequencing = msg.header.has_sequence;
  // R151: once we sent Sequencing Required (an LAC's ICCN), every data message of the call
  // carries Ns/Nr, both ways. Taken anyway, and reported once per call.
  if (cfg_.role == Role::Lac && cfg_.data_sequencing == DataSequencing::On && !msg.header.has_sequence &&
      !s.unsequenced_reported) {
    s.unsequenced_reported = true;
    emit(now, PeerViolation{Rule::R151, "data message without sequence numbers on session " +
                                            std::to_string(s.local.value) + ", which asked for them"});
  }
  if (msg.header.has_sequence) {
    if (s.data_expected) {
      if (Seq::before(msg.header.ns, *s.data_expected)) {
        ++s.data.reordered;
      } else if (msg.header.ns != *s.data_expected) {
        s.data.lost += Seq::distance(*s.data_expected, msg.header.ns);
      }
    }
    if (!s.data_expected || !Seq::before(msg.header.ns, *s.data_expected))
      s.data_expected = msg.header.ns.next();
  }
  if (s.connect_ns && s.waiting && s.waiting->early.size() >= kMaxEarlyFrames) {
    ++stats_.data_dropped;  // bounded: a peer flooding an unacknowledged call loses the excess
    return;
  }
  ++s.data.received;
  ++stats_.data_received;
  if (s.connect_ns) {
    // The LNS is up on our ICCN and may start LCP before its ack reaches us: the frames are
    // reported after SessionUp, when PPP has started.
    s.wait().early.emplace_back(msg.ppp.begin(), msg.ppp.end());
    return;
  }
  Buffer ppp = pool_ ? pool_->take() : Buffer{};
  ppp.assign(msg.ppp.begin(), msg.ppp.end());
  emit(now, SessionData{s.local, std::move(ppp)});
}

void Tunnel::send_wen(SessionId local, const avp::CallErrors& errors, Time) {
  auto* it = sessions_.find(local.value);
  if (!it) return;
  auto m = wire::make_control(MessageType::Wen, peer_, it->remote);
  m.avps.push_back(make_avp(AvpType::CallErrors, errors));
  apply_hiding(m);
  queue_message(std::move(m));
}

void Tunnel::send_sli(SessionId local, const avp::Accm& accm, Time) {
  auto* it = sessions_.find(local.value);
  if (!it) return;
  auto m = wire::make_control(MessageType::Sli, peer_, it->remote);
  m.avps.push_back(make_avp(AvpType::Accm, accm));
  apply_hiding(m);
  queue_message(std::move(m));
}

}  // namespace l2tp::tunnel
