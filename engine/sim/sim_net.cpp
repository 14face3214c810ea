#include "engine/sim/sim_net.hpp"

#include <algorithm>

namespace l2tp::sim {

SimNet::SimNet(std::uint64_t seed, LinkConfig link) : link_(link), rng_(seed), faults_(seed ^ 0xFA17) {}

Driver& SimNet::add_driver(const net::Endpoint& addr, const NodeConfig& cfg) {
  auto h = std::make_unique<Host>();
  h->net = this;
  h->addr = addr;
  h->driver = std::make_unique<Driver>(cfg, rng_);
  hosts_.push_back(std::move(h));
  return *hosts_.back()->driver;
}

Driver& SimNet::add_driver(const net::Endpoint& addr, const NodeConfig& cfg, std::uint64_t seed) {
  auto h = std::make_unique<Host>();
  h->net = this;
  h->addr = addr;
  h->rng = std::make_unique<SeededRng>(seed);
  h->driver = std::make_unique<Driver>(cfg, *h->rng);
  hosts_.push_back(std::move(h));
  return *hosts_.back()->driver;
}

void SimNet::remove_driver(const Node& n) {
  std::erase_if(hosts_, [&](const auto& h) { return &h->driver->node() == &n; });
}

void SimNet::inject(const Node& n, const net::Endpoint& from, const net::Endpoint& to, Bytes bytes) {
  Host& h = host_of(n);
  h.transmit(from, to, Buffer(bytes.begin(), bytes.end()), now_);
}

std::optional<Time> SimNet::next_due() const {
  std::optional<Time> next;
  if (!queue_.empty()) next = queue_.top().at;
  for (const auto& h : hosts_)
    if (auto t = h->halted_ ? std::nullopt : h->driver->poll_timeout(); t && (!next || *t < *next)) next = t;
  return next;
}

SimNet::Host* SimNet::host_at(const net::Endpoint& addr) {
  for (auto& h : hosts_)
    if (h->addr == addr || std::find(h->more.begin(), h->more.end(), addr) != h->more.end()) return h.get();
  return nullptr;
}

SimNet::Host& SimNet::host_of(const Node& n) {
  for (auto& h : hosts_)
    if (&h->driver->node() == &n) return *h;
  std::abort();  // a node of another SimNet: a bug in the test
}

Driver& SimNet::driver(const Node& n) {
  return *host_of(n).driver;
}

const std::vector<NodeEvent>& SimNet::events(const Node& n) const {
  static const std::vector<NodeEvent> kNone;
  for (const auto& h : hosts_)
    if (&h->driver->node() == &n) return h->events;
  return kNone;
}

void SimNet::Host::event(Node& node, const NodeEvent& ev, Time) {
  if (net->keep_events_) events.push_back(ev);
  if (net->on_event_) net->on_event_(node, ev);
}

void SimNet::send(const net::Endpoint& from, const net::Endpoint& to, const Buffer& bytes) {
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
  queue_.push(InFlight{at, seq_++, from, to, bytes});
}

void SimNet::pump(Node& n) {
  Host& h = host_of(n);
  h.driver->drain(now_, h);
}

std::size_t SimNet::run(Time until, std::size_t max_steps) {
  std::size_t steps = 0;
  unsigned unserved = 0;
  for (auto& h : hosts_) h->driver->drain(now_, *h);
  while (steps < max_steps) {
    const std::optional<Time> next = next_due();
    if (!next || *next > until) break;
    ++steps;
    if (*next > now_) now_ = *next;
    if (!queue_.empty() && queue_.top().at <= now_) {
      InFlight f = queue_.top();
      queue_.pop();
      if (Host* h = host_at(f.to); h && !h->halted_) {
        ++delivered_;
        if (keep_log_) log_.push_back(Delivered{now_, f.from, f.to, f.bytes});
        if (h->hook) h->hook(WireDirection::In, f.from, f.to, f.bytes, now_);
        h->driver->handle_datagram(f.to, f.from, f.bytes, now_);
        h->driver->drain(now_, *h);
      }
      unserved = 0;
      continue;
    }
    bool served = false;
    for (auto& h : hosts_)
      if (auto t = h->halted_ ? std::nullopt : h->driver->poll_timeout(); t && *t <= now_) {
        h->driver->handle_timeout(now_);
        h->driver->drain(now_, *h);
        if (auto after = h->driver->poll_timeout(); !after || *after > now_) served = true;
      }
    // A deadline that stays due (twice: a timer may re-arm at the same instant once) is one the
    // drivers cannot serve (a filter's, served by the caller between runs: a replayer's next
    // act, a test's alarm): control goes back to the caller instead of spinning until max_steps.
    unserved = served ? 0 : unserved + 1;
    if (unserved >= 2) break;
  }
  return steps;
}

}  // namespace l2tp::sim
