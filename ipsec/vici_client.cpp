#include "ipsec/vici_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace l2tp::ipsec {

namespace {

using Clock = std::chrono::steady_clock;

std::string sys_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Waits until `fd` is ready for `events` or the deadline passes.
Result<void, std::string> wait_for(int fd, short events, Clock::time_point deadline, const char* doing) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return unexpected(std::string("VICI: timed out ") + doing);
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return {};
    if (n < 0 && errno != EINTR) return unexpected(sys_error(std::string("VICI: poll while ") + doing));
  }
}

}  // namespace

Result<std::unique_ptr<ViciClient>, std::string> ViciClient::connect(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return unexpected("VICI socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // A blocking connect: charon's listen backlog is short, and a non-blocking connect to a full
  // Unix socket fails with EAGAIN (eight clients at once saw it) where a blocking one waits.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unexpected(sys_error("VICI: socket"));
  int rc = -1;
  for (int tries = 0; tries < 100; ++tries) {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    if (rc == 0 || (errno != EAGAIN && errno != EINTR)) break;
    ::usleep(20000);
  }
  if (rc != 0) {
    auto e = sys_error("VICI: connect to " + path);
    ::close(fd);
    return unexpected(e);
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);  // reads and writes wait in poll()
  return std::unique_ptr<ViciClient>(new ViciClient(fd));
}

ViciClient::~ViciClient() {
  ::close(fd_);
}

Result<void, std::string> ViciClient::send(const ViciPacket& p, Clock::time_point deadline) {
  auto seg = encode_segment(p);
  if (!seg) return unexpected(to_string(seg.error()));
  std::size_t done = 0;
  while (done < seg->size()) {
    L2TP_TRY(wait_for(fd_, POLLOUT, deadline, "sending"));
    const ssize_t n = ::send(fd_, seg->data() + done, seg->size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return unexpected(sys_error("VICI: send"));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<ViciPacket, std::string> ViciClient::receive(Clock::time_point deadline) {
  auto read_exactly = [&](std::uint8_t* out, std::size_t len) -> Result<void, std::string> {
    std::size_t done = 0;
    while (done < len) {
      L2TP_TRY(wait_for(fd_, POLLIN, deadline, "waiting for charon"));
      const ssize_t n = ::recv(fd_, out + done, len - done, 0);
      if (n == 0) return unexpected(std::string("VICI: charon closed the connection"));
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return unexpected(sys_error("VICI: recv"));
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  };
  std::uint8_t head[4];
  L2TP_TRY(read_exactly(head, sizeof(head)));
  const std::uint32_t len = (std::uint32_t{head[0]} << 24) | (std::uint32_t{head[1]} << 16) |
                            (std::uint32_t{head[2]} << 8) | std::uint32_t{head[3]};
  if (len == 0 || len > kViciMaxPacket)
    return unexpected("VICI: segment length " + std::to_string(len) + " out of range");
  Buffer body(len);
  L2TP_TRY(read_exactly(body.data(), body.size()));
  auto p = decode_packet(body);
  if (!p) return unexpected(to_string(p.error()));
  return std::move(p).value();
}

Result<ViciPacket, std::string> ViciClient::await(std::initializer_list<ViciPacketType> want,
                                                  const EventHandler& on_event, Clock::time_point deadline) {
  for (;;) {
    auto p = receive(deadline);
    if (!p) return p;
    if (p->type == ViciPacketType::Event) {
      if (on_event) on_event(*p);
      continue;
    }
    for (auto w : want)
      if (p->type == w) return p;
    return unexpected("VICI: unexpected " + std::string(to_string(p->type)));
  }
}

Result<void, std::string> ViciClient::register_event(std::string_view event, bool on,
                                                     Clock::time_point deadline) {
  ViciPacket p;
  p.type = on ? ViciPacketType::EventRegister : ViciPacketType::EventUnregister;
  p.name = std::string(event);
  L2TP_TRY(send(p, deadline));
  auto r = await({ViciPacketType::EventConfirm, ViciPacketType::EventUnknown}, {}, deadline);
  if (!r) return unexpected(r.error());
  if (r->type == ViciPacketType::EventUnknown)
    return unexpected("VICI: charon has no event " + std::string(event));
  return {};
}

Result<ViciSection, std::string> ViciClient::call(std::string_view cmd, const ViciSection& request,
                                                  Millis timeout) {
  return call_streamed(cmd, request, {}, {}, timeout);
}

Result<ViciSection, std::string> ViciClient::call_streamed(std::string_view cmd, const ViciSection& request,
                                                           std::string_view event,
                                                           const EventHandler& on_event, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  if (!event.empty()) L2TP_TRY(register_event(event, true, deadline));
  ViciPacket p;
  p.type = ViciPacketType::CmdRequest;
  p.name = std::string(cmd);
  p.message = request;
  L2TP_TRY(send(p, deadline));
  auto r = await({ViciPacketType::CmdResponse, ViciPacketType::CmdUnknown}, on_event, deadline);
  if (!r) return unexpected(r.error());
  if (r->type == ViciPacketType::CmdUnknown)
    return unexpected("VICI: charon does not know command " + std::string(cmd));
  if (!event.empty()) L2TP_TRY(register_event(event, false, Clock::now() + Millis(2000)));
  return std::move(r->message);
}

std::string failure_of(const ViciSection& response) {
  const auto* success = response.value("success");
  if (!success || *success == "yes") return "";
  return response.value_or("errmsg", "failed");
}

}  // namespace l2tp::ipsec
