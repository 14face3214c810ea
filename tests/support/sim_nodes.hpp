// What SimNet tests of a LAC and an LNS start from: their node configurations (host names "lac"
// and "lns"; the LAC opens tunnels and accepts none) and a node's events of one kind.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/node.hpp"

namespace l2tp::testing {

inline NodeConfig sim_lac_config(std::string host_name = "lac") {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lac;
  c.tunnel.host_name = std::move(host_name);
  c.accept_tunnels = false;
  return c;
}

inline NodeConfig sim_lns_config(std::string host_name = "lns") {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lns;
  c.tunnel.host_name = std::move(host_name);
  return c;
}

// The bodies of the events of type T, in order.
template <typename T>
std::vector<T> events_of(const std::vector<NodeEvent>& evs) {
  std::vector<T> out;
  for (const auto& e : evs)
    if (const auto* v = std::get_if<T>(&e.event.body)) out.push_back(*v);
  return out;
}

}  // namespace l2tp::testing
