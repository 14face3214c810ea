// A Linux TUN interface bound to one PPP session, so real programs (ping, curl) can use it:
// IPv4 packets the kernel routes into the interface go out over the session, and packets the
// session delivers are written back to the kernel. The interface gets the session's IPCP
// addresses (point-to-point) once the link is up, and disappears when the device is closed
// (it is never made persistent).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/net/address.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::peers {

// Shared ownership: a read in progress keeps the device alive, so the hook may close it (the
// session went down while its packet was being sent) without pulling the object from under the
// read handler.
class TunDevice : public std::enable_shared_from_this<TunDevice> {
 public:
  using PacketHook = std::function<void(Bytes)>;

  // Whether this process can make TUN interfaces at all: /dev/net/tun opens and CAP_NET_ADMIN
  // is in the effective set. The error says which is missing.
  static Result<void, std::string> check_available();
  // Creates the interface `name` (e.g. "l2tp0"), or attaches to a persistent TUN interface of
  // that name; needs CAP_NET_ADMIN.
  static Result<std::shared_ptr<TunDevice>, std::string> open(boost::asio::io_context& io,
                                                              const std::string& name);
  ~TunDevice();
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;

  // Gives the interface `local` with `peer` as the point-to-point partner (a /32 route to it),
  // sets the MTU and brings the interface up. IPv4 only.
  Result<void, std::string> configure(const net::IpAddress& local, const net::IpAddress& peer, unsigned mtu);
  // Starts reading: every IPv4 packet from the kernel goes to `hook` (other packets, such as
  // the kernel's IPv6 router solicitations, are dropped and counted).
  void start(PacketHook hook);
  // A packet from the session, for the kernel. A packet the kernel refuses is dropped, as a
  // link would drop it.
  void write(Bytes packet);
  // Closes the descriptor now: the interface goes away. Reads stop; writes are dropped.
  void close();

  const std::string& name() const { return name_; }
  bool is_open() const { return sd_.is_open(); }
  std::uint64_t packets_in() const { return in_; }    // IPv4 packets read and handed on
  std::uint64_t packets_out() const { return out_; }  // packets written to the kernel
  std::uint64_t dropped() const { return dropped_; }  // non-IPv4 reads and refused writes

 private:
  struct Private {};

 public:
  // Only open() makes one (std::make_shared needs a public constructor).
  TunDevice(Private, boost::asio::io_context& io, int fd, std::string name);

 private:
  void read();

  boost::asio::posix::stream_descriptor sd_;
  std::string name_;
  PacketHook hook_;
  Buffer buf_;
  std::uint64_t in_ = 0, out_ = 0, dropped_ = 0;
};

}  // namespace l2tp::peers
