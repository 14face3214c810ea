// The PPP link: its phases (LCP, then authentication, then the NCPs), keepalive, renegotiation
// in place, and framing. The authentication phase and a start from proxy information are in
// link_auth.cpp.
#include "engine/ppp/link.hpp"

#include <algorithm>
#include <cstdio>

#include "engine/ppp/frame.hpp"
#include "engine/ppp/link_causes.hpp"
#include "engine/ppp/protocol.hpp"

namespace l2tp::ppp {

namespace {

// The negotiating states: a protocol that leaves Opened for one of these renegotiates (RFC 1661
// 4.1: RCR, RCA, RCN or RTA in Opened, or our restart); one that goes to Stopping or Closing
// was terminated.
bool negotiating(State s) {
  return s == State::ReqSent || s == State::AckRcvd || s == State::AckSent;
}

}  // namespace

const char* to_string(Phase p) {
  switch (p) {
    case Phase::Dead:
      return "dead";
    case Phase::Establish:
      return "lcp";
    case Phase::Authenticate:
      return "auth";
    case Phase::Network:
      return "ncp";
    case Phase::Terminate:
      return "terminate";
  }
  return "?";
}

const char* to_string(ProxyMode m) {
  return m == ProxyMode::Accept ? "accept" : "renegotiate";
}

const char* to_string(Renegotiation r) {
  return r == Renegotiation::Lcp ? "lcp" : "ipcp";
}

LinkProfile::LinkProfile(LinkConfig cfg) : cfg_(std::move(cfg)) {
  // LCP negotiates what `methods` lists: demanded of the peer (server) or allowed (client).
  auto& list = cfg_.role == Role::Server ? cfg_.lcp.require_auth : cfg_.lcp.accept_auth;
  list.clear();
  for (auto m : cfg_.methods)
    list.push_back(AuthProto{auth::lcp_protocol(m), auth::chap_algorithm(m).value_or(0)});
}

std::shared_ptr<const LinkProfile> LinkProfile::make(LinkConfig cfg) {
  return std::shared_ptr<const LinkProfile>(new LinkProfile(std::move(cfg)));
}

Link::Link(const LinkConfig& cfg, Rng& rng, Time now) : Link(LinkProfile::make(cfg), cfg.user, rng, now) {}

Link::Link(std::shared_ptr<const LinkProfile> profile, std::string user, Rng& rng, Time now)
    : profile_(std::move(profile)), user_(std::move(user)), rng_(rng), created_(now) {
  new_lcp();
}

void Link::new_lcp() {
  // The LCP settings live in the profile: an aliasing pointer shares them.
  lcp_.emplace(std::shared_ptr<const LcpConfig>(profile_, &cfg().lcp), rng_, cfg().fsm);
}

Link::~Link() = default;

Link::NcpList Link::ncps() {
  NcpList v;
  if (ipcp_) v.items[v.count++] = &ipcp_->automaton();
  if (ipv6cp_) v.items[v.count++] = &ipv6cp_->automaton();
  if (bcp_) v.items[v.count++] = &bcp_->automaton();
  return v;
}

const std::string& Link::proxy_note() const {
  static const std::string kNone;
  return proxy_note_ ? *proxy_note_ : kNone;
}

void Link::start(Time now) {
  if (phase_ != Phase::Dead || down_reported_) return;
  started_ = now;
  last_rx_ = now;
  phase_ = Phase::Establish;
  lcp_->automaton().up(now);
  lcp_->automaton().open(now);
  after_input(now);
}

void Link::handle_frame(Bytes frame, Time now) {
  if (down_reported_) return;
  ++stats_.frames_in;
  last_rx_ = now;
  echoes_unanswered_ = 0;
  next_echo_.reset();
  const auto f = parse_frame(frame);
  if (!f) {
    ++stats_.malformed;
    return;
  }
  const std::uint16_t protocol = f->protocol;
  const bool lcp_open = lcp_->automaton().opened();
  if (protocol == proto::kLcp) {
    lcp_->automaton().handle_packet(f->payload, now);
  } else if (!lcp_open || phase_ == Phase::Establish || phase_ == Phase::Terminate) {
    ++stats_.discarded;  // P003, P015: only LCP before the link is established or while it ends
  } else if (protocol == proto::kPap || protocol == proto::kChap) {
    // Once the link is up the authentication objects are gone (cheap sessions, issue 10); a
    // CHAP authenticator may still challenge again at any time (RFC 1994 3): a new client
    // answers, with the same method, name and password.
    if (!auth_client_ && up_reported_ && cfg().role == Role::Client && method_ &&
        *method_ != auth::Method::Pap && auth::lcp_protocol(*method_) == protocol) {
      auth_client_ = std::make_unique<auth::Client>(*method_, user_, cfg().password, rng_, cfg().auth);
      auth_client_->start(now);
    }
    if (auth_client_ && auth_client_->protocol() == protocol)
      auth_client_->handle_packet(f->payload, now);
    else if (authenticator_ && authenticator_->protocol() == protocol)
      authenticator_->handle_packet(f->payload, now);
    else if (Buffer again;
             auth_repeat_ && auth_repeat_->protocol() == protocol && auth_repeat_->answer(f->payload, again))
      queue_frame(protocol, again, false);
    else
      ++stats_.discarded;
  } else if (phase_ == Phase::Authenticate) {
    ++stats_.discarded;  // P009
  } else if (protocol == proto::kIpcp && ipcp_) {
    ipcp_->automaton().handle_packet(f->payload, now);
  } else if (protocol == proto::kIpv6cp && ipv6cp_) {
    ipv6cp_->automaton().handle_packet(f->payload, now);
  } else if (protocol == proto::kBcp && bcp_) {
    bcp_->automaton().handle_packet(f->payload, now);
  } else if (protocol == proto::kIp && ipcp_) {
    if (ipcp_->automaton().opened()) {
      ++stats_.ip_in;
      events_.push_back(IpPacket{Buffer(f->payload.begin(), f->payload.end())});
    } else {
      ++stats_.discarded;  // P011
    }
  } else if (protocol == proto::kIpv6 && ipv6cp_) {
    ipv6cp_->automaton().opened() ? ++stats_.ipv6_in : ++stats_.discarded;
  } else if (protocol == proto::kBridged && bcp_) {
    bcp_->automaton().opened() ? ++stats_.bridged_in : ++stats_.discarded;
  } else {
    reject_protocol(protocol, f->payload);  // P012, P041 (CCP, anything unknown, P001)
  }
  after_input(now);
}

void Link::reject_protocol(std::uint16_t protocol, Bytes payload) {
  ++stats_.protocol_rejects_sent;
  lcp_->send_protocol_reject(protocol, payload);
}

void Link::close(Time now, std::string reason) {
  if (down_reported_) return;
  if (!pending_down_)
    pending_down_ =
        std::make_unique<LinkDown>(LinkDown{phase_, reason, cause(kNormal, 0, kAtLocal, reason), false, {}});
  if (phase_ == Phase::Dead) {
    report_down(now, pending_down_->phase, pending_down_->reason, pending_down_->cause, false, {});
    return;
  }
  phase_ = Phase::Terminate;
  down_ncps(now);
  lcp_->automaton().close(now, reason);
  after_input(now);
}

void Link::lower_down(Time now, std::string reason) {
  if (down_reported_) return;
  lcp_->automaton().down(now);
  out_.clear();
  if (pending_down_) {
    report_down(now, pending_down_->phase, pending_down_->reason, pending_down_->cause,
                pending_down_->auth_failed, pending_down_->peer_message);
  } else {
    report_down(now, phase_, std::move(reason), cause(kNoInfo, 0, kGlobal, "session cleared"), false, {});
  }
}

bool Link::send_ip(Bytes packet) {
  if (down_reported_ || !ipcp_ || !ipcp_->automaton().opened() || packet.size() > lcp_->mtu()) return false;
  ++stats_.ip_out;
  queue_frame(proto::kIp, packet, false);
  return true;
}

bool Link::send_echo(Bytes data) {
  if (down_reported_ || !lcp_->send_echo_request(data)) return false;
  ++stats_.echo_sent;
  drain(lcp_->automaton(), proto::kLcp, true);
  return true;
}

bool Link::can_restart() const {
  return up_reported_ && !down_reported_ && !renegotiation_ && phase_ == Phase::Network &&
         lcp_->automaton().opened();
}

bool Link::restart_lcp(Time now) {
  if (!can_restart()) return false;
  begin_renegotiation(Renegotiation::Lcp, false, now);
  lcp_->automaton().restart(now);
  after_input(now);  // LCP has left Opened: authentication and the NCPs go down
  return true;
}

bool Link::restart_ipcp(Time now) {
  if (!can_restart() || !ipcp_ || !ipcp_->automaton().opened()) return false;
  begin_renegotiation(Renegotiation::Ipcp, false, now);
  ipcp_->automaton().restart(now);
  after_input(now);
  return true;
}

void Link::begin_renegotiation(Renegotiation what, bool by_peer, Time now) {
  renegotiation_ = what;
  renegotiation_since_ = now;
  events_.push_back(LinkRenegotiating{what, by_peer});
}

void Link::fail(Time now, Phase phase, std::string reason, avp::DisconnectCause c, bool auth_failed,
                std::string peer_message) {
  if (down_reported_) return;
  if (!pending_down_)
    pending_down_ = std::make_unique<LinkDown>(
        LinkDown{phase, std::move(reason), std::move(c), auth_failed, std::move(peer_message)});
  if (phase_ == Phase::Terminate) return;
  phase_ = Phase::Terminate;
  // What authentication has to say (PAP Nak, CHAP Failure) goes out before the
  // Terminate-Request, so the peer learns why (P008).
  flush_auth();
  down_ncps(now);
  lcp_->automaton().close(now, pending_down_->reason);
  after_input(now);
}

void Link::report_down(Time now, Phase phase, std::string reason, avp::DisconnectCause c, bool auth_failed,
                       std::string peer_message) {
  if (down_reported_) return;
  (void)now;
  down_reported_ = true;
  phase_ = Phase::Dead;
  next_echo_.reset();
  events_.push_back(LinkDown{phase, std::move(reason), std::move(c), auth_failed, std::move(peer_message)});
}

void Link::down_ncps(Time now) {
  for (Automaton* a : ncps()) {
    a->close(now, "link going down");
    a->down(now);
  }
}

void Link::enter_network(Time now) {
  phase_ = Phase::Network;
  if (cfg().ipcp_enabled && !ipcp_) {
    ipcp_.emplace(authorized_ipcp_ ? *authorized_ipcp_ : cfg().ipcp, cfg().fsm);
    authorized_ipcp_.reset();  // the Ipcp keeps its copy; a later authorize() changes nothing
  }
  if (cfg().ipv6cp_enabled && !ipv6cp_) ipv6cp_ = std::make_unique<Ipv6cp>(cfg().ipv6cp, rng_, cfg().fsm);
  if (cfg().bcp_enabled && !bcp_) bcp_ = std::make_unique<Bcp>(cfg().bcp, cfg().fsm);
  if (ncps().empty()) {
    fail(now, Phase::Network, "no network protocol is enabled", cause(kNoNcp, 0, kGlobal, "no NCPs enabled"));
    return;
  }
  for (Automaton* a : ncps()) {
    a->set_peer_mru(lcp_->peer_mru());  // Code-Rejects and Terminate text fit the peer's MRU
    a->up(now);
    a->open(now);
  }
}

void Link::check_network(Time now) {
  if (phase_ != Phase::Network) return;
  if (ipcp_) {
    const State s = ipcp_->automaton().state();
    if (ipcp_was_opened_ && up_reported_ && !renegotiation_ && negotiating(s))
      begin_renegotiation(Renegotiation::Ipcp, true, now);  // the peer's Configure-Request in Opened
    ipcp_was_opened_ = s == State::Opened;
  }
  bool any_open = false, all_settled = true;
  const Automaton* failed = nullptr;
  for (Automaton* a : ncps()) {
    if (a->opened()) {
      any_open = true;
    } else if (a->state() == State::Stopped || a->state() == State::Closed) {
      failed = a;
    } else {
      all_settled = false;
    }
  }
  if (!up_reported_ && any_open && all_settled) {
    up_reported_ = true;
    events_.push_back(link_up(started_, now));
    auth_over();
  } else if (renegotiation_ && any_open && all_settled) {
    // Back up after a renegotiation in place; its phase times count from its start (LCP), or
    // are IPCP's alone.
    const Renegotiation what = *renegotiation_;
    renegotiation_.reset();
    LinkUp up = link_up(renegotiation_since_, now);
    if (what == Renegotiation::Ipcp) {
      up.lcp_time = up.auth_time = Duration{};
      up.ncp_time = now - renegotiation_since_;
    }
    events_.push_back(LinkReopened{what, now - renegotiation_since_, std::move(up)});
    auth_over();
  }
  if (!any_open && all_settled && failed) {
    const auto& info = failed->stop_info();
    const bool timeout = info.why == Stop::ConfigureTimeout;
    fail(now, Phase::Network,
         timeout ? configure_timeout_reason(*failed, cfg().fsm)
                 : std::string(protocol_name(failed->protocol())) +
                       " failed: " + (info.detail.empty() ? "no network protocol opened" : info.detail),
         cause(timeout ? kNcpTimeout : kNoNcp, failed->protocol(), kGlobal, info.detail));
  }
}

LinkUp Link::link_up(Time lcp_from, Time now) const {
  LinkUp up;
  up.lcp_time = lcp_opened_ - lcp_from;
  up.auth_time = auth_done_ - lcp_opened_;
  up.ncp_time = now - auth_done_;
  up.method = method_;
  up.user = auth_user_;
  if (ipcp_ && ipcp_->automaton().opened()) {
    up.ipv4 = true;
    up.local_ip = ipcp_->local_address();
    up.peer_ip = ipcp_->peer_address();
    up.dns1 = ipcp_->dns1();
    up.dns2 = ipcp_->dns2();
  }
  up.ipv6 = ipv6cp_ && ipv6cp_->automaton().opened();
  up.bridging = bcp_ && bcp_->automaton().opened();
  up.mtu = lcp_->mtu();
  return up;
}

void Link::keepalive(Time now) {
  if (!cfg().keepalive.enabled || down_reported_ || !lcp_->automaton().opened() || phase_ == Phase::Terminate)
    return;
  if (!next_echo_) {
    next_echo_ = last_rx_ + cfg().keepalive.idle;
    if (now < *next_echo_) return;
  }
  if (now < *next_echo_) return;
  if (echoes_unanswered_ >= cfg().keepalive.max_missed) {
    // The peer is gone: no Terminate exchange (it would only time out), report at once.
    const std::string why =
        std::to_string(echoes_unanswered_) + " LCP Echo-Requests unanswered after " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(cfg().keepalive.idle).count()) +
        " s of silence";
    const Phase at = phase_;
    lcp_->automaton().down(now);
    out_.clear();
    report_down(now, at, why, cause(kEchoTimeout, proto::kLcp, kGlobal, why), false, {});
    return;
  }
  lcp_->send_echo_request();
  ++stats_.echo_sent;
  ++echoes_unanswered_;
  next_echo_ = now + cfg().keepalive.interval;
}

void Link::after_input(Time now) {
  // LCP transitions: Opened reached (start authentication), left (renegotiation), or stopped.
  const bool lcp_open = lcp_->automaton().opened();
  if (lcp_open && !lcp_was_opened_) {
    lcp_was_opened_ = true;
    if (phase_ == Phase::Establish) on_lcp_opened(now);
  } else if (!lcp_open && lcp_was_opened_) {
    lcp_was_opened_ = false;
    if (phase_ == Phase::Authenticate || phase_ == Phase::Network) {
      if (negotiating(lcp_->automaton().state())) {
        // LCP renegotiates (P005; the peer's Configure-Request in Opened, or restart_lcp): the
        // link is back in Link Establishment (RFC 1661 3.3) and LCP's This-Layer-Down is the
        // NCPs' Down (4.4), so they go without a Terminate-Request and start afresh after
        // authentication, which runs again (3.4) and may give other addresses (a new verdict).
        // Nothing of the old negotiation stays.
        if (up_reported_ && !renegotiation_) begin_renegotiation(Renegotiation::Lcp, true, now);
        ipcp_.reset();
        ipv6cp_.reset();
        bcp_.reset();
        ipcp_was_opened_ = false;
      } else {
        down_ncps(now);  // terminated: the link is ending
      }
      auth_client_.reset();
      authenticator_.reset();
      auth_repeat_.reset();
      authorized_ipcp_.reset();
      verdict_pending_ = authorized_ = false;  // an answer still on its way is for the old exchange
      give_up_at_.reset();
      phase_ = Phase::Establish;
    }
  }
  while (auto notice = lcp_->poll_notice()) {
    if (std::holds_alternative<LcpEchoReply>(*notice)) {
      ++stats_.echo_replies;
    } else if (const auto* rej = std::get_if<LcpProtocolReject>(&*notice)) {
      for (Automaton* a : ncps())
        if (a->protocol() == rej->protocol) a->protocol_rejected(now);
      if (rej->protocol == proto::kPap || rej->protocol == proto::kChap)
        fail(now, Phase::Authenticate, "the peer Protocol-Rejected authentication",
             cause(kAuthUnacceptable, rej->protocol, kAtPeer, "authentication protocol rejected"), true);
    } else if (std::holds_alternative<LcpLoopDetected>(*notice)) {
      fail(now, phase_, "the link looks looped back (our own Magic-Number came back)",
           cause(kLoopedBack, proto::kLcp, kGlobal, "looped back"));
    }
  }
  check_auth(now);
  check_network(now);
  keepalive(now);

  // LCP stopped or closed after it had been started: the link is over.
  const State s = lcp_->automaton().state();
  if (phase_ != Phase::Dead && !down_reported_ && (s == State::Stopped || s == State::Closed) &&
      lcp_->automaton().poll_timeout() == std::nullopt) {
    if (pending_down_) {
      report_down(now, pending_down_->phase, pending_down_->reason, pending_down_->cause,
                  pending_down_->auth_failed, pending_down_->peer_message);
    } else {
      const auto& info = lcp_->automaton().stop_info();
      const Phase at = phase_ == Phase::Terminate ? Phase::Establish : phase_;
      switch (info.why) {
        case Stop::TerminatedByPeer:
          report_down(now, at,
                      "the peer sent LCP Terminate-Request" + (info.detail.empty() ? "" : ": " + info.detail),
                      cause(kNormal, 0, kAtPeer, "LCP Terminate-Request from the peer"), false, info.detail);
          break;
        case Stop::ConfigureTimeout: {
          const auto c = lcp_->automaton().counters();
          const bool heard = c.conf_req_received + c.acks_received + c.naks_received + c.rejects_received > 0;
          report_down(now, at, configure_timeout_reason(lcp_->automaton(), cfg().fsm),
                      heard ? cause(kFsmTimeout, proto::kLcp, kGlobal, "LCP timeout")
                            : cause(kNoLcp, proto::kLcp, kGlobal, "no LCP packets received"),
                      false, {});
          break;
        }
        case Stop::LoopedBack:
          report_down(now, at, "LCP: link looped back",
                      cause(kLoopedBack, proto::kLcp, kGlobal, "looped back"), false, {});
          break;
        default:
          report_down(now, at, "LCP stopped: " + info.detail,
                      cause(kFsmTimeout, proto::kLcp, kGlobal, info.detail), false, {});
          break;
      }
    }
  }

  drain(lcp_->automaton(), proto::kLcp, true);
  flush_auth();
  if (ipcp_) drain(ipcp_->automaton(), proto::kIpcp, false);
  if (ipv6cp_) drain(ipv6cp_->automaton(), proto::kIpv6cp, false);
  if (bcp_) drain(bcp_->automaton(), proto::kBcp, false);
}

void Link::drain(Automaton& a, std::uint16_t protocol, bool lcp_format) {
  // Layer events are dropped: the link reads the states instead.
  while (a.poll_event()) {
  }
  Buffer packet;  // see flush_auth
  while (a.poll_transmit(packet)) queue_packet(protocol, std::move(packet), lcp_format);
}

void Link::queue_packet(std::uint16_t protocol, Buffer&& packet, bool lcp_format) {
  if (down_reported_) return;
  frame_in_place(packet, protocol, lcp_format ? FrameFormat{} : lcp_->peer_receives());
  out_.push_back(std::move(packet));
}

void Link::queue_frame(std::uint16_t protocol, Bytes payload, bool lcp_format) {
  if (down_reported_) return;
  Buffer frame;
  // LCP always goes with full Address/Control and a 2-octet protocol (RFC 1661 6.5, 6.6).
  write_frame(frame, protocol, payload, lcp_format ? FrameFormat{} : lcp_->peer_receives());
  out_.push_back(std::move(frame));
}

void Link::handle_timeout(Time now) {
  if (down_reported_) return;
  auto fire = [&](auto* component) {
    if (!component) return;
    if (auto t = component->poll_timeout(); t && *t <= now) component->handle_timeout(now);
  };
  fire(&lcp_->automaton());
  fire(auth_client_.get());
  fire(authenticator_.get());
  if (ipcp_) fire(&ipcp_->automaton());
  if (ipv6cp_) fire(&ipv6cp_->automaton());
  if (bcp_) fire(&bcp_->automaton());
  after_input(now);
}

std::optional<Time> Link::poll_timeout() const {
  if (down_reported_) return std::nullopt;
  std::optional<Time> t;
  auto take = [&](std::optional<Time> c) {
    if (c && (!t || *c < *t)) t = c;
  };
  take(lcp_->automaton().poll_timeout());
  if (auth_client_) take(auth_client_->poll_timeout());
  if (authenticator_) take(authenticator_->poll_timeout());
  if (ipcp_) take(ipcp_->automaton().poll_timeout());
  if (ipv6cp_) take(ipv6cp_->automaton().poll_timeout());
  if (bcp_) take(bcp_->automaton().poll_timeout());
  if (cfg().keepalive.enabled && lcp_->automaton().opened() && phase_ != Phase::Terminate)
    take(next_echo_ ? *next_echo_ : last_rx_ + cfg().keepalive.idle);
  if (give_up_at_ && phase_ == Phase::Authenticate) take(*give_up_at_);
  return t;
}

bool Link::poll_transmit(Buffer& frame) {
  if (out_.empty()) return false;
  frame = std::move(out_.front());
  out_.pop_front();
  ++stats_.frames_out;
  return true;
}

std::optional<LinkEvent> Link::poll_event() {
  if (events_.empty()) return std::nullopt;
  LinkEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace l2tp::ppp
