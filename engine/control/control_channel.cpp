// Reliable delivery of control messages (RFC 2661 5.8, Appendix A). Choices the RFC leaves open:
//
// - Timers are per message (5.8: "the message ... is held until ... After a period of time ...
//   the message is retransmitted"), but only the oldest unacknowledged message is retransmitted:
//   a timeout drops CWND to 1 (Appendix A), so the later messages wait until the oldest is
//   acknowledged, as in TCP. Each keeps the deadline set when it was last sent; when it becomes
//   the oldest with its deadline already past, it is retransmitted at once.
// - Backoff: the k-th retransmission is followed by a wait of min(initial_rto * 2^k, max_rto),
//   so with the defaults a message goes out at 0, 1, 3, 7, 15, 23 s and the channel fails at
//   31 s, when a 6th retransmission would be needed (max_retries = 5).
// - A timeout also counts as congestion once per retransmission: SSTHRESH = max(CWND/2, 1),
//   CWND = 1. New messages go out only while in-flight < min(floor(CWND), peer window).
// - A ZLB carries the Ns of the next message to be sent for the first time (the first queued
//   one, else the next to be assigned) without consuming it (R166).
// - Once failed(), nothing more is transmitted (not even ZLBs) and no timeout is reported; the
//   tunnel is to be cleared (R174). Received messages are still processed.
#include "engine/control/control_channel.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace l2tp::control {
namespace {

constexpr std::size_t kNsOffset = 8;   // flags(2) length(2) tunnel(2) session(2) Ns(2) Nr(2)
constexpr std::size_t kNrOffset = 10;  // valid for control messages: T, L, S set, no O (R002)

void put_u16(Buffer& b, std::size_t at, Seq v) {
  if (b.size() < at + 2) return;  // a truncated header: the assert in queue() catches it in debug
  b[at] = static_cast<std::uint8_t>(v.value >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v.value);
}

}  // namespace

ControlChannel::ControlChannel(const ReliabilityConfig& cfg) : cfg_(cfg) {
  // Our receive window is the reorder depth: Ns = nr_ + 1 .. nr_ + window - 1 can be held.
  // A window of 0 is invalid (R179); treat it as 1 (no reordering, R177).
  if (cfg_.receive_window == 0) cfg_.receive_window = 1;
  // The reorder slots are made when a message first arrives early (handle_receive): most
  // tunnels never see one, and a window's worth of empty slots is about 450 octets a tunnel.
}

void ControlChannel::set_peer_window(std::uint16_t window) {
  // R179: 0 is invalid; never stall the channel on it. R080: 4 until this is called.
  peer_window_ = std::max<std::uint16_t>(window, 1);
  ssthresh_ = peer_window_;                                    // R363 (RFC 2661 Appendix A)
  cwnd_ = std::min(cwnd_, static_cast<double>(peer_window_));  // R362
}

Seq ControlChannel::queue(Buffer encoded) {
  assert(encoded.size() >= wire::kControlHeaderSize);
  // R016, R163 (RFC 2661 5.8): Ns starts at 0 and takes one slot per non-ZLB message.
  const Seq ns = next_ns_;
  next_ns_ = next_ns_.next();
  put_u16(encoded, kNsOffset, ns);
  pending_.push_back(Outgoing{ns, std::move(encoded), 0, std::nullopt});
  return ns;
}

Seq ControlChannel::first_unsent_ns() const {
  return Seq{static_cast<std::uint16_t>(next_ns_.value - pending_.size())};
}

Duration ControlChannel::rto(unsigned retries) const {
  // R169: first interval ~1 s; R171: doubling per retransmission; R172: capped at max_rto.
  Duration d = cfg_.initial_rto;
  for (unsigned i = 0; i < retries && d < cfg_.max_rto; ++i) {
    if (d > cfg_.max_rto / 2) return cfg_.max_rto;  // no overflow with huge caps
    d *= 2;
  }
  return std::min(d, cfg_.max_rto);
}

void ControlChannel::process_ack(Seq nr) {
  // R167 (RFC 2661 5.8): Nr is the next Ns the peer expects, so it acknowledges every unacked
  // message before it. Messages are in flight in Ns order, so that is a prefix of unacked_.
  const Seq sent_end = first_unsent_ns();
  const Seq base = unacked_.empty() ? sent_end : unacked_.front().ns;
  const std::size_t count = Seq::distance(base, nr);
  if (count == 0) return;
  if (count > unacked_.size()) {
    // Either an old Nr (a reordered message: harmless) or one acknowledging Ns we never sent,
    // which a correct peer cannot produce: ignore it rather than release unsent messages.
    if (Seq::before(sent_end, nr)) ++stats_.nr_beyond_sent;
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    unacked_.pop_front();
    ++stats_.acked;
    on_acked();
  }
  // The new oldest message keeps its own deadline (the timer is per message, 5.8).
}

void ControlChannel::on_acked() {
  if (cwnd_ < ssthresh_) {
    cwnd_ += 1.0;  // R364 (RFC 2661 Appendix A): slow start, +1 per ACK
  } else {
    cwnd_ += 1.0 / cwnd_;  // R365: congestion avoidance, +1/CWND per new ACK
  }
  cwnd_ = std::min(cwnd_, static_cast<double>(peer_window_));  // R362: never above the peer's window
}

void ControlChannel::advance_nr() {
  nr_ = nr_.next();
  // Slot k held Ns = old nr_ + 1 + k; now it is new nr_ + k, so everything moves down one (the
  // caller has taken slot 0, the message now expected, if it was held).
  if (reorder_.empty()) return;
  std::move(reorder_.begin() + 1, reorder_.end(), reorder_.begin());
  reorder_.back().reset();
}

ReceiveOutcome ControlChannel::handle_receive(wire::ControlMessage msg, Time now) {
  // The Nr of every message, ZLB, duplicate or not, releases our messages (R167).
  process_ack(msg.header.nr);

  if (msg.is_zlb()) {
    // R166, R167: a ZLB takes no sequence slot; its Ns never advances our Nr.
    ++stats_.zlb_received;
    return ReceiveOutcome::AckOnly;
  }

  const Seq ns = msg.header.ns;
  const std::uint16_t ahead = Seq::distance(nr_, ns);
  const auto ack_now = [&] { acknowledge_now(now); };

  if (ahead == 0) {
    // R168 (RFC 2661 5.8): in order, once; then any held successors, still in order.
    deliver_.push_back(std::move(msg));
    ++stats_.received;
    for (;;) {
      const bool held_next = !reorder_.empty() && reorder_.front().has_value();
      if (held_next) {
        deliver_.push_back(std::move(*reorder_.front()));  // Ns = nr_ + 1
        ++stats_.received;
      }
      advance_nr();
      if (!held_next) break;
    }
    // R017: our Nr now covers it; send it on the next message out, or in a ZLB after ack_delay
    // (R181: delayed briefly, never withheld). Once half our window is unacknowledged, ack at
    // once: a sender limited by that window would otherwise stall for ack_delay each round.
    unacked_received_ += 1;
    if (unacked_received_ * 2 >= std::max<std::uint16_t>(cfg_.receive_window, 2)) ack_now();
    if (!ack_due_) ack_due_ = now + cfg_.ack_delay;
    return ReceiveOutcome::Delivered;
  }

  if (ahead >= 0x8000) {
    // R164 (RFC 2661 5.8): Ns within the last received and the 32767 before it is a duplicate:
    // never processed again, but R165: always acknowledged (a ZLB ACK may have been lost).
    ++stats_.duplicates;
    ack_now();
    return ReceiveOutcome::Duplicate;
  }

  if (ahead < cfg_.receive_window) {
    // R168: early arrivals inside our window are queued for in-order delivery.
    if (reorder_.empty()) reorder_.resize(cfg_.receive_window - 1u);
    auto& slot = reorder_[ahead - 1u];
    ack_now();  // our Nr tells the peer which message is missing
    if (slot) {
      ++stats_.duplicates;  // R164: a second copy of a held message
      return ReceiveOutcome::Duplicate;
    }
    slot = std::move(msg);
    ++stats_.out_of_order;
    return ReceiveOutcome::Held;
  }

  // Beyond our advertised window (R081 on the peer's side): dropped; the peer retransmits.
  ++stats_.out_of_window;
  return ReceiveOutcome::OutOfWindow;
}

std::optional<wire::ControlMessage> ControlChannel::poll_delivery() {
  if (deliver_.empty()) return std::nullopt;
  wire::ControlMessage m = std::move(deliver_.front());
  deliver_.pop_front();
  return m;
}

bool ControlChannel::retransmit_due(Time now) {
  if (failed_ || unacked_.empty()) return false;
  const Outgoing& oldest = unacked_.front();
  if (!oldest.deadline || *oldest.deadline > now) return false;
  if (oldest.retries >= cfg_.max_retries) {
    // R173, R174 (RFC 2661 5.8): retry limit reached without an ACK: the tunnel and all its
    // sessions must be cleared.
    failed_ = true;
    return false;
  }
  return true;
}

void ControlChannel::transmit(const Buffer& bytes, Buffer& out) {
  out.assign(bytes.begin(), bytes.end());  // reuses out's capacity
  // R017, R170 (RFC 2661 5.8): every transmission, first or repeated, carries the current Nr,
  // which piggybacks any pending acknowledgement.
  put_u16(out, kNrOffset, nr_);
  ack_due_.reset();
  unacked_received_ = 0;
}

std::size_t ControlChannel::window() const {
  return std::min<std::size_t>(static_cast<std::size_t>(std::floor(cwnd_)), peer_window_);
}

std::size_t ControlChannel::room() const {
  const std::size_t used = pending_.size() + unacked_.size();
  return used >= window() ? 0 : window() - used;
}

bool ControlChannel::poll_transmit(Time now, Buffer& out) {
  if (failed_) return false;

  if (retransmit_due(now)) {
    // R170: same Ns, current Nr. Only the oldest is resent (see the top of this file).
    Outgoing& oldest = unacked_.front();
    ++oldest.retries;
    oldest.deadline = now + rto(oldest.retries);  // R171, R172
    ++stats_.retransmissions;
    // R366, R180 (RFC 2661 Appendix A): a retransmission means congestion.
    ssthresh_ = static_cast<std::uint16_t>(std::max(std::floor(cwnd_ / 2.0), 1.0));
    cwnd_ = 1.0;
    transmit(oldest.bytes, out);
    return true;
  }
  if (failed_) return false;  // retransmit_due() may have just hit the retry limit

  // R080, R081, R176 (RFC 2661 4.4.3, 5.8), R362, R363 (Appendix A): at most
  // min(CWND, peer window) messages outstanding; wait for an ACK that opens the window.
  if (!pending_.empty() && unacked_.size() < window()) {
    unacked_.push_back(std::move(pending_.front()));
    pending_.pop_front();
    Outgoing& m = unacked_.back();
    m.deadline = now + rto(0);  // R169
    ++stats_.sent;
    transmit(m.bytes, out);
    return true;
  }

  if (ack_due_ && *ack_due_ <= now) {
    // R001, R165, R166: a ZLB acknowledges and carries the next Ns without consuming it.
    out.clear();
    const auto encoded = wire::encode_control(wire::make_zlb(peer_tunnel_, first_unsent_ns(), nr_), {}, out);
    assert(encoded.has_value());
    (void)encoded;
    ack_due_.reset();
    unacked_received_ = 0;
    ++stats_.zlb_sent;
    return true;
  }
  return false;
}

std::optional<Time> ControlChannel::poll_timeout() const {
  if (failed_) return std::nullopt;
  std::optional<Time> t = ack_due_;
  if (!unacked_.empty() && unacked_.front().deadline) {
    const Time d = *unacked_.front().deadline;
    t = t ? std::min(*t, d) : d;
  }
  return t;
}

void ControlChannel::handle_timeout(Time now) {
  // Marks failure at the retry limit; a due retransmission or ZLB is produced by poll_transmit.
  (void)retransmit_due(now);
}

}  // namespace l2tp::control
