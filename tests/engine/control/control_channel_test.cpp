#include "engine/control/control_channel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

namespace l2tp::control {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

constexpr TunnelId kPeerTunnel{0x1234};

Time at(Duration d) {
  return Time{} + d;
}

// A Hello carrying `tag` in a Call Serial Number AVP, so tests can tell messages apart.
wire::ControlMessage tagged(std::uint32_t tag) {
  wire::ControlMessage m = wire::make_control(MessageType::Hello, kPeerTunnel, SessionId{});
  m.avps.push_back(wire::make_avp(AvpType::CallSerialNumber, tag));
  return m;
}

Buffer encoded(std::uint32_t tag) {
  Buffer out;
  EXPECT_TRUE(wire::encode_control(tagged(tag), {}, out));
  return out;
}

// A message as if received from the peer (already decoded).
wire::ControlMessage from_peer(std::uint16_t ns, std::uint16_t nr, std::uint32_t tag = 0) {
  wire::ControlMessage m = tagged(tag);
  m.header.ns = Seq{ns};
  m.header.nr = Seq{nr};
  return m;
}

wire::ControlMessage zlb_from_peer(std::uint16_t nr, std::uint16_t ns = 0) {
  return wire::make_zlb(TunnelId{1}, Seq{ns}, Seq{nr});
}

std::uint16_t ns_of(const Buffer& b) {
  return static_cast<std::uint16_t>((b[8] << 8) | b[9]);
}
std::uint16_t nr_of(const Buffer& b) {
  return static_cast<std::uint16_t>((b[10] << 8) | b[11]);
}
bool is_zlb(const Buffer& b) {
  return b.size() == wire::kControlHeaderSize;
}

std::uint32_t tag_of(const wire::ControlMessage& m) {
  const wire::Avp* a = m.find(AvpType::CallSerialNumber);
  EXPECT_NE(a, nullptr);
  return a && a->get<std::uint32_t>() ? *a->get<std::uint32_t>() : 0xFFFFFFFF;
}

// Everything the channel sends at `now`, after firing its timers.
std::vector<Buffer> drain(ControlChannel& ch, Time now) {
  ch.handle_timeout(now);
  std::vector<Buffer> out;
  Buffer b;
  while (ch.poll_transmit(now, b)) out.push_back(b);
  return out;
}

std::vector<std::uint32_t> delivered_tags(ControlChannel& ch) {
  std::vector<std::uint32_t> tags;
  while (auto m = ch.poll_delivery()) tags.push_back(tag_of(*m));
  return tags;
}

TEST(ControlChannel, R016_NsStartsAtZeroAndIncrements) {
  ControlChannel ch;
  EXPECT_EQ(ch.next_ns(), Seq{0});
  EXPECT_EQ(ch.queue(encoded(0)), Seq{0});
  EXPECT_EQ(ch.queue(encoded(1)), Seq{1});
  EXPECT_EQ(ch.queue(encoded(2)), Seq{2});
  EXPECT_EQ(ch.next_ns(), Seq{3});

  std::vector<std::uint16_t> sent;
  Time now = at(0s);
  for (int round = 0; round < 3; ++round) {
    for (const Buffer& b : drain(ch, now)) sent.push_back(ns_of(b));
    ch.handle_receive(zlb_from_peer(static_cast<std::uint16_t>(sent.size())), now);
    now += 10ms;
  }
  EXPECT_EQ(sent, (std::vector<std::uint16_t>{0, 1, 2}));
  EXPECT_TRUE(ch.idle());
  EXPECT_EQ(ch.stats().sent, 3u);
  EXPECT_EQ(ch.stats().acked, 3u);
}

TEST(ControlChannel, R170_NrPatchedAtTransmitAndUpdatedOnRetransmission) {
  ControlChannel ch;
  ch.queue(encoded(0));
  EXPECT_EQ(ch.handle_receive(from_peer(0, 0), at(0s)), ReceiveOutcome::Delivered);
  auto first = drain(ch, at(0s));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(ns_of(first[0]), 0);
  EXPECT_EQ(nr_of(first[0]), 1);  // R017: next Ns expected

  EXPECT_EQ(ch.handle_receive(from_peer(1, 0), at(500ms)), ReceiveOutcome::Delivered);
  auto retx = drain(ch, at(1s));
  ASSERT_EQ(retx.size(), 1u);
  EXPECT_EQ(ns_of(retx[0]), 0);  // same Ns
  EXPECT_EQ(nr_of(retx[0]), 2);  // current Nr
  EXPECT_EQ(ch.stats().retransmissions, 1u);
  EXPECT_EQ(ch.stats().zlb_sent, 0u);  // the retransmission carried the ack
  // The rest of the message is the same bytes.
  Buffer a = first[0], b = retx[0];
  a[11] = b[11] = 0;
  EXPECT_EQ(a, b);
}

TEST(ControlChannel, R166_ZlbCarriesNextNsWithoutConsumingIt) {
  ControlChannel ch;
  ch.set_peer_tunnel(kPeerTunnel);
  ch.handle_receive(from_peer(0, 0), at(0s));
  auto out = drain(ch, at(100ms));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(is_zlb(out[0]));
  auto zlb = wire::decode_control(out[0]);
  ASSERT_TRUE(zlb);
  EXPECT_TRUE(zlb->is_zlb());
  EXPECT_EQ(zlb->header.tunnel, kPeerTunnel);
  EXPECT_EQ(zlb->header.ns, Seq{0});
  EXPECT_EQ(zlb->header.nr, Seq{1});
  EXPECT_EQ(ch.next_ns(), Seq{0});
  EXPECT_EQ(ch.queue(encoded(0)), Seq{0});  // the ZLB took no slot

  // Ns 0 in flight, Ns 1 held back by CWND = 1: the next message to go out is Ns 1 (B.2).
  ch.queue(encoded(1));
  ASSERT_EQ(drain(ch, at(200ms)).size(), 1u);
  ch.handle_receive(from_peer(1, 0), at(300ms));
  out = drain(ch, at(400ms));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(is_zlb(out[0]));
  EXPECT_EQ(ns_of(out[0]), 1);
  EXPECT_EQ(nr_of(out[0]), 2);
  EXPECT_EQ(ch.next_ns(), Seq{2});
  EXPECT_EQ(ch.stats().zlb_sent, 2u);
}

TEST(ControlChannel, R181_DelayedAckFiresAfterAckDelay) {
  ControlChannel ch;
  EXPECT_FALSE(ch.poll_timeout());
  ch.handle_receive(from_peer(0, 0), at(1s));
  EXPECT_TRUE(drain(ch, at(1s)).empty());
  ASSERT_TRUE(ch.poll_timeout());
  EXPECT_EQ(*ch.poll_timeout(), at(1100ms));
  EXPECT_TRUE(drain(ch, at(1100ms) - 1ns).empty());
  auto out = drain(ch, at(1100ms));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(is_zlb(out[0]));
  EXPECT_EQ(nr_of(out[0]), 1);
  EXPECT_FALSE(ch.poll_timeout());
  EXPECT_TRUE(drain(ch, at(5s)).empty());
}

TEST(ControlChannel, R367_DelayedAckCancelledByPiggybackedMessage) {
  ControlChannel ch;
  ch.handle_receive(from_peer(0, 0), at(0s));
  ch.handle_receive(from_peer(1, 0), at(50ms));  // a second one does not push the ack back
  EXPECT_EQ(*ch.poll_timeout(), at(100ms));
  ch.queue(encoded(7));
  auto out = drain(ch, at(60ms));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(is_zlb(out[0]));
  EXPECT_EQ(nr_of(out[0]), 2);
  EXPECT_EQ(*ch.poll_timeout(), at(1060ms));  // only the retransmission timer is left
  EXPECT_TRUE(drain(ch, at(100ms)).empty());
  EXPECT_EQ(ch.stats().zlb_sent, 0u);
}

TEST(ControlChannel, R080_R363_R364_SlowStartWithinDefaultWindowOfFour) {
  ControlChannel ch;
  EXPECT_EQ(ch.peer_window(), 4);
  EXPECT_EQ(ch.ssthresh(), 4);
  EXPECT_DOUBLE_EQ(ch.cwnd(), 1.0);
  for (std::uint32_t i = 0; i < 10; ++i) ch.queue(encoded(i));

  Time now = at(0s);
  std::vector<std::uint16_t> sent;
  std::vector<double> cwnd_after_ack;
  std::uint16_t nr = 0;
  while (!ch.idle()) {
    for (const Buffer& b : drain(ch, now)) sent.push_back(ns_of(b));
    const auto window = std::min<std::size_t>(static_cast<std::size_t>(std::floor(ch.cwnd())), 4);
    EXPECT_LE(ch.in_flight(), 4u);  // R080
    if (ch.queued() > 0) {
      EXPECT_EQ(ch.in_flight(), window);
    }
    // Acknowledge one message at a time.
    ch.handle_receive(zlb_from_peer(++nr), now + 10ms);
    cwnd_after_ack.push_back(ch.cwnd());
    now += 20ms;
  }
  EXPECT_EQ(sent, (std::vector<std::uint16_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  ASSERT_GE(cwnd_after_ack.size(), 4u);
  EXPECT_DOUBLE_EQ(cwnd_after_ack[0], 2.0);
  EXPECT_DOUBLE_EQ(cwnd_after_ack[1], 3.0);
  EXPECT_DOUBLE_EQ(cwnd_after_ack[2], 4.0);
  for (double c : cwnd_after_ack) EXPECT_LE(c, 4.0);  // R362
  EXPECT_EQ(ch.stats().retransmissions, 0u);
}

TEST(ControlChannel, R363_OnlyOneOutstandingUntilFirstAck) {
  ControlChannel ch;
  for (std::uint32_t i = 0; i < 10; ++i) ch.queue(encoded(i));
  EXPECT_EQ(drain(ch, at(0s)).size(), 1u);
  EXPECT_EQ(ch.in_flight(), 1u);
  EXPECT_EQ(ch.queued(), 9u);
  ch.handle_receive(zlb_from_peer(1), at(100ms));
  EXPECT_EQ(drain(ch, at(100ms)).size(), 2u);
  ch.handle_receive(zlb_from_peer(3), at(200ms));  // acks two: CWND 2 -> 4
  EXPECT_DOUBLE_EQ(ch.cwnd(), 4.0);
  EXPECT_EQ(drain(ch, at(200ms)).size(), 4u);
  EXPECT_TRUE(drain(ch, at(300ms)).empty());
}

TEST(ControlChannel, R081_R362_PeerWindowOfTwoRespected) {
  ControlChannel ch;
  ch.set_peer_window(2);
  EXPECT_EQ(ch.peer_window(), 2);
  EXPECT_EQ(ch.ssthresh(), 2);
  for (std::uint32_t i = 0; i < 10; ++i) ch.queue(encoded(i));
  Time now = at(0s);
  std::uint16_t nr = 0;
  std::size_t max_in_flight = 0;
  while (!ch.idle()) {
    nr = static_cast<std::uint16_t>(nr + drain(ch, now).size());
    max_in_flight = std::max(max_in_flight, ch.in_flight());
    EXPECT_LE(ch.cwnd(), 2.0);
    ch.handle_receive(zlb_from_peer(nr), now + 10ms);  // ack everything out
    now += 20ms;
  }
  EXPECT_EQ(max_in_flight, 2u);
  EXPECT_EQ(ch.stats().sent, 10u);
}

TEST(ControlChannel, R179_PeerWindowOfZeroTreatedAsOne) {
  ControlChannel ch;
  ch.set_peer_window(0);
  EXPECT_EQ(ch.peer_window(), 1);
  ch.queue(encoded(0));
  ch.queue(encoded(1));
  EXPECT_EQ(drain(ch, at(0s)).size(), 1u);
}

TEST(ControlChannel, R169_R171_R172_BackoffOneTwoFourEightEight) {
  ControlChannel ch;  // defaults: 1 s initial, 8 s cap, 5 retries
  ch.queue(encoded(0));
  ASSERT_EQ(drain(ch, at(0s)).size(), 1u);
  std::vector<Time> retx_times;
  while (auto t = ch.poll_timeout()) {
    EXPECT_TRUE(drain(ch, *t - 1ns).empty());  // an early call does nothing
    auto out = drain(ch, *t);
    if (out.empty()) break;
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(ns_of(out[0]), 0);
    retx_times.push_back(*t);
  }
  EXPECT_EQ(retx_times, (std::vector<Time>{at(1s), at(3s), at(7s), at(15s), at(23s)}));
  EXPECT_TRUE(ch.failed());
  EXPECT_EQ(ch.stats().retransmissions, 5u);
}

TEST(ControlChannel, R173_R174_FailedAfterMaxRetries) {
  ControlChannel ch;
  ch.queue(encoded(0));
  ch.queue(encoded(1));
  drain(ch, at(0s));
  for (auto t : {1s, 3s, 7s, 15s, 23s}) {
    EXPECT_EQ(drain(ch, at(t)).size(), 1u);
    EXPECT_FALSE(ch.failed());
  }
  EXPECT_EQ(*ch.poll_timeout(), at(31s));
  ch.handle_timeout(at(31s));
  EXPECT_TRUE(ch.failed());
  EXPECT_FALSE(ch.poll_timeout());
  // Nothing more goes out, not even an ack.
  ch.handle_receive(from_peer(0, 0), at(31s));
  Buffer b;
  EXPECT_FALSE(ch.poll_transmit(at(40s), b));
}

TEST(ControlChannel, R173_AckBeforeLimitPreventsFailure) {
  ControlChannel ch;
  ch.queue(encoded(0));
  drain(ch, at(0s));
  for (auto t : {1s, 3s, 7s, 15s, 23s}) EXPECT_EQ(drain(ch, at(t)).size(), 1u);
  ch.handle_receive(zlb_from_peer(1), at(30s));
  ch.handle_timeout(at(31s));
  EXPECT_FALSE(ch.failed());
  EXPECT_TRUE(ch.idle());
  EXPECT_FALSE(ch.poll_timeout());
}

TEST(ControlChannel, R173_CustomTimersAndRetriesHonoured) {
  ReliabilityConfig cfg;
  cfg.initial_rto = 500ms;
  cfg.max_rto = 3s;
  cfg.max_retries = 3;
  ControlChannel ch(cfg);
  ch.queue(encoded(0));
  drain(ch, at(0s));
  std::vector<Time> retx_times;
  while (auto t = ch.poll_timeout()) {
    auto out = drain(ch, *t);
    if (out.empty()) break;
    retx_times.push_back(*t);
  }
  // 0.5, then +1, +2, then +min(4, 3) to failure.
  EXPECT_EQ(retx_times, (std::vector<Time>{at(500ms), at(1500ms), at(3500ms)}));
  EXPECT_TRUE(ch.failed());
  EXPECT_EQ(ch.stats().retransmissions, 3u);

  ControlChannel zero({.max_retries = 0});
  zero.queue(encoded(0));
  drain(zero, at(0s));
  EXPECT_TRUE(drain(zero, at(1s)).empty());
  EXPECT_TRUE(zero.failed());
}

TEST(ControlChannel, R366_TimeoutRetransmitsOldestOnlyAndResetsCwnd) {
  ControlChannel ch;
  for (std::uint32_t i = 0; i < 8; ++i) ch.queue(encoded(i));
  drain(ch, at(0s));                              // Ns 0
  ch.handle_receive(zlb_from_peer(1), at(10ms));  // CWND 2
  drain(ch, at(10ms));                            // Ns 1, 2
  ch.handle_receive(zlb_from_peer(3), at(20ms));  // CWND 4
  EXPECT_EQ(drain(ch, at(20ms)).size(), 4u);      // Ns 3..6, deadlines 1.02 s
  EXPECT_EQ(ch.in_flight(), 4u);
  ASSERT_DOUBLE_EQ(ch.cwnd(), 4.0);

  auto out = drain(ch, at(1020ms));
  ASSERT_EQ(out.size(), 1u);  // the oldest only
  EXPECT_EQ(ns_of(out[0]), 3);
  EXPECT_DOUBLE_EQ(ch.cwnd(), 1.0);
  EXPECT_EQ(ch.ssthresh(), 2);
  EXPECT_EQ(*ch.poll_timeout(), at(3020ms));  // its backed-off deadline

  // The oldest is acknowledged: Ns 4 becomes the oldest, its own deadline long past, so it goes
  // at once, and CWND drops again; nothing new while 3 are outstanding.
  ch.handle_receive(zlb_from_peer(4), at(1100ms));
  EXPECT_DOUBLE_EQ(ch.cwnd(), 2.0);  // slow start below SSTHRESH 2
  out = drain(ch, at(1100ms));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ns_of(out[0]), 4);
  EXPECT_DOUBLE_EQ(ch.cwnd(), 1.0);
  EXPECT_EQ(ch.ssthresh(), 1);

  // Everything acknowledged: congestion avoidance (CWND >= SSTHRESH) adds 1/CWND per ACK.
  ch.handle_receive(zlb_from_peer(7), at(1200ms));
  EXPECT_DOUBLE_EQ(ch.cwnd(), 1.0 + 1.0 + 0.5 + 1.0 / 2.5);
  EXPECT_EQ(ch.in_flight(), 0u);
  out = drain(ch, at(1200ms));
  ASSERT_EQ(out.size(), 1u);  // Ns 7, the last one
  EXPECT_EQ(ns_of(out[0]), 7);
}

TEST(ControlChannel, R365_CongestionAvoidanceAboveSsthresh) {
  ControlChannel ch;
  ch.set_peer_window(8);
  for (std::uint32_t i = 0; i < 20; ++i) ch.queue(encoded(i));
  drain(ch, at(0s));
  drain(ch, at(1s));  // timeout: SSTHRESH = max(1/2, 1) = 1, CWND = 1
  EXPECT_EQ(ch.ssthresh(), 1);
  ch.handle_receive(zlb_from_peer(1), at(1100ms));
  EXPECT_DOUBLE_EQ(ch.cwnd(), 2.0);  // 1 >= SSTHRESH: +1/1
  drain(ch, at(1100ms));
  ch.handle_receive(zlb_from_peer(2), at(1200ms));
  EXPECT_DOUBLE_EQ(ch.cwnd(), 2.5);  // +1/2
}

TEST(ControlChannel, R164_R165_DuplicateAckedAtOnceNotDeliveredAgain) {
  ControlChannel ch;
  EXPECT_EQ(ch.handle_receive(from_peer(0, 0, 42), at(0s)), ReceiveOutcome::Delivered);
  EXPECT_EQ(delivered_tags(ch), (std::vector<std::uint32_t>{42}));
  EXPECT_EQ(drain(ch, at(100ms)).size(), 1u);  // the delayed ZLB

  // B.2: the ZLB was lost and the peer resends; we ack again at once and do not deliver.
  EXPECT_EQ(ch.handle_receive(from_peer(0, 0, 42), at(1s)), ReceiveOutcome::Duplicate);
  EXPECT_FALSE(ch.poll_delivery());
  auto out = drain(ch, at(1s));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(is_zlb(out[0]));
  EXPECT_EQ(nr_of(out[0]), 1);
  EXPECT_EQ(ch.stats().duplicates, 1u);
  EXPECT_EQ(ch.stats().received, 1u);
  EXPECT_EQ(ch.expected_ns(), Seq{1});
}

TEST(ControlChannel, R164_HalfSpaceBoundary) {
  ControlChannel ch;  // expecting Ns 0: the last received is "65535"
  // 65535 and the 32767 before it, i.e. 32768..65535, are duplicates.
  EXPECT_EQ(ch.handle_receive(from_peer(0x8000, 0), at(0s)), ReceiveOutcome::Duplicate);
  EXPECT_EQ(ch.handle_receive(from_peer(0xFFFF, 0), at(0s)), ReceiveOutcome::Duplicate);
  EXPECT_EQ(ch.handle_receive(from_peer(0x7FFF, 0), at(0s)), ReceiveOutcome::OutOfWindow);
  EXPECT_EQ(ch.stats().duplicates, 2u);
}

TEST(ControlChannel, R168_OutOfOrderHeldAndDeliveredInOrder) {
  ControlChannel ch;
  EXPECT_EQ(ch.handle_receive(from_peer(2, 0, 12), at(0s)), ReceiveOutcome::Held);
  EXPECT_EQ(ch.handle_receive(from_peer(1, 0, 11), at(0s)), ReceiveOutcome::Held);
  EXPECT_EQ(ch.handle_receive(from_peer(2, 0, 12), at(0s)), ReceiveOutcome::Duplicate);
  EXPECT_FALSE(ch.poll_delivery());
  auto out = drain(ch, at(0s));  // ack at once: we still expect Ns 0
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(nr_of(out[0]), 0);

  EXPECT_EQ(ch.handle_receive(from_peer(0, 0, 10), at(10ms)), ReceiveOutcome::Delivered);
  EXPECT_EQ(delivered_tags(ch), (std::vector<std::uint32_t>{10, 11, 12}));
  EXPECT_EQ(ch.expected_ns(), Seq{3});
  EXPECT_EQ(ch.stats().received, 3u);
  EXPECT_EQ(ch.stats().out_of_order, 2u);
  EXPECT_EQ(ch.stats().duplicates, 1u);
  EXPECT_EQ(*ch.poll_timeout(), at(110ms));
  out = drain(ch, at(110ms));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(nr_of(out[0]), 3);
}

TEST(ControlChannel, R168_OutOfWindowDropped) {
  ControlChannel ch;  // receive window 8: Ns 1..7 can be held while expecting 0
  EXPECT_EQ(ch.handle_receive(from_peer(8, 0), at(0s)), ReceiveOutcome::OutOfWindow);
  EXPECT_EQ(ch.stats().out_of_window, 1u);
  EXPECT_FALSE(ch.poll_timeout());
  EXPECT_EQ(ch.handle_receive(from_peer(7, 0, 7), at(0s)), ReceiveOutcome::Held);

  ControlChannel one({.receive_window = 1});  // no reordering at all
  EXPECT_EQ(one.handle_receive(from_peer(1, 0), at(0s)), ReceiveOutcome::OutOfWindow);
  EXPECT_EQ(one.handle_receive(from_peer(0, 0), at(0s)), ReceiveOutcome::Delivered);
}

TEST(ControlChannel, R167_NrAcknowledgingUnsentMessagesIgnored) {
  ControlChannel ch;
  ch.queue(encoded(0));
  ch.queue(encoded(1));
  ch.queue(encoded(2));
  drain(ch, at(0s));  // only Ns 0 is out
  ch.handle_receive(zlb_from_peer(2), at(10ms));
  EXPECT_EQ(ch.in_flight(), 1u);
  EXPECT_EQ(ch.stats().acked, 0u);
  EXPECT_EQ(ch.stats().nr_beyond_sent, 1u);
  EXPECT_DOUBLE_EQ(ch.cwnd(), 1.0);
  ch.handle_receive(zlb_from_peer(1), at(20ms));
  EXPECT_EQ(ch.in_flight(), 0u);
  EXPECT_EQ(ch.stats().acked, 1u);
  ch.handle_receive(zlb_from_peer(0), at(30ms));  // stale: nothing
  EXPECT_EQ(ch.stats().acked, 1u);
  EXPECT_EQ(ch.stats().nr_beyond_sent, 1u);
}

TEST(ControlChannel, R167_ZlbNsDoesNotAdvanceNr) {
  ControlChannel ch;
  EXPECT_EQ(ch.handle_receive(zlb_from_peer(0, 5), at(0s)), ReceiveOutcome::AckOnly);
  EXPECT_EQ(ch.expected_ns(), Seq{0});
  EXPECT_EQ(ch.stats().zlb_received, 1u);
  EXPECT_FALSE(ch.poll_timeout());  // a ZLB is not acknowledged
}

// Two channels joined by an in-memory link with 10 ms latency that drops every `drop_every`th
// datagram (0: none). Each side sends `count` tagged messages, keeping a few queued at a time.
struct Loopback {
  struct Datagram {
    Time arrival;
    int to;
    Buffer bytes;
  };

  ControlChannel side[2];
  std::uint32_t to_queue[2] = {0, 0};
  std::vector<std::uint32_t> got[2];
  std::deque<Datagram> link;
  std::uint64_t transmitted = 0, dropped = 0;
  int drop_every = 0;
  Time now{};

  void run(std::uint32_t count, std::size_t max_steps) {
    std::uint32_t queued[2] = {0, 0};
    Buffer b;
    for (std::size_t step = 0; step < max_steps; ++step) {
      while (!link.empty() && link.front().arrival <= now) {
        Datagram d = std::move(link.front());
        link.pop_front();
        auto msg = wire::decode_control(d.bytes);
        ASSERT_TRUE(msg);
        side[d.to].handle_receive(std::move(*msg), now);
        while (auto m = side[d.to].poll_delivery()) got[d.to].push_back(tag_of(*m));
      }
      for (int s = 0; s < 2; ++s) {
        ControlChannel& ch = side[s];
        while (queued[s] < count && ch.queued() < 4) ch.queue(encoded(queued[s]++));
        ch.handle_timeout(now);
        while (ch.poll_transmit(now, b)) {
          ASSERT_LE(ch.in_flight(), ch.peer_window());  // R081
          if (drop_every && ++transmitted % drop_every == 0) {
            ++dropped;
            continue;
          }
          link.push_back({now + 10ms, 1 - s, b});
        }
        ASSERT_FALSE(ch.failed());
      }
      if (queued[0] == count && queued[1] == count && side[0].idle() && side[1].idle() && link.empty())
        return;
      std::optional<Time> next;
      if (!link.empty()) next = link.front().arrival;
      for (const ControlChannel& ch : side)
        if (auto t = ch.poll_timeout()) next = next ? std::min(*next, *t) : *t;
      if (next && *next > now) now = *next;
    }
    FAIL() << "did not converge";
  }
};

void expect_in_order(const std::vector<std::uint32_t>& got, std::uint32_t count) {
  ASSERT_EQ(got.size(), count);
  for (std::uint32_t i = 0; i < count; ++i) ASSERT_EQ(got[i], i);
}

TEST(ControlChannel, R368_LossyLoopbackDeliversInOrderExactlyOnce) {
  Loopback net;
  net.drop_every = 3;
  net.run(200, 100000);
  expect_in_order(net.got[0], 200);
  expect_in_order(net.got[1], 200);
  EXPECT_GT(net.dropped, 0u);
  for (const ControlChannel& ch : net.side) {
    EXPECT_GT(ch.stats().retransmissions, 0u);
    EXPECT_EQ(ch.stats().sent, 200u);
    EXPECT_EQ(ch.stats().acked, 200u);
    EXPECT_EQ(ch.stats().received, 200u);
    EXPECT_EQ(ch.next_ns(), Seq{200});
    EXPECT_EQ(ch.expected_ns(), Seq{200});
  }
}

TEST(ControlChannel, R016_SequenceWrapsModulo65536) {
  Loopback net;
  net.run(70000, 2000000);
  expect_in_order(net.got[0], 70000);
  expect_in_order(net.got[1], 70000);
  for (const ControlChannel& ch : net.side) {
    EXPECT_EQ(ch.next_ns(), Seq{70000 % 65536});
    EXPECT_EQ(ch.expected_ns(), Seq{70000 % 65536});
    EXPECT_EQ(ch.stats().retransmissions, 0u);
    EXPECT_EQ(ch.stats().duplicates, 0u);
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::control
