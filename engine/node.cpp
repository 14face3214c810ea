#include "engine/node.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

#include "engine/wire/checker.hpp"

namespace l2tp {

control::ChannelStats& control::operator+=(ChannelStats& a, const ChannelStats& b) {
  a.sent += b.sent;
  a.retransmissions += b.retransmissions;
  a.received += b.received;
  a.duplicates += b.duplicates;
  a.out_of_order += b.out_of_order;
  a.out_of_window += b.out_of_window;
  a.zlb_sent += b.zlb_sent;
  a.zlb_received += b.zlb_received;
  a.acked += b.acked;
  a.nr_beyond_sent += b.nr_beyond_sent;
  return a;
}

namespace {

// A control message whose header is sound but whose AVPs cannot all be framed: an AVP Length
// below 6 (R026) or running past the end of the message (R028). 7.1 tells a malformed header
// (discarded, R249) from a malformed AVP (M=1: the call or the tunnel is ended with a Result
// Code, R250; M=0: ignored, R251). Returns the message as far as it can be read: its header,
// the AVPs before the broken one (decoded as usual, hidden ones revealed), then the broken one
// as an AVP whose value does not fit (Raw, its M bit as sent; M=1 when not even its flags are
// there), which the tunnel judges like any other. Its header still has its Ns and Nr, so
// reliable delivery takes it like any message (5.8). nullopt when the fault is the header's:
// its Length ends inside an AVP that the datagram holds whole (R013, R249).
std::optional<wire::ControlMessage> salvage_avps(Bytes dgram, const wire::Header& h, const DecodeError& err,
                                                 std::optional<Bytes> secret) {
  if (err.kind != DecodeErrorKind::AvpLengthBelowSix && err.kind != DecodeErrorKind::AvpBeyondMessage)
    return std::nullopt;
  const std::size_t end = h.length, at = err.offset;
  if (!h.control || !h.has_length || at < h.header_size || at >= end || end > dgram.size())
    return std::nullopt;
  auto u16 = [&](std::size_t i) { return static_cast<std::uint16_t>(dgram[i] << 8 | dgram[i + 1]); };
  if (end < dgram.size() && at + 2 <= dgram.size()) {
    const std::size_t whole = u16(at) & wire::kAvpLengthMask;
    if (whole >= kAvpHeaderSize && at + whole > end && at + whole <= dgram.size()) return std::nullopt;
  }
  // The AVPs before the broken one: the same bytes with the Length field (L is set, R004)
  // ending the message there.
  Buffer prefix(dgram.begin(), dgram.begin() + static_cast<std::ptrdiff_t>(at));
  prefix[2] = static_cast<std::uint8_t>(at >> 8);
  prefix[3] = static_cast<std::uint8_t>(at & 0xFF);
  auto decoded = wire::decode_control(prefix, secret);
  if (!decoded) return std::nullopt;
  wire::ControlMessage m = std::move(*decoded);
  m.header.length = h.length;
  wire::Avp a;
  const bool flags = at + 2 <= end;
  a.mandatory = !flags || (u16(at) & wire::kAvpFlagM) != 0;
  a.wire_length = flags ? static_cast<std::uint16_t>(u16(at) & wire::kAvpLengthMask) : 0;
  a.offset = at;
  a.malformed_value = true;
  a.value = avp::Raw{};
  if (at + kAvpHeaderSize <= end) {
    a.vendor = u16(at + 2);
    a.type = u16(at + 4);
  } else {
    // Not even its Vendor ID and Attribute Type are there. In first place it stands where the
    // Message Type belongs.
    a.type = m.avps.empty() ? static_cast<std::uint16_t>(AvpType::MessageType) : std::uint16_t{0xFFFF};
  }
  m.avps.push_back(std::move(a));
  return m;
}

}  // namespace

bool Node::PeerKey::operator<(const PeerKey& o) const {
  return std::tie(peer.addr.v6, peer.addr.bytes, peer.port, assigned) <
         std::tie(o.peer.addr.v6, o.peer.addr.bytes, o.peer.port, o.assigned);
}

Node::Node(const NodeConfig& cfg, Rng& rng) : Node(cfg, rng, own_timers_) {}

Node::Node(const NodeConfig& cfg, Rng& rng, TimerHeap& shared_timers)
    : cfg_(cfg),
      tunnel_cfg_(std::make_shared<const tunnel::TunnelConfig>(cfg.tunnel)),
      rng_(rng),
      next_tunnel_id_(cfg.first_tunnel_id == 0 ? std::uint16_t{1} : cfg.first_tunnel_id),
      timers_(shared_timers) {}

TunnelId Node::allocate_tunnel_id() {
  // R145: never 0; unique on this node, so unique per peer as 4.4.3 asks. With shards, only
  // this shard's residue class (unique across the run's shards).
  // With agents, only this agent's block [low, high], from where the last one left off.
  const std::uint32_t stride = std::max<std::uint16_t>(cfg_.tunnel_id_stride, 1);
  const std::uint32_t residue = cfg_.tunnel_id_residue % stride;
  const std::uint16_t low = std::max<std::uint16_t>(cfg_.tunnel_id_low, 1);
  const std::uint16_t high = std::max(low, cfg_.tunnel_id_high);
  for (std::uint32_t tries = 0; tries <= std::uint32_t{high} - low; ++tries) {
    if (next_tunnel_id_ < low || next_tunnel_id_ > high) next_tunnel_id_ = low;
    const std::uint16_t id = next_tunnel_id_;
    next_tunnel_id_ = id == high ? low : static_cast<std::uint16_t>(id + 1);
    if (id % stride != residue) continue;
    if (!tunnels_.contains(id)) return TunnelId{id};
  }
  return TunnelId{};
}

Node::Entry* Node::add_tunnel(const net::Endpoint& local, const net::Endpoint& peer, bool originated,
                              Time now) {
  const TunnelId id = allocate_tunnel_id();
  if (id.value == 0) return nullptr;  // every ID of ours is in use: none to offer (R145)
  auto e = std::make_unique<Entry>();
  e->tunnel = std::make_unique<tunnel::Tunnel>(id, tunnel_cfg_, rng_, now);
  e->tunnel->set_buffer_pool(&buffers_);
  e->tunnel->set_event_queue(&tunnel_events_);
  e->local = local;
  e->peer = peer;
  e->originated = originated;
  originated_ += originated;
  auto& ref = tunnels_.insert(id.value, std::move(e));
  track(ref);
  return &ref;
}

TunnelId Node::open_tunnel(const net::Endpoint& local, const net::Endpoint& peer, Time now) {
  if (cfg_.max_tunnels != 0 && live_tunnels() >= cfg_.max_tunnels) return TunnelId{};
  Entry* e = add_tunnel(local, peer, true, now);
  if (e == nullptr) return TunnelId{};
  e->tunnel->open(now);
  collect(*e);
  return e->tunnel->local_id();
}

const tunnel::Tunnel* Node::tunnel(TunnelId id) const {
  auto* e = tunnels_.find(id.value);
  return e ? e->tunnel.get() : nullptr;
}

std::optional<SessionId> Node::open_session(TunnelId id, Time now, std::optional<session::ProxyPpp> proxy) {
  auto* it = tunnels_.find(id.value);
  if (!it) return std::nullopt;
  auto sid = it->tunnel->open_session(now, std::move(proxy));
  collect(*it);
  return sid;
}

void Node::close_session(TunnelId id, SessionId session, const ResultInfo& result, Time now) {
  auto* it = tunnels_.find(id.value);
  if (!it) return;
  it->tunnel->close_session(session, result, now);
  collect(*it);
}

void Node::send_ppp(TunnelId id, SessionId session, Bytes ppp, Time now) {
  auto* it = tunnels_.find(id.value);
  if (!it) return;
  it->tunnel->send_ppp(session, ppp, now);
  collect(*it);  // nothing to collect today; every call into a tunnel ends in collect (tunnel_events_)
}

std::optional<Seq> Node::send_control(TunnelId id, wire::ControlMessage msg, Time now) {
  auto* it = tunnels_.find(id.value);
  if (!it) return std::nullopt;
  auto ns = it->tunnel->send_control(std::move(msg), now);
  collect(*it);
  return ns;
}

void Node::close_tunnel(TunnelId id, const ResultInfo& result, Time now) {
  auto* it = tunnels_.find(id.value);
  if (!it) return;
  it->tunnel->close(result, now);
  collect(*it);
}

void Node::close_all(const ResultInfo& result, Time now) {
  tunnels_.for_each_by_id([&](std::uint16_t, Entry& e) {
    e.tunnel->close(result, now);
    collect(e);
  });
}

void Node::collect(Entry& e) {
  while (auto ev = e.tunnel->poll_event()) events_.push_back(NodeEvent{e.tunnel->local_id(), std::move(*ev)});
  ready_.push_back(e.tunnel->local_id().value);
  track(e);
}

void Node::track(Entry& e) {
  using S = tunnel::TunnelState;
  const std::uint16_t id = e.tunnel->local_id().value;
  const S st = e.tunnel->state();
  // Tunnels on their way out (closing, or lingering to re-ack a StopCCN) do not count.
  const bool live = st != S::Closed && st != S::Closing && st != S::Lingering;
  if (live != e.live) {
    e.live = live;
    live ? ++live_ : --live_;
  }
  timers_.set(id, e.tunnel->poll_timeout());  // O(1) when the deadline did not move
  if (st == S::Closed && !e.reaping) {
    e.reaping = true;
    reap_.push_back(id);
  }
}

void Node::handle_datagram(const net::Endpoint& local, const net::Endpoint& from, Bytes dgram, Time now) {
  ++stats_.datagrams_in;
  auto header = wire::decode_header(dgram);
  if (!header) {
    if (observer_) observer_->on_undecodable(header.error());
    const auto k = header.error().kind;
    if (k == DecodeErrorKind::L2f || k == DecodeErrorKind::L2tpv3 || k == DecodeErrorKind::UnsupportedVersion)
      ++stats_.not_l2tpv2;  // R012, R340: discarded silently
    else
      ++stats_.decode_errors;
    return;
  }
  if (!header->control) {
    if (observer_) observer_->on_data(*header, dgram);
    auto* it = tunnels_.find(header->tunnel.value);
    if (!it) {
      ++stats_.unknown_tunnel;
      return;
    }
    auto data = wire::decode_data(dgram);
    if (!data) return;
    check_port_pair(*it, local, from, "data message", now);
    it->tunnel->handle_data(*data, now);
    collect(*it);
    return;
  }
  const auto secret = as_bytes(cfg_.tunnel.secret);
  std::optional<wire::ControlMessage> msg;
  auto decoded = wire::decode_control(dgram, secret);
  if (observer_) observer_->on_control(decoded, dgram);
  if (decoded) {
    msg = std::move(*decoded);
  } else if ((msg = salvage_avps(dgram, *header, decoded.error(), secret))) {
    ++stats_.malformed_avps;
  } else {
    ++stats_.decode_errors;
    return;
  }
  if (header->tunnel.value == 0) {
    if (msg->known_type() == MessageType::Sccrq) {
      handle_sccrq(local, from, std::move(*msg), now);
      return;
    }
    if (msg->known_type() == MessageType::Sccrp) {
      handle_stray_sccrp(local, from, std::move(*msg), now);
      return;
    }
    ++stats_.unknown_tunnel;  // only an SCCRQ may use Tunnel ID 0 (R077)
    ack_stray_stopccn(local, from, *msg);
    return;
  }
  auto* it = tunnels_.find(header->tunnel.value);
  if (!it) {
    if (msg->known_type() == MessageType::Sccrp) {
      handle_stray_sccrp(local, from, std::move(*msg), now);
      return;
    }
    ++stats_.unknown_tunnel;
    ack_stray_stopccn(local, from, *msg);
    return;
  }
  Entry& e = *it;
  // 8.1: the recipient may answer from another port (or address); follow it once, at SCCRP.
  if (msg->known_type() == MessageType::Sccrp && e.tunnel->state() == tunnel::TunnelState::WaitCtlReply) {
    e.peer = from;
  } else {
    check_port_pair(e, local, from, "control message", now);
  }
  e.tunnel->handle_control(std::move(*msg), now);
  collect(e);
}

void Node::check_port_pair(Entry& e, const net::Endpoint& local, const net::Endpoint& from, const char* what,
                           Time now) {
  // R334: once set up, the tunnel's addresses and ports stay fixed. The datagram is taken anyway
  // (we keep answering to the tunnel's own pair), and the first such one reported.
  if ((from == e.peer && local == e.local) || e.moved_reported) return;
  e.moved_reported = true;
  events_.push_back(NodeEvent{
      e.tunnel->local_id(),
      Event{now, PeerViolation{Rule::R334, std::string(what) + " for the tunnel from " + from.to_string() +
                                               " to " + local.to_string() + ", not from " +
                                               e.peer.to_string() + " to " + e.local.to_string()}}});
}

void Node::handle_stray_sccrp(const net::Endpoint& local, const net::Endpoint& from, wire::ControlMessage msg,
                              Time now) {
  // 7.2.1, idle: Receive SCCRP -> Send StopCCN, clean up (R263). An SCCRP for a tunnel we do
  // not have (never asked for, or long gone) gets a tunnel of its own in idle, which answers it
  // with a StopCCN to the Assigned Tunnel ID it names and goes once that is acknowledged.
  if (cfg_.max_tunnels != 0 && live_tunnels() >= cfg_.max_tunnels) {
    ++stats_.unknown_tunnel;
    return;
  }
  Entry* e = add_tunnel(local, from, false, now);
  if (e == nullptr) return;
  e->tunnel->handle_control(std::move(msg), now);
  collect(*e);
}

void Node::ack_stray_stopccn(const net::Endpoint& local, const net::Endpoint& from,
                             const wire::ControlMessage& msg) {
  // 5.7: the sender of a StopCCN keeps its tunnel until it is acknowledged. One for a tunnel we
  // do not have (sent to Tunnel ID 0 before our ID was known, or to a tunnel long gone) is
  // acknowledged all the same with a ZLB to the Assigned Tunnel ID it names, so the peer can let
  // go at once instead of retransmitting for a whole cycle (and meanwhile placing new calls on
  // the dying tunnel, as xl2tpd does). A ZLB is no longer than the StopCCN: nothing to amplify.
  if (msg.known_type() != MessageType::StopCcn || stray_acks_.size() >= 64) return;
  const auto* a = msg.find(AvpType::AssignedTunnelId);
  const auto* id = a ? a->get<std::uint16_t>() : nullptr;
  if (!id || *id == 0) return;
  Buffer out;
  if (!wire::encode_control(wire::make_zlb(TunnelId{*id}, msg.header.nr, msg.header.ns.next()), {}, out))
    return;
  stray_acks_.push_back({local, from, std::move(out)});
  ++stats_.stray_stopccn_acks;
}

void Node::handle_sccrq(const net::Endpoint& local, const net::Endpoint& from, wire::ControlMessage msg,
                        Time now) {
  std::uint16_t assigned = 0;
  if (const auto* a = msg.find(AvpType::AssignedTunnelId))
    if (const auto* v = a->get<std::uint16_t>()) assigned = *v;
  // A retransmitted SCCRQ goes to the tunnel the first one created (the channel re-acks it).
  // Once that tunnel is ending or over, the same address, port and ID mean a new control
  // connection (a restarted peer, or an ephemeral port used again), not a late copy.
  if (auto known = by_peer_assigned_.find(PeerKey{from, assigned}); known != by_peer_assigned_.end()) {
    if (auto* it = tunnels_.find(known->second)) {
      using S = tunnel::TunnelState;
      const S st = it->tunnel->state();
      if (st != S::Closing && st != S::Lingering && st != S::Closed) {
        it->tunnel->handle_control(std::move(msg), now);
        collect(*it);
        return;
      }
    }
    by_peer_assigned_.erase(known);
  }
  // 4.4.3 tie breaker (R064): our own SCCRQ to the same peer address is still unanswered. This
  // comes first even on a node that takes no incoming tunnels: losing gives up our attempt all
  // the same (R065). A malformed SCCRQ (R250) takes no part: it is refused below.
  std::optional<std::uint64_t> theirs;
  if (const auto* a = msg.find(AvpType::TieBreaker))
    if (const auto* v = a->get<std::uint64_t>()) theirs = *v;
  std::size_t requeued = 0;
  const bool malformed = wire::malformed_mandatory_avp(msg) != nullptr;
  // Only tunnels we opened can be waiting for an SCCRP: a node that opened none (an LNS) skips
  // the walk, so an SCCRQ costs the same with 10 tunnels or 10,000.
  for (const std::uint16_t id :
       malformed || originated_ == 0 ? std::vector<std::uint16_t>() : tunnels_.sorted_ids()) {
    Entry* e = tunnels_.find(id);
    if (!e) continue;
    tunnel::Tunnel& t = *e->tunnel;
    if (t.state() != tunnel::TunnelState::WaitCtlReply || !(e->peer.addr == from.addr)) continue;
    const auto ours = t.our_tie_breaker();
    if (!ours && !theirs) continue;  // R067: neither has one, so two tunnels are opened
    ++stats_.tie_breaks;
    if (ours && (!theirs || *ours < *theirs)) return;  // R065/R067: we win; the peer drops its SCCRQ
    // We lose (R065), or both lose on equal values (R066): drop ours silently (7.2.1 row 8). Its
    // calls move to the peer's tunnel, if this node takes it.
    t.lose_tie_breaker(now, cfg_.accept_tunnels);
    requeued += t.take_requeued_calls();
    collect(*e);
    if (ours && theirs && *ours == *theirs) return;  // R066: the peer discards its tunnel too
  }
  if (!cfg_.accept_tunnels) {  // answered by no tunnel, as any SCCRQ to this node
    ++stats_.refused_tunnels;
    return;
  }
  std::optional<ResultInfo> refusal;
  if (cfg_.max_tunnels != 0 && live_tunnels() >= cfg_.max_tunnels) {
    ++stats_.refused_tunnels;
    refusal = ResultInfo{2, 4, "tunnel limit reached"};  // General error, insufficient resources
  }
  Entry* added = add_tunnel(local, from, false, now);
  if (added == nullptr) {
    // Every Tunnel ID in use: no tunnel can answer it. Dropped and counted; the peer's
    // retransmissions may find an ID freed by then.
    ++stats_.refused_tunnels;
    return;
  }
  Entry& e = *added;
  e.peer_assigned = assigned;
  by_peer_assigned_[PeerKey{from, assigned}] = e.tunnel->local_id().value;
  if (refusal) e.tunnel->refuse_with(*refusal);
  e.tunnel->handle_control(std::move(msg), now);
  // Calls that waited for our losing tunnel now wait for this one (7.2.1 row 8).
  for (std::size_t i = 0; i < requeued; ++i) (void)e.tunnel->open_session(now);
  collect(e);
}

void Node::handle_timeout(Time now) {
  assert(&timers_ == &own_timers_);  // a shared heap's owner pops it (run_due)
  // Only the due tunnels, taken off the heap first (each goes back with its next deadline as it
  // is handled), then run in Tunnel ID order, as a walk over every tunnel would run them.
  due_.clear();
  while (auto t = timers_.pop_due(now)) due_.push_back(static_cast<std::uint16_t>(t->key));
  run_due(due_, now);
}

void Node::run_due(std::vector<std::uint16_t>& due, Time now) {
  std::sort(due.begin(), due.end());
  for (const std::uint16_t id : due) {
    auto* it = tunnels_.find(id);
    if (!it) continue;
    Entry& e = *it;
    if (const auto t = e.tunnel->poll_timeout(); !t || *t > now) {
      track(e);  // not due after all (a kept deadline always is): back with its real one
      continue;
    }
    e.tunnel->handle_timeout(now);
    collect(e);
  }
  reap();
}

void Node::reap() {
  for (const std::uint16_t id : reap_) {
    auto* it = tunnels_.find(id);
    if (!it || it->tunnel->state() != tunnel::TunnelState::Closed) continue;
    Entry& e = *it;
    retired_channels_ += e.tunnel->channel().stats();
    retired_tunnels_ += e.tunnel->stats();
    // Only its own entry: a newer tunnel may have taken the same key over.
    const auto key = by_peer_assigned_.find(PeerKey{e.peer, e.peer_assigned});
    if (key != by_peer_assigned_.end() && key->second == id) by_peer_assigned_.erase(key);
    timers_.cancel(id);
    if (e.live) --live_;
    originated_ -= e.originated;
    tunnels_.erase(id);
  }
  reap_.clear();
}

bool Node::poll_transmit(Time now, Buffer& out, net::Endpoint& from, net::Endpoint& to) {
  if (!stray_acks_.empty()) {
    StrayAck& a = stray_acks_.front();
    out = std::move(a.bytes);
    from = a.local;
    to = a.peer;
    stray_acks_.pop_front();
    ++stats_.datagrams_out;
    return true;
  }
  while (!ready_.empty()) {
    auto* it = tunnels_.find(ready_.front());
    if (!it) {
      ready_.pop_front();
      continue;
    }
    Entry& e = *it;
    const bool sent = e.tunnel->poll_transmit(now, out);
    track(e);  // a first sending arms its retransmission; a last one may end the channel
    if (sent) {
      from = e.local;
      to = e.peer;
      ++stats_.datagrams_out;
      return true;
    }
    ready_.pop_front();
  }
  return false;
}

std::optional<NodeEvent> Node::poll_event() {
  if (events_.empty()) return std::nullopt;
  NodeEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace l2tp
