// Where one case runs: the clock, the timers and the tester's driver that the case's logic
// (scenarios/case_run.hpp) uses. Two hosts: real time on UDP sockets and Boost.Asio
// (asio_case_host.hpp, a peers::Shard), and virtual time on a SimNet against l2tpsim's own LAC
// or LNS (sim_case_host.hpp). The logic is the same on both; only time and the wire differ.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "engine/driver/datagram_filter.hpp"
#include "engine/driver/ppp_layer.hpp"
#include "engine/node.hpp"
#include "peers/runner.hpp"
#include "scenarios/scenario.hpp"

namespace l2tp::scenario {

// What a new tester driver is given: its filter and tap, its PPP layer (made by `make_ppp`,
// nullptr: no PPP) and where its node events go (during its drain; the hook may act on the node).
struct TesterSetup {
  NodeConfig node;
  std::uint64_t seed = 0;
  WireTap* tap = nullptr;
  DatagramFilter* filter = nullptr;
  std::function<std::unique_ptr<PppLayer>()> make_ppp;
  std::function<void(Node&, const NodeEvent&, Time)> on_event;
  // A restart: the addresses are those the first driver bound, taken again as they are.
  bool restart = false;
};

class CaseHost {
 public:
  enum class Timer : std::uint8_t { Step, Poll };

  virtual ~CaseHost() = default;

  virtual Time now() const = 0;
  // Runs `f` soon, after what is running now returns (never inside it).
  virtual void post(std::function<void()> f) = 0;
  // One-shot timers, one of each kind: arming one again replaces what it would have run.
  virtual void arm(Timer timer, Time at, std::function<void()> f) = 0;
  virtual void cancel(Timer timer) = 0;
  // Runs what was posted and armed until the case calls finish(). Returns then.
  virtual void run() = 0;
  virtual void finish() = 0;

  // A new tester driver on `local` (port 0: one the host picks; written back as bound). The
  // driver before it (a restart) stops: it sends nothing more and its node is forgotten. The
  // error when an address cannot be had.
  virtual std::optional<std::string> start_tester(const TesterSetup& setup,
                                                  std::vector<net::Endpoint>& local) = 0;
  // The tester's driver stops: nothing more is sent or received (the end of the case).
  virtual void stop_tester() = 0;
  // Runs `f` on the tester's node at the current time, then drains. Never from an event hook.
  virtual void act(const std::function<void(Node&, Time)>& f) = 0;
  virtual const Node& node() const = 0;
  // A datagram the node did not make, from `from` (a bound local address) past the filter.
  virtual void inject(const net::Endpoint& from, const net::Endpoint& to, Bytes bytes) = 0;
  // An LNS tester's authorizer (cfg.make_authorizer); nullptr with `error` set when this host
  // cannot give one.
  virtual std::unique_ptr<Authorizer> make_authorizer(const peers::RunnerConfig& cfg, Rng& rng,
                                                      std::string& error) = 0;

  // Why this host cannot run a shell step at all (nullopt: it can).
  virtual std::optional<std::string> cannot_run(const Shell& sh) const = 0;
  // Starts a shell step; `finished` runs (through post) when a foreground command has ended or
  // timed out, at once for a background one; its argument is a note for the progress output.
  virtual void start_shell(const Shell& sh, std::function<void(std::string note)> finished) = 0;
};

}  // namespace l2tp::scenario
