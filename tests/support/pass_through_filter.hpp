// A DatagramFilter for SimNet tests: passes every datagram at once, in order. Tests derive from
// it to drop or inspect some (override take() and call pass() for the rest) or to wake their
// driver at a chosen time (poll_timeout()).
#pragma once

#include <deque>

#include "engine/driver/datagram_filter.hpp"

namespace l2tp::testing {

class PassThroughFilter : public DatagramFilter {
 public:
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time) override {
    pass(dir, src, dst, bytes);
  }
  bool poll(Time, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) override {
    if (held_.empty()) return false;
    dir = held_.front().dir;
    src = held_.front().src;
    dst = held_.front().dst;
    out = std::move(held_.front().bytes);
    held_.pop_front();
    return true;
  }
  std::optional<Time> poll_timeout() const override { return std::nullopt; }

 protected:
  void pass(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes) {
    held_.push_back(Held{dir, src, dst, Buffer(bytes.begin(), bytes.end())});
  }

 private:
  struct Held {
    WireDirection dir;
    net::Endpoint src, dst;
    Buffer bytes;
  };
  std::deque<Held> held_;
};

}  // namespace l2tp::testing
