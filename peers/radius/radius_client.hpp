// The RADIUS client on the network: the sans-I/O radius::Client driven by Boost.Asio in the
// io_context of the L2TP shard (one thread, so no locking). It opens one connected UDP socket
// per server endpoint (auth and acct of the primary and the optional secondary): the kernel
// picks the source address and an ephemeral port, only that server's datagrams reach the
// socket, and each socket has its own 256 Identifiers. After every input (a datagram, the one
// timer, a command) it runs the usual drain: send until poll_transmit is empty, deliver
// poll_event, re-arm the timer at poll_timeout.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/radius/client.hpp"

namespace l2tp::peers {

using RadiusServer = radius::ServerConfig;        // auth and acct endpoints, shared secret
using RadiusClientConfig = radius::ClientConfig;  // timeout, retries, secondary server, ...

struct RadiusClientStats {
  radius::ClientStats client;  // requests, answers, retransmissions, timeouts, drops
  std::uint64_t sent = 0, received = 0;
  std::uint64_t send_errors = 0;     // the kernel refused a datagram (the client retransmits)
  std::uint64_t receive_errors = 0;  // e.g. ECONNREFUSED: nothing listens on the server port
};

class RadiusClient {
 public:
  using AuthCallback = std::function<void(const radius::AuthResult&)>;
  using AcctCallback = std::function<void(const radius::AcctDone&)>;

  RadiusClient(boost::asio::io_context& io, RadiusServer server, Rng& rng, RadiusClientConfig cfg = {});
  ~RadiusClient();
  RadiusClient(const RadiusClient&) = delete;
  RadiusClient& operator=(const RadiusClient&) = delete;

  // Opens and connects the sockets; nullopt on success, else what failed.
  std::optional<std::string> open();
  // Asks the server(s); `done` runs once, from the io_context, with the outcome (accepted,
  // rejected, timed out after the retries, ...). A context with neither NAS-IP-Address nor
  // NAS-Identifier gets the auth socket's local address as NAS-IP-Address.
  void authenticate(std::uint64_t token, const ppp::auth::Credentials& c, const radius::RequestContext& ctx,
                    AuthCallback done);
  // Fire and forget, with the same retries; the outcome goes to the on_accounting hook.
  void account(std::uint64_t token, const radius::AccountingRecord& r);
  void on_accounting(AcctCallback hook) { on_accounting_ = std::move(hook); }
  // Closes the sockets and the timer; requests still pending are dropped without callbacks.
  void close();

  RadiusClientStats stats() const;
  // Requests in flight or queued (wait for zero before exiting so accounting Stops get out).
  std::size_t pending() const { return client_.pending(); }
  const radius::Client& engine() const { return client_; }

 private:
  struct Socket {
    explicit Socket(boost::asio::io_context& io) : sock(io) {}
    boost::asio::ip::udp::socket sock;
    net::Endpoint peer;
    std::vector<std::uint8_t> buf;
  };

  void start_receive(Socket& s);
  void on_timer(std::uint64_t generation, const boost::system::error_code& ec);
  void drain();
  void rearm();
  void send(const radius::Transmit& t);
  radius::RequestContext with_nas(radius::RequestContext ctx) const;

  boost::asio::io_context& io_;
  radius::Client client_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  boost::asio::steady_timer timer_;
  std::optional<Time> armed_;
  std::uint64_t generation_ = 0;
  std::uint64_t next_serial_ = 1;
  std::unordered_map<std::uint64_t, AuthCallback> auth_done_;
  AcctCallback on_accounting_;
  std::optional<net::IpAddress> local_address_;  // of the auth socket, for NAS-IP-Address
  bool open_ = false, draining_ = false;
  // Handlers still queued in the io_context after destruction see this expire and do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  RadiusClientStats stats_;
};

}  // namespace l2tp::peers
