// l2tpsim's own LAC or LNS as the device under test on a SimNet, configured as `l2tpsim lac` or
// `l2tpsim lns` would be from the same options (app: lac_config, lns_config): its node, its PPP
// (an LNS judges users with the configured secrets; RADIUS needs the network). What it does is
// what the runners (peers/lac_runner.cpp, lns_runner.cpp) do for one conformance case:
//   - an LNS listens from the start and accepts what its configuration allows;
//   - a LAC is a new process each time the case's `${trigger}` runs: dial() makes a new node on
//     its addresses that opens --tunnels tunnels with --sessions calls each at once, and after
//     --duration clears its calls (CDN) and tunnels (StopCCN); hang_up() is the process killed
//     at the end of the case.
// Load shaping (--setup-rate, --ramp, churn) is not simulated: sim_unsupported says so.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/sim/sim_net.hpp"
#include "peers/runner.hpp"
#include "scenarios/scenario.hpp"

namespace l2tp::scenario {

// What of a configuration needs this machine (RADIUS, IPsec, TUN) and so cannot run in virtual
// time at all (nullopt: nothing).
std::optional<std::string> sim_needs_machine(const peers::RunnerConfig& cfg);
// What of a configuration a SimPeer cannot do in virtual time (nullopt: nothing): the above, and
// a LAC's load shaping.
std::optional<std::string> sim_unsupported(Role role, const peers::RunnerConfig& cfg);

class SimPeer {
 public:
  // `next_port`: a free port for an address without one (the kernel's ephemeral choice).
  SimPeer(sim::SimNet& net, Role role, const peers::RunnerConfig& cfg,
          std::function<std::uint16_t()> next_port);
  ~SimPeer();
  SimPeer(const SimPeer&) = delete;
  SimPeer& operator=(const SimPeer&) = delete;

  Role role() const { return role_; }
  const Node* node() const { return driver_ ? &driver_->node() : nullptr; }
  // LAC: a new run (the trigger); the run before it, if any, ends first.
  void dial();
  // LAC: the run ends at once, without a word (the trigger's process killed).
  void hang_up();
  // LAC: a run is going on (it has not finished by itself, or been hung up).
  bool dialling() const { return driver_ != nullptr && !finished_; }
  // Every event of its node (SimNet's hook sends it here), during its drain.
  void on_event(Node& node, const NodeEvent& ev, Time now);
  // Its own deadline (the --duration of a LAC's run) and what it does then.
  std::optional<Time> due() const { return teardown_at_; }
  void on_time(Time now);

 private:
  void start_driver();
  void open_calls(Node& node, Time now);
  void teardown(Node& node, Time now);

  sim::SimNet& net_;
  Role role_;
  peers::RunnerConfig cfg_;
  std::function<std::uint16_t()> next_port_;
  boost::asio::io_context idle_io_;  // what the authorizer factory takes; nothing runs on it
  SeededRng ppp_rng_;
  std::unique_ptr<Authorizer> authorizer_;
  Driver* driver_ = nullptr;  // the net's
  std::vector<net::Endpoint> local_;
  std::vector<TunnelId> tunnels_;
  std::vector<std::pair<TunnelId, SessionId>> up_;
  std::optional<Time> teardown_at_;
  unsigned runs_ = 0;
  std::uint64_t calls_made_ = 0;
  bool finished_ = false;
};

}  // namespace l2tp::scenario
