// Two or more Nodes on a simulated network in virtual time: per-datagram latency, loss,
// duplication and reordering from a seeded RNG, so a run repeats exactly. The same drain
// loop a real transport runs: after every input, send until poll_transmit is empty and
// collect events; time jumps to the next arrival or timer.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <vector>

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

// An optional layer on a node's output (the scenario fault layer, for one): everything the
// node sends goes to take(), and what poll() releases goes on the network. SimNet wakes at
// poll_timeout() to poll again.
class OutputHook {
 public:
  virtual ~OutputHook() = default;
  virtual void take(const net::Endpoint& from, const net::Endpoint& to, Buffer bytes, Time now) = 0;
  virtual bool poll(Time now, net::Endpoint& from, net::Endpoint& to, Buffer& out) = 0;
  virtual std::optional<Time> poll_timeout() const = 0;
};

class SimNet {
 public:
  SimNet(std::uint64_t seed, LinkConfig link);

  // A node listening on `addr`; it lives as long as the SimNet.
  Node& add_node(const net::Endpoint& addr, const NodeConfig& cfg);
  Rng& rng() { return rng_; }
  Time now() const { return now_; }

  // Runs until nothing is scheduled, `until` is reached, or `max_steps` steps were taken.
  // Returns the number of steps.
  std::size_t run(Time until, std::size_t max_steps = 10'000'000);
  // Lets the test act between steps (e.g. open sessions as tunnels come up).
  void on_event(std::function<void(Node&, const NodeEvent&)> f) { on_event_ = std::move(f); }

  const std::vector<NodeEvent>& events(const Node& n) const;
  const std::vector<Delivered>& wire_log() const { return log_; }  // everything delivered
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t duplicated() const { return duplicated_; }
  std::uint64_t reordered() const { return reordered_; }

  // Drains a node's outputs into the network (call after acting on a node directly).
  void pump(Node& n);
  // Puts `hook` (not owned; nullptr removes it) between node `n` and the network.
  void set_output_hook(const Node& n, OutputHook* hook);

 private:
  struct Host {
    net::Endpoint addr;
    std::unique_ptr<Node> node;
    std::vector<NodeEvent> events;
    OutputHook* hook = nullptr;
  };
  struct InFlight {
    Time at;
    std::uint64_t seq;
    net::Endpoint from, to;
    Buffer bytes;
    bool operator>(const InFlight& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  Host* host_at(const net::Endpoint& addr);
  void send(const net::Endpoint& from, const net::Endpoint& to, Buffer bytes);
  void flush_hook(Host& h);  // sends what the host's output hook releases now

  LinkConfig link_;
  SeededRng rng_;
  std::mt19937_64 faults_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  Time now_{};
  std::vector<Delivered> log_;
  std::uint64_t dropped_ = 0, duplicated_ = 0, reordered_ = 0;
  std::function<void(Node&, const NodeEvent&)> on_event_;
};

}  // namespace l2tp::sim
