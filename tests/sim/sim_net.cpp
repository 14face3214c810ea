#include "tests/sim/sim_net.hpp"

namespace l2tp::sim {

SimNet::SimNet(std::uint64_t seed, LinkConfig link) : link_(link), rng_(seed), faults_(seed ^ 0xFA17) {}

Node& SimNet::add_node(const net::Endpoint& addr, const NodeConfig& cfg) {
  auto h = std::make_unique<Host>();
  h->addr = addr;
  h->node = std::make_unique<Node>(cfg, rng_);
  hosts_.push_back(std::move(h));
  return *hosts_.back()->node;
}

SimNet::Host* SimNet::host_at(const net::Endpoint& addr) {
  for (auto& h : hosts_)
    if (h->addr == addr) return h.get();
  return nullptr;
}

const std::vector<NodeEvent>& SimNet::events(const Node& n) const {
  static const std::vector<NodeEvent> kNone;
  for (const auto& h : hosts_)
    if (h->node.get() == &n) return h->events;
  return kNone;
}

void SimNet::send(const net::Endpoint& from, const net::Endpoint& to, Buffer bytes) {
  const bool control = !bytes.empty() && (bytes[0] & 0x80);
  std::uniform_real_distribution<double> u(0, 1);
  Time at = now_ + link_.latency;
  if (control || !link_.control_only) {
    if (u(faults_) < link_.loss) {
      ++dropped_;
      return;
    }
    if (u(faults_) < link_.reorder) {
      at += link_.reorder_delay;
      ++reordered_;
    }
    if (u(faults_) < link_.duplicate) {
      ++duplicated_;
      queue_.push(InFlight{at + std::chrono::milliseconds(1), seq_++, from, to, bytes});
    }
  }
  queue_.push(InFlight{at, seq_++, from, to, std::move(bytes)});
}

void SimNet::pump(Node& n) {
  Host* host = nullptr;
  for (auto& h : hosts_)
    if (h->node.get() == &n) host = h.get();
  Buffer out;
  net::Endpoint from, to;
  // Events first: a handler may open sessions, whose messages then go out in the same drain
  // (the Node queues their events and marks the tunnel ready inside the call).
  while (auto ev = n.poll_event()) {
    host->events.push_back(*ev);
    if (on_event_) on_event_(n, host->events.back());
  }
  while (n.poll_transmit(now_, out, from, to)) {
    if (host->hook)
      host->hook->take(from, to, std::move(out), now_);
    else
      send(from, to, std::move(out));
  }
  if (host->hook) flush_hook(*host);
}

void SimNet::set_output_hook(const Node& n, OutputHook* hook) {
  for (auto& h : hosts_)
    if (h->node.get() == &n) h->hook = hook;
}

void SimNet::flush_hook(Host& h) {
  Buffer out;
  net::Endpoint from, to;
  while (h.hook->poll(now_, from, to, out)) send(from, to, std::move(out));
}

std::size_t SimNet::run(Time until, std::size_t max_steps) {
  std::size_t steps = 0;
  for (auto& h : hosts_) pump(*h->node);
  while (steps < max_steps) {
    std::optional<Time> next;
    if (!queue_.empty()) next = queue_.top().at;
    for (auto& h : hosts_) {
      if (auto t = h->node->poll_timeout(); t && (!next || *t < *next)) next = t;
      if (!h->hook) continue;
      if (auto t = h->hook->poll_timeout(); t && (!next || *t < *next)) next = t;
    }
    if (!next || *next > until) break;
    ++steps;
    if (*next > now_) now_ = *next;
    if (!queue_.empty() && queue_.top().at <= now_) {
      InFlight f = queue_.top();
      queue_.pop();
      if (Host* h = host_at(f.to)) {
        log_.push_back(Delivered{now_, f.from, f.to, f.bytes});
        h->node->handle_datagram(f.to, f.from, f.bytes, now_);
        pump(*h->node);
      }
      continue;
    }
    for (auto& h : hosts_) {
      if (h->hook)
        if (auto t = h->hook->poll_timeout(); t && *t <= now_) flush_hook(*h);
      if (auto t = h->node->poll_timeout(); t && *t <= now_) {
        h->node->handle_timeout(now_);
        pump(*h->node);
      }
    }
  }
  return steps;
}

}  // namespace l2tp::sim
