// peers/batch_io: recvmmsg/sendmmsg on real loopback sockets. Order, contents and senders
// survive a batch; a datagram the kernel refuses is reported and the rest still go; socket
// addresses convert both ways for IPv4 and IPv6.
#include "peers/batch_io.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <unistd.h>

#include <vector>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

// A UDP socket bound to an ephemeral port on `addr`; closed with the object.
struct UdpSocket {
  explicit UdpSocket(const net::IpAddress& addr) {
    fd = ::socket(addr.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    const SockAddr a = to_sockaddr(net::Endpoint{addr, 0});
    ok = fd >= 0 && ::bind(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) == 0;
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ok = ok && ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) == 0;
    local = from_sockaddr(bound);
  }
  ~UdpSocket() {
    if (fd >= 0) ::close(fd);
  }
  int fd = -1;
  bool ok = false;
  net::Endpoint local;
};

Buffer payload(std::size_t i) {
  Buffer b(1 + i % 300, static_cast<std::uint8_t>(i));
  b[0] = static_cast<std::uint8_t>(i >> 8);
  return b;
}

TEST(BatchIo, SocketAddressesConvertBothWays) {
  net::IpAddress v6;
  ASSERT_TRUE(net::IpAddress::parse("2001:db8::7", v6));
  for (const net::Endpoint e :
       {net::Endpoint{net::IpAddress::v4(127, 0, 0, 9), 1701}, net::Endpoint{v6, 65535}})
    EXPECT_EQ(from_sockaddr(to_sockaddr(e).storage), e) << e.to_string();
  // An IPv4 peer seen on a dual-stack socket is an IPv4 address.
  sockaddr_storage mapped{};
  auto* s = reinterpret_cast<sockaddr_in6*>(&mapped);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(1701);
  const std::uint8_t bytes[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 5};
  std::copy(bytes, bytes + 16, reinterpret_cast<std::uint8_t*>(&s->sin6_addr));
  EXPECT_EQ(from_sockaddr(mapped), (net::Endpoint{net::IpAddress::v4(127, 0, 0, 5), 1701}));
}

TEST(BatchIo, AHundredDatagramsArriveInOrderWithTheirSenderAcrossBatches) {
  UdpSocket a(net::IpAddress::v4(127, 0, 0, 1)), b(net::IpAddress::v4(127, 0, 0, 1));
  ASSERT_TRUE(a.ok && b.ok);
  SendQueue q;
  for (std::size_t i = 0; i < 100; ++i) q.push(a.fd, a.local, b.local, payload(i), Time{});
  std::vector<Buffer> reported;
  q.flush([&](const SendQueue::Queued& item, Bytes bytes, bool sent) {
    EXPECT_TRUE(sent);
    EXPECT_EQ(item.to, b.local);
    reported.emplace_back(bytes.begin(), bytes.end());
  });
  ASSERT_EQ(reported.size(), 100u);
  EXPECT_TRUE(q.empty());

  ReceiveBatch rx;
  std::vector<Buffer> got;
  for (int round = 0; round < 10 && got.size() < 100; ++round) {
    const int n = rx.receive(b.fd, 1000);
    ASSERT_GE(n, 0);
    EXPECT_LE(static_cast<std::size_t>(n), ReceiveBatch::kSlots);
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(rx.sender(static_cast<std::size_t>(i)), a.local);
      const Bytes d = rx.datagram(static_cast<std::size_t>(i));
      got.emplace_back(d.begin(), d.end());
    }
  }
  ASSERT_EQ(got.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(got[i], payload(i)) << i;
    EXPECT_EQ(reported[i], payload(i)) << i;
  }
  EXPECT_EQ(rx.receive(b.fd, 32), 0) << "nothing left: 0, not an error";
}

TEST(BatchIo, ARefusedDatagramIsReportedAndTheOthersStillGo) {
  UdpSocket a(net::IpAddress::v4(127, 0, 0, 1)), b(net::IpAddress::v4(127, 0, 0, 1));
  ASSERT_TRUE(a.ok && b.ok);
  net::IpAddress v6;
  ASSERT_TRUE(net::IpAddress::parse("::1", v6));
  SendQueue q;
  q.push(a.fd, a.local, b.local, payload(1), Time{});
  q.push(a.fd, a.local, net::Endpoint{v6, b.local.port}, payload(2), Time{});  // an IPv4 socket
  q.push(a.fd, a.local, b.local, payload(3), Time{});
  std::vector<bool> outcome;
  q.flush([&](const SendQueue::Queued&, Bytes, bool sent) { outcome.push_back(sent); });
  EXPECT_EQ(outcome, (std::vector<bool>{true, false, true}));
  ReceiveBatch rx;
  ASSERT_EQ(rx.receive(b.fd, 32), 2);
  EXPECT_EQ(Buffer(rx.datagram(1).begin(), rx.datagram(1).end()), payload(3));
}

TEST(BatchIo, WhatIsQueuedDuringAFlushWaitsForTheNext) {
  UdpSocket a(net::IpAddress::v4(127, 0, 0, 1)), b(net::IpAddress::v4(127, 0, 0, 1));
  ASSERT_TRUE(a.ok && b.ok);
  SendQueue q;
  q.push(a.fd, a.local, b.local, payload(1), Time{});
  int calls = 0;
  q.flush([&](const SendQueue::Queued&, Bytes, bool) {
    ++calls;
    q.push(a.fd, a.local, b.local, payload(2), Time{});  // a tap that injects
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(q.size(), 1u);
  q.flush([&](const SendQueue::Queued&, Bytes, bool) { ++calls; });
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(q.empty());
}

TEST(BatchIo, OneCallPerSocketEachInTheOrderQueued) {
  // A drain interleaves the tunnels of several local addresses.
  UdpSocket a(net::IpAddress::v4(127, 0, 0, 1)), c(net::IpAddress::v4(127, 0, 0, 1)),
      b(net::IpAddress::v4(127, 0, 0, 1));
  ASSERT_TRUE(a.ok && b.ok && c.ok);
  SendQueue q;
  for (std::size_t i = 0; i < 10; ++i) {
    const UdpSocket& from = i % 3 == 1 ? c : a;
    q.push(from.fd, from.local, b.local, payload(i), Time{});
  }
  std::vector<std::size_t> reported;
  q.flush([&](const SendQueue::Queued& item, Bytes bytes, bool sent) {
    EXPECT_TRUE(sent);
    EXPECT_EQ(item.fd == c.fd, bytes.back() % 3 == 1);
    reported.push_back(bytes.back());
  });
  EXPECT_EQ(q.calls(), 2u) << "one sendmmsg per socket, not one per run";
  EXPECT_EQ(reported, (std::vector<std::size_t>{0, 2, 3, 5, 6, 8, 9, 1, 4, 7}));
  ReceiveBatch rx;
  ASSERT_EQ(rx.receive(b.fd, 32), 10);
  std::vector<std::size_t> from_c;
  for (std::size_t i = 0; i < 10; ++i)
    if (rx.sender(i) == c.local) from_c.push_back(rx.datagram(i).back());
  EXPECT_EQ(from_c, (std::vector<std::size_t>{1, 4, 7})) << "each socket's datagrams in order";
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
