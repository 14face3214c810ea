#include "peers/radius/radius_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>

#include "peers/udp_transport.hpp"

namespace l2tp::peers {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::size_t kMaxDatagram = 4096;  // RFC 2865 3: no RADIUS packet is longer

udp::endpoint to_udp(const net::Endpoint& e) {
  return udp::endpoint(to_asio(e.addr), e.port);
}

}  // namespace

RadiusClient::RadiusClient(asio::io_context& io, RadiusServer server, Rng& rng, RadiusClientConfig cfg)
    : io_(io), client_(std::move(server), std::move(cfg), rng), timer_(io) {}

RadiusClient::~RadiusClient() {
  *alive_ = false;
  close();
}

std::optional<std::string> RadiusClient::open() {
  if (open_) return std::nullopt;
  for (const auto& server : client_.servers()) {
    for (const net::Endpoint& dest : {server.auth, server.acct}) {
      bool known = false;
      for (const auto& s : sockets_) known |= s->peer == dest;
      if (known) continue;
      auto s = std::make_unique<Socket>(io_);
      boost::system::error_code ec;
      s->sock.open(dest.addr.v6 ? udp::v6() : udp::v4(), ec);
      // connect() binds an ephemeral port on the address the route to the server uses.
      if (!ec) s->sock.connect(to_udp(dest), ec);
      if (ec) {
        sockets_.clear();
        return "cannot open a UDP socket to RADIUS server " + dest.to_string() + ": " + ec.message();
      }
      if (!local_address_ && dest == client_.servers().front().auth)
        local_address_ = from_asio(s->sock.local_endpoint(ec).address());
      s->peer = dest;
      s->buf.resize(kMaxDatagram);
      sockets_.push_back(std::move(s));
    }
  }
  open_ = true;
  for (auto& s : sockets_) start_receive(*s);
  return std::nullopt;
}

void RadiusClient::close() {
  open_ = false;
  ++generation_;
  timer_.cancel();
  armed_.reset();
  boost::system::error_code ec;
  for (auto& s : sockets_) s->sock.close(ec);
}

radius::RequestContext RadiusClient::with_nas(radius::RequestContext ctx) const {
  if (!ctx.nas_ip && ctx.nas_identifier.empty()) ctx.nas_ip = local_address_;
  return ctx;
}

void RadiusClient::authenticate(std::uint64_t token, const ppp::auth::Credentials& c,
                                const radius::RequestContext& ctx, AuthCallback done) {
  (void)token;  // the callback identifies the request; the token is the caller's own
  if (!open_) {
    radius::AuthResult r;
    r.status = radius::AuthStatus::Failed;
    r.verdict.reason = "the RADIUS client is not open";
    asio::post(io_, [alive = std::weak_ptr<bool>(alive_), done = std::move(done), r] {
      if (auto a = alive.lock(); a && *a && done) done(r);
    });
    return;
  }
  const std::uint64_t serial = next_serial_++;
  auth_done_.emplace(serial, std::move(done));
  const Time now = SteadyTime::now();
  client_.authenticate(serial, c, with_nas(ctx), now);
  drain();
}

void RadiusClient::account(std::uint64_t token, const radius::AccountingRecord& r) {
  if (!open_) {
    radius::AcctDone d{token, r.status, false, "the RADIUS client is not open", ""};
    asio::post(io_, [alive = std::weak_ptr<bool>(alive_), this, d] {
      if (auto a = alive.lock(); a && *a && on_accounting_) on_accounting_(d);
    });
    return;
  }
  radius::AccountingRecord record = r;
  record.context = with_nas(record.context);
  const Time now = SteadyTime::now();
  client_.account(token, record, now);
  drain();
}

void RadiusClient::start_receive(Socket& s) {
  s.sock.async_receive(asio::buffer(s.buf), [this, &s, alive = std::weak_ptr<bool>(alive_)](
                                                const boost::system::error_code& ec, std::size_t n) {
    if (auto a = alive.lock(); !a || !*a || !open_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // ECONNREFUSED after an ICMP port unreachable: the request just times out; keep going.
      ++stats_.receive_errors;
    } else {
      ++stats_.received;
      const Time now = SteadyTime::now();
      client_.handle_datagram(s.peer, Bytes(s.buf.data(), n), now);
      drain();
    }
    start_receive(s);
  });
}

void RadiusClient::on_timer(std::uint64_t generation, const boost::system::error_code& ec) {
  if (!open_ || ec || generation != generation_) return;  // cancelled or superseded
  armed_.reset();
  const Time now = SteadyTime::now();
  client_.handle_timeout(now);
  drain();
}

void RadiusClient::drain() {
  if (draining_) return;  // a callback issued a request: the running drain picks it up
  draining_ = true;
  for (bool busy = true; busy && open_;) {
    busy = false;
    while (auto t = client_.poll_transmit()) {
      busy = true;
      send(*t);
    }
    while (auto ev = client_.poll_event()) {
      busy = true;
      if (auto* auth = std::get_if<radius::AuthDone>(&*ev)) {
        auto it = auth_done_.find(auth->token);
        if (it == auth_done_.end()) continue;
        AuthCallback done = std::move(it->second);
        auth_done_.erase(it);
        if (done) done(auth->result);
      } else if (on_accounting_) {
        on_accounting_(std::get<radius::AcctDone>(*ev));
      }
    }
  }
  draining_ = false;
  rearm();
}

void RadiusClient::rearm() {
  if (!open_) return;
  const auto next = client_.poll_timeout();
  if (next == armed_) return;
  armed_ = next;
  const std::uint64_t generation = ++generation_;
  if (!next) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(SteadyTime::to_steady(*next));
  timer_.async_wait(
      [this, generation, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (auto a = alive.lock(); a && *a) on_timer(generation, ec);
      });
}

void RadiusClient::send(const radius::Transmit& t) {
  for (auto& s : sockets_) {
    if (s->peer != t.to) continue;
    boost::system::error_code ec;
    s->sock.send(asio::buffer(t.data), 0, ec);
    ++(ec ? stats_.send_errors : stats_.sent);
    return;
  }
  ++stats_.send_errors;  // no socket for that server: cannot happen after open()
}

RadiusClientStats RadiusClient::stats() const {
  RadiusClientStats s = stats_;
  s.client = client_.stats();
  return s;
}

}  // namespace l2tp::peers
