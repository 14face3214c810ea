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

void Driver::handle_timeout(Time now) {
  if (const auto due = node_.poll_timeout(); due && *due <= now) node_.handle_timeout(now);
  if (ppp_)
    if (const auto due = ppp_->poll_timeout(); due && *due <= now) ppp_->handle_timeout(node_, now);
}

std::optional<Time> Driver::poll_timeout() const {
  auto next = node_.poll_timeout();
  if (ppp_) next = earliest(next, ppp_->poll_timeout());
  if (filter_) next = earliest(next, filter_->poll_timeout());
  return next;
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
