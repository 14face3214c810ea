// A device under test that crashes: a UDP relay in front of a real LNS (l2tpsim's own) that
// forwards every datagram both ways and exits at once, without a word on the wire, when the
// tester sends a control message of a chosen Message Type. The conformance runner must then
// name the case that killed it, mark the later cases not run, and with --dut-restart go on.
//
//   crashing_relay --listen 127.0.0.60:PORT --to 127.0.0.61:PORT --crash-on 10 [--pidfile F]
//
// Loopback only. One upstream socket per tester address and port, so replies find their way.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

sockaddr_in parse(const std::string& s) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || ::inet_pton(AF_INET, s.substr(0, colon).c_str(), &a.sin_addr) != 1) {
    std::fprintf(stderr, "crashing_relay: bad address %s\n", s.c_str());
    std::exit(2);
  }
  a.sin_port = htons(static_cast<std::uint16_t>(std::atoi(s.c_str() + colon + 1)));
  return a;
}

// The Message Type of an L2TPv2 control message (T=1, L=1, S=1 and the Message Type AVP first),
// or -1.
int message_type(const unsigned char* b, ssize_t n) {
  if (n < 20 || !(b[0] & 0x80) || (b[1] & 0x0f) != 2) return -1;
  if (b[16] != 0 || b[17] != 0) return -1;  // the first AVP is Message Type (vendor 0, type 0)
  return (b[18] << 8) | b[19];
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen, to, pidfile;
  int crash_on = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--listen")
      listen = v;
    else if (k == "--to")
      to = v;
    else if (k == "--crash-on")
      crash_on = std::atoi(v.c_str());
    else if (k == "--pidfile")
      pidfile = v;
  }
  if (listen.empty() || to.empty() || crash_on < 0) {
    std::fprintf(stderr, "usage: crashing_relay --listen A:P --to A:P --crash-on TYPE [--pidfile F]\n");
    return 2;
  }
  const sockaddr_in here = parse(listen), there = parse(to);
  const int front = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(front, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(front, reinterpret_cast<const sockaddr*>(&here), sizeof here) != 0) {
    std::perror("crashing_relay: bind");
    return 2;
  }
  if (!pidfile.empty()) std::ofstream(pidfile) << ::getpid() << "\n";
  std::map<std::pair<std::uint32_t, std::uint16_t>, int> upstream;  // tester endpoint -> socket
  std::map<int, sockaddr_in> tester_of;
  unsigned char buf[65536];
  for (;;) {
    std::vector<pollfd> fds{{front, POLLIN, 0}};
    for (const auto& [fd, _] : tester_of) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents & POLLIN) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n = ::recvfrom(front, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n > 0) {
        if (message_type(buf, n) == crash_on) {
          std::fprintf(stderr, "crashing_relay: message type %d: crashing\n", crash_on);
          ::_exit(3);
        }
        const auto key = std::make_pair(from.sin_addr.s_addr, from.sin_port);
        auto it = upstream.find(key);
        if (it == upstream.end()) {
          const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
          sockaddr_in any{};
          any.sin_family = AF_INET;
          any.sin_addr = there.sin_addr;  // same loopback address family; the kernel picks the port
          any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
          ::bind(fd, reinterpret_cast<const sockaddr*>(&any), sizeof any);
          it = upstream.emplace(key, fd).first;
          tester_of[fd] = from;
        }
        ::sendto(it->second, buf, static_cast<std::size_t>(n), 0, reinterpret_cast<const sockaddr*>(&there),
                 sizeof there);
      }
    }
    for (std::size_t k = 1; k < fds.size(); ++k) {
      if (!(fds[k].revents & POLLIN)) continue;
      const ssize_t n = ::recv(fds[k].fd, buf, sizeof buf, 0);
      if (n <= 0) continue;
      const sockaddr_in& t = tester_of[fds[k].fd];
      ::sendto(front, buf, static_cast<std::size_t>(n), 0, reinterpret_cast<const sockaddr*>(&t), sizeof t);
    }
  }
}
