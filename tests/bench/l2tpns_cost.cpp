// CPU cost against a real server: l2tpsim's LAC against l2tpns 2.4.1 (the LNS, PPP in
// userspace) and the FreeRADIUS 3.2 it authenticates against, all three in one run, each with
// its own CPU seconds per session set up. The question it answers: how much of a box does the
// generator need, next to the server it tests (the aim: at most a fifth).
//
//   sudo flock /tmp/l2tpsim-load.lock BUILD/tests/l2tpns_cost
//   TUNNELS=100 SESSIONS=200 SETUP_RATE=500 LAC_ARGS="--threads 2" BUILD/tests/l2tpns_cost
//
// Environment (as tests/bench/loopback_load.sh): TUNNELS (default 100, at most 499: l2tpns's
// MAXTUNNEL is 500), SESSIONS per tunnel (default 200: 20,000 calls), SETUP_RATE calls/s
// (default 500), LAC_ARGS (more `l2tpsim lac` options, e.g. --threads 1), AUTH chap|pap
// (default chap), SETUP_LIMIT seconds for every PPP session to come up (default 300),
// ECHO_TIMEOUT (l2tpns's LCP echo interval, default 600: no echoes during a run, so they do
// not blur the setup figures; the LAC's keepalives are off too), TEARDOWN_TIMEOUT (the LAC's
// --teardown-timeout, default 30: 20,000 CDNs at once overflow l2tpns's socket buffer, and it
// drops whatever then arrives out of sequence, so its last acknowledgements take retransmissions,
// and now and then one never comes), L2TPNS_DEBUG (default 0),
// L2TPSIM (the binary; default the build's), KEEP=1 (keep the work folder).
//
// It needs root: l2tpns runs in a network namespace of its own (TUN device, routes, fixed
// ports), set up by tests/support/l2tpns_peer (the harness of tests/interop/l2tpns_test.cpp),
// with FreeRADIUS beside it (its normal thread pool, no -X) and one password for every user
// (a DEFAULT entry). The LAC runs in the same namespace. Only loopback addresses inside that
// namespace are used; only the processes started here are signalled, by PID; the namespace
// and the work folder go away at the end, also on failure.
//
// CPU is user + system time from /proc/PID/stat (utime + stime: every thread of the process),
// sampled just before the LAC starts (before the first SCCRQ), when the LAC's status line
// first shows every PPP session up (setup; the status line comes once a second, so up to a
// second of near-idle time is included), and at the end (after the teardown, once the
// servers are back to their idle rate). The LAC's figures start at its exec; its last sample
// is taken from the exited process before it is reaped. l2tpns and FreeRADIUS never rest
// completely (cluster heartbeats, timers): their idle rate, measured before the run, is
// printed and not subtracted.
//
// Measured on the 2-core machine (2026-12-07), 100 x 200 CHAP + IPCP at 500/s, CPU ms per session
// over the setup: --threads 1: LAC 0.096, l2tpns 0.34, FreeRADIUS 0.23, LAC / l2tpns 0.28;
// --threads 2: LAC 0.17, ratio 0.47; with --batch-interval 4: LAC 0.067 (ratio 0.18) and 0.077
// (0.23). At this rate a wake-up of the LAC carries a few datagrams, and each costs a context
// switch; a longer interval means fewer of them. The price shows in the latency line: l2tpns
// answers within one interval, so the LAC measures whole intervals (ICRQ to its ICCN
// acknowledged 2 of them, then to IPCP opened 5: 2 and 5 ms at 1 ms, 8 and 20 ms at 4). At 1,000/s l2tpns
// left SCCRQs unanswered and timed out RADIUS requests (CDN 3).
//
// Exit status: 0 every session came up and was torn down, 1 not, 2 cannot run here.

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/freeradius_peer.hpp"
#include "tests/support/l2tpns_peer.hpp"

namespace {

using namespace l2tp::testing;
using Clock = std::chrono::steady_clock;

// The LAC's addresses inside the namespace: tunnels round-robin over four (as loopback_load.sh).
// From one address and port, l2tpns 2.4.1 answers new SCCRQs slowly under load: at 1,000 calls/s
// it never answered 66 of 100 (all retransmissions included).
constexpr const char* kLacAddresses[] = {"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"};
constexpr const char* kPassword = "load";

// SIGINT/SIGTERM to the bench: stop waiting, so the destructors stop l2tpns and FreeRADIUS
// and delete the namespace.
std::atomic<bool> g_interrupted{false};
void on_signal(int) {
  g_interrupted = true;
}

long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (end == v || *end != '\0') {
    std::cerr << name << "=" << v << " is not a number\n";
    std::exit(2);
  }
  return n;
}

std::string env_string(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : fallback;
}

struct Cpu {
  bool ok = false;
  char state = '?';
  double user = 0, sys = 0;  // seconds
  double total() const { return user + sys; }
};

// utime and stime (fields 14 and 15) of a process: every thread, live or gone; also for a
// zombie not yet reaped.
Cpu read_cpu(pid_t pid) {
  Cpu c;
  if (pid <= 0) return c;
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return c;
  std::istringstream in(stat.substr(paren + 1));
  std::string field[13];
  for (auto& f : field) in >> f;  // field[0] is the state (field 3), field[11] utime (14)
  if (!in) return c;
  static const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  c.ok = true;
  c.state = field[0].empty() ? '?' : field[0][0];
  c.user = std::stod(field[11]) / tick;
  c.sys = std::stod(field[12]) / tick;
  return c;
}

struct Sample {
  Cpu lac, l2tpns, radius;
  Clock::time_point at;
};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The last status line (it carries "  ppp N up M failed") in the LAC's log.
bool last_ppp_counts(const std::string& log, long& up, long& failed) {
  static const std::regex re(R"(ppp (\d+) up (\d+) failed)");
  const auto end = log.rfind("  ppp ");
  if (end == std::string::npos) return false;
  const auto line_end = log.find('\n', end);
  const std::string line =
      log.substr(end, line_end == std::string::npos ? std::string::npos : line_end - end);
  std::smatch m;
  if (!std::regex_search(line, m, re)) return false;
  up = std::stol(m[1]);
  failed = std::stol(m[2]);
  return true;
}

// One line of the CPU table: seconds and ms per session.
std::string cpu_row(const std::string& name, double user, double sys, long sessions) {
  const double per = sessions > 0 ? (user + sys) * 1000.0 / static_cast<double>(sessions) : 0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "    %-12s %8.3f ms/session   (%.2f s user + %.2f s sys)", name.c_str(), per,
                user, sys);
  return buf;
}

// Datagrams the kernel dropped in the namespace because a socket's receive buffer was full
// (l2tpns reads one socket for every tunnel, and drops what then arrives out of sequence).
std::string udp_receive_drops(const L2tpnsPeer& peer) {
  const auto rows = lines_of(run_command(peer.exec_prefix() + "cat /proc/net/snmp"));
  std::vector<std::string> names, values;
  for (const auto& row : rows) {
    if (row.rfind("Udp: ", 0) != 0) continue;
    (names.empty() ? names : values) = split(row.substr(5), ' ');
  }
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
    if (names[i] == "RcvbufErrors") return values[i] + " datagrams dropped for a full receive buffer";
  return "receive buffer drops unknown";
}

std::string ratio(double a, double b) {
  return b > 0 ? fixed(a / b, 3) : "?";
}

}  // namespace

int main() {
  const long tunnels = env_long("TUNNELS", 100);
  const long per_tunnel = env_long("SESSIONS", 200);
  const long rate = env_long("SETUP_RATE", 500);
  const long setup_limit = env_long("SETUP_LIMIT", 300);
  const long echo_timeout = env_long("ECHO_TIMEOUT", 600);
  const long debug = env_long("L2TPNS_DEBUG", 0);
  const long teardown_timeout = env_long("TEARDOWN_TIMEOUT", 30);
  const std::string lac_args = env_string("LAC_ARGS", "");
  const std::string auth = env_string("AUTH", "chap");
  const std::string binary = env_string("L2TPSIM", L2TPSIM_BINARY);
  const bool keep = env_string("KEEP", "") == "1";
  const long total = tunnels * per_tunnel;

  if (geteuid() != 0) {
    std::cerr << "l2tpns_cost needs root: l2tpns runs in a network namespace of its own (TUN, routes)\n";
    return 2;
  }
  if (std::string missing = L2tpnsPeer::missing_prerequisites(); !missing.empty()) {
    std::cerr << "l2tpns_cost cannot run here: " << missing << "\n";
    return 2;
  }
  if (tunnels < 1 || tunnels > 499 || per_tunnel < 1 || total > 60000) {
    std::cerr << "TUNNELS must be 1-499 (l2tpns's MAXTUNNEL is 500) and TUNNELS x SESSIONS at most 60,000 "
                 "(its MAXSESSION)\n";
    return 2;
  }
  if (auth != "chap" && auth != "pap") {
    std::cerr << "AUTH must be chap or pap\n";
    return 2;
  }
  if (access(binary.c_str(), X_OK) != 0) {
    std::cerr << "no l2tpsim binary at " << binary << "\n";
    return 2;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const std::string dir = make_temp_dir("l2tpsim-l2tpns-cost");
  int status = 1;
  {
    L2tpnsOptions opt;
    opt.pool = "10.64.0.0/16";  // 65,534 addresses: more than MAXSESSION
    opt.users = {{"DEFAULT", kPassword, std::nullopt}};
    opt.authtypes = auth;
    opt.echo_timeout = static_cast<int>(echo_timeout);
    opt.debug = static_cast<int>(debug);
    opt.radius_debug = false;
    std::string err;
    auto peer = L2tpnsPeer::start(opt, dir, err);
    if (!peer) {
      std::cerr << "l2tpns did not start: " << err << "\n";
      if (!keep) std::filesystem::remove_all(dir);
      return 2;
    }

    std::cout << "l2tpns cost: l2tpsim lac against l2tpns 2.4.1 + FreeRADIUS 3.2, " << tunnels
              << " tunnels x " << per_tunnel << " sessions = " << total << " calls, "
              << (auth == "chap" ? "CHAP" : "PAP") << " + IPCP, setup rate " << rate
              << "/s (0 = all at once), LAC_ARGS \"" << lac_args << "\"\n"
              << "work dir " << dir << ", namespace " << peer->netns() << "\n"
              << std::flush;

    // Idle rate of the servers (heartbeats, timers), for reference.
    const Cpu idle_l0 = read_cpu(peer->pid()), idle_r0 = read_cpu(peer->radius_pid());
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const Cpu idle_l1 = read_cpu(peer->pid()), idle_r1 = read_cpu(peer->radius_pid());
    const double idle_l2tpns = (idle_l1.total() - idle_l0.total()) / 2,
                 idle_radius = (idle_r1.total() - idle_r0.total()) / 2;

    const std::string lac_log = dir + "/lac.log", lac_json = dir + "/lac.json";
    std::vector<std::string> argv = {"ip",
                                     "netns",
                                     "exec",
                                     peer->netns(),
                                     binary,
                                     "lac",
                                     "--connect-to",
                                     opt.bind + ":1701",
                                     "--tunnels",
                                     std::to_string(tunnels),
                                     "--sessions",
                                     std::to_string(per_tunnel),
                                     "--setup-rate",
                                     std::to_string(rate),
                                     "--keepalive-timeout",
                                     "0",
                                     "--teardown-timeout",
                                     std::to_string(teardown_timeout),
                                     "--user",
                                     "user{n}",
                                     "--password",
                                     kPassword,
                                     "--allow",
                                     auth,
                                     "--progress",
                                     "--json",
                                     lac_json};
    for (const char* a : kLacAddresses) {
      argv.emplace_back("--local-address");
      argv.emplace_back(a);
    }
    for (const auto& a : split(lac_args, ' '))
      if (!a.empty()) argv.push_back(a);

    Sample before;
    before.l2tpns = read_cpu(peer->pid());
    before.radius = read_cpu(peer->radius_pid());
    before.at = Clock::now();
    auto lac = ChildProcess::start(argv, lac_log);  // ip netns exec execs l2tpsim: the PID is its own
    if (!lac) {
      std::cerr << "cannot start the LAC\n";
      return 2;
    }

    // Every 100 ms: is every PPP session up (or one failed, or the LAC gone)?
    Sample up;
    bool all_up = false;
    long ppp_up = 0, ppp_failed = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(setup_limit);
    while (Clock::now() < deadline && !g_interrupted) {
      const Cpu c = read_cpu(lac->pid());
      if (!c.ok || c.state == 'Z') break;
      if (last_ppp_counts(read_file(lac_log), ppp_up, ppp_failed) && (ppp_up >= total || ppp_failed > 0)) {
        all_up = ppp_up >= total;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    up.at = Clock::now();
    up.lac = read_cpu(lac->pid());
    up.l2tpns = read_cpu(peer->pid());
    up.radius = read_cpu(peer->radius_pid());

    // Teardown: SIGINT (CDN for every call, StopCCN for every tunnel). The last LAC sample is
    // the exited process's, read before it is reaped.
    lac->signal(SIGINT);
    Cpu lac_end;
    const auto exit_deadline = Clock::now() + std::chrono::seconds(120);
    while (Clock::now() < exit_deadline) {
      const Cpu c = read_cpu(lac->pid());
      if (!c.ok) break;
      lac_end = c;
      if (c.state == 'Z') break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (lac_end.state != 'Z') lac->signal(SIGINT);  // the second SIGINT exits at once
    const int lac_status = lac->wait(std::chrono::seconds(10)).value_or(-1);
    const auto lac_gone = Clock::now();

    // The servers finish (accounting Stops, tunnel cleanup): wait until FreeRADIUS has a Stop
    // for every Start and both are back to their idle rate for a second, at most 60 s (l2tpns
    // sends some Stops long after the CDN).
    Sample end;
    std::size_t acct_start = 0, acct_stop = 0;
    {
      Cpu l = read_cpu(peer->pid()), r = read_cpu(peer->radius_pid());
      const auto settle_deadline = Clock::now() + std::chrono::seconds(60);
      while (Clock::now() < settle_deadline && !g_interrupted) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const Cpu l2 = read_cpu(peer->pid()), r2 = read_cpu(peer->radius_pid());
        const std::string acct = peer->accounting();
        acct_start = occurrences(acct, "Acct-Status-Type = Start");
        acct_stop = occurrences(acct, "Acct-Status-Type = Stop");
        const bool quiet = acct_stop >= acct_start && l2.total() - l.total() <= idle_l2tpns + 0.02 &&
                           r2.total() - r.total() <= idle_radius + 0.02;
        l = l2;
        r = r2;
        if (quiet) break;
      }
      end.l2tpns = l;
      end.radius = r;
      end.lac = lac_end;
      end.at = Clock::now();
    }

    const nlohmann::json j = nlohmann::json::parse(read_file(lac_json), nullptr, false);
    const std::string udp_drops = udp_receive_drops(*peer);
    const bool l2tpns_alive = peer->running();
    peer->stop();

    const double setup_s = std::chrono::duration<double>(up.at - before.at).count();
    const double teardown_s = std::chrono::duration<double>(lac_gone - up.at).count();
    const long sessions_up = all_up ? total : ppp_up;

    std::cout << "sessions: ppp " << ppp_up << "/" << total << " up at the LAC (" << ppp_failed << " failed)";
    if (!j.is_discarded()) {
      std::cout << "; summary: " << j.value("sessions_established", 0) << " established, "
                << j.value("sessions_failed", 0) << " failed, " << j.value("sessions_closed", 0)
                << " torn down, ppp up " << j.value("sessions_ppp_up", 0) << ", retransmissions "
                << j.value("retransmissions", 0);
    }
    std::cout << "\nserver side: FreeRADIUS accounted " << acct_start << " Start, " << acct_stop << " Stop\n";
    std::cout << "UDP in the namespace: " << udp_drops << "\n";
    std::cout << "setup: " << fixed(setup_s, 1) << " s from the LAC's start to every PPP session up = "
              << fixed(setup_s > 0 ? static_cast<double>(sessions_up) / setup_s : 0, 0) << " sessions/s";
    if (!j.is_discarded() && j.contains("ppp"))
      std::cout << " (the LAC's own: " << fixed(j["ppp"].value("setup_rate_sessions_per_s", 0.0), 0)
                << " sessions/s to IPCP opened)";
    std::cout << "; teardown " << fixed(teardown_s, 1) << " s\n";
    // What the CPU buys: the LAC's view of the server's latency. While busy the LAC reads what
    // arrived once per --batch-interval, so a longer one costs less CPU and adds up to one
    // interval to every step.
    if (!j.is_discarded() && j.contains("setup_latency_ms")) {
      const auto percentiles = [&](const nlohmann::json& l) {
        return "p50 " + fixed(l.value("p50", 0.0), 2) + " ms, p90 " + fixed(l.value("p90", 0.0), 2) +
               " ms, p99 " + fixed(l.value("p99", 0.0), 2) + " ms";
      };
      std::cout << "latency at the LAC: ICRQ to ICCN acknowledged " << percentiles(j["setup_latency_ms"]);
      if (j.contains("ppp") && j["ppp"].contains("up_latency_ms"))
        std::cout << "; then to IPCP opened " << percentiles(j["ppp"]["up_latency_ms"]);
      std::cout << "\n";
    }

    const auto block = [&](const std::string& title, const Sample& from, const Sample& to) {
      const double lac_cpu = to.lac.total() - from.lac.total();
      const double l_cpu = to.l2tpns.total() - from.l2tpns.total();
      const double r_cpu = to.radius.total() - from.radius.total();
      std::cout << title << " (user + system CPU per session set up, " << sessions_up << " sessions):\n"
                << cpu_row("l2tpsim lac", to.lac.user - from.lac.user, to.lac.sys - from.lac.sys, sessions_up)
                << "\n"
                << cpu_row("l2tpns", to.l2tpns.user - from.l2tpns.user, to.l2tpns.sys - from.l2tpns.sys,
                           sessions_up)
                << "\n"
                << cpu_row("freeradius", to.radius.user - from.radius.user, to.radius.sys - from.radius.sys,
                           sessions_up)
                << "\n"
                << "    ratio lac / l2tpns                " << ratio(lac_cpu, l_cpu)
                << "   (aim: at most 0.2)\n"
                << "    ratio lac / (l2tpns + freeradius) " << ratio(lac_cpu, l_cpu + r_cpu) << "\n";
    };
    block("CPU over the setup", before, up);
    block("CPU over the whole run, teardown included", before, end);
    std::cout << "idle before the run: l2tpns " << fixed(idle_l2tpns * 1000, 1) << " ms/s, freeradius "
              << fixed(idle_radius * 1000, 1) << " ms/s (included above, not subtracted)\n";

    const bool torn_down =
        !j.is_discarded() && j.value("sessions_closed", 0) == total && j.value("torn_down", false);
    const bool ok = all_up && lac_status == 0 && torn_down && l2tpns_alive;
    if (!ok) {
      std::cout << "LAC exit status " << lac_status << (l2tpns_alive ? "" : "; l2tpns died") << "\n";
      if (!j.is_discarded() && j.contains("failures")) {
        std::size_t n = 0;
        for (const auto& f : j["failures"])
          if (n++ < 5) std::cout << "failure: " << f.dump() << "\n";
      }
    }
    std::cout << "RESULT: " << (ok ? "ok" : "FAILED") << "\n";
    status = ok ? 0 : 1;
  }
  if (status == 0 && !keep) {
    std::filesystem::remove_all(dir);
  } else {
    std::cout << "kept " << dir << "\n";
  }
  return status;
}
