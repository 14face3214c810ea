// The one driver of the engine: a Node, the PPP links over its sessions (optional) and a
// datagram filter between them and the network (optional), driven by one drain loop. Every
// adapter runs it: the Asio shard (peers/udp_transport), SimNet in virtual time (engine/sim),
// and through either the scenario runner (scenarios/case_host.hpp). Sans-I/O like the Node:
// the adapter hands in datagrams and the time, and the drain hands back datagrams to send and
// the events.
//
// The drain: dispatch every node event (PPP sees it first, then the adapter), send until the
// node has nothing to transmit, move what the filter releases, and repeat until all three are
// empty. An event handler may act on the node (open or close calls); what that queues goes out
// in the same drain.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/driver/datagram_filter.hpp"
#include "engine/driver/ppp_layer.hpp"
#include "engine/node.hpp"

namespace l2tp {

// Where a drain delivers: datagrams that leave (past the filter) and every node event.
class DriverSink {
 public:
  virtual ~DriverSink() = default;
  virtual void transmit(const net::Endpoint& from, const net::Endpoint& to, const Buffer& bytes,
                        Time now) = 0;
  // Called for every event after the PPP layer saw it. It may act on the node directly.
  virtual void event(Node& node, const NodeEvent& ev, Time now) = 0;
  // True once the adapter has stopped (a handler shut it down): the drain ends there.
  virtual bool halted() const { return false; }
};

class Driver {
 public:
  Driver(const NodeConfig& cfg, Rng& rng) : node_(cfg, rng, timers_) {}
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  Node& node() { return node_; }
  const Node& node() const { return node_; }

  // PPP over every session that comes up (nullptr: sessions carry no PPP of ours). Set it
  // before the first session: its links' deadlines go into the driver's one heap.
  void set_ppp(std::unique_ptr<PppLayer> ppp);
  PppLayer* ppp() { return ppp_.get(); }
  const PppLayer* ppp() const { return ppp_.get(); }

  // Every datagram crosses `filter` (not owned; nullptr: none) between the node and the
  // network, out after the node and in before it.
  void set_filter(DatagramFilter* filter) { filter_ = filter; }
  DatagramFilter* filter() const { return filter_; }

  // A datagram from the network, for `local` from `remote`: into the filter or the node.
  void handle_datagram(const net::Endpoint& local, const net::Endpoint& remote, Bytes bytes, Time now);
  // Runs whatever is due at `now`: the tunnels', then the PPP links' (one heap holds both; only
  // what is due is touched). The filter's held datagrams move in the next drain.
  void handle_timeout(Time now);
  // The earliest deadline of the node, the PPP links and the filter: O(1).
  std::optional<Time> poll_timeout() const;
  // The shard's one timer heap: every tunnel's deadline (by Tunnel ID) and every PPP link's (by
  // LinkKey::value()).
  const TimerHeap& timers() const { return timers_; }

  // The drain (see the top of this file). Re-entry from inside `sink` is ignored: the running
  // drain picks up what the handler queued.
  void drain(Time now, DriverSink& sink);

 private:
  // Moves what the filter lets through: out to the sink, in to the node. True if anything moved.
  bool pump_filter(Time now, DriverSink& sink);

  TimerHeap timers_;  // before node_, which keeps a reference to it
  Node node_;
  std::unique_ptr<PppLayer> ppp_;
  std::vector<std::uint16_t> due_tunnels_;  // handle_timeout's scratch
  std::vector<TimerHeap::Key> due_links_;
  DatagramFilter* filter_ = nullptr;
  Buffer out_, filtered_;
  bool draining_ = false;
};

}  // namespace l2tp
