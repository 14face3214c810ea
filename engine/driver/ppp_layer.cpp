#include "engine/driver/ppp_layer.hpp"

#include <algorithm>

namespace l2tp {

namespace {

double ms(Duration d) {
  return to_seconds(d) * 1000.0;
}

std::uint32_t ipv4_of(const net::IpAddress& a) {
  return (std::uint32_t{a.bytes[0]} << 24) | (std::uint32_t{a.bytes[1]} << 16) |
         (std::uint32_t{a.bytes[2]} << 8) | a.bytes[3];
}

// CDN Result Codes (RFC 2661 4.4.2) for a call PPP ended: 1 when the peer went silent (lost
// carrier), 3 (administrative) for every decision PPP made, as l2tpns does for bad passwords.
constexpr std::uint16_t kLostCarrier = 1, kAdministrative = 3;
constexpr std::uint16_t kEchoTimeoutCause = 8;

}  // namespace

std::string expand_user(const std::string& pattern, std::uint64_t n, std::uint16_t tunnel,
                        std::uint16_t session) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    auto take = [&](std::string_view key, const std::string& value) {
      if (pattern.compare(i, key.size(), key) != 0) return false;
      out += value;
      i += key.size();
      return true;
    };
    if (take("{n}", std::to_string(n)) || take("{session}", std::to_string(session)) ||
        take("{tunnel}", std::to_string(tunnel)))
      continue;
    out += pattern[i++];
  }
  return out;
}

PppCounters& PppCounters::operator+=(const PppCounters& o) {
  links += o.links;
  up += o.up;
  failed += o.failed;
  auth_failures += o.auth_failures;
  closed += o.closed;
  keepalive_failures += o.keepalive_failures;
  echo_answered += o.echo_answered;
  traffic += o.traffic;
  up_latency_ms.insert(up_latency_ms.end(), o.up_latency_ms.begin(), o.up_latency_ms.end());
  if (o.last_up && (!last_up || *o.last_up > *last_up)) last_up = o.last_up;
  return *this;
}

struct PppLayer::Entry {
  Entry(LinkKey k, std::shared_ptr<const ppp::LinkProfile> profile, std::string user, Rng& rng, Time now)
      : key(k), link(std::move(profile), std::move(user), rng, now), session_up(now) {}
  LinkKey key;
  ppp::Link link;
  Time session_up;
  std::unique_ptr<ip::Probe> probe;  // LAC traffic, once the link is up
  bool session_gone = false;         // the L2TP session ended first: no CDN from us
  bool tearing_down = false;
  bool finished = false;
  bool sink_attached = false;
  bool counted_up = false;  // in links_up_ (came up, not yet ended)
  std::optional<net::IpAddress> local_ip;
  PppRecord* record = nullptr;
};

PppLayer::PppLayer(const PppSettings& settings, ppp::Role role, Rng& rng, Authorizer* authorizer)
    : settings_(settings), role_(role), rng_(rng), authorizer_(authorizer) {
  settings_.link.role = role;
  if (role == ppp::Role::Client) settings_.link.password = settings_.password;
  // One prepared configuration for every link (a copy per link was some 500 octets).
  profile_ = ppp::LinkProfile::make(settings_.link);
}

PppLayer::~PppLayer() = default;

void PppLayer::on_event(Node& node, const NodeEvent& ev, Time now) {
  const TunnelId t = ev.tunnel;
  if (const auto* up = std::get_if<SessionUp>(&ev.event.body)) {
    on_session_up(node, t, *up, now);
  } else if (const auto* data = std::get_if<SessionData>(&ev.event.body)) {
    auto it = links_.find(LinkKey{t.value, data->local.value}.value());
    if (it == links_.end()) return;
    it->second->link.handle_frame(data->ppp, now);
    service(node, *it->second, now);
  } else if (const auto* down = std::get_if<SessionDown>(&ev.event.body)) {
    auto it = links_.find(LinkKey{t.value, down->local.value}.value());
    if (it == links_.end()) return;
    Entry& e = *it->second;
    e.session_gone = true;
    e.record->cdn = down->result;
    e.record->cdn_by_peer = down->by_peer;
    std::string why = down->by_peer ? "the peer cleared the call" : "the call was cleared";
    if (down->result) why += " (CDN " + down->result->to_string() + ")";
    if (down->ppp_cause)
      why += " [disconnect cause " + std::to_string(down->ppp_cause->code) +
             (down->ppp_cause->message.empty() ? "" : " " + down->ppp_cause->message) + "]";
    e.link.lower_down(now, why);
    service(node, e, now);
  }
}

void PppLayer::on_session_up(Node& node, TunnelId t, const SessionUp& up, Time now) {
  const LinkKey key{t.value, up.local.value};
  ++calls_;
  // LAC: the proxy values this call's ICCN carried (the runner made them, make_proxy_ppp);
  // the name in them is the one we authenticated as.
  std::optional<session::ProxyPpp> sent;
  if (role_ == ppp::Role::Client)
    if (const auto* tunnel = node.tunnel(t))
      if (const auto* s = tunnel->find_session(up.local)) sent = s->proxy;
  std::string user = settings_.link.user;
  if (role_ == ppp::Role::Client)
    user = expand_user(settings_.user, call_number(settings_, calls_), key.tunnel, key.session);
  if (sent && sent->has_auth() && !sent->authen_name.empty()) user = sent->authen_name;
  auto entry = std::make_unique<Entry>(key, profile_, user, rng_, now);
  PppRecord& rec = records_[key.value()];
  rec = PppRecord{};
  rec.tunnel = key.tunnel;
  rec.session = key.session;
  if (role_ == ppp::Role::Client) rec.user = user;
  entry->record = &rec;
  Entry& e = *entry;
  links_[key.value()] = std::move(entry);
  ++counters_.links;
  if (sent)
    e.link.start_proxied(*sent, now);
  else if (role_ == ppp::Role::Server && up.proxy)
    e.link.start_with_proxy(*up.proxy, now);
  else
    e.link.start(now);
  rec.proxied = e.link.proxied();
  rec.proxy_note = e.link.proxy_note();
  service(node, e, now);
}

void PppLayer::decided(Node& node, LinkKey key, const Decision& d, Time now) {
  auto it = links_.find(key.value());
  if (it == links_.end()) return;
  apply_decision(*it->second, d, now);
  service(node, *it->second, now);
}

void PppLayer::apply_decision(Entry& e, const Decision& d, Time now) {
  ppp::IpcpConfig ipcp = settings_.link.ipcp;
  if (d.local) ipcp.local = d.local;
  if (d.remote) ipcp.peer = d.remote;
  if (d.dns1) ipcp.dns1 = d.dns1;
  if (d.dns2) ipcp.dns2 = d.dns2;
  e.local_ip = ipcp.local;
  if (!d.verdict.accepted) e.record->reason = d.verdict.reason.empty() ? d.verdict.message : d.verdict.reason;
  e.link.authorize(d.verdict, ipcp, now);
}

void PppLayer::handle_link_event(Node& node, Entry& e, ppp::LinkEvent ev, Time now) {
  PppRecord& rec = *e.record;
  if (auto* need = std::get_if<ppp::NeedVerdict>(&ev)) {
    if (need->credentials) {
      rec.user = need->credentials->user;
      rec.auth = ppp::auth::to_string(need->credentials->method);
    }
    if (!authorizer_) {
      apply_decision(
          e,
          Decision{
              ppp::auth::Verdict{false, "no users configured", {}, "no authorizer"}, {}, {}, {}, {}, {}, {}},
          now);
      return;
    }
    const LinkKey key = e.key;
    auto d = authorizer_->authorize(key, need->credentials, [this, key](Decision later) {
      if (later_) later_(key, std::move(later));
    });
    if (d) apply_decision(e, *d, now);
    return;
  }
  if (auto* up = std::get_if<ppp::LinkUp>(&ev)) {
    rec.state = "up";
    if (up->method) rec.auth = ppp::auth::to_string(*up->method);
    if (!up->user.empty()) rec.user = up->user;
    if (up->ipv4) {
      rec.local_ip = up->local_ip;
      rec.remote_ip = up->peer_ip;
      e.local_ip = up->local_ip;
    }
    rec.dns1 = up->dns1;
    rec.dns2 = up->dns2;
    rec.lcp_ms = ms(up->lcp_time);
    rec.auth_ms = ms(up->auth_time);
    rec.ncp_ms = ms(up->ncp_time);
    rec.up_ms = ms(now - e.session_up);
    if (!e.counted_up) {
      e.counted_up = true;
      ++links_up_;
    }
    ++counters_.up;
    counters_.up_latency_ms.push_back(*rec.up_ms);
    counters_.last_up = now;
    if (role_ == ppp::Role::Client && settings_.traffic && up->ipv4) {
      const net::IpAddress target = settings_.traffic_target.value_or(up->peer_ip);
      e.probe = std::make_unique<ip::Probe>(*settings_.traffic, ipv4_of(up->local_ip), ipv4_of(target),
                                            e.key.session, now);
    }
    if (role_ == ppp::Role::Server && authorizer_ && up->ipv4)
      authorizer_->link_up(e.key, rec.user, up->peer_ip, now);
    if (sink_ && up->ipv4) {
      sink_->link_up(e.key, *up);
      e.sink_attached = true;
    }
    return;
  }
  if (auto* pkt = std::get_if<ppp::IpPacket>(&ev)) {
    if (e.probe && e.probe->handle_packet(pkt->packet, now)) return;
    if (e.local_ip && settings_.answer_echo &&
        ip::answer_echo(pkt->packet, ipv4_of(*e.local_ip), settings_.echo_port, packet_)) {
      if (e.link.send_ip(packet_)) ++counters_.echo_answered;
      return;
    }
    if (sink_ && e.sink_attached) sink_->packet(e.key, pkt->packet);
    return;
  }
  if (auto* down = std::get_if<ppp::LinkDown>(&ev)) {
    const bool was_up = rec.state == "up";
    const bool keepalive = down->cause.code == kEchoTimeoutCause;
    // Cleared by the peer during authentication (l2tpns sends CDN with no PAP Nak or CHAP
    // Failure for a bad password): an authentication failure all the same.
    const bool peer_cleared_auth =
        e.session_gone && role_ == ppp::Role::Client && down->phase == ppp::Phase::Authenticate;
    rec.auth_failed = down->auth_failed || peer_cleared_auth;
    if (rec.auth == "none")
      if (const auto m = e.link.method()) rec.auth = ppp::auth::to_string(*m);  // attempted
    if (rec.reason.empty() || !e.session_gone) rec.reason = down->reason;
    if (!e.session_gone) rec.cause = down->cause;
    if (e.tearing_down || (was_up && !keepalive)) {
      rec.state = "closed";
      ++counters_.closed;
    } else {
      rec.state = "failed";
      rec.phase_failed = keepalive ? "keepalive" : ppp::to_string(down->phase);
      ++counters_.failed;
      if (rec.auth_failed) ++counters_.auth_failures;
      if (keepalive) ++counters_.keepalive_failures;
    }
    if (!e.session_gone) {
      const std::uint16_t result = keepalive ? kLostCarrier : kAdministrative;
      rec.cdn = ResultInfo{result, std::nullopt, down->reason, down->cause};
      rec.cdn_by_peer = false;
      node.close_session(TunnelId{e.key.tunnel}, SessionId{e.key.session}, *rec.cdn, now);
    }
    finish(e, now);
  }
}

void PppLayer::finish(Entry& e, Time now) {
  if (e.finished) return;
  e.finished = true;
  if (e.counted_up) {
    e.counted_up = false;
    --links_up_;
  }
  PppRecord& rec = *e.record;
  if (e.probe) {
    e.probe->expire(now);
    e.probe->abandon_in_flight();
    rec.traffic = e.probe->stats();
    counters_.traffic += rec.traffic;
  }
  const auto& st = e.link.stats();
  rec.echo_sent = st.echo_sent;
  rec.echo_replies = st.echo_replies;
  if (role_ == ppp::Role::Server && authorizer_) authorizer_->release(e.key, now);
  if (sink_ && e.sink_attached) sink_->link_down(e.key);
}

bool PppLayer::send_ip(Node& node, LinkKey key, Bytes packet, Time now) {
  auto it = links_.find(key.value());
  if (it == links_.end() || !it->second->link.is_up()) return false;
  const bool ok = it->second->link.send_ip(packet);
  service(node, *it->second, now);
  return ok;
}

void PppLayer::service(Node& node, Entry& e, Time now) {
  if (e.probe && !e.finished) {
    while (e.probe->poll_send(now, packet_)) e.link.send_ip(packet_);
    e.probe->expire(now);
  }
  while (auto ev = e.link.poll_event()) handle_link_event(node, e, std::move(*ev), now);
  while (e.link.poll_transmit(frame_))
    node.send_ppp(TunnelId{e.key.tunnel}, SessionId{e.key.session}, frame_, now);
  if (e.finished) {
    timers_.cancel(e.key.value());
    links_.erase(e.key.value());  // `e` is gone after this
    return;
  }
  schedule(e);
}

void PppLayer::schedule(Entry& e) {
  std::optional<Time> t = e.link.poll_timeout();
  if (e.probe)
    if (const auto p = e.probe->next_send(); p && (!t || *p < *t)) t = p;
  timers_.set(e.key.value(), t);
}

std::optional<Time> PppLayer::poll_timeout() const {
  return timers_.next();
}

void PppLayer::handle_timeout(Node& node, Time now) {
  while (const auto due = timers_.pop_due(now)) {
    auto it = links_.find(static_cast<std::uint32_t>(due->key));
    if (it == links_.end()) continue;
    Entry& e = *it->second;
    e.link.handle_timeout(now);
    service(node, e, now);  // re-arms the link's entry (or drops it when the link ended)
  }
}

void PppLayer::stop_all(Time) {
  for (auto& [k, e] : links_) e->tearing_down = true;
}

}  // namespace l2tp
