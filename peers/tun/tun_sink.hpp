// The run's TUN interfaces (--tun): the PacketSink the PPP layer hands sessions' IP traffic to.
// When a link's IPCP comes up it gets an interface named from a pattern, configured with the
// link's addresses and MTU; packets the session delivers are written to it, packets the kernel
// routes into it go back into the session; when the link ends the interface goes away.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/driver/ppp_layer.hpp"
#include "peers/tun/tun_device.hpp"

namespace l2tp::peers {

// The interface name for a link: {n} is the 1-based order in which links came up, {tunnel}
// and {session} our tunnel and session IDs.
std::string expand_tun_name(const std::string& pattern, std::uint64_t n, LinkKey key);
// False for one fixed name, which only one link at a time can hold.
bool tun_pattern_has_placeholder(const std::string& pattern);
// Whether `pattern` can name interfaces at all: non-empty, no placeholder other than {n},
// {tunnel} and {session}, no '%', '/', ':' or white space, and short enough for the kernel
// (15 characters) with the shortest values its placeholders take. For the command line.
Result<void, std::string> check_tun_pattern(const std::string& pattern);

class TunSink final : public PacketSink {
 public:
  // How a packet read from link `key`'s interface enters the run: the runner sends it through
  // the shard (act) to PppLayer::send_ip. Called from the io_context, never from a drain.
  using Deliver = std::function<void(LinkKey, Bytes)>;

  // `err` gets one line per interface attached and per failure, each starting with `prefix`.
  TunSink(boost::asio::io_context& io, std::string pattern, Deliver deliver, std::ostream& err,
          std::string prefix);
  ~TunSink() override;
  TunSink(const TunSink&) = delete;
  TunSink& operator=(const TunSink&) = delete;

  // A link's IPCP is up: open and configure its interface. A failure (name in use, no
  // permission) is reported on `err`, and the session runs on without an interface. With a
  // fixed name, a link that comes up while another holds the interface is not attached.
  void link_up(LinkKey key, const ppp::LinkUp& up) override;
  void packet(LinkKey key, Bytes ip_packet) override;
  void link_down(LinkKey key) override;

  // The interface of link `key`, if it has one.
  const TunDevice* device(LinkKey key) const;
  std::size_t attached() const { return devices_.size(); }

 private:
  boost::asio::io_context& io_;
  std::string pattern_;
  bool fixed_name_;
  Deliver deliver_;
  std::ostream& err_;
  std::string prefix_;
  std::uint64_t links_up_ = 0;
  bool told_fixed_ = false;
  std::map<std::uint32_t, std::shared_ptr<TunDevice>> devices_;  // by LinkKey::value()
};

}  // namespace l2tp::peers
