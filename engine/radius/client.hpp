// The RADIUS client as a sans-I/O state machine: requests in (authenticate, account), datagrams
// and timer expiries in, datagrams out (poll_transmit), one wake-up time (poll_timeout) and
// results out as events keyed by the caller's token (poll_event). It keeps outstanding requests
// by Identifier, 256 per destination (server auth or acct endpoint; the adapter uses one
// socket for each), queues requests while all 256 are in use, retransmits the same bytes every
// `timeout` up to `retries` times, then fails over to the secondary server (if configured) with
// a fresh Identifier, and only then reports a timeout. Responses are matched by source and
// Identifier and dropped unless their authenticators check out, so a forged or stale reply
// cannot complete a request.
//
// Drive it like the tunnel: after every handle_* or command, drain poll_transmit, poll_event,
// then re-arm one timer at poll_timeout(). An early handle_timeout is a no-op.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/ppp/auth/auth.hpp"
#include "engine/radius/access.hpp"
#include "engine/radius/accounting.hpp"
#include "engine/time.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::radius {

struct ServerConfig {
  net::Endpoint auth;  // Access-Request goes here (port 1812)
  net::Endpoint acct;  // Accounting-Request goes here (port 1813)
  std::string secret;
};

struct ClientConfig {
  Duration timeout = std::chrono::seconds(3);  // between transmissions of one request
  unsigned retries = 3;                        // retransmissions per server after the first send
  std::optional<ServerConfig> secondary;       // tried when the primary does not answer
  // RFC 3579 3.2 makes Message-Authenticator optional in answers without EAP; set this to drop
  // answers without it (the Blast-RADIUS hardening).
  bool require_message_authenticator = false;
};

struct Transmit {
  net::Endpoint to;
  Buffer data;
};

struct AuthDone {
  std::uint64_t token = 0;
  AuthResult result;
};
struct AcctDone {
  std::uint64_t token = 0;
  AcctStatus status = AcctStatus::Start;
  bool ok = false;     // an Accounting-Response arrived
  std::string error;   // why not: timeout or a record that could not be built
  std::string server;  // the server that answered
};
using ClientEvent = std::variant<AuthDone, AcctDone>;

struct ClientStats {
  std::uint64_t access_requests = 0;      // first transmissions (a failover counts again)
  std::uint64_t accounting_requests = 0;  // first transmissions (a failover counts again)
  std::uint64_t retransmissions = 0;
  std::uint64_t failovers = 0;
  std::uint64_t accepts = 0, rejects = 0, challenges = 0, auth_timeouts = 0;
  std::uint64_t acct_responses = 0, acct_timeouts = 0;
  std::uint64_t build_errors = 0;       // requests that could not be encoded
  std::uint64_t malformed = 0;          // datagrams that did not decode
  std::uint64_t unmatched = 0;          // no outstanding request with that source and Identifier
  std::uint64_t bad_authenticator = 0;  // Response or Message-Authenticator wrong (or missing)
  std::uint64_t unexpected_code = 0;    // e.g. an Accounting-Response to an Access-Request
  std::uint64_t queue_peak = 0;         // most requests ever waiting for a free Identifier
};

class Client {
 public:
  Client(ServerConfig primary, ClientConfig cfg, Rng& rng);

  // Commands. The result arrives later as AuthDone / AcctDone with this token; with no
  // Identifier free the request waits in a queue. Poll afterwards.
  void authenticate(std::uint64_t token, const ppp::auth::Credentials& c, const RequestContext& ctx,
                    Time now);
  void account(std::uint64_t token, const AccountingRecord& r, Time now);

  // A datagram from `from` (the server endpoint it came from).
  void handle_datagram(const net::Endpoint& from, Bytes dgram, Time now);
  // Retransmits or gives up on every request whose deadline is at or before `now`.
  void handle_timeout(Time now);

  std::optional<Transmit> poll_transmit();
  std::optional<Time> poll_timeout() const;
  std::optional<ClientEvent> poll_event();

  const ClientStats& stats() const { return stats_; }
  // Requests in flight or queued (an LNS waits for zero before it exits, so Stops get out).
  std::size_t pending() const { return jobs_.size(); }
  // The servers in order (primary, then secondary) and the one new requests go to first.
  const std::vector<ServerConfig>& servers() const { return servers_; }
  std::size_t active_server() const { return active_; }

 private:
  struct AuthJob {
    ppp::auth::Credentials credentials;
    RequestContext context;
  };
  struct Job {
    std::uint64_t token = 0;
    std::variant<AuthJob, AccountingRecord> what;
    std::size_t server = 0;  // index into servers_
    std::size_t servers_tried = 1;
    unsigned sends = 0;  // transmissions to the current server
    std::optional<std::uint8_t> id;
    net::Endpoint dest;
    Authenticator request_auth{};
    Buffer wire;
    Time deadline{};
    std::string tried;  // destinations that never answered, for the timeout report
  };
  // One Identifier space per destination endpoint (RFC 2865 3: the Identifier matches a
  // reply to its request from that client address and port).
  struct IdPool {
    std::array<std::optional<std::uint64_t>, 256> owner{};  // job serial per Identifier
    std::size_t used = 0;
    std::uint8_t next = 0;  // round robin, so a just-freed Identifier is reused last
    std::deque<std::uint64_t> waiting;
  };

  void submit(Job job, Time now);
  void dispatch(std::uint64_t serial, Time now);
  void release(std::uint64_t serial);  // frees the Identifier and the deadline
  void pump(Time now);                 // sends queued requests while Identifiers are free
  void give_up(std::uint64_t serial, Time now);
  void finish_auth(std::uint64_t serial, AuthResult result);
  void finish_acct(std::uint64_t serial, bool ok, std::string error, std::string server);
  const net::Endpoint& destination(const Job& job) const;

  std::vector<ServerConfig> servers_;
  ClientConfig cfg_;
  Rng& rng_;
  std::size_t active_ = 0;
  std::uint64_t next_serial_ = 1;
  std::map<std::uint64_t, Job> jobs_;
  std::unordered_map<net::Endpoint, IdPool> pools_;
  std::set<std::pair<Time, std::uint64_t>> deadlines_;
  std::uint64_t waiting_ = 0;  // requests queued for an Identifier, over all pools
  std::deque<Transmit> out_;
  std::deque<ClientEvent> events_;
  ClientStats stats_;
};

}  // namespace l2tp::radius
