// What a Shard may put between its node and its sockets: a tap that sees every datagram on the
// wire (with its pcap frame number), and a filter that every datagram crosses on its way out
// (after the node) and in (before the node). The scenario runner uses them for its wire log
// and passive checker (tap) and for the fault layer (filter); the plain LAC and LNS use
// neither.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/net/address.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp {

// Out: sent by the node; In: received from the network.
enum class WireDirection : std::uint8_t { Out, In };

// One datagram as it crossed the wire. `frame` numbers every datagram of the shard's pcap from
// 1 (as Wireshark counts), or of the shard when it writes no pcap.
struct WireDatagram {
  WireDirection direction;
  const net::Endpoint& src;
  const net::Endpoint& dst;
  Bytes bytes;
  std::uint64_t frame;
  Time at;
};

class WireTap {
 public:
  virtual ~WireTap() = default;
  virtual void on_wire(const WireDatagram& d) = 0;
};

class DatagramFilter {
 public:
  virtual ~DatagramFilter() = default;
  // A datagram enters the filter: from the node (Out) or from a socket (In).
  virtual void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
                    Time now) = 0;
  // The next datagram allowed through now: Out ones go to the socket, In ones to the node.
  virtual bool poll(Time now, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) = 0;
  // When a held datagram falls due.
  virtual std::optional<Time> poll_timeout() const = 0;
};

}  // namespace l2tp
