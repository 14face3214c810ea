#include "peers/udp_transport.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include "engine/driver/shard_routing.hpp"

namespace l2tp::peers {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Bursts of thousands of control messages (100 tunnels x a window of 8) must not overflow the
// default ~200 KiB socket buffers; the control channel would recover, but only after an RTO.
constexpr int kSocketBuffer = 4 << 20;
// Datagrams one wake-up of a socket takes before it drains and yields to the other handlers
// (signals, timers, the status line): a flood cannot hold the io_context in one handler.
constexpr std::size_t kBatch = 256;
constexpr auto kHalfOpenRecount = std::chrono::milliseconds(50);
// Under pressure (NewPeerLimits::soft_cap reached), a tunnel still waiting for the SCCCN this
// long after the pressure noticed it is cleared: a real peer answers an SCCRP within a
// retransmission or two, and a ZLB-acknowledged flood tunnel would otherwise wait for ever.
constexpr auto kHalfOpenLifetime = std::chrono::seconds(10);
// StopCCN Result Code 2, General error 4 (RFC 2661 4.4.2): insufficient resources.
const ResultInfo kHalfOpenCleared{2, 4, "overloaded: no SCCCN in time"};

// A control message to Tunnel ID 0 (an SCCRQ, or something stray): it may open a tunnel.
bool may_open_tunnel(Bytes d) {
  if (d.size() < 6 || (d[0] & 0x80) == 0) return false;
  const std::size_t at = (d[0] & 0x40) != 0 ? 4 : 2;  // after the Length field, when present
  return d[at] == 0 && d[at + 1] == 0;
}

void enlarge_buffers(udp::socket& s) {
  const int fd = s.native_handle();
  const int size = kSocketBuffer;
  // The FORCE variants pass net.core.[rw]mem_max when we may (CAP_NET_ADMIN); else the plain
  // ones take what the limit allows.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

net::Endpoint endpoint_from_asio(const udp::endpoint& e) {
  return net::Endpoint{from_asio(e.address()), e.port()};
}

udp::endpoint endpoint_to_asio(const net::Endpoint& e) {
  return udp::endpoint(to_asio(e.addr), e.port);
}

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Marks a handler that ends in a drain (which re-arms the timer): set_deadline inside it
// leaves the re-arm to that drain instead of arming twice.
class Serving {
 public:
  explicit Serving(bool& flag) : flag_(flag), was_(flag) { flag_ = true; }
  ~Serving() { flag_ = was_; }
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;

 private:
  bool& flag_;
  bool was_;
};

}  // namespace

Time SteadyTime::now() {
  return Time(std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

std::chrono::steady_clock::time_point SteadyTime::to_steady(Time t) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(t.time_since_epoch()));
}

asio::ip::address to_asio(const net::IpAddress& a) {
  if (a.v6) return asio::ip::address_v6(a.bytes);
  return asio::ip::address_v4(
      asio::ip::address_v4::bytes_type{a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]});
}

net::IpAddress from_asio(const asio::ip::address& a) {
  net::IpAddress out;
  if (a.is_v6() && !a.to_v6().is_v4_mapped()) {
    out.v6 = true;
    out.bytes = a.to_v6().to_bytes();
    return out;
  }
  const auto v4 = a.is_v6() ? asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()) : a.to_v4();
  const auto b = v4.to_bytes();
  std::copy(b.begin(), b.end(), out.bytes.begin());
  return out;
}

Shard::Shard(asio::io_context& io, const NodeConfig& cfg, std::uint64_t seed)
    : io_(io), rng_(seed), driver_(cfg, rng_), timer_(io) {}

Shard::~Shard() {
  stop();
}

// Opens `s` bound to `local` (nullopt) or says why it could not.
std::optional<std::string> Shard::open_bound(Socket& s, const net::Endpoint& local, bool reuse_port) {
  boost::system::error_code ec;
  const udp::endpoint ep = endpoint_to_asio(local);
  s.sock.open(ep.protocol(), ec);
  // Not inherited by commands a scenario runs (a LAC under test would keep our port bound).
  if (!ec) ::fcntl(s.sock.native_handle(), F_SETFD, FD_CLOEXEC);
  if (!ec && local.addr.v6) s.sock.set_option(asio::ip::v6_only(true), ec);
  if (!ec && reuse_port) {
    const int one = 1;
    if (::setsockopt(s.sock.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
      return "cannot set SO_REUSEPORT on " + local.to_string();
  }
  if (!ec) s.sock.bind(ep, ec);
  if (ec) return "cannot bind UDP " + local.to_string() + ": " + ec.message();
  return std::nullopt;
}

Result<net::Endpoint, std::string> Shard::bind(const net::Endpoint& local, bool reuse_port) {
  // A kernel-chosen port inside traceroute's 33434-33534 makes Wireshark flag every datagram of
  // the pcap ("Possible traceroute"): take another. The refused sockets stay open until then,
  // so the kernel does not hand the same port out again.
  std::vector<std::unique_ptr<Socket>> refused;
  std::unique_ptr<Socket> s;
  for (int attempt = 0;; ++attempt) {
    s = std::make_unique<Socket>(io_);
    if (auto error = open_bound(*s, local, reuse_port)) return unexpected(std::move(*error));
    boost::system::error_code ec;
    const auto port = s->sock.local_endpoint(ec).port();
    if (ec || local.port != 0 || port < 33434 || port > 33534 || attempt == 16) break;
    refused.push_back(std::move(s));
  }
  boost::system::error_code ec;
  enlarge_buffers(s->sock);
  // The batch after each wake-up is read without blocking (the async receive is unaffected).
  s->sock.non_blocking(true, ec);
  if (ec) return unexpected("cannot make " + local.to_string() + " non-blocking: " + ec.message());
  s->local = endpoint_from_asio(s->sock.local_endpoint(ec));
  s->fd = s->sock.native_handle();
  if (ec) return unexpected("cannot read the bound address of " + local.to_string() + ": " + ec.message());
  locals_.push_back(s->local);
  sockets_.push_back(std::move(s));
  start_receive(*sockets_.back());
  return sockets_.back()->local;
}

void Shard::start_receive(Socket& s) {
  s.waiting = true;
  s.sock.async_wait(udp::socket::wait_read, [this, &s](const boost::system::error_code& ec) {
    s.waiting = false;
    on_readable(s, ec);
  });
}

bool Shard::read_socket(Socket& s, Time now, std::size_t& taken) {
  std::size_t here = 0;
  while (here < kBatch && !stopped_) {
    const int n = received_.receive(s.fd, kBatch - here);
    if (n < 0) {
      // E.g. ECONNREFUSED from an ICMP port unreachable: the socket stays usable.
      ++stats_.receive_errors;
      ++here;
      continue;
    }
    for (int i = 0; i < n && !stopped_; ++i)
      take(s, received_.sender(static_cast<std::size_t>(i)), received_.datagram(static_cast<std::size_t>(i)),
           now);
    here += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < ReceiveBatch::kSlots) break;  // the socket is empty
  }
  taken += here;
  return here >= kBatch;
}

void Shard::on_readable(Socket& s, const boost::system::error_code& ec) {
  if (stopped_ || ec == asio::error::operation_aborted) return;
  ++stats_.wakeups;
  const Time now = SteadyTime::now();
  Serving serving(serving_);
  // What is queued, up to a batch, then one drain for all of it.
  std::size_t taken = 0;
  const bool full = read_socket(s, now, taken);
  watch_half_open(now);
  if (batch_interval_ > Duration::zero()) {
    // A full batch leaves more queued: the next poll comes at once.
    if (full)
      poll_at_ = now;
    else if (!poll_at_)
      poll_at_ = align(now + Duration(1));
    park(s);
    drain(now);  // re-arms the timer for the poll
    return;
  }
  drain(now);
  if (!stopped_) start_receive(s);
}

void Shard::poll(Time now) {
  poll_at_.reset();
  std::size_t taken = 0;
  bool full = false;
  for (auto& s : sockets_)
    if (!s->waiting && !stopped_) full |= read_socket(*s, now, taken);
  const auto due = driver_.poll_timeout();
  const bool timers_due = due && *due <= now;
  if (timers_due) {
    ++stats_.timer_fires;
    driver_.handle_timeout(now);
  }
  const bool deadline_ran = run_deadline(now);
  watch_half_open(now);
  if (taken > 0 || timers_due || deadline_ran)
    poll_at_ = full ? now : align(now + Duration(1));  // still busy
  drain(now);
  if (stopped_ || poll_at_) return;
  for (auto& s : sockets_)  // a quiet interval: wait on the sockets again
    if (!s->waiting) {
      unpark(*s);
      start_receive(*s);
    }
}

void Shard::park(Socket& s) {
  if (s.parked) return;
  boost::system::error_code ec;
  (void)s.sock.release(ec);  // no wait is outstanding: nothing is cancelled
  s.parked = !ec;
}

void Shard::unpark(Socket& s) {
  if (!s.parked) return;
  boost::system::error_code ec;
  s.sock.assign(s.local.addr.v6 ? udp::v6() : udp::v4(), s.fd, ec);
  s.parked = false;
  if (ec) ++stats_.receive_errors;  // cannot happen for a socket the reactor held before
}

void Shard::take(Socket& s, const net::Endpoint& from, Bytes dgram, Time now) {
  ++stats_.received;
  if (forward_)
    if (const auto owner = owner_shard(dgram, route_count_); owner && *owner != route_self_) {
      ++stats_.forwarded;
      forward_(*owner, s.local, from, Buffer(dgram.begin(), dgram.end()));
      return;
    }
  tee(WireDirection::In, from, s.local, dgram, now);
  if (may_open_tunnel(dgram)) {
    if (!gate_.admit(from.addr, half_open_, now)) {
      ++stats_.new_peers_refused;
      return;
    }
    ++half_open_;  // an estimate until the next count (a retransmitted SCCRQ opens nothing)
    stats_.half_open_peak = std::max(stats_.half_open_peak, half_open_);
  }
  driver_.handle_datagram(s.local, from, dgram, now);
}

void Shard::take_forwarded(const net::Endpoint& local, const net::Endpoint& from, const Buffer& bytes) {
  if (stopped_) return;
  const Time now = SteadyTime::now();
  Serving serving(serving_);
  tee(WireDirection::In, from, local, bytes, now);
  driver_.handle_datagram(local, from, bytes, now);
  drain(now);
}

void Shard::watch_half_open(Time now) {
  if (half_open_counted_ && now - *half_open_counted_ < kHalfOpenRecount) return;
  half_open_counted_ = now;
  using tunnel::TunnelState;
  std::size_t n = 0;
  driver_.node().for_each_tunnel(
      [&](const tunnel::Tunnel& t) { n += t.state() == TunnelState::WaitCtlConn; });
  half_open_ = n;
  stats_.half_open_peak = std::max(stats_.half_open_peak, n);
  if (n < gate_.limits().soft_cap) {
    half_open_since_.clear();
    return;
  }
  std::unordered_map<std::uint16_t, Time> since;
  std::vector<TunnelId> expired;
  driver_.node().for_each_tunnel([&](const tunnel::Tunnel& t) {
    if (t.state() != TunnelState::WaitCtlConn) return;
    const auto it = half_open_since_.find(t.local_id().value);
    const Time first = it == half_open_since_.end() ? now : it->second;
    if (now - first >= kHalfOpenLifetime)
      expired.push_back(t.local_id());
    else
      since.emplace(t.local_id().value, first);
  });
  half_open_since_ = std::move(since);
  for (const TunnelId id : expired) driver_.node().close_tunnel(id, kHalfOpenCleared, now);
  stats_.half_open_cleared += expired.size();
  half_open_ -= expired.size();
}

void Shard::act(const std::function<void(Node&, Time)>& f) {
  if (stopped_) return;
  const Time now = SteadyTime::now();
  Serving serving(serving_);
  f(driver_.node(), now);
  drain(now);
}

void Shard::set_deadline(std::optional<Time> at) {
  deadline_ = at;
  if (!serving_) rearm();  // else the handler's drain re-arms at its end, once
}

bool Shard::run_deadline(Time now) {
  if (!deadline_ || *deadline_ > now || !on_deadline_) return false;
  deadline_.reset();
  on_deadline_(driver_.node(), now);
  return true;
}

void Shard::on_timer(std::uint64_t generation, const boost::system::error_code& ec) {
  if (stopped_ || ec || generation != generation_) return;  // cancelled or superseded
  armed_.reset();
  ++stats_.wakeups;
  const Time now = SteadyTime::now();
  Serving serving(serving_);
  if (poll_at_) return poll(now);
  run_deadline(now);
  if (const auto due = driver_.poll_timeout(); due && *due <= now) {
    ++stats_.timer_fires;
    driver_.handle_timeout(now);
  }
  drain(now);
}

void Shard::drain(Time now) {
  if (stopped_) return;
  // An EventHook acting through act() re-enters here: the running drain picks it up.
  driver_.drain(now, *this);
  flush();
  rearm();
}

void Shard::rearm() {
  if (stopped_) return;
  // Polling: the next poll runs the timers due by then too.
  auto next = poll_at_ ? poll_at_ : driver_.poll_timeout();
  if (deadline_ && (!next || *deadline_ < *next)) next = deadline_;
  if (next) next = align(*next);
  if (next == armed_) return;
  armed_ = next;
  const std::uint64_t generation = ++generation_;
  if (!next) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(SteadyTime::to_steady(*next));
  timer_.async_wait([this, generation](const boost::system::error_code& ec) { on_timer(generation, ec); });
}

Shard::Socket* Shard::socket_for(const net::Endpoint& from) {
  for (auto& s : sockets_)
    if (s->local == from) return s.get();
  // The node was given the address with port 0 (ephemeral): the socket on that address.
  if (from.port == 0)
    for (auto& s : sockets_)
      if (s->local.addr == from.addr) return s.get();
  return nullptr;
}

void Shard::send(const net::Endpoint& from, const net::Endpoint& to, Bytes bytes) {
  Socket* s = socket_for(from);
  if (s == nullptr) {
    ++stats_.no_socket;
    return;
  }
  outgoing_.push(s->fd, s->local, to, bytes, SteadyTime::now());
}

void Shard::flush() {
  if (flushing_) return;  // a tap that injects while we flush: the loop below takes it
  flushing_ = true;
  while (!outgoing_.empty())
    outgoing_.flush([this](const SendQueue::Queued& q, Bytes bytes, bool sent) {
      if (!sent) {
        ++stats_.send_errors;
        return;
      }
      ++stats_.sent;
      tee(WireDirection::Out, q.from, q.to, bytes, q.queued);
    });
  flushing_ = false;
}

void Shard::tee(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
                Time now) {
  std::uint64_t frame = ++frames_;
  if (pcap_) {
    pcap_->write(wall_clock_ns(), src, dst, bytes);
    frame = pcap_->stats().written;
  }
  if (tap_) tap_->on_wire(WireDatagram{dir, src, dst, bytes, frame, now});
}

void Shard::stop() {
  if (stopped_) return;
  flush();  // what the last drain sent (a StopCCN) still leaves
  stopped_ = true;
  ++generation_;
  timer_.cancel();
  boost::system::error_code ec;
  for (auto& s : sockets_)
    if (s->parked)
      ::close(s->fd);
    else
      s->sock.close(ec);
  if (pcap_) pcap_->flush();
}

}  // namespace l2tp::peers
