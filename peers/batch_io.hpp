// Batched UDP socket I/O (Linux recvmmsg/sendmmsg): under load a shard's wake-up reads many
// datagrams with one system call, and a drain's output leaves with one system call per run of
// datagrams on the same socket. On this class of machine a system call costs about as much as
// the engine's whole work on a datagram, so this halves the CPU a session costs a load run. At
// low rates batches are of one, which costs what recvfrom/sendto did.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::peers {

// A socket address for sendmsg, and back.
struct SockAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
};
SockAddr to_sockaddr(const net::Endpoint& e);
net::Endpoint from_sockaddr(const sockaddr_storage& s);

// Datagrams read from one socket at a time into a reused arena: slot i holds datagram i of the
// last receive(). Slots are the largest UDP payload, so nothing is ever cut; only the pages a
// datagram touches become resident.
class ReceiveBatch {
 public:
  static constexpr std::size_t kSlots = 32;
  static constexpr std::size_t kSlotSize = 65536;

  ReceiveBatch();
  // Reads up to min(max, kSlots) datagrams without blocking. Returns how many (0: none
  // waiting), or -errno on an error (ECONNREFUSED after an ICMP port unreachable, ...).
  int receive(int fd, std::size_t max);
  Bytes datagram(std::size_t i) const { return Bytes(slot(i), lengths_[i]); }
  net::Endpoint sender(std::size_t i) const { return from_sockaddr(senders_[i]); }

 private:
  std::uint8_t* slot(std::size_t i) const { return arena_.get() + i * kSlotSize; }

  std::unique_ptr<std::uint8_t[]> arena_;
  std::vector<sockaddr_storage> senders_;
  std::vector<std::uint32_t> lengths_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> headers_;
};

// Datagrams a drain sends, kept in order and handed to the kernel together by flush().
class SendQueue {
 public:
  struct Queued {
    int fd = -1;
    net::Endpoint from, to;
    Time queued{};
  };
  // Told of every datagram flush() handed over, in the order sent: whether the kernel took it.
  using Done = std::function<void(const Queued&, Bytes bytes, bool sent)>;

  void push(int fd, const net::Endpoint& from, const net::Endpoint& to, Bytes bytes, Time now);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  // One sendmmsg per socket (a refused datagram is reported and skipped; the rest still go):
  // each socket's datagrams in the order queued, socket after socket by first use. A drain
  // interleaves the tunnels of several local addresses; one call per run of the same socket
  // made three or four calls where one per socket does. Takes what was queued when it started;
  // what `done` pushes stays for the next flush.
  void flush(const Done& done);
  // sendmmsg calls made so far (the benchmark's and the tests' view of the batching).
  std::uint64_t calls() const { return calls_; }
  // Forgets what is queued (the sockets are closing).
  void clear();

 private:
  struct Item {
    Queued q;
    SockAddr to;
    std::size_t offset = 0, size = 0;
  };
  std::vector<Item> items_, sending_;
  std::vector<std::uint8_t> bytes_, sending_bytes_;
  std::vector<std::uint32_t> order_;  // indices into sending_, grouped by socket
  std::vector<int> fds_;              // the sockets of one flush, by first use
  std::uint64_t calls_ = 0;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> headers_;
};

}  // namespace l2tp::peers
