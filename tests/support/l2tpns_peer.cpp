#include "tests/support/l2tpns_peer.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace l2tp::testing {
namespace {

// The cluster link: l2tpns needs an interface with an IPv4 address for its heartbeats, and
// this pair never leaves the namespace. 169.254/16 keeps it clear of any test address.
constexpr const char* kClusterIf = "l2c0";
constexpr const char* kClusterPeerIf = "l2c1";

// Where a tool lives: PATH first, then the sbin folders a non-login root shell may lack.
std::string locate(const std::string& tool) {
  int st = 0;
  std::string out = run_command("command -v " + tool + " 2>/dev/null", &st);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (st == 0 && !out.empty()) return out;
  for (const char* d : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
    const std::string p = d + tool;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::string unique_netns_name() {
  static std::atomic<int> counter{0};
  return "l2tpsim-l2tpns-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

// Runs `cmd`; on failure appends what it said to `error` and returns false.
bool run_step(const std::string& cmd, std::string& error) {
  const CommandOutput r = run_capturing(cmd);
  if (r.status == 0) return true;
  error = "`" + cmd + "` failed (" + describe_status(r.status) + "): " + r.err + r.out;
  return false;
}

std::string startup_config(const L2tpnsOptions& opt, const std::string& dir) {
  std::string c;
  c += "set debug " + std::to_string(opt.debug) + "\n";  // 3 logs every control message's parameters
  c += "set pid_file \"" + dir + "/l2tpns.pid\"\n";
  c += "set bind_address " + opt.bind + "\n";
  c += "set l2tp_secret \"" + opt.secret + "\"\n";
  if (!opt.primary_dns.empty()) c += "set primary_dns " + opt.primary_dns + "\n";
  c += "set primary_radius 127.0.0.1\n";
  c += "set radius_secret \"" + opt.radius_secret + "\"\n";
  c += "set radius_authtypes \"" + opt.authtypes + "\"\n";
  c += "set radius_accounting yes\n";
  c += "set echo_timeout " + std::to_string(opt.echo_timeout) + "\n";
  c += "set cli_bind_address 127.0.0.1\n";
  c += "set send_garp no\n";
  // Clustering cannot be switched off. Heartbeats every 0.2 s and a master timeout of 1.9 s
  // (the least it accepts: it raises anything below 4 intervals + 1.1 s, in tenths) let it
  // elect itself within about 2 s of starting; it ignores all L2TP until then.
  c += std::string("set cluster_interface ") + kClusterIf + "\n";
  c += "set cluster_mcast_ttl 0\n";
  c += "set cluster_hb_interval 2\n";
  c += "set cluster_hb_timeout 19\n";
  for (const auto& line : opt.extra_config) c += line + "\n";
  return c;
}

std::string ip_pool(const std::string& pool) {
  std::string out;
  for (const auto& entry : split(pool, ','))
    if (!entry.empty()) out += entry + "\n";
  return out;
}

}  // namespace

std::string L2tpnsPeer::missing_prerequisites() {
  if (geteuid() != 0) return "l2tpns interop needs root (network and mount namespaces, TUN)";
  for (const char* tool : {"l2tpns", "freeradius", "ip", "unshare", "setsid", "mount"}) {
    if (locate(tool).empty()) {
      return std::string(tool) + " is not installed (apt-get install l2tpns freeradius iproute2 util-linux)";
    }
  }
  if (access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing (l2tpns needs a TUN device)";
  return "";
}

L2tpnsPeer::L2tpnsPeer(L2tpnsPeer&& o) noexcept
    : opt_(std::move(o.opt_)),
      dir_(std::move(o.dir_)),
      netns_(std::move(o.netns_)),
      radius_(std::move(o.radius_)),
      l2tpns_(std::move(o.l2tpns_)),
      exit_status_(o.exit_status_) {
  o.netns_.clear();
  o.radius_.reset();
  o.l2tpns_.reset();
}

L2tpnsPeer::~L2tpnsPeer() {
  stop();
}

bool L2tpnsPeer::setup_netns(std::string& error) {
  const std::string ip = locate("ip");
  const std::string n = ip + " -n " + netns_ + " ";
  if (!run_step(ip + " netns add " + netns_, error)) {
    netns_.clear();  // not ours to delete
    return false;
  }
  if (opt_.route_localnet &&
      !run_step(ip + " netns exec " + netns_ + " sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet'",
                error))
    return false;
  return run_step(n + "link set lo up", error) &&
         run_step(n + "link add " + kClusterIf + " type veth peer name " + kClusterPeerIf, error) &&
         run_step(n + "addr add 169.254.13.1/30 dev " + kClusterIf, error) &&
         run_step(n + "addr add 169.254.13.2/30 dev " + kClusterPeerIf, error) &&
         run_step(n + "link set " + kClusterIf + " up", error) &&
         run_step(n + "link set " + kClusterPeerIf + " up", error);
}

void L2tpnsPeer::delete_netns() {
  if (netns_.empty()) return;
  const std::string ip = locate("ip");
  // The veth pair and tun0 go with the namespace; removing the pair first keeps the order
  // of teardown independent of when the kernel frees the namespace.
  (void)run_capturing(ip + " -n " + netns_ + " link del " + kClusterIf);
  (void)run_capturing(ip + " netns del " + netns_);
  netns_.clear();
}

std::optional<L2tpnsPeer> L2tpnsPeer::start(const L2tpnsOptions& opt, const std::string& dir,
                                            std::string& error) {
  if (std::string missing = missing_prerequisites(); !missing.empty()) {
    error = missing;
    return std::nullopt;
  }
  // From here on, `peer`'s destructor undoes whatever was set up if a step fails.
  L2tpnsPeer peer(opt, dir, unique_netns_name());
  if (!peer.setup_netns(error)) return std::nullopt;

  FreeRadiusOptions ro;
  ro.secret = opt.radius_secret;
  ro.users = opt.users;
  ro.netns = peer.netns_;
  ro.debug = opt.radius_debug;
  std::string radius_error;
  // FreeRadiusPeer and ChildProcess move but do not move-assign (they own processes): emplace.
  if (auto radius = FreeRadiusPeer::start(ro, dir + "/radius", radius_error)) {
    peer.radius_.emplace(std::move(*radius));
  } else {
    error = "FreeRADIUS did not start in " + peer.netns_ + ": " + radius_error;
    return std::nullopt;
  }

  write_file(dir + "/startup-config", startup_config(opt, dir));
  write_file(dir + "/ip_pool", ip_pool(opt.pool));
  write_file(dir + "/users", "");  // CLI users: none
  // setsid, ip netns exec, unshare and sh each exec the next, so the PID we hold is l2tpns's
  // own. setsid: when l2tpns finishes a shutdown it sends SIGTERM to its whole process group,
  // which would otherwise be the test's.
  const std::string inner = "mount --bind " + dir + "/ip_pool /etc/l2tpns/ip_pool && mount --bind " + dir +
                            "/users /etc/l2tpns/users && exec " + locate("l2tpns") + " -c " + dir +
                            "/startup-config" + (opt.hostname.empty() ? "" : " -h " + opt.hostname);
  const std::string log_path = dir + "/l2tpns.log";
  auto proc = ChildProcess::start({locate("setsid"), locate("ip"), "netns", "exec", peer.netns_,
                                   locate("unshare"), "-m", "--propagation", "private", "sh", "-c", inner},
                                  log_path);
  if (!proc) {
    error = "cannot start l2tpns";
    return std::nullopt;
  }
  peer.l2tpns_.emplace(std::move(*proc));
  const bool master = wait_until(
      [&] {
        return !peer.l2tpns_->running() ||
               read_file(log_path).find("I am declaring myself the master!") != std::string::npos;
      },
      std::chrono::seconds(15));
  if (!master || !peer.l2tpns_->running()) {
    error = std::string(master ? "l2tpns exited during startup"
                               : "l2tpns did not become cluster master in 15 s") +
            "; its log:\n" + log_tail(read_file(log_path), 3000);
    return std::nullopt;
  }
  return std::optional<L2tpnsPeer>(std::move(peer));
}

bool L2tpnsPeer::running() {
  return l2tpns_ && l2tpns_->pid() > 0 && l2tpns_->running();
}

int L2tpnsPeer::stop() {
  if (l2tpns_ && l2tpns_->pid() > 0 && !exit_status_) {
    if (l2tpns_->running()) {
      // SIGQUIT: StopCCN to every tunnel, then exit. But l2tpns also re-clears tunnels whose
      // peer has already stopped them (it keeps them a while), and waits out the whole
      // retransmission backoff (1+2+...+32 s = 63 s) for acknowledgements that never come,
      // ignoring SIGTERM meanwhile: after 3 s it gets SIGKILL.
      l2tpns_->signal(SIGQUIT);
      auto st = l2tpns_->wait(std::chrono::seconds(3));
      if (!st) {
        l2tpns_->signal(SIGKILL);
        st = l2tpns_->wait(std::chrono::seconds(5));
      }
      exit_status_ = st.value_or(-1);
    } else {
      exit_status_ = l2tpns_->wait(std::chrono::milliseconds(0)).value_or(-1);
    }
  }
  if (radius_) radius_->stop();  // kept: its log and accounting stay readable
  delete_netns();
  return exit_status_.value_or(-1);
}

std::string L2tpnsPeer::log() const {
  return read_file(dir_ + "/l2tpns.log");
}
std::string L2tpnsPeer::radius_log() const {
  return radius_ ? radius_->log() : "";
}
std::string L2tpnsPeer::accounting() const {
  return radius_ ? radius_->accounting() : "";
}

}  // namespace l2tp::testing
