// A blocking VICI client on charon's Unix socket: one connection, one command at a time,
// every read and write bounded by a deadline. Commands that stream (initiate, terminate,
// list-sas) register their event first; the events that arrive before the command's response
// go to a callback. Several clients (one per thread) drive one charon in parallel.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/util/result.hpp"
#include "ipsec/vici_message.hpp"

namespace l2tp::ipsec {

class ViciClient {
 public:
  using Millis = std::chrono::milliseconds;
  using EventHandler = std::function<void(const ViciPacket& event)>;

  // Connects to the socket at `path` (charon's `unix://PATH`).
  static Result<std::unique_ptr<ViciClient>, std::string> connect(const std::string& path);
  ~ViciClient();
  ViciClient(const ViciClient&) = delete;
  ViciClient& operator=(const ViciClient&) = delete;

  // Sends command `cmd` with `request` and returns charon's response message. An error is a
  // socket failure, a timeout, a malformed packet or CMD_UNKNOWN (the command does not exist);
  // a response with success=no is a value (see failure_of()).
  Result<ViciSection, std::string> call(std::string_view cmd, const ViciSection& request, Millis timeout);
  // The same, with `event` registered around it: each one that arrives before the response
  // goes to `on_event` (initiate with control-log, list-sas with list-sa).
  Result<ViciSection, std::string> call_streamed(std::string_view cmd, const ViciSection& request,
                                                 std::string_view event, const EventHandler& on_event,
                                                 Millis timeout);

 private:
  explicit ViciClient(int fd) : fd_(fd) {}
  Result<void, std::string> send(const ViciPacket& p, std::chrono::steady_clock::time_point deadline);
  Result<ViciPacket, std::string> receive(std::chrono::steady_clock::time_point deadline);
  // Reads until a packet of one of the types `want` (or an EVENT, handed to `on_event`).
  Result<ViciPacket, std::string> await(std::initializer_list<ViciPacketType> want,
                                        const EventHandler& on_event,
                                        std::chrono::steady_clock::time_point deadline);
  Result<void, std::string> register_event(std::string_view event, bool on,
                                           std::chrono::steady_clock::time_point deadline);

  int fd_;
};

// A response's failure: "" when success is yes (or absent, for commands without it), else
// charon's errmsg (or "failed" when it gave none).
std::string failure_of(const ViciSection& response);

}  // namespace l2tp::ipsec
