// The datagrams a filter has let through and not yet handed on, in order: what its
// DatagramFilter::poll returns, one by one (PassThroughFilter, the replay's filters).
#pragma once

#include <deque>

#include "engine/driver/datagram_filter.hpp"

namespace l2tp {

class HeldDatagrams {
 public:
  void push(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Buffer bytes) {
    held_.push_back(Held{dir, src, dst, std::move(bytes)});
  }
  // The oldest one into the arguments; false when none is held.
  bool pop(WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) {
    if (held_.empty()) return false;
    Held& h = held_.front();
    dir = h.dir;
    src = h.src;
    dst = h.dst;
    out = std::move(h.bytes);
    held_.pop_front();
    return true;
  }

 private:
  struct Held {
    WireDirection dir;
    net::Endpoint src, dst;
    Buffer bytes;
  };
  std::deque<Held> held_;
};

}  // namespace l2tp
