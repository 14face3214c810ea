#include "peers/batch_io.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace l2tp::peers {

SockAddr to_sockaddr(const net::Endpoint& e) {
  SockAddr out;
  if (e.addr.v6) {
    auto* s = reinterpret_cast<sockaddr_in6*>(&out.storage);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(e.port);
    std::memcpy(&s->sin6_addr, e.addr.bytes.data(), 16);
    out.length = sizeof(sockaddr_in6);
  } else {
    auto* s = reinterpret_cast<sockaddr_in*>(&out.storage);
    s->sin_family = AF_INET;
    s->sin_port = htons(e.port);
    std::memcpy(&s->sin_addr, e.addr.bytes.data(), 4);
    out.length = sizeof(sockaddr_in);
  }
  return out;
}

net::Endpoint from_sockaddr(const sockaddr_storage& storage) {
  net::Endpoint out;
  if (storage.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&storage);
    const auto* b = reinterpret_cast<const std::uint8_t*>(&s->sin6_addr);
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMapped, 12) == 0) {
      std::copy(b + 12, b + 16, out.addr.bytes.begin());  // an IPv4 peer on a dual socket
    } else {
      out.addr.v6 = true;
      std::copy(b, b + 16, out.addr.bytes.begin());
    }
    out.port = ntohs(s->sin6_port);
  } else if (storage.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&storage);
    std::memcpy(out.addr.bytes.data(), &s->sin_addr, 4);
    out.port = ntohs(s->sin_port);
  }
  return out;
}

ReceiveBatch::ReceiveBatch()
    : arena_(std::make_unique_for_overwrite<std::uint8_t[]>(kSlots * kSlotSize)),
      senders_(kSlots),
      lengths_(kSlots),
      iov_(kSlots),
      headers_(kSlots) {
  for (std::size_t i = 0; i < kSlots; ++i) {
    iov_[i] = iovec{slot(i), kSlotSize};
    headers_[i].msg_hdr.msg_iov = &iov_[i];
    headers_[i].msg_hdr.msg_iovlen = 1;
  }
}

int ReceiveBatch::receive(int fd, std::size_t max) {
  const auto n = static_cast<unsigned>(std::min(max, kSlots));
  for (unsigned i = 0; i < n; ++i) {
    msghdr& h = headers_[i].msg_hdr;
    h.msg_name = &senders_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_control = nullptr;
    h.msg_controllen = 0;
    h.msg_flags = 0;
  }
  int got;
  do {
    got = ::recvmmsg(fd, headers_.data(), n, MSG_DONTWAIT, nullptr);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  for (int i = 0; i < got; ++i) lengths_[i] = headers_[i].msg_len;
  return got;
}

void SendQueue::push(int fd, const net::Endpoint& from, const net::Endpoint& to, Bytes bytes, Time now) {
  Item item{Queued{fd, from, to, now}, to_sockaddr(to), bytes_.size(), bytes.size()};
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  items_.push_back(std::move(item));
}

void SendQueue::flush(const Done& done) {
  // The kernel takes at most UIO_MAXIOV (1024) messages per call.
  constexpr std::size_t kMaxPerCall = 1024;
  // What `done` queues (a tap that injects) waits for the next flush.
  std::swap(items_, sending_);
  std::swap(bytes_, sending_bytes_);
  const std::size_t count = sending_.size();
  // Grouped by socket (a drain has a handful at most), each group in the order queued.
  fds_.clear();
  for (const Item& it : sending_)
    if (std::find(fds_.begin(), fds_.end(), it.q.fd) == fds_.end()) fds_.push_back(it.q.fd);
  order_.clear();
  for (const int fd : fds_)
    for (std::size_t i = 0; i < count; ++i)
      if (sending_[i].q.fd == fd) order_.push_back(static_cast<std::uint32_t>(i));
  iov_.resize(count);
  headers_.resize(count);
  for (std::size_t p = 0; p < count; ++p) {
    Item& it = sending_[order_[p]];
    iov_[p] = iovec{sending_bytes_.data() + it.offset, it.size};
    msghdr& h = headers_[p].msg_hdr;
    h = msghdr{};
    h.msg_name = &it.to.storage;
    h.msg_namelen = it.to.length;
    h.msg_iov = &iov_[p];
    h.msg_iovlen = 1;
  }
  const auto report = [&](std::size_t p, bool sent) {
    const Item& it = sending_[order_[p]];
    done(it.q, Bytes(sending_bytes_.data() + it.offset, it.size), sent);
  };
  std::size_t p = 0;
  while (p < count) {
    const int fd = sending_[order_[p]].q.fd;
    std::size_t run = p + 1;
    while (run < count && sending_[order_[run]].q.fd == fd && run - p < kMaxPerCall) ++run;
    ++calls_;
    const int sent = ::sendmmsg(fd, headers_.data() + p, static_cast<unsigned>(run - p), 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      // The first datagram of the run was refused (a full buffer, no route): reported and
      // skipped. After a partial send the refusal shows on the next call, as here.
      report(p++, false);
      continue;
    }
    for (int k = 0; k < sent; ++k) report(p++, true);
  }
  sending_.clear();
  sending_bytes_.clear();
}

void SendQueue::clear() {
  items_.clear();
  bytes_.clear();
}

}  // namespace l2tp::peers
