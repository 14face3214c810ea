// The UDP transport: one single-threaded shard on a boost::asio::io_context that owns one
// Driver (the Node, its PPP links, the optional filter), one UDP socket per local address (IPv4
// or IPv6; many tunnels share a socket) and ONE steady_timer armed at the driver's
// poll_timeout(). After every input (a datagram, a timer expiry, a command from the runner) it
// runs the driver's drain (engine/driver/driver.hpp, the loop SimNet runs too), then re-arms
// the timer. Every datagram in and out is teed into an optional pcap (wall-clock timestamps, the
// real addresses and ports).
//
// Under overload (a flood of SCCRQs) the shard stays responsive: each wake-up reads a bounded
// batch of datagrams and drains once, so signal and timer handlers run between batches; the
// datagrams that may open a tunnel (Tunnel ID 0) pass a NewPeerGate once tunnels waiting for an
// SCCCN pile up, and those half-open past a lifetime are cleared; datagrams for existing tunnels
// are always taken.
//
// With a batch interval (set_batch_interval), a busy shard polls instead of waking for every
// datagram: once a socket wakes it, the shard reads its sockets and runs its due timers at most
// once per interval, until an interval passes with nothing read and nothing due; then it waits
// on the sockets again. A wake-up costs about the same with one datagram as with fifty (a
// context switch, epoll, the timer), so at a few thousand sessions a second this divides the CPU
// spent per session; the price is up to one interval of delay per exchange.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "capture/pcap_writer.hpp"
#include "engine/driver/datagram_filter.hpp"
#include "engine/driver/driver.hpp"
#include "engine/net/address.hpp"
#include "engine/node.hpp"
#include "engine/util/result.hpp"
#include "peers/batch_io.hpp"
#include "peers/overload/new_peer_gate.hpp"

namespace l2tp::peers {

// The one place where the engine's Time meets a real clock: engine Time is steady_clock's
// time since its epoch, in nanoseconds.
struct SteadyTime {
  static Time now();
  static std::chrono::steady_clock::time_point to_steady(Time t);
};

boost::asio::ip::address to_asio(const net::IpAddress& a);
net::IpAddress from_asio(const boost::asio::ip::address& a);

struct TransportStats {
  std::uint64_t received = 0, sent = 0;
  std::uint64_t receive_errors = 0;
  std::uint64_t send_errors = 0;  // the kernel refused a datagram (the control channel retransmits)
  std::uint64_t no_socket = 0;    // the node sent from an address we have no socket for
  std::uint64_t timer_fires = 0;
  std::uint64_t wakeups = 0;            // by a socket or the timer (datagrams per wake-up: the batching)
  std::uint64_t new_peers_refused = 0;  // datagrams to Tunnel ID 0 the NewPeerGate turned away
  std::uint64_t forwarded = 0;          // datagrams for another shard's tunnel, passed on to it
  std::uint64_t half_open_cleared = 0;  // tunnels half-open past the lifetime, under pressure
  std::size_t half_open_peak = 0;       // most tunnels seen waiting for an SCCCN at once
};

class Shard : private DriverSink {
 public:
  // Called for every NodeEvent during a drain. It may act on the node directly (open_session,
  // close_session, ...); what that queues goes out in the same drain. It must not call act().
  using EventHook = std::function<void(Node&, const NodeEvent&, Time now)>;

  Shard(boost::asio::io_context& io, const NodeConfig& cfg, std::uint64_t seed);
  ~Shard() override;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Binds a UDP socket to `local` (port 0: the kernel picks one) and starts receiving on it.
  // Returns the endpoint actually bound, which is what the node should be given as `local`.
  // `reuse_port`: SO_REUSEPORT, so the other shards of the run bind the same address and the
  // kernel spreads peers over them by their address and port.
  Result<net::Endpoint, std::string> bind(const net::Endpoint& local, bool reuse_port = false);

  // Shard `self` of `count`: a datagram whose Tunnel ID another shard owns
  // (engine/driver/shard_routing.hpp) goes to `forward` (called on this shard's thread) instead
  // of the node; the owner takes it with take_forwarded() on its own thread.
  using Forward = std::function<void(unsigned owner, const net::Endpoint& local, const net::Endpoint& from,
                                     Buffer bytes)>;
  void set_routing(unsigned self, unsigned count, Forward forward) {
    route_self_ = self;
    route_count_ = count;
    forward_ = std::move(forward);
  }
  void take_forwarded(const net::Endpoint& local, const net::Endpoint& from, const Buffer& bytes);
  // Tees every datagram in and out into this capture from now on.
  void set_pcap(capture::PcapWriter writer) {
    pcap_ = std::make_shared<capture::PcapWriter>(std::move(writer));
  }
  // The same, into a capture shared with other shards (a conformance suite: one pcap, frame
  // numbers running on across its cases).
  void share_pcap(std::shared_ptr<capture::PcapWriter> writer) { pcap_ = std::move(writer); }
  // Every datagram on the wire is shown to `tap` (not owned) with its frame number.
  void set_tap(WireTap* tap) { tap_ = tap; }
  // Every datagram crosses `filter` (not owned) between the node and the sockets. The pcap and
  // the tap see the wire: what left after the filter, what arrived before it.
  void set_filter(DatagramFilter* filter) { driver_.set_filter(filter); }
  bool has_filter() const { return driver_.filter() != nullptr; }
  // Every node event, after the PPP links saw it (during a drain; see EventHook).
  void on_event(EventHook hook) { on_event_ = std::move(hook); }
  // PPP over every session that comes up (the driver owns it).
  void set_ppp(std::unique_ptr<PppLayer> ppp) { driver_.set_ppp(std::move(ppp)); }
  PppLayer* ppp() { return driver_.ppp(); }
  const PppLayer* ppp() const { return driver_.ppp(); }

  // Runs `f` on the node at the current time, then drains. For the runner's own timers and
  // signal handlers (never from inside an EventHook).
  void act(const std::function<void(Node&, Time now)>& f);

  // Sends a datagram the node did not make (a scenario's hand-made message) from a bound local
  // address, past the filter; the pcap and the tap see it.
  void inject(const net::Endpoint& from, const net::Endpoint& to, Bytes bytes) {
    send(from, to, bytes);
    flush();
  }

  // The runner's own deadline (the LAC's pacer), served by the shard's one timer: when `at`
  // falls due, the hook given to on_deadline runs on the node before the drain. With a batch
  // interval, the wake-up that reads the sockets and runs the driver's timers opens the paced
  // calls too, and one flush sends all of it (a timer of its own cost a second handler, a second
  // sendmmsg per socket and two timerfd_settime per tick). nullopt: none. One at a time: a new
  // one replaces the old. The hook may set the next one.
  void set_deadline(std::optional<Time> at);
  void on_deadline(std::function<void(Node&, Time now)> hook) { on_deadline_ = std::move(hook); }

  // At most one wake-up per `interval` while busy (see above); 0: every datagram at once.
  void set_batch_interval(Duration interval) { batch_interval_ = interval; }
  // `t` rounded up onto the interval's grid (itself without an interval). The shard wakes only on
  // that grid while polling and for its timers; the runner's own timers (the pacer) use it too,
  // so that one wake-up serves them all.
  Time align(Time t) const {
    if (batch_interval_ <= Duration::zero()) return t;
    const auto q = batch_interval_.count();
    const auto v = t.time_since_epoch().count();
    return Time(Duration((v + q - 1) / q * q));
  }

  // Limits for datagrams that may open a tunnel (see NewPeerGate).
  void set_new_peer_limits(NewPeerLimits limits) { gate_ = NewPeerGate(limits); }
  // Tunnels waiting for the peer's SCCCN (wait-ctl-conn), as last counted (at most every 50 ms).
  std::size_t half_open() const { return half_open_; }

  // Closes the sockets and the timer; the shard does nothing more. Flushes the pcap.
  void stop();
  bool stopped() const { return stopped_; }

  Node& node() { return driver_.node(); }
  const Node& node() const { return driver_.node(); }
  const std::vector<net::Endpoint>& local_endpoints() const { return locals_; }
  const TransportStats& stats() const { return stats_; }
  const capture::PcapWriter* pcap() const { return pcap_.get(); }

 private:
  struct Socket {
    explicit Socket(boost::asio::io_context& io) : sock(io) {}
    boost::asio::ip::udp::socket sock;
    int fd = -1;  // the socket's, also while parked
    net::Endpoint local;
    bool waiting = false;  // an async_wait is outstanding
    // Polling: released from the reactor, so that datagrams arriving do not wake the shard (the
    // reactor's edge-triggered registration would, with or without a wait).
    bool parked = false;
  };

  // `s` opened and bound to `local`; what failed otherwise.
  static std::optional<std::string> open_bound(Socket& s, const net::Endpoint& local, bool reuse_port);
  // Waits until `s` is readable, then reads what is queued (recvmmsg) up to a batch.
  void start_receive(Socket& s);
  void on_readable(Socket& s, const boost::system::error_code& ec);
  // Reads what `s` holds, up to a batch, into the node; true when the batch was full.
  bool read_socket(Socket& s, Time now, std::size_t& taken);
  void park(Socket& s);
  void unpark(Socket& s);
  // Polling, at the end of an interval: reads every parked socket and runs what is due; stays
  // polling while there was anything, else waits on the sockets again.
  void poll(Time now);
  // One received datagram, into the gate, the filter or the node (no drain).
  void take(Socket& s, const net::Endpoint& from, Bytes dgram, Time now);
  // Recounts the half-open tunnels (at most every 50 ms) and, under pressure, clears those
  // half-open for longer than the lifetime.
  void watch_half_open(Time now);
  void on_timer(std::uint64_t generation, const boost::system::error_code& ec);
  // Runs the runner's deadline when it is due; true when it ran.
  bool run_deadline(Time now);
  void drain(Time now);
  void rearm();
  // Queues a datagram; flush() hands the queue to the kernel (sendmmsg) at the end of a drain.
  void send(const net::Endpoint& from, const net::Endpoint& to, Bytes bytes);
  void flush();
  Socket* socket_for(const net::Endpoint& from);
  void tee(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes, Time now);
  // DriverSink: where the drain delivers.
  void transmit(const net::Endpoint& from, const net::Endpoint& to, const Buffer& bytes, Time) override {
    send(from, to, bytes);
  }
  void event(Node& node, const NodeEvent& ev, Time now) override {
    if (on_event_) on_event_(node, ev, now);
  }
  bool halted() const override { return stopped_; }

  boost::asio::io_context& io_;
  SeededRng rng_;
  Driver driver_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  ReceiveBatch received_;
  SendQueue outgoing_;
  bool flushing_ = false;
  std::vector<net::Endpoint> locals_;
  boost::asio::steady_timer timer_;
  std::optional<Time> armed_;
  std::uint64_t generation_ = 0;
  Duration batch_interval_{0};
  std::optional<Time> poll_at_;   // polling: the next wake-up
  std::optional<Time> deadline_;  // the runner's (set_deadline)
  std::function<void(Node&, Time)> on_deadline_;
  bool serving_ = false;  // inside a handler that drains and re-arms at its end
  std::shared_ptr<capture::PcapWriter> pcap_;
  WireTap* tap_ = nullptr;
  std::uint64_t frames_ = 0;  // without a pcap: the frame numbers the tap sees
  EventHook on_event_;
  unsigned route_self_ = 0, route_count_ = 1;
  Forward forward_;
  NewPeerGate gate_;
  std::size_t half_open_ = 0;
  std::optional<Time> half_open_counted_;
  std::unordered_map<std::uint16_t, Time> half_open_since_;  // under pressure: first seen half-open
  bool stopped_ = false;
  TransportStats stats_;
};

}  // namespace l2tp::peers
