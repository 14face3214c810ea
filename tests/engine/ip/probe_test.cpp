#include "engine/ip/probe.hpp"

#include <gtest/gtest.h>

namespace l2tp::ip {
namespace L2TPSIM_FILE_ID {

constexpr Ipv4 kClient = 0x0a000064, kServer = 0x0a000001;

Time at_ms(int ms) {
  return time_from_ns(std::int64_t{ms} * 1'000'000);
}

TEST(ProbeTest, IcmpEchoAnsweredByResponderGivesRtt) {
  Probe p(ProbeConfig{}, kClient, kServer, 5, at_ms(0));
  Buffer req, rep;
  ASSERT_TRUE(p.poll_send(at_ms(0), req));
  EXPECT_FALSE(p.poll_send(at_ms(10), req));  // next one is due after the interval
  ASSERT_TRUE(answer_echo(req, kServer, 7, rep));
  EXPECT_TRUE(p.handle_packet(rep, at_ms(12)));
  EXPECT_EQ(p.stats().sent, 1u);
  EXPECT_EQ(p.stats().received, 1u);
  EXPECT_DOUBLE_EQ(p.stats().rtt_avg_ms(), 12.0);
  EXPECT_EQ(*p.next_send(), at_ms(1000));
}

TEST(ProbeTest, UdpEchoAnswered) {
  ProbeConfig cfg;
  cfg.kind = ProbeKind::Udp;
  Probe p(cfg, kClient, kServer, 9, at_ms(0));
  Buffer req, rep;
  ASSERT_TRUE(p.poll_send(at_ms(0), req));
  ASSERT_TRUE(answer_echo(req, kServer, 7, rep));
  EXPECT_TRUE(p.handle_packet(rep, at_ms(3)));
  EXPECT_EQ(p.stats().received, 1u);
}

TEST(ProbeTest, ResponderIgnoresOtherDestinationsAndReplies) {
  Probe p(ProbeConfig{}, kClient, kServer, 5, at_ms(0));
  Buffer req, rep, rep2;
  ASSERT_TRUE(p.poll_send(at_ms(0), req));
  EXPECT_FALSE(answer_echo(req, kServer + 1, 7, rep));
  ASSERT_TRUE(answer_echo(req, kServer, 7, rep));
  EXPECT_FALSE(answer_echo(rep, kClient, 7, rep2));  // a reply is not answered
}

TEST(ProbeTest, LossReorderAndDuplicates) {
  ProbeConfig cfg;
  cfg.interval = std::chrono::milliseconds(100);
  cfg.loss_after = std::chrono::milliseconds(1000);
  Probe p(cfg, kClient, kServer, 1, at_ms(0));
  std::vector<Buffer> replies;
  for (int i = 0; i < 4; ++i) {
    Buffer req, rep;
    ASSERT_TRUE(p.poll_send(at_ms(i * 100), req));
    ASSERT_TRUE(answer_echo(req, kServer, 7, rep));
    replies.push_back(rep);
  }
  // Reply 1 is lost; 3 arrives before 2; 0 arrives twice.
  EXPECT_TRUE(p.handle_packet(replies[0], at_ms(350)));
  EXPECT_TRUE(p.handle_packet(replies[3], at_ms(360)));
  EXPECT_TRUE(p.handle_packet(replies[2], at_ms(370)));
  EXPECT_TRUE(p.handle_packet(replies[0], at_ms(380)));
  p.expire(at_ms(1150));  // reply 1 was sent at 100 ms
  EXPECT_EQ(p.stats().lost, 1u);
  EXPECT_EQ(p.stats().received, 3u);
  EXPECT_EQ(p.stats().reordered, 1u);
  EXPECT_EQ(p.stats().duplicates, 1u);
}

TEST(ProbeTest, CountLimitAndFinalExpiry) {
  ProbeConfig cfg;
  cfg.count = 2;
  Probe p(cfg, kClient, kServer, 1, at_ms(0));
  Buffer req;
  EXPECT_TRUE(p.poll_send(at_ms(0), req));
  EXPECT_TRUE(p.poll_send(at_ms(1000), req));
  EXPECT_FALSE(p.poll_send(at_ms(2000), req));
  EXPECT_TRUE(p.done());
  p.expire(at_ms(2000), true);
  EXPECT_EQ(p.stats().lost, 2u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ip
