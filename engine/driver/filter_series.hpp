// Two DatagramFilters one behind the other: `wire` next to the sockets, `node` next to the node.
// What the node sends crosses `node`, then `wire`; what arrives crosses `wire`, then `node`. The
// case runner puts a scenario's faults (the wire misbehaving) outside an LNS tester's
// `--use-ipsec required` check (the LNS's own refusal of L2TP that came through no SA).
#pragma once

#include <optional>

#include "engine/driver/datagram_filter.hpp"

namespace l2tp {

class FilterSeries final : public DatagramFilter {
 public:
  FilterSeries(DatagramFilter& wire, DatagramFilter& node) : wire_(wire), node_(node) {}

  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time now) override;
  bool poll(Time now, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) override;
  std::optional<Time> poll_timeout() const override;

 private:
  DatagramFilter& wire_;
  DatagramFilter& node_;
  Buffer between_;
};

}  // namespace l2tp
