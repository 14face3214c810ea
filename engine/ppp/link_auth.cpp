// The link's authentication phase: what starts it once LCP is Opened (our client, our
// authenticator, or a verdict alone), its outcome, and the link started from a LAC's proxy LCP
// and authentication. The rest of the link is in link.cpp.
#include <optional>
#include <string>

#include "engine/ppp/link.hpp"
#include "engine/ppp/link_causes.hpp"
#include "engine/ppp/link_reasons.hpp"
#include "engine/ppp/protocol.hpp"
#include "engine/ppp/proxy.hpp"

namespace l2tp::ppp {

namespace {

std::optional<auth::Method> method_of(const AuthProto& a) {
  return auth::method_from_lcp(a.protocol,
                               a.protocol == proto::kChap ? std::optional(a.algorithm) : std::nullopt);
}

}  // namespace

// LCP is Opened from proxy values: the link starts as if it had negotiated it just now.
void Link::adopted(Time now) {
  proxied_ = true;
  proxy_note_.reset();
  started_ = lcp_opened_ = now;
  last_rx_ = now;
}

void Link::start_proxied(const session::ProxyPpp& sent, Time now) {
  if (phase_ != Phase::Dead || down_reported_) return;
  const Buffer& ours =
      sent.last_received_confreq.empty() ? sent.initial_received_confreq : sent.last_received_confreq;
  if (auto r = lcp_->adopt(ours, sent.last_sent_confreq, now); !r) {
    proxy_note_ = std::make_unique<std::string>("proxy LCP not used: " + r.error());
    start(now);
    return;
  }
  adopted(now);
  const bool authenticated = sent.authen_type && *sent.authen_type != session::proxy_authen::kNone;
  if (lcp_->peer_requires() && !authenticated) {
    // LCP came from the LAC but authentication did not: run it ourselves (on_lcp_opened).
    phase_ = Phase::Establish;
    after_input(now);
    return;
  }
  lcp_was_opened_ = true;
  if (const auto demanded = lcp_->peer_requires()) method_ = method_of(*demanded);
  auth_user_ = sent.authen_name.empty() ? user_ : sent.authen_name;
  auth_done_ = now;
  enter_network(now);
  after_input(now);
}

void Link::start_with_proxy(const session::ProxyPpp& proxy, Time now) {
  if (phase_ != Phase::Dead || down_reported_) return;
  auto fall_back = [&](std::string why) {
    proxy_note_ = std::make_unique<std::string>(std::move(why));
    start(now);
  };
  if (cfg().role != Role::Server) return fall_back("proxy information is for the server side");
  if (cfg().proxy == ProxyMode::Renegotiate)
    return fall_back("proxy LCP and authentication ignored: configured to renegotiate");
  if (!proxy.has_lcp()) return fall_back("proxy information without LCP CONFREQs: negotiating LCP");
  auto creds = proxied_credentials(proxy);
  if (!creds) return fall_back("proxy authentication not used: " + creds.error());
  const Buffer& peers =
      proxy.last_received_confreq.empty() ? proxy.initial_received_confreq : proxy.last_received_confreq;
  if (auto r = lcp_->adopt(proxy.last_sent_confreq, peers, now); !r)
    return fall_back("proxy LCP not used: " + r.error());
  if (*creds) {
    // The proxied exchange must be the one LCP negotiated (R120: Authen Type and the
    // Authentication-Protocol of the Last Sent CONFREQ tell the same story).
    const auto required = lcp_->we_require();
    const auto lcp_method = required ? method_of(*required) : std::nullopt;
    if (lcp_method != (*creds)->method) {
      new_lcp();  // back to Initial
      return fall_back(std::string("proxy authentication not used: it is ") +
                       auth::to_string((*creds)->method) + " but the proxied LCP negotiated " +
                       (required ? to_string(*required) : "none"));
    }
  }
  adopted(now);
  if (!*creds) {
    // No proxied authentication: authenticate as after a negotiation (R120).
    phase_ = Phase::Establish;
    after_input(now);
    return;
  }
  lcp_was_opened_ = true;
  phase_ = Phase::Authenticate;
  method_ = (*creds)->method;
  auth_user_ = (*creds)->user;
  verdict_pending_ = true;
  events_.push_back(NeedVerdict{std::move(**creds)});
  after_input(now);
}

void Link::authorize(const auth::Verdict& verdict, const IpcpConfig& ipcp, Time now) {
  if (!verdict_pending_ || down_reported_) return;
  verdict_pending_ = false;
  if (authenticator_) {
    authenticator_->complete(verdict, now);
  } else if (!verdict.accepted) {
    // No exchange of ours: no authentication was negotiated, or it was proxied by the LAC.
    const std::string why = verdict.message.empty() ? verdict.reason : verdict.message;
    const std::uint16_t protocol = method_ ? auth::lcp_protocol(*method_) : 0;
    fail(now, Phase::Authenticate,
         (proxied_ && method_ ? "proxied authentication of " + auth_user_ + " refused: " : "refused: ") + why,
         cause(kAuthFailed, protocol, kAtPeer, why), true);
    return;
  }
  if (verdict.accepted) {
    if (!ipcp_) authorized_ipcp_ = std::make_unique<IpcpConfig>(ipcp);  // what enter_network negotiates
    authorized_ = true;
  }
  after_input(now);
}

// The packets move out of the components (no copy) into a local: a member would keep the last
// one's storage for the life of the link.
void Link::flush_auth() {
  Buffer packet;
  if (auth_client_)
    while (auth_client_->poll_transmit(packet))
      queue_packet(auth_client_->protocol(), std::move(packet), false);
  if (authenticator_)
    while (authenticator_->poll_transmit(packet))
      queue_packet(authenticator_->protocol(), std::move(packet), false);
}

void Link::on_lcp_opened(Time now) {
  lcp_opened_ = now;
  if (cfg().role == Role::Server) {
    const auto required = lcp_->we_require();
    if (!cfg().methods.empty() && !required) {
      fail(now, Phase::Establish, "the peer refused every authentication method we demand",
           cause(kAuthUnacceptable, proto::kLcp, kAtPeer, "authentication protocol unacceptable"), true);
      return;
    }
    phase_ = Phase::Authenticate;
    if (required) {
      method_ = method_of(*required);
      if (!method_) {
        fail(now, Phase::Establish, "negotiated an authentication protocol we cannot run",
             cause(kAuthUnacceptable, proto::kLcp, kAtLocal, "authentication protocol unacceptable"), true);
        return;
      }
      authenticator_ = std::make_unique<auth::Authenticator>(*method_, rng_, cfg().auth, cfg().name);
      authenticator_->start(now);
    } else {
      verdict_pending_ = true;  // no authentication: the driver still assigns addresses
      events_.push_back(NeedVerdict{std::nullopt});
    }
    return;
  }
  const auto demanded = lcp_->peer_requires();
  if (!demanded) {
    auth_done_ = now;
    enter_network(now);
    return;
  }
  method_ = method_of(*demanded);
  if (!method_) {
    fail(now, Phase::Establish, "the peer demands an authentication protocol we do not allow",
         cause(kAuthUnacceptable, proto::kLcp, kAtLocal, "authentication protocol unacceptable"), true);
    return;
  }
  phase_ = Phase::Authenticate;
  auth_user_ = user_;
  auth_client_ = std::make_unique<auth::Client>(*method_, user_, cfg().password, rng_, cfg().auth);
  auth_client_->start(now);
}

void Link::check_auth(Time now) {
  if (phase_ != Phase::Authenticate) return;
  if (auth_client_) {
    switch (auth_client_->outcome()) {
      case auth::Outcome::Pending:
        return;
      case auth::Outcome::Success:
        auth_done_ = now;
        enter_network(now);
        return;
      case auth::Outcome::Failure: {
        const auto protocol = auth_client_->protocol();
        const std::string msg = auth_client_->message();
        const bool timeout = auth_client_->timed_out();
        if (!pending_down_)
          pending_down_ = std::make_unique<LinkDown>(
              LinkDown{Phase::Authenticate,
                       timeout ? client_auth_timeout_reason(*auth_client_, cfg().auth)
                               : std::string("authentication as ") + user_ + " failed: " + msg,
                       timeout ? cause(kAuthTimeout, protocol, kGlobal, msg)
                               : cause(kAuthFailed, protocol, kAtLocal, msg),
                       true, msg});
        // The authenticator ends the link (P008): give it a Restart interval to send its
        // Terminate-Request (or clear the call) before we terminate ourselves.
        if (!timeout && !give_up_at_) give_up_at_ = now + cfg().fsm.restart;
        if (timeout || now >= *give_up_at_)
          fail(now, Phase::Authenticate, pending_down_->reason, pending_down_->cause, true, msg);
        return;
      }
    }
  }
  if (authenticator_) {
    if (auto creds = authenticator_->poll_verify()) {
      verdict_pending_ = true;
      auth_user_ = creds->user;
      events_.push_back(NeedVerdict{std::move(*creds)});
    }
    switch (authenticator_->outcome()) {
      case auth::Outcome::Pending:
        return;
      case auth::Outcome::Success:
        if (!authorized_) return;
        auth_done_ = now;
        enter_network(now);
        return;
      case auth::Outcome::Failure: {
        const auto protocol = authenticator_->protocol();
        const std::string msg = authenticator_->message();
        // The report says why (the verdict's reason: the server and its answer); the peer saw msg.
        const std::string why = authenticator_->reason().empty() ? msg : authenticator_->reason();
        const bool timeout = authenticator_->user().empty();
        fail(now, Phase::Authenticate,
             timeout ? server_auth_timeout_reason(*authenticator_, cfg().auth)
                     : "authentication of " + authenticator_->user() + " failed: " + why,
             timeout ? cause(kAuthTimeout, protocol, kGlobal, msg)
                     : cause(kAuthFailed, protocol, kAtPeer, msg),
             true);
        return;
      }
    }
  }
  if (!authenticator_ && !auth_client_ && authorized_) {
    auth_done_ = now;
    enter_network(now);
  }
}

// The NCPs could only open after the peer saw authentication succeed: our client's exchange is
// over (about 400 octets a link, freed; a later re-challenge makes a new client, see
// handle_frame). Of the authenticator only its reply stays: a peer whose Success was lost
// repeats its Response (or PAP Authenticate-Request) and must get the same answer again (RFC
// 1994 4.1, RFC 1334 2.2.1; cases LNS-PPP-011 and LNS-PPP-012). After a renegotiation the same
// again, so a link holds no more after its hundredth restart than after its first up.
void Link::auth_over() {
  flush_auth();
  auth_client_.reset();
  if (authenticator_ && authenticator_->outcome() == auth::Outcome::Success) {
    auth_repeat_ = std::make_unique<auth::RepeatAnswer>(authenticator_->method(), authenticator_->reply());
    authenticator_.reset();
  }
}

}  // namespace l2tp::ppp
