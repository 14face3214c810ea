// A flood of SCCRQs for overload tests of an LNS: --rate well-formed SCCRQs per second for
// --duration seconds, from --sockets source ports on each --from address, each SCCRQ a new
// peer (its own source port and Assigned Tunnel ID pair). By default every SCCRP is
// acknowledged with a ZLB (the LNS's tunnel then waits in wait-ctl-conn for an SCCCN that never
// comes); with --silent nothing is answered, so the LNS keeps retransmitting its SCCRPs.
//
//   sccrq_flood --to 127.0.22.1:1701 --from 127.0.22.50 [--from ...] --rate 15000 --duration 8
//               [--sockets 256] [--silent] [--pidfile F]
//
// Loopback only: any --to or --from outside 127.0.0.0/8 is refused. Prints what it sent and
// the rate it achieved on stdout at the end (or at SIGINT/SIGTERM).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

volatile std::sig_atomic_t g_stop = 0;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "sccrq_flood: %s\n", what.c_str());
  std::exit(2);
}

bool loopback(const in_addr& a) {
  return (ntohl(a.s_addr) >> 24) == 127;
}

sockaddr_in parse(const std::string& s, bool port_required) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  const auto colon = s.rfind(':');
  const std::string host = colon == std::string::npos ? s : s.substr(0, colon);
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) die("not an IPv4 address: " + s);
  if (!loopback(a.sin_addr)) die("refusing " + s + ": only loopback (127.0.0.0/8) destinations and sources");
  if (colon != std::string::npos)
    a.sin_port = htons(static_cast<std::uint16_t>(std::atoi(s.c_str() + colon + 1)));
  else if (port_required)
    a.sin_port = htons(1701);
  return a;
}

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

// One mandatory AVP (vendor 0) with a raw value.
void avp(std::vector<std::uint8_t>& b, std::uint16_t type, const std::vector<std::uint8_t>& value) {
  put16(b, static_cast<std::uint16_t>(0x8000 | (6 + value.size())));
  put16(b, 0);
  put16(b, type);
  b.insert(b.end(), value.begin(), value.end());
}

// An SCCRQ (RFC 2661 6.1): Message Type, Protocol Version, Host Name, Framing Capabilities and
// Assigned Tunnel ID; Tunnel ID 0, Ns 0, Nr 0.
std::vector<std::uint8_t> sccrq(std::uint16_t assigned) {
  std::vector<std::uint8_t> b{0xC8, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  avp(b, 0, {0, 1});
  avp(b, 2, {1, 0});
  const std::string host = "sccrq-flood";
  avp(b, 7, std::vector<std::uint8_t>(host.begin(), host.end()));
  avp(b, 3, {0, 0, 0, 3});
  avp(b, 9, {static_cast<std::uint8_t>(assigned >> 8), static_cast<std::uint8_t>(assigned & 0xFF)});
  b[2] = static_cast<std::uint8_t>(b.size() >> 8);
  b[3] = static_cast<std::uint8_t>(b.size() & 0xFF);
  return b;
}

std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

// For an SCCRP (T, L, S set, Message Type 2): the ZLB that acknowledges it, to the Assigned
// Tunnel ID it names. Empty for anything else.
std::vector<std::uint8_t> zlb_for(const std::uint8_t* b, std::size_t n) {
  if (n < 20 || (b[0] & 0xC8) != 0xC8 || (b[1] & 0x0F) != 2 || (b[0] & 0x02)) return {};
  const std::size_t len = std::min<std::size_t>(get16(b + 2), n);
  std::uint16_t peer_tunnel = 0;
  bool is_sccrp = false;
  for (std::size_t at = 12; at + 6 <= len;) {
    const std::size_t alen = get16(b + at) & 0x03FF;
    if (alen < 6 || at + alen > len) break;
    const std::uint16_t vendor = get16(b + at + 2), type = get16(b + at + 4);
    if (vendor == 0 && type == 0 && alen == 8) is_sccrp = get16(b + at + 6) == 2;
    if (vendor == 0 && type == 9 && alen == 8) peer_tunnel = get16(b + at + 6);
    at += alen;
  }
  if (!is_sccrp || peer_tunnel == 0) return {};
  const std::uint16_t ns = get16(b + 8);
  const std::uint16_t nr = static_cast<std::uint16_t>(ns + 1);
  return {
      0xC8, 0x02, 0, 12, static_cast<std::uint8_t>(peer_tunnel >> 8), static_cast<std::uint8_t>(peer_tunnel),
      0,    0,    0, 1,  static_cast<std::uint8_t>(nr >> 8),          static_cast<std::uint8_t>(nr)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string to_text, pidfile;
  std::vector<std::string> from_text;
  double rate = 1000, duration = 5;
  int sockets_per_address = 256;
  bool silent = false;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--silent") {
      silent = true;
      continue;
    }
    if (i + 1 >= argc) die("missing value for " + k);
    const std::string v = argv[++i];
    if (k == "--to")
      to_text = v;
    else if (k == "--from")
      from_text.push_back(v);
    else if (k == "--rate")
      rate = std::atof(v.c_str());
    else if (k == "--duration")
      duration = std::atof(v.c_str());
    else if (k == "--sockets")
      sockets_per_address = std::atoi(v.c_str());
    else if (k == "--pidfile")
      pidfile = v;
    else
      die("unknown option " + k);
  }
  if (to_text.empty() || from_text.empty() || rate <= 0 || duration <= 0 || sockets_per_address <= 0) {
    std::fprintf(stderr,
                 "usage: sccrq_flood --to A[:P] --from A [--from A ...] --rate N --duration S [--sockets N] "
                 "[--silent] [--pidfile F]\n");
    return 2;
  }
  const sockaddr_in to = parse(to_text, true);
  std::vector<int> fds;
  for (const auto& f : from_text) {
    sockaddr_in here = parse(f, false);
    for (int k = 0; k < sockets_per_address; ++k) {
      const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&here), sizeof here) != 0)
        die("cannot bind a socket on " + f + ": " + std::strerror(errno));
      fds.push_back(fd);
    }
  }
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  if (!pidfile.empty()) std::ofstream(pidfile) << ::getpid() << "\n";

  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const auto end =
      start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(duration));
  std::uint64_t sent = 0, send_errors = 0, sccrps = 0, acked = 0, forgone = 0;
  std::size_t next_fd = 0;
  std::uint16_t next_id = 1;  // with the socket's port, a new peer each time round
  std::vector<pollfd> pfds;
  for (int fd : fds) pfds.push_back({fd, POLLIN, 0});
  std::uint8_t buf[65536];
  while (!g_stop) {
    const auto now = clock::now();
    if (now >= end) break;
    // Send what the rate asks for by now; after a stall, catch up by at most 50 ms' worth.
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const auto cap = static_cast<std::uint64_t>(rate / 20) + 1;
    auto due = static_cast<std::uint64_t>(elapsed * rate) - forgone;
    if (due > sent + cap) {
      forgone += due - sent - cap;
      due = sent + cap;
    }
    while (sent < due) {
      const auto msg = sccrq(next_id);
      const int fd = fds[next_fd];
      if (++next_fd == fds.size()) {
        next_fd = 0;
        if (++next_id == 0) next_id = 1;
      }
      if (::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0)
        ++send_errors;
      ++sent;
    }
    // Read (and unless --silent, acknowledge) SCCRPs for up to a millisecond.
    if (::poll(pfds.data(), pfds.size(), 1) <= 0) continue;
    for (auto& p : pfds) {
      if (!(p.revents & POLLIN)) continue;
      for (int k = 0; k < 64; ++k) {
        const ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        const auto zlb = zlb_for(buf, static_cast<std::size_t>(n));
        if (zlb.empty()) continue;
        ++sccrps;
        if (silent) continue;
        if (::sendto(p.fd, zlb.data(), zlb.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) > 0)
          ++acked;
      }
    }
  }
  const double took = std::chrono::duration<double>(clock::now() - start).count();
  std::printf(
      "sccrq_flood: sent %llu SCCRQs in %.2f s (%.0f/s) from %zu sockets, %llu send errors, "
      "%llu SCCRPs received, %llu acknowledged\n",
      static_cast<unsigned long long>(sent), took, took > 0 ? static_cast<double>(sent) / took : 0.0,
      fds.size(), static_cast<unsigned long long>(send_errors), static_cast<unsigned long long>(sccrps),
      static_cast<unsigned long long>(acked));
  return 0;
}
