// A load run in virtual time (`l2tpsim lac --sim`): the same LAC and LNS Runners as on the
// network (peers/runner.hpp: pacing, churn, the timeline, the teardown, the reports), each on a
// SimRunHost (peers/run_host.hpp) over one SimNet (engine/sim): no sockets and no clock, time
// jumps to the next arrival, deadline or runner timer, and a seed repeats the run frame for
// frame. A thousand virtual seconds of soak take what their work takes, not a thousand seconds.
//
// The one loop of virtual time (engine/sim/sim_loop) serves every host of the run: posted work
// first, then whichever comes first of the net's next arrival or driver deadline and the hosts'
// own timers (the runner's tick, duration and teardown timers, the LAC's pace deadline). SIGINT
// and SIGTERM are caught while it runs and go to the hosts that asked for them, as on the
// network.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <vector>

#include "engine/sim/sim_loop.hpp"
#include "engine/sim/sim_net.hpp"
#include "peers/run_host.hpp"
#include "peers/runner.hpp"

namespace l2tp::peers {

class SimRunHost;

class SimRun {
 public:
  // Virtual time starts at `start` (the pcaps' timestamps count from it).
  SimRun(std::uint64_t seed, sim::LinkConfig link, Time start);
  ~SimRun();
  SimRun(const SimRun&) = delete;
  SimRun& operator=(const SimRun&) = delete;

  // A host for one runner of this run, its node drawing random numbers from `seed`.
  std::unique_ptr<RunHost> host(const NodeConfig& cfg, std::uint64_t seed);
  // Runs until `done`, or until nothing is scheduled any more. Throws sim::SimStuck when
  // virtual time cannot move on (a bug).
  void run_until(const std::function<bool()>& done);

  sim::SimNet& net() { return net_; }
  Time now() const { return net_.now(); }
  // A port no host of this run has yet (the kernel's ephemeral choice).
  std::uint16_t next_port() { return next_port_++; }

 private:
  friend class SimRunHost;
  class Owner;

  // The earliest of the hosts' own timers and deadlines.
  std::optional<Time> next_own() const;
  void fire_due();
  void deliver_signal(int sig);

  sim::SimNet net_;
  boost::asio::io_context idle_io_;  // what an authorizer is given; nothing runs on it
  std::vector<SimRunHost*> hosts_;
  sim::PostedWork posted_;
  std::uint16_t next_port_ = 49152;
  bool catching_signals_ = false;
};

// A LAC run against l2tpsim's own LNS in virtual time: both Runners on one SimRun, the LAC's
// run as it would go on the network (until --duration or a signal, then its teardown), then the
// LNS's teardown. The LAC's report goes to `out` as `l2tpsim lac` writes it, the LNS's after it
// under a heading; the exit status is the LAC's. Both configurations' `local` must be addresses
// of the simulated net (nothing binds), and the LAC's needs a --duration: without one, virtual
// time would run for ever.
int run_lac_in_sim(const RunnerConfig& lac, const RunnerConfig& lns, std::uint64_t seed, sim::LinkConfig link,
                   Time start, std::ostream& out, std::ostream& err);

}  // namespace l2tp::peers
