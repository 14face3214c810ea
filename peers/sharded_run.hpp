// A LAC or LNS run on N shards (--threads N): N Runners, each on its own thread with its own
// io_context, sockets, tunnels, PPP links and timers; tunnels never move between shards.
//
// - Tunnel IDs: shard k of N takes only IDs with id % N == k, so they are unique in the run and
//   a datagram's Tunnel ID names its shard (engine/driver/shard_routing.hpp).
// - LNS: every shard binds the listen addresses with SO_REUSEPORT; the kernel keeps a peer's
//   address and port on one shard. A datagram for a tunnel of another shard (the LAC changed
//   its port) is passed to its owner's thread.
// - LAC: the tunnels and the setup rate are split over the shards; shard 0 sends from the
//   requested address and port, the others from ephemeral ports on the same addresses; calls are
//   numbered across the run ({n} in --user stays unique).
// - The main thread handles signals and prints one status line for all shards from the counts
//   each shard leaves once a second (no lock on any packet's path); at the end it merges the
//   shards' counters, latencies, PPP records and captures (by time) into one summary, one JSON
//   and one pcap, and renumbers the violations' frames to the merged capture.
// - A secrets-file authorizer is shared behind a lock (setups and releases only). RADIUS (a
//   client per io_context, address pools held locally) and --tun run on one shard.
#pragma once

#include <functional>
#include <memory>
#include <ostream>

#include "peers/runner.hpp"

namespace l2tp::peers {

using MakeRunner =
    std::function<std::unique_ptr<Runner>(const RunnerConfig&, std::ostream& out, std::ostream& err)>;

// How many shards a run gets (1: the plain single-threaded Runner), and why fewer than asked
// when it is fewer (empty otherwise).
struct ShardPlan {
  unsigned shards = 1;
  std::string note;
};
ShardPlan plan_shards(const RunnerConfig& cfg, const std::string& role);

// The configuration of shard k of n (Tunnel ID residue, seed, tunnels and rate, ports, files).
RunnerConfig shard_config(const RunnerConfig& cfg, const std::string& role, unsigned k, unsigned n);

int run_sharded(const RunnerConfig& cfg, const std::string& role, unsigned shards, std::ostream& out,
                std::ostream& err, const MakeRunner& make);

// A role's run: one Runner on this thread, or as many shards as plan_shards() gives.
template <typename RoleRunner>
int run_role(const RunnerConfig& cfg, const std::string& role, std::ostream& out, std::ostream& err) {
  const ShardPlan plan = plan_shards(cfg, role);
  if (!plan.note.empty()) err << "l2tpsim " << role << ": note: " << plan.note << "\n";
  if (plan.shards > 1)
    return run_sharded(cfg, role, plan.shards, out, err,
                       [](const RunnerConfig& c, std::ostream& o, std::ostream& e) {
                         return std::make_unique<RoleRunner>(c, o, e);
                       });
  RoleRunner runner(cfg, out, err);
  return runner.run();
}

}  // namespace l2tp::peers
