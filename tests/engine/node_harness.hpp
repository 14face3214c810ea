// Test helpers for the Node (node_test.cpp, node_malformed_avp_test.cpp): the test plays the
// peer, encoding datagrams for handle_datagram and decoding what poll_transmit gives back.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/node.hpp"
#include "engine/wire/message.hpp"
#include "tests/support/sim_nodes.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::node_testing {

using wire::make_avp;

inline const net::Endpoint kNodeAddr = test_net_ep(2);
inline const net::Endpoint kPeerAddr = test_net_ep(3);
inline constexpr std::uint16_t kPeerTunnel = 0x0999;

inline Time at(Duration d) {
  return Time{} + d;
}

// One datagram the node sent, decoded.
struct Dgram {
  net::Endpoint from, to;
  wire::Header header;
  std::optional<wire::ControlMessage> control;

  bool is_zlb() const { return control && control->is_zlb(); }
  bool is(MessageType t) const { return control && control->known_type() == t; }
  template <typename V>
  std::optional<V> value(AvpType t) const {
    if (!control) return std::nullopt;
    if (const auto* a = control->find(t))
      if (const auto* v = a->get<V>()) return *v;
    return std::nullopt;
  }
};

// Fires the node's due timers at `now`, then takes everything it has to send.
inline std::vector<Dgram> drain(Node& node, Time now) {
  node.handle_timeout(now);
  std::vector<Dgram> out;
  Buffer b;
  net::Endpoint from, to;
  while (node.poll_transmit(now, b, from, to)) {
    Dgram d{from, to, {}, std::nullopt};
    auto h = wire::decode_header(b);
    EXPECT_TRUE(h.has_value());
    if (!h) continue;
    d.header = *h;
    if (h->control) {
      auto m = wire::decode_control(b);
      EXPECT_TRUE(m.has_value());
      if (m) d.control = std::move(*m);
    }
    out.push_back(std::move(d));
  }
  return out;
}

inline std::vector<NodeEvent> events(Node& node) {
  std::vector<NodeEvent> out;
  while (auto e = node.poll_event()) out.push_back(std::move(*e));
  return out;
}

template <typename T>
inline std::vector<T> of(const std::vector<NodeEvent>& evs, std::optional<TunnelId> tunnel = std::nullopt) {
  std::vector<T> out;
  for (const auto& e : evs)
    if (const auto* v = std::get_if<T>(&e.event.body); v && (!tunnel || e.tunnel == *tunnel))
      out.push_back(*v);
  return out;
}

inline std::size_t count(const std::vector<Dgram>& v, MessageType t) {
  std::size_t n = 0;
  for (const auto& d : v) n += d.is(t);
  return n;
}

inline Buffer encode(wire::ControlMessage m, TunnelId to, Seq ns, Seq nr) {
  m.header.tunnel = to;
  m.header.ns = ns;
  m.header.nr = nr;
  Buffer b;
  EXPECT_TRUE(wire::encode_control(m, {}, b));
  return b;
}

inline wire::ControlMessage tunnel_request(MessageType type, std::uint16_t assigned,
                                           std::optional<std::uint64_t> tie_breaker = std::nullopt) {
  auto m = wire::make_control(type, TunnelId{}, SessionId{});
  m.avps.push_back(make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
  m.avps.push_back(make_avp(AvpType::HostName, std::string("peer")));
  m.avps.push_back(make_avp(AvpType::FramingCapabilities, std::uint32_t{3}));
  if (tie_breaker) m.avps.push_back(make_avp(AvpType::TieBreaker, *tie_breaker));
  m.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{assigned}));
  return m;
}

inline Buffer sccrq(std::uint16_t assigned, std::optional<std::uint64_t> tie_breaker = std::nullopt) {
  return encode(tunnel_request(MessageType::Sccrq, assigned, tie_breaker), TunnelId{}, Seq{0}, Seq{0});
}

inline NodeConfig lns_node() {
  return testing::sim_lns_config("node-lns");
}

inline NodeConfig lac_node() {
  return testing::sim_lac_config("node-lac");
}

}  // namespace l2tp::node_testing
