// The fault layer (scenarios/fault.hpp) behind the Shard's datagram filter interface, so that a
// scenario's faults sit between a node and its sockets.
#pragma once

#include <utility>
#include <vector>

#include "engine/driver/datagram_filter.hpp"
#include "scenarios/fault.hpp"

namespace l2tp::scenario {

class FaultFilter final : public DatagramFilter {
 public:
  explicit FaultFilter(std::vector<FaultRule> rules) : layer_(std::move(rules)) {}
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time now) override {
    layer_.handle(Datagram{dir == WireDirection::Out ? Direction::Out : Direction::In, src, dst,
                           Buffer(bytes.begin(), bytes.end())},
                  now);
  }
  bool poll(Time now, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) override {
    auto d = layer_.poll(now);
    if (!d) return false;
    dir = d->direction == Direction::Out ? WireDirection::Out : WireDirection::In;
    src = d->from;
    dst = d->to;
    out = std::move(d->bytes);
    return true;
  }
  std::optional<Time> poll_timeout() const override { return layer_.poll_timeout(); }
  const FaultLayer& layer() const { return layer_; }
  // A restart: what the layer still holds (delayed, reordered) belonged to the forgotten node.
  void forget() {
    while (layer_.poll(Time::max())) {
    }
  }

 private:
  FaultLayer layer_;
};

}  // namespace l2tp::scenario
