// The LNS judging PPP peers through RADIUS (RFC 2865): the credentials the PPP authenticator
// collected go out as an Access-Request, and the answer comes back later as a Decision. An
// Access-Accept gets its addresses from the same AddressPlan the secrets file builds (profiles,
// pools, DNS), with the server's Framed-IP-Address winning over them; the MS-CHAPv2
// authenticator response the server computed goes to the peer unchanged. A link whose PPP
// negotiated no authentication is accepted locally, without asking the server.
//
// Accounting (RFC 2866, RFC 2869 5): Start once IPCP is up, Interim-Update every
// --radius-interim (or the server's Acct-Interim-Interval), Stop when the link ends. Every
// link gets its own Acct-Session-Id, and the Class values of the Access-Accept are echoed.
//
// Lifetimes: everything runs in the one io_context of the run. An answer for a link that
// ended while the request was out is dropped, not handed to `later`: the layer may have given
// the same tunnel/session IDs to a new link by then.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "peers/ppp/local_authorizer.hpp"
#include "peers/radius/radius_client.hpp"
#include "peers/users/address_plan.hpp"

namespace l2tp::peers {

struct RadiusAuthorizerConfig {
  RadiusServer server;        // auth and acct endpoints, shared secret
  RadiusClientConfig client;  // timeout, retries, secondary server
  bool accounting = true;     // --radius-accounting
  // --radius-interim: Interim-Update period; the server's Acct-Interim-Interval wins.
  std::optional<std::chrono::seconds> interim;
  std::string nas_identifier;  // NAS-Identifier; empty: NAS-IP-Address from the socket
};

struct RadiusAuthorizerStats {
  std::uint64_t accepted = 0, rejected = 0, timed_out = 0, failed = 0;
  std::uint64_t local = 0;  // links with no PPP authentication, accepted without a request
  std::uint64_t stale = 0;  // answers for links that had already ended
  std::uint64_t acct_sent = 0, acct_answered = 0, acct_failed = 0;
  std::string last_acct_error;
};

class RadiusAuthorizer final : public Authorizer {
 public:
  // Opens the client's sockets at once; when that fails every peer is refused with the reason
  // (and describe() says so).
  RadiusAuthorizer(boost::asio::io_context& io, Rng& rng, AddressPlan plan, RadiusAuthorizerConfig cfg,
                   std::string plan_description);
  ~RadiusAuthorizer() override;
  RadiusAuthorizer(const RadiusAuthorizer&) = delete;
  RadiusAuthorizer& operator=(const RadiusAuthorizer&) = delete;

  std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)> later) override;
  void link_up(LinkKey key, const std::string& user, const net::IpAddress& peer, Time now) override;
  void release(LinkKey key, Time now) override;
  std::size_t pending() const override { return client_.pending(); }
  std::string describe() const override;

  const RadiusAuthorizerStats& stats() const { return stats_; }
  RadiusClientStats client_stats() const { return client_.stats(); }

 private:
  // What the Access-Accept said that accounting needs later.
  struct Granted {
    std::vector<Buffer> classes;
    std::optional<std::chrono::seconds> session_timeout, interim;
  };
  // A link with accounting started.
  struct Accounted {
    std::string session_id;
    std::string user;
    net::IpAddress framed_ip;
    Time started{};
    Granted granted;
    std::unique_ptr<boost::asio::steady_timer> interim_timer;
    std::uint64_t serial = 0;
  };

  Decision decide(LinkKey key, const std::string& user, const radius::AuthResult& r);
  radius::AccountingRecord record(LinkKey key, const Accounted& a, radius::AcctStatus status, Time now) const;
  void send(const radius::AccountingRecord& r);
  void arm_interim(std::uint32_t key, std::uint64_t serial);

  boost::asio::io_context& io_;
  RadiusAuthorizerConfig cfg_;
  RadiusClient client_;
  AddressPlan plan_;
  std::string plan_description_;
  std::optional<std::string> open_error_;
  HeldMap held_;                                   // by LinkKey: addresses to give back
  std::map<std::uint32_t, std::uint64_t> asking_;  // by LinkKey: the request in flight
  std::map<std::uint32_t, Granted> granted_;       // by LinkKey: accepted, not yet up
  std::map<std::uint32_t, Accounted> accounted_;   // by LinkKey: accounting started
  std::uint64_t next_serial_ = 1;
  std::string session_prefix_;  // Acct-Session-Id = prefix + link serial, unique across runs
  // Set while client_.authenticate() runs: an answer it gives at once (a request that cannot be
  // built) is returned by authorize() instead of going to `later` from inside the caller.
  struct Immediate {
    std::uint64_t serial = 0;
    std::optional<Decision> decision;
  };
  Immediate* immediate_ = nullptr;
  RadiusAuthorizerStats stats_;
  // Timer handlers still queued after destruction see this expire and do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace l2tp::peers
