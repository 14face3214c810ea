// FreeRADIUS 3.2 as a real RADIUS server for interop tests (see ../shared/peers.md): a private
// copy of /etc/freeradius/3.0 in a temporary folder, with the eap module and the default sites
// removed, one minimal site (PAP, CHAP, MS-CHAPv1/v2 against Cleartext-Password, detail
// accounting into the folder), and a client entry for loopback. It runs in the foreground with
// -X so its decisions are in the log. Only the process started here is ever signalled, by PID.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {

struct RadiusUser {
  std::string name, password;
  std::optional<std::string> framed_ip;  // Framed-IP-Address in the Access-Accept
};

struct FreeRadiusOptions {
  std::string address = "127.0.0.1";  // listen address (auth port, acct port); IPv6 unbracketed
  std::uint16_t auth_port = 1812, acct_port = 1813;
  std::string secret = "testing123";  // shared with clients from 127.0.0.0/8 and ::1
  std::vector<RadiusUser> users;
  std::string netns;  // non-empty: run inside this network namespace (ip netns exec NAME ...)
  // true: -X, one thread, every decision in the log (what the tests read). false: -f -l stdout,
  // its normal thread pool and info-level log only (benchmarks: -X costs more than the work).
  bool debug = true;
};

class FreeRadiusPeer {
 public:
  // Starts a private FreeRADIUS (config copied into `dir`, eap module and default sites removed,
  // a minimal site, PAP/CHAP/MS-CHAP enabled, detail accounting into dir), waits until it answers;
  // nullopt with `error` set on failure. Access-Reject is sent at once (reject_delay 0) and
  // carries Reply-Message "Authentication failed" besides what the modules add (MS-CHAP-Error).
  static std::optional<FreeRadiusPeer> start(const FreeRadiusOptions& opt, const std::string& dir,
                                             std::string& error);

  int stop() { return proc_.stop(); }  // by PID: SIGTERM, then SIGKILL after a grace period
  bool running() { return proc_.running(); }
  pid_t pid() const { return proc_.pid(); }  // freeradius's own (ip netns exec execs it)
  std::string log() const { return read_file(proc_.log_path()); }
  // The text of the detail accounting file(s), concatenated in path order ("" if none yet).
  std::string accounting() const;

 private:
  FreeRadiusPeer(ChildProcess p, std::string dir) : proc_(std::move(p)), dir_(std::move(dir)) {}
  ChildProcess proc_;
  std::string dir_;
};

}  // namespace l2tp::testing
