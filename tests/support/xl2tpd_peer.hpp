// xl2tpd as a real peer for interop tests (see ../shared/peers.md). It runs in a private
// mount namespace with a stand-in bound over /usr/sbin/pppd, because this kernel has no PPP:
// the stand-in keeps each session's pty open and swallows the PPP frames, so sessions stay up.
#pragma once

#include <optional>
#include <string>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {

struct Xl2tpdOptions {
  std::string listen_addr = "127.0.0.2";  // xl2tpd binds this address, port 1701
  std::string secret;                     // tunnel secret (l2tp-secrets "* * SECRET")
  bool challenge = false;                 // LNS: challenge the LAC; LAC: challenge the LNS
  bool hidden = false;                    // "hidden bit = yes"
  std::string lac_to;                     // non-empty: add [lac peer] dialling this LNS address
  std::string netns;                      // non-empty: run in this network namespace (ip netns exec)
  std::string hostname;  // non-empty: "hostname = ..." (Host Name AVP; default: the machine's)
};

class Xl2tpdPeer {
 public:
  // Starts xl2tpd in `dir` (configs, logs, FIFO live there); nullopt with `error` set on failure.
  static std::optional<Xl2tpdPeer> start(const Xl2tpdOptions& opt, const std::string& dir,
                                         std::string& error);

  // LAC: "c peer" on the control FIFO (xl2tpd sends SCCRQ, then ICRQ).
  bool dial();
  // LAC: "d peer" (xl2tpd sends StopCCN).
  bool hang_up();
  int stop() { return proc_.stop(); }
  bool running() { return proc_.running(); }
  std::string log() const { return read_file(proc_.log_path()); }

 private:
  Xl2tpdPeer(ChildProcess p, std::string dir) : proc_(std::move(p)), dir_(std::move(dir)) {}
  bool control(const std::string& line);
  ChildProcess proc_;
  std::string dir_;
};

}  // namespace l2tp::testing
