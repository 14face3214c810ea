// Two or more drivers (engine/driver: a Node with its PPP links) on a simulated network in
// virtual time: per-datagram latency, loss, duplication and reordering from a seeded RNG, so a
// run repeats exactly. Each host runs the driver's drain, the loop the Asio shard runs; time
// jumps to the next arrival or deadline. A caller with deadlines of its own (a scenario's
// steps: scenarios/sim_case_host) steps the net one arrival or deadline at a time and moves the
// clock to its own deadline with advance_to when the net has nothing due before it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <vector>

#include "engine/driver/driver.hpp"
#include "engine/node.hpp"

namespace l2tp::sim {

struct LinkConfig {
  Duration latency = std::chrono::milliseconds(5);
  double loss = 0;       // probability a datagram is dropped
  double duplicate = 0;  // probability it is delivered twice
  double reorder = 0;    // probability it is held back by reorder_delay
  Duration reorder_delay = std::chrono::milliseconds(30);
  bool control_only = true;  // faults hit control messages only (data passes untouched)
};

struct Delivered {
  Time at;
  net::Endpoint from, to;
  Buffer bytes;
};

class SimNet {
 public:
  SimNet(std::uint64_t seed, LinkConfig link);

  // A driver (a node; PPP and a filter may be added to it) listening on `addr`; it lives as long
  // as the SimNet.
  Driver& add_driver(const net::Endpoint& addr, const NodeConfig& cfg);
  // The same with random numbers of its own from `seed` (the Asio shard's are its own too), so
  // that what this driver sends does not depend on what the other hosts drew.
  Driver& add_driver(const net::Endpoint& addr, const NodeConfig& cfg, std::uint64_t seed);
  // The host of `n` leaves the net (a process that ended, a socket closed): what is in flight to
  // it is dropped on arrival. Never from inside that host's drain.
  void remove_driver(const Node& n);
  // The host of `n` stops (a run that ended) but its node stays to be read: it sends nothing
  // more, what arrives for it is dropped and its deadlines are not served.
  void halt(const Node& n) { host_of(n).halted_ = true; }
  // Host `n` listens on `addr` too (a LAC sending from several addresses, an LNS on several).
  void add_address(const Node& n, const net::Endpoint& addr) { host_of(n).more.push_back(addr); }
  // Every datagram host `n` sends (past its filter) and receives (before it), as the pcap tap at
  // an Asio shard's sockets sees them; nullptr removes it.
  using WireHook =
      std::function<void(WireDirection, const net::Endpoint& src, const net::Endpoint& dst, Bytes, Time)>;
  void set_wire_hook(const Node& n, WireHook hook) { host_of(n).hook = std::move(hook); }
  // A datagram no node made (a scenario's hand-made message) from host `n`, past its filter.
  void inject(const Node& n, const net::Endpoint& from, const net::Endpoint& to, Bytes bytes);
  // Moves the clock forward to `t` (never back): the caller's own deadline, with nothing due on
  // the net before it.
  void advance_to(Time t) {
    if (t > now_) now_ = t;
  }
  // The earliest arrival or driver deadline; nullopt when nothing is scheduled.
  std::optional<Time> next_due() const;
  Node& add_node(const net::Endpoint& addr, const NodeConfig& cfg) { return add_driver(addr, cfg).node(); }
  Driver& driver(const Node& n);
  Rng& rng() { return rng_; }
  Time now() const { return now_; }

  // Runs until nothing is scheduled, `until` is reached, `max_steps` steps were taken, or a due
  // deadline is one no driver serves (a filter's, for the caller to act on). Returns the number
  // of steps.
  std::size_t run(Time until, std::size_t max_steps = 10'000'000);
  // Lets the test act between steps (e.g. open sessions as tunnels come up). Called from the
  // drain, after the driver's PPP links saw the event.
  void on_event(std::function<void(Node&, const NodeEvent&)> f) { on_event_ = std::move(f); }

  const std::vector<NodeEvent>& events(const Node& n) const;
  // Everything delivered, unless keep_wire_log(false) (large runs).
  const std::vector<Delivered>& wire_log() const { return log_; }
  void keep_wire_log(bool keep) { keep_log_ = keep; }
  // Every event of every node, unless keep_events(false) (large runs).
  void keep_events(bool keep) { keep_events_ = keep; }
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t duplicated() const { return duplicated_; }
  std::uint64_t reordered() const { return reordered_; }

  // Runs a node's driver drain (call after acting on a node directly).
  void pump(Node& n);
  // Puts `filter` (not owned; nullptr removes it) between node `n` and the network.
  void set_filter(const Node& n, DatagramFilter* filter) { driver(n).set_filter(filter); }

 private:
  struct Host final : DriverSink {
    SimNet* net = nullptr;
    net::Endpoint addr;
    std::vector<net::Endpoint> more;  // add_address
    std::unique_ptr<SeededRng> rng;   // its own (add_driver with a seed); before the driver
    std::unique_ptr<Driver> driver;
    std::vector<NodeEvent> events;
    WireHook hook;
    bool halted_ = false;
    bool halted() const override { return halted_; }
    void transmit(const net::Endpoint& from, const net::Endpoint& to, const Buffer& bytes,
                  Time now) override {
      if (hook) hook(WireDirection::Out, from, to, bytes, now);
      net->send(from, to, bytes);
    }
    void event(Node& node, const NodeEvent& ev, Time) override;
  };
  struct InFlight {
    Time at;
    std::uint64_t seq;
    net::Endpoint from, to;
    Buffer bytes;
    bool operator>(const InFlight& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  Host* host_at(const net::Endpoint& addr);
  Host& host_of(const Node& n);
  void send(const net::Endpoint& from, const net::Endpoint& to, const Buffer& bytes);

  LinkConfig link_;
  SeededRng rng_;
  std::mt19937_64 faults_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  Time now_{};
  std::vector<Delivered> log_;
  bool keep_log_ = true, keep_events_ = true;
  std::uint64_t delivered_ = 0, dropped_ = 0, duplicated_ = 0, reordered_ = 0;
  std::function<void(Node&, const NodeEvent&)> on_event_;
};

}  // namespace l2tp::sim
