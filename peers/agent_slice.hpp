// One agent's slice of a LAC run on many machines (--agent I/N, issue 12). The whole run is what
// one `l2tpsim lac` with the same options would do; agent I of N takes a disjoint part of it:
//
// - tunnels: a balanced share (the first tunnels % N agents one more), and with them their calls
//   and the same part of every rate (--setup-rate, --ramp, --teardown-rate, --flap), so the
//   agents' rates add up to the whole; --max-outstanding is split as a whole number (each agent
//   at least one);
// - user numbers {n}: the block of the run's call numbers that belongs to its tunnels (the
//   blocks tile 1..tunnels x sessions), calls beyond it numbered above that in a residue of its
//   own (engine/driver/call_numbers.hpp);
// - source addresses: a contiguous share of the --local-address list; a list shorter than N is
//   refused (two agents on one address would share its port 1701 and its Tunnel ID space at the
//   peer); no list: every agent sends from its own host's address;
// - Tunnel IDs: a block of 1..65535 of its own; its shards (--threads) take their residues
//   inside it, whatever their number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "peers/agent_id.hpp"

namespace l2tp::peers {

struct RunnerConfig;

// A contiguous part [first, first + count) of 0-based items.
struct Share {
  std::uint64_t first = 0, count = 0;
  bool operator==(const Share&) const = default;
};
// Part `index0` of `parts` of `total` items: balanced, the first total % parts one more each.
Share share_of(std::uint64_t total, unsigned index0, unsigned parts);

struct AgentPlan {
  Share tunnels;    // of the run's tunnels
  Share calls;      // of the run's initial calls: {n} from calls.first + 1
  Share addresses;  // of --local-address (count 0: no list given)
  std::uint16_t tunnel_id_low = 1, tunnel_id_high = 65535;
  double share = 1;  // tunnels.count / the run's tunnels: the part of every rate
};

// The slice of agent `a` of a run of `tunnels` x `sessions_per_tunnel` calls from `addresses`
// --local-address values; nullopt with `error` (naming the option) when it cannot be sliced.
std::optional<AgentPlan> plan_agent(AgentId a, unsigned tunnels, unsigned sessions_per_tunnel,
                                    std::size_t addresses, std::string& error);

// The whole run's configuration cut to agent `a`'s slice (plan_agent), with cfg.agent set.
std::optional<RunnerConfig> agent_config(const RunnerConfig& whole, AgentId a, std::string& error);

}  // namespace l2tp::peers
