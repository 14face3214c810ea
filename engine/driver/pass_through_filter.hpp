// A DatagramFilter that passes every datagram at once, in order: the base of filters that hold
// back or drop some (override take() and call pass() for the rest: the IPsec-required gate,
// tests' faults) or that wake their driver at a time of their own (override poll_timeout():
// replay --sim's alarm for the simulated LAC's --duration).
#pragma once

#include "engine/driver/datagram_filter.hpp"
#include "engine/driver/held_datagrams.hpp"

namespace l2tp {

class PassThroughFilter : public DatagramFilter {
 public:
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time) override {
    pass(dir, src, dst, bytes);
  }
  bool poll(Time, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) override {
    return held_.pop(dir, src, dst, out);
  }
  std::optional<Time> poll_timeout() const override { return std::nullopt; }

 protected:
  void pass(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes) {
    held_.push(dir, src, dst, Buffer(bytes.begin(), bytes.end()));
  }

 private:
  HeldDatagrams held_;
};

}  // namespace l2tp
