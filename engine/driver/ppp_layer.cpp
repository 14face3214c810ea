#include "engine/driver/ppp_layer.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <tuple>

namespace l2tp {

namespace {

// A phase's time in whole microseconds, as a record keeps it (PppRecord::kNoTime is "none").
std::uint32_t micros(Duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(us, 0, PppRecord::kNoTime - 1));
}

std::string result_code(const std::optional<ResultInfo>& r) {
  if (!r) return "none";
  std::string code = std::to_string(r->result);
  if (r->error) code += "/" + std::to_string(*r->error);
  return code;
}

bool by_place(const PppRecord& a, const PppRecord& b) {
  return std::tie(a.tunnel, a.session, a.call) < std::tie(b.tunnel, b.session, b.call);
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

const char* to_string(PppState s) {
  switch (s) {
    case PppState::Negotiating:
      return "negotiating";
    case PppState::Up:
      return "up";
    case PppState::Failed:
      return "failed";
    case PppState::Closed:
      return "closed";
  }
  return "?";
}

PppRecord::PppRecord(const PppRecord& o)
    : call(o.call),
      tunnel(o.tunnel),
      session(o.session),
      state(o.state),
      phase_failed(o.phase_failed),
      keepalive_failed(o.keepalive_failed),
      auth(o.auth),
      auth_failed(o.auth_failed),
      proxied(o.proxied),
      user(o.user),
      local_ip(o.local_ip),
      remote_ip(o.remote_ip),
      dns1(o.dns1),
      dns2(o.dns2),
      lcp_us(o.lcp_us),
      auth_us(o.auth_us),
      ncp_us(o.ncp_us),
      up_us(o.up_us),
      end(o.end ? std::make_unique<PppRecordEnd>(*o.end) : nullptr) {}

PppRecord& PppRecord::operator=(const PppRecord& o) {
  if (this != &o) *this = PppRecord(o);
  return *this;
}

std::string PppRecord::phase_failed_name() const {
  if (state != PppState::Failed) return "";
  if (keepalive_failed) return "keepalive";
  return phase_failed ? ppp::to_string(*phase_failed) : "";
}

std::string PppRecord::auth_name() const {
  return auth ? ppp::auth::to_string(*auth) : "none";
}

const std::string& PppRecord::reason() const {
  static const std::string kNone;
  return end ? end->reason : kNone;
}

PppRecordEnd& PppRecord::end_info() {
  if (!end) end = std::make_unique<PppRecordEnd>();
  return *end;
}

void PppRecords::merge(PppRecords&& o, const PppRecordLimits& limits) {
  omitted += o.omitted;
  for (auto& r : o.list) list.push_back(std::move(r));
  // Each shard kept the run's first calls among its own (calls are numbered across the run)
  // and its own first failures: bound the failures again, earliest calls first.
  std::sort(list.begin(), list.end(), [](const PppRecord& a, const PppRecord& b) { return a.call < b.call; });
  std::vector<PppRecord> kept;
  std::uint64_t failures = 0;
  for (auto& r : list) {
    if (limits.keep(r, failures)) {
      failures += r.state == PppState::Failed;
      kept.push_back(std::move(r));
    } else {
      ++omitted;
    }
  }
  std::sort(kept.begin(), kept.end(), by_place);
  list = std::move(kept);
}

PppRestartCounters& PppRestartCounters::operator+=(const PppRestartCounters& o) {
  ours += o.ours;
  by_peer += o.by_peer;
  up += o.up;
  failed += o.failed;
  latency.merge(o.latency);
  return *this;
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
  for (const auto& [k, n] : o.failed_by_phase) failed_by_phase[k] += n;
  for (const auto& [k, n] : o.failed_by_result) failed_by_result[k] += n;
  up_latency.merge(o.up_latency);
  lcp_latency.merge(o.lcp_latency);
  auth_latency.merge(o.auth_latency);
  ncp_latency.merge(o.ncp_latency);
  if (o.last_up && (!last_up || *o.last_up > *last_up)) last_up = o.last_up;
  lcp_restarts += o.lcp_restarts;
  ipcp_restarts += o.ipcp_restarts;
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
  bool counted_up = false;                          // in links_up_ (came up, not yet ended)
  std::optional<ppp::Renegotiation> renegotiating;  // LinkRenegotiating came, LinkReopened not yet
  std::uint32_t slot = 0;                           // in slots_
  std::uint32_t variant = 0;                        // 0: the layer's settings; i: variants_[i - 1]
  std::optional<net::Ipv4> local_ip;
  PppRecord record;
};

PppLayer::PppLayer(const PppSettings& settings, ppp::Role role, Rng& rng, Authorizer* authorizer)
    : settings_(settings), role_(role), rng_(rng), authorizer_(authorizer) {
  settings_.link.role = role;
  if (role == ppp::Role::Client) settings_.link.password = settings_.password;
  // One prepared configuration for every link (a copy per link was some 500 octets).
  profile_ = ppp::LinkProfile::make(settings_.link);
}

PppLayer::~PppLayer() = default;

std::size_t PppLayer::add_settings(const PppSettings& settings, Authorizer* authorizer) {
  Variant v{settings, nullptr, authorizer};
  v.settings.link.role = role_;
  if (role_ == ppp::Role::Client) v.settings.link.password = v.settings.password;
  v.profile = ppp::LinkProfile::make(v.settings.link);
  variants_.push_back(std::move(v));
  return variants_.size() - 1;
}

const PppSettings& PppLayer::settings_of(const Entry& e) const {
  return e.variant == 0 ? settings_ : variants_[e.variant - 1].settings;
}

Authorizer* PppLayer::authorizer_of(const Entry& e) const {
  return e.variant == 0 ? authorizer_ : variants_[e.variant - 1].authorizer;
}

bool PppLayer::send_echo(Node& node, LinkKey key, Bytes data, Time now) {
  Entry* e = find(key);
  if (!e || !e->link.send_echo(data)) return false;
  service(node, *e, now);
  return true;
}

void PppLayer::on_event(Node& node, const NodeEvent& ev, Time now) {
  const TunnelId t = ev.tunnel;
  if (const auto* up = std::get_if<SessionUp>(&ev.event.body)) {
    on_session_up(node, t, *up, now);
  } else if (const auto* data = std::get_if<SessionData>(&ev.event.body)) {
    Entry* e = find(LinkKey{t.value, data->local.value});
    if (!e) return;
    e->link.handle_frame(data->ppp, now);
    service(node, *e, now);
  } else if (const auto* down = std::get_if<SessionDown>(&ev.event.body)) {
    Entry* found = find(LinkKey{t.value, down->local.value});
    if (!found) return;
    Entry& e = *found;
    e.session_gone = true;
    e.record.end_info().cdn = down->result;
    e.record.end->cdn_by_peer = down->by_peer;
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
  std::uint32_t variant = 0;
  if (pick_)
    if (const auto i = pick_(t); i && *i < variants_.size()) variant = static_cast<std::uint32_t>(*i + 1);
  const PppSettings& own = variant == 0 ? settings_ : variants_[variant - 1].settings;
  std::string user = own.link.user;
  if (role_ == ppp::Role::Client)
    user = expand_user(own.user, call_number(settings_, calls_), key.tunnel, key.session);
  if (sent && sent->has_auth() && !sent->authen_name.empty()) user = sent->authen_name;
  if (find(key)) return;  // an ID reused while its old link still runs: keep the old one
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot] =
      std::make_unique<Entry>(key, variant == 0 ? profile_ : variants_[variant - 1].profile, user, rng_, now);
  Entry& e = *slots_[slot];
  e.slot = slot;
  e.variant = variant;
  // A call that came up after the teardown began (its ICRP was on the way) is cleared by it too:
  // cancelled with the rest, not a failure of the phase it was in.
  e.tearing_down = stopping_;
  index_.set(key.value(), slot);
  PppRecord& rec = e.record;
  rec.call = call_number(settings_, calls_);
  rec.tunnel = key.tunnel;
  rec.session = key.session;
  ++counters_.links;
  if (sent)
    e.link.start_proxied(*sent, now);
  else if (role_ == ppp::Role::Server && up.proxy)
    e.link.start_with_proxy(*up.proxy, now);
  else
    e.link.start(now);
  rec.proxied = e.link.proxied();
  if (!e.link.proxy_note().empty()) rec.end_info().proxy_note = e.link.proxy_note();
  service(node, e, now);
}

bool PppLayer::is_up(LinkKey key) const {
  const auto slot = index_.find(key.value());
  if (!slot) return false;
  const Entry& e = *slots_[*slot];
  // Up and staying so: not renegotiating, not being closed (a lifetime's LCP Terminate), not
  // terminated by the peer (its link is then out of the Network phase).
  return e.counted_up && !e.renegotiating && !e.tearing_down && e.link.phase() == ppp::Phase::Network;
}

PppLayer::Entry* PppLayer::find(LinkKey key) {
  const auto slot = index_.find(key.value());
  return slot ? slots_[*slot].get() : nullptr;
}

void PppLayer::decided(Node& node, LinkKey key, const Decision& d, Time now) {
  Entry* e = find(key);
  if (!e) return;
  apply_decision(*e, d, now);
  service(node, *e, now);
}

void PppLayer::apply_decision(Entry& e, const Decision& d, Time now) {
  ppp::IpcpConfig ipcp = settings_of(e).link.ipcp;
  if (d.local) ipcp.local = d.local;
  if (d.remote) ipcp.peer = d.remote;
  if (d.dns1) ipcp.dns1 = d.dns1;
  if (d.dns2) ipcp.dns2 = d.dns2;
  if (ipcp.local) e.local_ip = net::Ipv4::of(*ipcp.local);
  if (!d.verdict.accepted)
    e.record.end_info().reason = d.verdict.reason.empty() ? d.verdict.message : d.verdict.reason;
  e.link.authorize(d.verdict, ipcp, now);
}

void PppLayer::handle_link_event(Node& node, Entry& e, ppp::LinkEvent ev, Time now) {
  PppRecord& rec = e.record;
  if (auto* need = std::get_if<ppp::NeedVerdict>(&ev)) {
    if (need->credentials) rec.auth = need->credentials->method;
    Authorizer* authorizer = authorizer_of(e);
    if (!authorizer) {
      apply_decision(
          e,
          Decision{
              ppp::auth::Verdict{false, "no users configured", {}, "no authorizer"}, {}, {}, {}, {}, {}, {}},
          now);
      return;
    }
    const LinkKey key = e.key;
    auto d = authorizer->authorize(key, need->credentials, [this, key](Decision later) {
      if (later_) later_(key, std::move(later));
    });
    if (d) apply_decision(e, *d, now);
    return;
  }
  if (auto* up = std::get_if<ppp::LinkUp>(&ev)) {
    rec.state = PppState::Up;
    if (up->method) rec.auth = up->method;
    if (up->ipv4) {
      rec.local_ip = net::Ipv4::of(up->local_ip);
      rec.remote_ip = net::Ipv4::of(up->peer_ip);
      e.local_ip = rec.local_ip;
    }
    if (up->dns1) rec.dns1 = net::Ipv4::of(*up->dns1);
    if (up->dns2) rec.dns2 = net::Ipv4::of(*up->dns2);
    rec.lcp_us = micros(up->lcp_time);
    rec.auth_us = micros(up->auth_time);
    rec.ncp_us = micros(up->ncp_time);
    rec.up_us = micros(now - e.session_up);
    const bool first_up = !e.counted_up;
    if (first_up) {
      e.counted_up = true;
      ++links_up_;
    }
    ++counters_.up;
    counters_.up_latency.record(now - e.session_up);
    counters_.lcp_latency.record(up->lcp_time);
    if (up->method) counters_.auth_latency.record(up->auth_time);
    counters_.ncp_latency.record(up->ncp_time);
    counters_.last_up = now;
    if (role_ == ppp::Role::Client && settings_.traffic && up->ipv4) {
      const net::IpAddress target = settings_.traffic_target.value_or(up->peer_ip);
      e.probe = std::make_unique<ip::Probe>(*settings_.traffic, net::Ipv4::of(up->local_ip).value,
                                            net::Ipv4::of(target).value, e.key.session, now);
    }
    if (Authorizer* a = authorizer_of(e); role_ == ppp::Role::Server && a && up->ipv4)
      a->link_up(e.key, e.link.user_name(), up->peer_ip, now);
    if (sink_ && up->ipv4) {
      sink_->link_up(e.key, *up);
      e.sink_attached = true;
    }
    if (first_up && link_up_) link_up_(e.key, now);
    return;
  }
  if (auto* pkt = std::get_if<ppp::IpPacket>(&ev)) {
    if (e.probe && e.probe->handle_packet(pkt->packet, now)) return;
    if (e.local_ip && settings_.answer_echo &&
        ip::answer_echo(pkt->packet, e.local_ip->value, settings_.echo_port, packet_)) {
      if (e.link.send_ip(packet_)) ++counters_.echo_answered;
      return;
    }
    if (sink_ && e.sink_attached) sink_->packet(e.key, pkt->packet);
    return;
  }
  if (const auto* r = std::get_if<ppp::LinkRenegotiating>(&ev)) {
    e.renegotiating = r->what;
    auto& c = counters_.restarts(r->what);
    ++(r->by_peer ? c.by_peer : c.ours);
    return;
  }
  if (auto* r = std::get_if<ppp::LinkReopened>(&ev)) {
    e.renegotiating.reset();
    auto& c = counters_.restarts(r->what);
    ++c.up;
    c.latency.record(r->took);
    reopened(e, r->up, now);
    return;
  }
  if (auto* down = std::get_if<ppp::LinkDown>(&ev)) {
    const bool was_up = rec.state == PppState::Up;
    const bool keepalive = down->cause.code == kEchoTimeoutCause;
    // Cleared by the peer during authentication (l2tpns sends CDN with no PAP Nak or CHAP
    // Failure for a bad password): an authentication failure all the same.
    const bool peer_cleared_auth =
        e.session_gone && role_ == ppp::Role::Client && down->phase == ppp::Phase::Authenticate;
    rec.auth_failed = down->auth_failed || peer_cleared_auth;
    if (!rec.auth)
      if (const auto m = e.link.method()) rec.auth = m;  // attempted
    PppRecordEnd& end = rec.end_info();
    if (end.reason.empty() || !e.session_gone) end.reason = down->reason;
    if (!e.session_gone) end.cause = down->cause;
    if (!e.session_gone) {
      const std::uint16_t result = keepalive ? kLostCarrier : kAdministrative;
      end.cdn = ResultInfo{result, std::nullopt, down->reason, down->cause};
      end.cdn_by_peer = false;
      node.close_session(TunnelId{e.key.tunnel}, SessionId{e.key.session}, *end.cdn, now);
    }
    // A renegotiation in place that did not come back up is a failure of the phase it ended in,
    // as a first negotiation's would be; whoever cleared the call (the peer's CDN after a
    // refused re-authentication, as l2tpns does, included).
    const bool renegotiation_failed = e.renegotiating && !e.tearing_down;
    if (renegotiation_failed) {
      ++counters_.restarts(*e.renegotiating).failed;
      end.reason = std::string(e.renegotiating == ppp::Renegotiation::Lcp ? "LCP" : "IPCP") +
                   " renegotiation in place failed: " + end.reason;
    }
    if (e.tearing_down || (was_up && !keepalive && !renegotiation_failed)) {
      rec.state = PppState::Closed;
      ++counters_.closed;
    } else {
      rec.state = PppState::Failed;
      rec.phase_failed = down->phase;
      rec.keepalive_failed = keepalive;
      ++counters_.failed;
      ++counters_.failed_by_phase[rec.phase_failed_name()];
      ++counters_.failed_by_result[result_code(end.cdn)];
      if (rec.auth_failed) ++counters_.auth_failures;
      if (keepalive) ++counters_.keepalive_failures;
    }
    finish(e, now);
  }
}

// IPCP negotiated its addresses again: the same ones (a pool hands a released address out
// first, and the LNS's authorizer gives a link that authenticates again what it held), or, should
// they differ, the record, the probe and the sink move to the new ones.
void PppLayer::reopened(Entry& e, const ppp::LinkUp& up, Time now) {
  if (!up.ipv4) return;
  const net::Ipv4 local = net::Ipv4::of(up.local_ip), remote = net::Ipv4::of(up.peer_ip);
  PppRecord& rec = e.record;
  if (rec.local_ip == local && rec.remote_ip == remote) return;
  rec.local_ip = local;
  rec.remote_ip = remote;
  e.local_ip = local;
  if (e.probe) {
    retire_probe(e, now);
    const net::IpAddress target = settings_.traffic_target.value_or(up.peer_ip);
    e.probe = std::make_unique<ip::Probe>(*settings_.traffic, local.value, net::Ipv4::of(target).value,
                                          e.key.session, now);
  }
  if (sink_ && e.sink_attached) {
    sink_->link_down(e.key);
    sink_->link_up(e.key, up);
  }
}

// A probe's figures go to the record and the run's totals; probes still in flight leave the count.
void PppLayer::retire_probe(Entry& e, Time now) {
  e.probe->expire(now);
  e.probe->abandon_in_flight();
  const ip::ProbeStats st = e.probe->stats();
  e.record.end_info().traffic += st;
  counters_.traffic += st;
  e.probe.reset();
}

void PppLayer::finish(Entry& e, Time now) {
  if (e.finished) return;
  e.finished = true;
  if (e.counted_up) {
    e.counted_up = false;
    --links_up_;
  }
  PppRecordEnd& end = e.record.end_info();
  if (e.probe) retire_probe(e, now);
  const auto& st = e.link.stats();
  end.echo_sent = st.echo_sent;
  end.echo_replies = st.echo_replies;
  if (Authorizer* a = authorizer_of(e); role_ == ppp::Role::Server && a) a->release(e.key, now);
  if (sink_ && e.sink_attached) sink_->link_down(e.key);
}

// The link has ended: its record is kept if it is worth showing (PppRecordLimits), else only
// counted, and its slot is free for the next link.
void PppLayer::release(Entry& e) {
  const PppRecordLimits limits{settings_.session_records, settings_.failure_records};
  if (limits.keep(e.record, failures_kept_)) {
    failures_kept_ += e.record.state == PppState::Failed;
    e.record.user = e.link.user_name();
    kept_.push_back(std::move(e.record));
  } else {
    ++records_omitted_;
  }
  index_.erase(e.key.value());
  const std::uint32_t slot = e.slot;
  slots_[slot].reset();  // `e` is gone after this
  free_slots_.push_back(slot);
}

ip::ProbeStats PppLayer::traffic_now() const {
  ip::ProbeStats t = counters_.traffic;
  for (const auto& e : slots_)
    if (e && e->probe && !e->finished) t += e->probe->stats();
  return t;
}

PppRecords PppLayer::records() const {
  PppRecords r;
  r.list = kept_;
  r.omitted = records_omitted_;
  for (const auto& e : slots_) {
    if (!e) continue;
    if (e->record.call <= settings_.session_records) {
      r.list.push_back(e->record);
      r.list.back().user = e->link.user_name();
    } else
      ++r.omitted;
  }
  std::sort(r.list.begin(), r.list.end(), by_place);
  return r;
}

bool PppLayer::send_ip(Node& node, LinkKey key, Bytes packet, Time now) {
  Entry* e = find(key);
  if (!e || !e->link.is_up()) return false;
  const bool ok = e->link.send_ip(packet);
  service(node, *e, now);
  return ok;
}

void PppLayer::service(Node& node, Entry& e, Time now) {
  // No probes while the link renegotiates: IPCP is not open, they could not go out (and the
  // probe's deadline, already due, is left out of schedule() until then).
  if (e.probe && !e.finished && !e.renegotiating) {
    while (e.probe->poll_send(now, packet_)) e.link.send_ip(packet_);
    e.probe->expire(now);
  }
  while (auto ev = e.link.poll_event()) handle_link_event(node, e, std::move(*ev), now);
  while (e.link.poll_transmit(frame_))
    node.send_ppp(TunnelId{e.key.tunnel}, SessionId{e.key.session}, frame_, now);
  if (e.finished) {
    timers_->cancel(e.key.value());
    release(e);  // `e` is gone after this
    return;
  }
  schedule(e);
}

void PppLayer::schedule(Entry& e) {
  std::optional<Time> t = e.link.poll_timeout();
  if (e.probe && !e.renegotiating)
    if (const auto p = e.probe->next_send(); p && (!t || *p < *t)) t = p;
  timers_->set(e.key.value(), t);
}

std::optional<Time> PppLayer::poll_timeout() const {
  return timers_->next();
}

void PppLayer::share_timers(TimerHeap& shared) {
  if (!own_timers_.empty()) throw std::logic_error("PppLayer::share_timers: links already have deadlines");
  timers_ = &shared;
}

void PppLayer::handle_timeout(Node& node, Time now) {
  assert(timers_ == &own_timers_);  // a shared heap's owner pops it (run_due)
  while (const auto due = timers_->pop_due(now)) run_one(node, due->key, now);
}

void PppLayer::run_due(Node& node, const std::vector<TimerHeap::Key>& due, Time now) {
  for (const TimerHeap::Key key : due) run_one(node, key, now);
}

void PppLayer::run_one(Node& node, TimerHeap::Key key, Time now) {
  Entry* found = find(LinkKey{static_cast<std::uint16_t>(key >> 16), static_cast<std::uint16_t>(key)});
  if (!found) return;
  found->link.handle_timeout(now);
  service(node, *found, now);  // re-arms the link's entry (or drops it when the link ended)
}

bool PppLayer::restart_link(Node& node, LinkKey key, ppp::Renegotiation what, Time now) {
  Entry* e = find(key);
  if (!e || e->finished || e->session_gone || e->tearing_down || !e->counted_up || e->renegotiating)
    return false;
  const bool done = what == ppp::Renegotiation::Lcp ? e->link.restart_lcp(now) : e->link.restart_ipcp(now);
  if (done) service(node, *e, now);
  return done;
}

bool PppLayer::close_link(Node& node, LinkKey key, Time now, const std::string& reason) {
  Entry* e = find(key);
  if (!e || e->finished || e->session_gone) return false;
  e->tearing_down = true;
  e->link.close(now, reason);
  service(node, *e, now);
  return true;
}

void PppLayer::stop_all(Time) {
  stopping_ = true;
  for (auto& e : slots_)
    if (e) e->tearing_down = true;
}

}  // namespace l2tp
