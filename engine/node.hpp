// One L2TP node: a set of tunnels behind one or more local UDP addresses. It routes each
// datagram to its tunnel by Tunnel ID (R014), creates tunnels for new SCCRQs (recognising a
// retransmitted SCCRQ by the peer's address and Assigned Tunnel ID), resolves SCCRQ
// collisions with the Tie Breaker (4.4.3) and follows a peer that answers from another port
// (8.1). No I/O: the transport feeds datagrams and time, and drains poll_transmit/poll_event.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/inbound_observer.hpp"
#include "engine/net/address.hpp"
#include "engine/tunnel/tunnel.hpp"
#include "engine/util/fifo.hpp"
#include "engine/util/id_table.hpp"
#include "engine/util/rng.hpp"
#include "engine/util/timer_heap.hpp"

namespace l2tp {
namespace control {
// Sums channel statistics: the tunnels a node has forgotten, a run's totals.
ChannelStats& operator+=(ChannelStats& a, const ChannelStats& b);
}  // namespace control

struct NodeConfig {
  tunnel::TunnelConfig tunnel;
  std::uint32_t max_tunnels = 0;  // 0: no limit below the 65535 IDs
  bool accept_tunnels = true;     // answer SCCRQs (an LNS; an LAC for outgoing calls)
  // Where our Tunnel IDs start. A tester that "restarts" continues past its old IDs, so its new
  // SCCRQ is not taken for a retransmission of the old tunnel's (same address, port and ID).
  std::uint16_t first_tunnel_id = 1;
  // Shards (engine/driver/shard_routing.hpp): this node takes only Tunnel IDs with
  // id % tunnel_id_stride == tunnel_id_residue, so IDs are unique across a run's shards and any
  // shard can tell a datagram's owner from its Tunnel ID.
  std::uint16_t tunnel_id_stride = 1;
  std::uint16_t tunnel_id_residue = 0;
  // Agents of one run on many machines (--agent I/N): this node's IDs lie in [tunnel_id_low,
  // tunnel_id_high], a block no other agent uses (the shard residues apply inside it).
  std::uint16_t tunnel_id_low = 1, tunnel_id_high = 65535;
};

struct NodeStats {
  std::uint64_t datagrams_in = 0, datagrams_out = 0;
  std::uint64_t decode_errors = 0;  // malformed datagrams dropped
  // Control messages with a sound header whose AVPs could not all be framed (R026, R028): taken
  // as far as they could be read, the broken AVP judged as malformed (7.1, R250, R251).
  std::uint64_t malformed_avps = 0;
  std::uint64_t unknown_tunnel = 0;  // no tunnel with that ID
  std::uint64_t not_l2tpv2 = 0;      // other versions (R012, R340)
  std::uint64_t refused_tunnels = 0;
  std::uint64_t tie_breaks = 0;
  std::uint64_t stray_stopccn_acks = 0;  // StopCCNs for no tunnel of ours, acknowledged (5.7)
};

struct NodeEvent {
  TunnelId tunnel;  // our ID of the tunnel it concerns
  Event event;
};

class Node {
 public:
  // Timer keys: the node's are its Tunnel IDs (1..65535). A heap shared with the rest of a shard
  // (the Driver's) holds other deadlines under keys of 65536 and up (PPP links: LinkKey::value()).
  static constexpr bool is_tunnel_key(TimerHeap::Key key) { return key <= 0xFFFF; }

  // With a timer heap of its own.
  Node(const NodeConfig& cfg, Rng& rng);
  // With the shard's one timer heap (not owned): its owner pops what is due and hands the node
  // its tunnels through run_due(); handle_timeout() is only for a node with its own heap.
  Node(const NodeConfig& cfg, Rng& rng, TimerHeap& shared_timers);
  Node(const Node&) = delete;  // timers_ may refer to own_timers_
  Node& operator=(const Node&) = delete;

  // Starts a tunnel to `peer` (SCCRQ) from local address `local`. Returns its ID.
  TunnelId open_tunnel(const net::Endpoint& local, const net::Endpoint& peer, Time now);
  // Opens a call on a tunnel (ICRQ for an LAC, OCRQ for an LNS); it waits for the tunnel.
  std::optional<SessionId> open_session(TunnelId tunnel, Time now,
                                        std::optional<session::ProxyPpp> proxy = std::nullopt);
  void close_session(TunnelId tunnel, SessionId session, const ResultInfo& result, Time now);
  void close_tunnel(TunnelId tunnel, const ResultInfo& result, Time now);
  void close_all(const ResultInfo& result, Time now);
  // One PPP frame on an established session (dropped when the session is not up).
  void send_ppp(TunnelId tunnel, SessionId session, Bytes ppp, Time now);
  // A control message the caller built (a scenario's live `send:`), sent through an established
  // tunnel's control channel like the tunnel's own: see Tunnel::send_control. nullopt when the
  // tunnel is unknown or not established.
  std::optional<Seq> send_control(TunnelId tunnel, wire::ControlMessage msg, Time now);

  // A datagram that arrived on local address `local` from `from`.
  void handle_datagram(const net::Endpoint& local, const net::Endpoint& from, Bytes dgram, Time now);
  // Shows `observer` (not owned; nullptr: none) what handle_datagram decodes, as it decodes it.
  void set_inbound_observer(InboundObserver* observer) { observer_ = observer; }
  // Runs the tunnels that are due (a node with its own heap).
  void handle_timeout(Time now);
  // Runs the tunnels in `due` (Tunnel IDs whose timers the heap's owner popped; sorted here, so
  // they run in ID order), then forgets Closed tunnels.
  void run_due(std::vector<std::uint16_t>& due, Time now);

  // The next datagram to send: its bytes in `out`, the addresses in `from`/`to`.
  bool poll_transmit(Time now, Buffer& out, net::Endpoint& from, net::Endpoint& to);
  // The earliest deadline of any tunnel, in O(1): each tunnel's is kept in a heap, updated
  // after anything touches that tunnel. With a shared heap: the earliest of the whole shard.
  std::optional<Time> poll_timeout() const { return timers_.next(); }
  std::optional<NodeEvent> poll_event();

  // Read-only: a tunnel changes only through the node, which keeps its deadline and counts.
  const tunnel::Tunnel* tunnel(TunnelId id) const;
  std::size_t tunnel_count() const { return tunnels_.size(); }
  // Tunnels being set up or established (closing and lingering ones are on their way out).
  std::size_t live_tunnels() const { return live_; }
  // The channel statistics of every tunnel this node has forgotten (Closed, then reaped by
  // handle_timeout), summed as they were at the end.
  const control::ChannelStats& retired_channels() const { return retired_channels_; }
  // The same for their tunnel statistics (data messages sent, received, dropped).
  const tunnel::TunnelStats& retired_tunnels() const { return retired_tunnels_; }
  const NodeStats& stats() const { return stats_; }
  // The spare buffers of this node's data path: its tunnels encode into them, and the driver
  // gives back what it is done with (a datagram sent, a SessionData event handled).
  BufferPool& buffers() { return buffers_; }
  const NodeConfig& config() const { return cfg_; }
  template <typename F>
  void for_each_tunnel(F f) const {
    tunnels_.for_each_by_id([&](std::uint16_t, const Entry& e) { f(std::as_const(*e.tunnel)); });
  }

 private:
  struct Entry {
    std::unique_ptr<tunnel::Tunnel> tunnel;
    net::Endpoint local, peer;
    std::uint16_t peer_assigned = 0;  // from the peer's SCCRQ, to spot its retransmissions
    bool moved_reported = false;      // a datagram from another address or port was reported (R334)
    bool live = false;                // counted in live_
    bool reaping = false;             // Closed: listed in reap_
    bool originated = false;          // we sent its SCCRQ (open_tunnel)
  };
  struct PeerKey {
    net::Endpoint peer;
    std::uint16_t assigned;
    bool operator<(const PeerKey& o) const;
  };

  TunnelId allocate_tunnel_id();
  // A tunnel with a fresh ID of ours; nullptr when every ID is in use.
  Entry* add_tunnel(const net::Endpoint& local, const net::Endpoint& peer, bool originated, Time now);
  void handle_sccrq(const net::Endpoint& local, const net::Endpoint& from, wire::ControlMessage msg,
                    Time now);
  void check_port_pair(Entry& e, const net::Endpoint& local, const net::Endpoint& from, const char* what,
                       Time now);
  void handle_stray_sccrp(const net::Endpoint& local, const net::Endpoint& from, wire::ControlMessage msg,
                          Time now);
  void ack_stray_stopccn(const net::Endpoint& local, const net::Endpoint& from,
                         const wire::ControlMessage& msg);
  void collect(Entry& e);
  // After anything touched a tunnel: its deadline in timers_, its count in live_, and reap_
  // once it is Closed.
  void track(Entry& e);
  void reap();

  NodeConfig cfg_;
  std::shared_ptr<const tunnel::TunnelConfig> tunnel_cfg_;  // cfg_.tunnel, shared by every tunnel
  Rng& rng_;
  InboundObserver* observer_ = nullptr;
  BufferPool buffers_;  // before tunnels_: each tunnel keeps a pointer to it
  // The tunnels' events (Tunnel::set_event_queue; before tunnels_ too): what a call into a
  // tunnel queued, moved into events_ by collect() at its end, so it never holds two tunnels'.
  Fifo<Event, true> tunnel_events_;
  IdTable<Entry> tunnels_;  // by our Tunnel ID
  std::map<PeerKey, std::uint16_t> by_peer_assigned_;
  std::uint16_t next_tunnel_id_ = 1;
  std::size_t originated_ = 0;  // tunnels in tunnels_ that we opened
  // One per node, filled and drained at every input: they keep their storage (a deque would
  // allocate a block every few events).
  Fifo<NodeEvent, true> events_;
  Fifo<std::uint16_t, true> ready_;  // tunnels that may have something to send
  TimerHeap own_timers_;             // unused when the heap is shared
  TimerHeap& timers_;                // each tunnel's poll_timeout(), by our Tunnel ID
  std::vector<std::uint16_t> due_;   // handle_timeout's scratch: the tunnels due now
  std::vector<std::uint16_t> reap_;  // Closed tunnels, forgotten at the next handle_timeout
  std::size_t live_ = 0;
  control::ChannelStats retired_channels_;
  tunnel::TunnelStats retired_tunnels_;
  struct StrayAck {
    net::Endpoint local, peer;
    Buffer bytes;
  };
  std::deque<StrayAck> stray_acks_;  // ZLBs for StopCCNs of tunnels we do not have
  NodeStats stats_;
};

}  // namespace l2tp
