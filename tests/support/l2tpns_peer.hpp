// l2tpns 2.4.1 as a real LNS for interop tests (see ../shared/peers.md), with the FreeRADIUS it
// authenticates against. l2tpns puts its bind address on a TUN device, adds routes for its
// pool and binds several fixed ports, so everything runs inside a network namespace created
// here (unique name, `lo` up, a veth pair for the cluster interface it insists on); its
// fixed-path files (/etc/l2tpns/ip_pool, /etc/l2tpns/users) are bind-mounted in a private
// mount namespace, so the host's /etc is never changed. Our LAC reaches it by running inside
// the same namespace (exec_prefix()). Only processes started here are signalled, by PID; the
// namespace is deleted by stop() or the destructor, also when a test fails half way.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/freeradius_peer.hpp"

namespace l2tp::testing {

struct L2tpnsOptions {
  std::string bind = "127.0.0.3";     // bind_address: L2TP on UDP 1701 (put on tun0 too)
  std::string secret;                 // l2tp_secret; "" = no tunnel authentication
  std::string pool = "10.99.0.0/24";  // ip_pool entries, comma-separated
  std::string radius_secret = "testing123";
  std::vector<RadiusUser> users;            // FreeRADIUS users (PAP/CHAP against these)
  std::string authtypes = "pap,chap";       // radius_authtypes, in order of preference
  int echo_timeout = 10;                    // seconds between LCP Echo-Requests
  std::string primary_dns = "10.99.0.253";  // sent in IPCP; "" to send none
  std::vector<std::string> extra_config;    // more startup-config lines ("set x y")
  // net.ipv4.conf.all.route_localnet = 1 in the namespace. l2tpns's own address (bind, given
  // to the LAC as the IPCP peer address) is a 127/8 address on tun0; without this the kernel
  // drops packets to it that arrive on tun0 as martians, so pings to it go unanswered.
  bool route_localnet = false;
  int debug = 3;             // l2tpns debug level: 3 logs every control message (tests read it)
  std::string hostname;      // non-empty: l2tpns -h (its Host Name AVP; default: the machine's name)
  bool radius_debug = true;  // FreeRADIUS with -X (see FreeRadiusOptions::debug)
};

class L2tpnsPeer {
 public:
  // Why this machine cannot run l2tpns interop tests ("" when it can): not root, or l2tpns,
  // freeradius, ip, unshare or /dev/net/tun missing.
  static std::string missing_prerequisites();

  // Creates the namespace, starts FreeRADIUS and then l2tpns in it (files in `dir`), and waits
  // until l2tpns has declared itself cluster master (before that it ignores all L2TP).
  // nullopt with `error` set (and everything cleaned up) on failure.
  static std::optional<L2tpnsPeer> start(const L2tpnsOptions& opt, const std::string& dir,
                                         std::string& error);

  L2tpnsPeer(L2tpnsPeer&& o) noexcept;
  L2tpnsPeer& operator=(L2tpnsPeer&&) = delete;
  L2tpnsPeer(const L2tpnsPeer&) = delete;
  ~L2tpnsPeer();  // stop()

  const std::string& netns() const { return netns_; }
  // "ip netns exec NAME ": put before a command so it runs beside l2tpns.
  std::string exec_prefix() const { return "ip netns exec " + netns_ + " "; }
  const L2tpnsOptions& options() const { return opt_; }

  // l2tpns's PID (-1 if not started), for tests that signal it themselves (SIGTERM: it exits
  // without telling its peers; SIGHUP: it rereads its config).
  pid_t pid() const { return l2tpns_ ? l2tpns_->pid() : -1; }
  pid_t radius_pid() const { return radius_ ? radius_->pid() : -1; }  // FreeRADIUS's own
  bool running();
  // SIGQUIT to l2tpns (it clears its tunnels and sessions, then exits); SIGKILL if it is still
  // there after 3 s (it is when a peer has gone: see stop() in the .cpp). Then FreeRADIUS is
  // stopped and the namespace deleted. Returns l2tpns's exit status (128 + signal if a signal
  // ended it, -1 if it never ran). Safe to call twice.
  int stop();

  std::string log() const;         // l2tpns (debug level 3: every control message)
  std::string radius_log() const;  // FreeRADIUS -X
  std::string accounting() const;  // FreeRADIUS detail accounting ("" if none yet)

 private:
  L2tpnsPeer(L2tpnsOptions opt, std::string dir, std::string netns)
      : opt_(std::move(opt)), dir_(std::move(dir)), netns_(std::move(netns)) {}
  bool setup_netns(std::string& error);
  void delete_netns();

  L2tpnsOptions opt_;
  std::string dir_;
  std::string netns_;  // "" once deleted (or moved from)
  std::optional<FreeRadiusPeer> radius_;
  std::optional<ChildProcess> l2tpns_;
  std::optional<int> exit_status_;
};

}  // namespace l2tp::testing
