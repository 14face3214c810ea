#include "peers/tun/tun_device.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace l2tp::peers {

namespace {

constexpr std::size_t kReadBuffer = 65536;  // the largest IPv4 datagram fits

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// The classic SIOCSIF* calls go through any AF_INET datagram socket.
class IfSocket {
 public:
  IfSocket() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
  ~IfSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  IfSocket(const IfSocket&) = delete;
  IfSocket& operator=(const IfSocket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

void set_addr(sockaddr* sa, const net::IpAddress& a) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  std::memcpy(&in.sin_addr, a.bytes.data(), 4);
  std::memcpy(sa, &in, sizeof in);  // sockaddr and sockaddr_in have the same size
}

ifreq request_for(const std::string& name) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), std::min(name.size(), std::size_t{IFNAMSIZ - 1}));
  return ifr;
}

bool has_net_admin() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  return (data[CAP_NET_ADMIN / 32].effective & (1U << (CAP_NET_ADMIN % 32))) != 0;
}

}  // namespace

Result<void, std::string> TunDevice::check_available() {
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    const bool missing = errno == ENOENT || errno == ENODEV || errno == ENXIO;
    return unexpected(
        errno_text("/dev/net/tun") +
        (missing ? " (no TUN support here: load the tun module, or give the container the device)" : ""));
  }
  ::close(fd);
  if (!has_net_admin())
    return unexpected(
        std::string("creating a TUN interface needs CAP_NET_ADMIN (run as root, or grant it with "
                    "setcap cap_net_admin+ep)"));
  return {};
}

Result<std::shared_ptr<TunDevice>, std::string> TunDevice::open(boost::asio::io_context& io,
                                                                const std::string& name) {
  // The kernel takes at most IFNAMSIZ - 1 characters and rejects '/', ':' and white space; a
  // truncated name would silently be another interface, so refuse it here.
  if (name.empty() || name.size() >= IFNAMSIZ)
    return unexpected("interface name '" + name + "' must be 1-" + std::to_string(IFNAMSIZ - 1) +
                      " characters");
  if (name.find_first_of("/: \t\n") != std::string::npos || name == "." || name == "..")
    return unexpected("'" + name + "' is not a valid interface name");
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return unexpected(errno_text("/dev/net/tun"));
  ifreq ifr = request_for(name);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;  // bare IP packets, no 4-byte packet-info header
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    std::string why = errno_text("TUNSETIFF " + name);
    if (e == EPERM) why += " (needs CAP_NET_ADMIN)";
    if (e == EBUSY) why += " (another program, or another session, has this interface)";
    if (e == EINVAL) why += " (an interface of this name exists and is not a TUN interface)";
    return unexpected(why);
  }
  return std::make_shared<TunDevice>(Private{}, io, fd, std::string(ifr.ifr_name));
}

TunDevice::TunDevice(Private, boost::asio::io_context& io, int fd, std::string name)
    : sd_(io, fd), name_(std::move(name)), buf_(kReadBuffer) {}

TunDevice::~TunDevice() {
  close();
}

void TunDevice::close() {
  boost::system::error_code ec;
  sd_.close(ec);
}

Result<void, std::string> TunDevice::configure(const net::IpAddress& local, const net::IpAddress& peer,
                                               unsigned mtu) {
  if (local.v6 || peer.v6) return unexpected(std::string("only IPv4 addresses are given to TUN interfaces"));
  IfSocket s;
  if (s.fd() < 0) return unexpected(errno_text("socket"));
  // A TUN interface is IFF_POINTOPOINT from birth, so SIOCSIFADDR gives a /32 and
  // SIOCSIFDSTADDR adds the route to the peer.
  ifreq ifr = request_for(name_);
  set_addr(&ifr.ifr_addr, local);
  if (::ioctl(s.fd(), SIOCSIFADDR, &ifr) < 0) return unexpected(errno_text("SIOCSIFADDR " + name_));
  ifr = request_for(name_);
  set_addr(&ifr.ifr_dstaddr, peer);
  if (::ioctl(s.fd(), SIOCSIFDSTADDR, &ifr) < 0) return unexpected(errno_text("SIOCSIFDSTADDR " + name_));
  ifr = request_for(name_);
  ifr.ifr_mtu = static_cast<int>(mtu);
  if (::ioctl(s.fd(), SIOCSIFMTU, &ifr) < 0)
    return unexpected(errno_text("SIOCSIFMTU " + name_ + " " + std::to_string(mtu)));
  ifr = request_for(name_);
  if (::ioctl(s.fd(), SIOCGIFFLAGS, &ifr) < 0) return unexpected(errno_text("SIOCGIFFLAGS " + name_));
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);  // RUNNING is the driver's to set
  if (::ioctl(s.fd(), SIOCSIFFLAGS, &ifr) < 0) return unexpected(errno_text("SIOCSIFFLAGS " + name_));
  return {};
}

void TunDevice::start(PacketHook hook) {
  hook_ = std::move(hook);
  read();
}

void TunDevice::read() {
  if (!sd_.is_open()) return;
  sd_.async_read_some(boost::asio::buffer(buf_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                        if (ec || !self->sd_.is_open()) return;  // closed (or the interface was deleted)
                        if (n > 0 && (self->buf_[0] >> 4) == 4) {
                          ++self->in_;
                          if (self->hook_) self->hook_(Bytes(self->buf_.data(), n));
                        } else {
                          ++self->dropped_;
                        }
                        self->read();  // a no-op when the hook closed the device
                      });
}

void TunDevice::write(Bytes packet) {
  // One write() is one packet on a TUN descriptor; it never blocks for long (the kernel queues
  // or drops it), so the io thread writes directly.
  if (!sd_.is_open()) {
    ++dropped_;
    return;
  }
  if (::write(sd_.native_handle(), packet.data(), packet.size()) == static_cast<ssize_t>(packet.size()))
    ++out_;
  else
    ++dropped_;
}

}  // namespace l2tp::peers
