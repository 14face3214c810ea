// Where a Runner (peers/runner.hpp) runs: the clock, its timers and posted work, the signals,
// and the driver of its node behind a drain. Two hosts, as for the scenario runner's cases
// (scenarios/case_host.hpp):
//   - AsioRunHost (peers/asio_run_host.hpp): real time, a boost::asio::io_context and UDP
//     sockets through one Shard (peers/udp_transport.hpp): `l2tpsim lac` and `lns`;
//   - SimRunHost (peers/sim_run.hpp): virtual time on a SimNet, a LAC and an LNS runner in one
//     process: `l2tpsim lac --sim`.
// The runners' logic (pacing, churn, the timeline, the teardown, the report) is the same on
// both; only time and the wire differ.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/pcap_writer.hpp"
#include "engine/driver/datagram_filter.hpp"
#include "engine/driver/ppp_layer.hpp"
#include "engine/node.hpp"
#include "engine/util/result.hpp"
#include "peers/udp_transport.hpp"

namespace l2tp::peers {

class RunHost {
 public:
  // The runner's one-shot timers, one of each: arming one again replaces what it would have run.
  enum class Timer : std::uint8_t { Tick, Duration, TeardownCheck, TeardownPace };
  using EventHook = Shard::EventHook;

  virtual ~RunHost() = default;

  // --- Time and the loop ---
  virtual Time now() const = 0;
  // Runs `f` soon, after what runs now has returned (never inside it).
  virtual void post(std::function<void()> f) = 0;
  virtual void arm(Timer timer, Time at, std::function<void()> f) = 0;
  virtual void cancel(Timer timer) = 0;
  // SIGINT and SIGTERM from now on go to `f` (once each time it is given); cancelled by stop().
  virtual void on_signal(std::function<void(int sig)> f) = 0;
  // Runs what is posted, armed and received until stop().
  virtual void run() = 0;
  // After run(): up to `limit` more while `pending` (RADIUS Accounting Stops going out).
  virtual void settle(const std::function<bool()>& pending, Duration limit) = 0;
  // True when time is simulated: no process CPU is measured, no status line shows the wall.
  virtual bool virtual_time() const = 0;
  // What an authorizer or a TUN device is given (in virtual time, one nothing runs on).
  virtual boost::asio::io_context& io() = 0;
  // The socket shard, for what only a run on sockets has (shards routing to each other, the
  // --stats-listen server); nullptr in virtual time.
  virtual Shard* sockets() = 0;

  // --- The node and its driver (Shard's, see peers/udp_transport.hpp) ---
  // An address to send from or listen on (port 0: the host picks one); what was bound.
  virtual Result<net::Endpoint, std::string> bind(const net::Endpoint& local, bool reuse_port) = 0;
  virtual const std::vector<net::Endpoint>& local_endpoints() const = 0;
  virtual void set_filter(DatagramFilter* filter) = 0;
  virtual bool has_filter() const = 0;
  virtual void set_pcap(capture::PcapWriter writer) = 0;
  virtual const capture::PcapWriter* pcap() const = 0;
  virtual void set_tap(WireTap* tap) = 0;
  virtual void on_event(EventHook hook) = 0;
  virtual void set_ppp(std::unique_ptr<PppLayer> ppp) = 0;
  virtual PppLayer* ppp() = 0;
  // Runs `f` on the node at now(), then drains. Never from inside an event hook.
  virtual void act(const std::function<void(Node&, Time now)>& f) = 0;
  // The runner's own deadline (the LAC's pacer): `hook` runs on the node when it falls due.
  virtual void set_deadline(std::optional<Time> at) = 0;
  virtual void on_deadline(std::function<void(Node&, Time now)> hook) = 0;
  // `t` on the host's wake-up grid (the batch interval), so one wake-up serves every timer.
  virtual Time align(Time t) const = 0;
  virtual Node& node() = 0;
  virtual const Node& node() const = 0;
  virtual const TransportStats& stats() const = 0;
  // Tunnels waiting for the peer's SCCCN, as last counted.
  virtual std::size_t half_open() const = 0;
  // The node sends and receives nothing more; run() returns.
  virtual void stop() = 0;
  virtual bool stopped() const = 0;
};

}  // namespace l2tp::peers
