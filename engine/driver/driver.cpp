#include "engine/driver/driver.hpp"

namespace l2tp {

namespace {

std::optional<Time> earliest(std::optional<Time> a, std::optional<Time> b) {
  if (!a) return b;
  if (!b) return a;
  return *a < *b ? a : b;
}

}  // namespace

void Driver::handle_datagram(const net::Endpoint& local, const net::Endpoint& remote, Bytes bytes, Time now) {
  if (filter_)
    filter_->take(WireDirection::In, remote, local, bytes, now);
  else
    node_.handle_datagram(local, remote, bytes, now);
}

void Driver::set_ppp(std::unique_ptr<PppLayer> ppp) {
  if (ppp) ppp->share_timers(timers_);
  ppp_ = std::move(ppp);
}

void Driver::handle_timeout(Time now) {
  // Everything due comes off the heap first; each goes back with its next deadline as it runs.
  // A deadline set again at or before `now` while running is served in the next round, as the
  // PPP layer's own loop did (bounded: a timer that keeps re-arming in the past must not hang
  // the shard).
  for (int round = 0; round < 8 && timers_.next() && *timers_.next() <= now; ++round) {
    due_tunnels_.clear();
    due_links_.clear();
    while (const auto t = timers_.pop_due(now)) {
      if (Node::is_tunnel_key(t->key))
        due_tunnels_.push_back(static_cast<std::uint16_t>(t->key));
      else
        due_links_.push_back(t->key);
    }
    if (!due_tunnels_.empty()) node_.run_due(due_tunnels_, now);
    if (ppp_ && !due_links_.empty()) ppp_->run_due(node_, due_links_, now);
  }
}

std::optional<Time> Driver::poll_timeout() const {
  const auto next = timers_.next();
  return filter_ ? earliest(next, filter_->poll_timeout()) : next;
}

void Driver::drain(Time now, DriverSink& sink) {
  if (draining_) return;
  draining_ = true;
  net::Endpoint from, to;
  for (bool busy = true; busy && !sink.halted();) {
    busy = false;
    // Events first: a handler may open or close calls, which then go out in this same drain.
    while (auto ev = node_.poll_event()) {
      busy = true;
      if (ppp_) ppp_->on_event(node_, *ev, now);
      sink.event(node_, *ev, now);
      if (auto* data = std::get_if<SessionData>(&ev->event.body)) node_.buffers().give(data->ppp);
    }
    while (node_.poll_transmit(now, out_, from, to)) {
      busy = true;
      if (filter_)
        filter_->take(WireDirection::Out, from, to, out_, now);
      else
        sink.transmit(from, to, out_, now);
    }
    if (filter_ && pump_filter(now, sink)) busy = true;
  }
  draining_ = false;
}

bool Driver::pump_filter(Time now, DriverSink& sink) {
  bool moved = false;
  WireDirection dir{};
  net::Endpoint src, dst;
  while (filter_->poll(now, dir, src, dst, filtered_)) {
    moved = true;
    if (dir == WireDirection::Out)
      sink.transmit(src, dst, filtered_, now);
    else
      node_.handle_datagram(dst, src, filtered_, now);
  }
  return moved;
}

}  // namespace l2tp
