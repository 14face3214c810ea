// Reliable delivery of control messages for one tunnel (RFC 2661 5.8 and Appendix A):
// Ns/Nr with modulo-2^16 comparison, ZLB acknowledgements (delayed, or piggybacked on the
// next message out), the peer's receive window (4 when it sent none, R080), slow start and
// congestion avoidance, retransmission with exponential backoff up to a cap and a retry
// limit, duplicates acknowledged but never delivered twice, out-of-order messages inside our
// window held and delivered in order, messages outside it dropped.
//
// Sans-I/O: inputs are handle_receive() and handle_timeout(); outputs are poll_delivery()
// (messages for the tunnel FSM, in order), poll_transmit() (datagrams for the wire) and
// poll_timeout() (when to call handle_timeout next). After any input, drain the outputs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/fifo.hpp"
#include "engine/wire/message.hpp"
#include "engine/wire/types.hpp"

namespace l2tp::control {

struct ReliabilityConfig {
  Duration initial_rto = std::chrono::seconds(1);       // first retransmission interval (5.8: ~1 s)
  Duration max_rto = std::chrono::seconds(8);           // backoff cap; the RFC wants at least 8 s
  unsigned max_retries = 5;                             // then the tunnel is cleared (5.8)
  Duration ack_delay = std::chrono::milliseconds(100);  // delayed ZLB when nothing goes out
  std::uint16_t receive_window = 8;                     // what we advertise; the depth of our reorder queue
};

struct ChannelStats {
  std::uint64_t sent = 0;  // first transmissions of queued messages
  std::uint64_t retransmissions = 0;
  std::uint64_t received = 0;       // non-ZLB messages delivered to the FSM
  std::uint64_t duplicates = 0;     // already-received Ns: re-acked, not delivered
  std::uint64_t out_of_order = 0;   // held for later in-order delivery
  std::uint64_t out_of_window = 0;  // dropped: beyond our receive window
  std::uint64_t zlb_sent = 0;
  std::uint64_t zlb_received = 0;
  std::uint64_t acked = 0;           // our messages acknowledged by the peer
  std::uint64_t nr_beyond_sent = 0;  // peer Nr acknowledging Ns we never sent: ignored
};

enum class ReceiveOutcome : std::uint8_t {
  Delivered,    // in order: it (and any held successors) are ready in poll_delivery()
  AckOnly,      // a ZLB: only its Nr mattered
  Duplicate,    // Ns already received: an ack is scheduled at once, nothing delivered
  Held,         // ahead of the expected Ns but inside our window: kept for later
  OutOfWindow,  // too far ahead: dropped
};

class ControlChannel {
 public:
  explicit ControlChannel(const ReliabilityConfig& cfg = {});

  // The peer's Receive Window Size AVP (R080: 4 when absent, which is the initial value).
  // Also sets SSTHRESH to it (Appendix A).
  void set_peer_window(std::uint16_t window);
  // The Tunnel ID to put in the header of our ZLBs (the peer's Assigned Tunnel ID; 0 before).
  void set_peer_tunnel(TunnelId id) { peer_tunnel_ = id; }

  // Queues an encoded control message (header included, L and S set) for reliable delivery.
  // The channel writes its Ns now and its Nr at every transmission (5.8: a retransmission
  // carries the same Ns and the current Nr). Returns the Ns given to it.
  Seq queue(Buffer encoded);

  // A decoded control message from the peer (header Ns/Nr used; AVPs untouched). Its Nr
  // acknowledges our messages below it, whatever the outcome.
  ReceiveOutcome handle_receive(wire::ControlMessage msg, Time now);

  // Messages ready for the tunnel FSM, in Ns order.
  std::optional<wire::ControlMessage> poll_delivery();

  // Writes the next datagram to send at `now` into `out` (replacing its contents): a due
  // retransmission, a queued message the window allows, or a ZLB when an ack is due and no
  // message will carry it. Returns false when nothing is to be sent now.
  bool poll_transmit(Time now, Buffer& out);

  // Acknowledge what we have received at the next poll_transmit (piggybacked on a message
  // going out then, else a ZLB) instead of after ack_delay: for a message the peer waits on
  // and that no answer of ours will carry the ack for.
  void acknowledge_now(Time now) { ack_due_ = ack_due_ ? std::min(*ack_due_, now) : now; }

  // The earliest time handle_timeout() has work (retransmission or delayed ack).
  std::optional<Time> poll_timeout() const;
  // Fires due timers. An early call does nothing.
  void handle_timeout(Time now);

  // The peer cleared the tunnel (StopCCN, 5.7): what we still had to say is moot. Drops our
  // queued and unacknowledged messages so nothing is retransmitted; acknowledging the peer's
  // messages (its StopCCN and any retransmission of it) goes on.
  void abandon_sends() {
    unacked_.clear();
    pending_.clear();
  }

  // True once a message has been retransmitted max_retries times without an ack: the tunnel
  // and all its sessions must be cleared (5.8).
  bool failed() const { return failed_; }
  // Nothing queued or in flight.
  bool idle() const { return unacked_.empty() && pending_.empty(); }
  std::size_t in_flight() const { return unacked_.size(); }
  std::size_t queued() const { return pending_.size(); }
  // How many more messages the window takes now (min(CWND, peer window) less those queued or in
  // flight): a tunnel opens new calls only into room, so the messages that complete calls
  // already under way (ICCN) never wait behind a queue of new ICRQs.
  std::size_t room() const;

  Seq next_ns() const { return next_ns_; }  // Ns of the next message queued
  Seq first_unsent_ns() const;              // messages before it have been sent at least once
  Seq expected_ns() const { return nr_; }   // our Nr: the next Ns we expect from the peer
  double cwnd() const { return cwnd_; }
  std::uint16_t ssthresh() const { return ssthresh_; }
  std::uint16_t peer_window() const { return peer_window_; }
  const ChannelStats& stats() const { return stats_; }
  const ReliabilityConfig& config() const { return cfg_; }

 private:
  struct Outgoing {
    Seq ns;
    Buffer bytes;
    unsigned retries = 0;
    std::optional<Time> deadline;  // retransmission due; unset until first sent
  };

  Duration rto(unsigned retries) const;
  bool retransmit_due(Time now);
  std::size_t window() const;  // min(CWND, peer window): messages that may be outstanding
  void process_ack(Seq nr);
  void on_acked();
  void advance_nr();
  void transmit(const Buffer& bytes, Buffer& out);

  ReliabilityConfig cfg_;
  TunnelId peer_tunnel_{};
  Seq next_ns_{};                                             // next Ns to assign
  Seq nr_{};                                                  // next Ns expected from the peer
  Fifo<Outgoing> unacked_;                                    // sent, awaiting ack, in Ns order
  Fifo<Outgoing> pending_;                                    // queued, not yet allowed out by the window
  std::vector<std::optional<wire::ControlMessage>> reorder_;  // index k holds Ns = nr_ + 1 + k
  Fifo<wire::ControlMessage> deliver_;
  std::optional<Time> ack_due_;
  std::uint32_t unacked_received_ = 0;  // delivered since our last transmission carried Nr
  std::uint16_t peer_window_ = 4;
  std::uint16_t ssthresh_ = 4;
  double cwnd_ = 1.0;
  bool failed_ = false;
  ChannelStats stats_;
};

}  // namespace l2tp::control
