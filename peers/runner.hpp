// Running a LAC or an LNS on the network: one Shard, the run's counters, a live status line,
// SIGINT/SIGTERM handling and a bounded graceful teardown (CDN for every established session,
// then StopCCN for every tunnel), a human summary and an optional JSON summary at the end.
// The role-specific parts (what to open, when setup is complete) live in lac_runner.cpp and
// lns_runner.cpp. With --threads N, sharded_run.cpp runs N Runners, one per thread, each with
// its own io_context, sockets, tunnels and PPP links, and merges what they report.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "engine/driver/ppp_layer.hpp"
#include "engine/driver/ppp_settings.hpp"
#include "engine/node.hpp"
#include "ipsec/ipsec_settings.hpp"
#include "peers/agent_id.hpp"
#include "peers/passive_checker.hpp"
#include "peers/peer_identity.hpp"
#include "peers/ppp/locked_authorizer.hpp"
#include "peers/run_host.hpp"
#include "peers/run_report.hpp"
#include "peers/run_stats.hpp"
#include "peers/session_churn.hpp"
#include "peers/setup_pacer.hpp"
#include "peers/teardown_pacer.hpp"
#include "peers/tun/tun_sink.hpp"
#include "peers/udp_transport.hpp"

namespace l2tp::peers {

struct RunnerConfig {
  NodeConfig node;
  // LAC: the addresses to send from (port 0: ephemeral), tunnels round-robin over them.
  // LNS: the addresses to listen on.
  std::vector<net::Endpoint> local;
  // LAC, parallel to `local` (or empty): true where the port is only a preference (`l2tpsim lac`
  // without a port asks for 1701, as RouterOS, Cisco and xl2tpd send from): when it cannot be
  // bound, an ephemeral port is used instead and a note goes to stderr.
  std::vector<bool> local_port_preferred;
  net::Endpoint connect_to;          // LAC: the LNS
  unsigned tunnels = 1;              // LAC
  unsigned sessions_per_tunnel = 1;  // LAC
  double setup_rate = 0;             // LAC: sessions opened per second; 0: all at once
  // LAC: --ramp (calls per second over time; replaces setup_rate for the pacing when set),
  // --max-outstanding (calls in setup at once, 0: no cap), --sessions-per-tunnel (tunnels
  // opened one by one as calls need them, not all at first), churn (--session-lifetime,
  // --redial-delay, --flap). peers/setup_pacer.hpp, peers/session_churn.hpp.
  std::optional<RateProfile> ramp;
  std::uint64_t max_outstanding = 0;
  bool tunnels_on_demand = false;
  ChurnConfig churn;
  // Calls cleared per second at the teardown (peers/teardown_pacer.hpp); 0: all at once.
  double teardown_rate = 0;
  std::optional<Duration> duration;  // from the start of setup to the teardown
  Duration teardown_limit = std::chrono::seconds(10);
  // --teardown-timeout was given: it also bounds the wait to re-acknowledge the peer's StopCCN
  // (RFC 2661 5.7), which otherwise lasts the tunnel's full linger (31 s).
  bool teardown_limit_given = false;
  std::string json_path, pcap_path;
  // --html: the load report, rendered from the JSON summary by `render_html` (the app's
  // reports library); `options` are the run's options as given, for the report.
  std::string html_path;
  std::function<std::string(const nlohmann::json&)> render_html;
  std::vector<std::string> options;
  // The instant the timeline counts from (sharded: the same for every shard); else the start.
  std::optional<Time> timeline_origin;
  // LAC on many machines: which agent this is (its slice: peers/agent_slice.hpp) and the
  // --start-at instant the app waited for; both go into the JSON for `report merge`.
  std::optional<AgentId> agent;
  std::optional<std::chrono::system_clock::time_point> start_at;
  // While busy, the shard wakes at most once per interval (peers/udp_transport.hpp): the CPU
  // per session falls by a third to a half at a few thousand sessions a second, for up to one
  // interval of delay per exchange. --batch-interval; 0: every datagram at once.
  Duration batch_interval = std::chrono::milliseconds(1);
  bool progress = false;  // a status line every second even when stderr is not a terminal
  // --stats-listen: the live counters over HTTP (/metrics, /json) and the run's controls
  // (peers/stats/stats_server.hpp).
  std::optional<net::Endpoint> stats_listen;
  std::uint64_t seed = 0;
  PppSettings ppp;
  // LNS: how PPP peers are judged and given addresses (secrets file, RADIUS); made once the
  // run's io_context exists.
  std::function<std::unique_ptr<Authorizer>(boost::asio::io_context&, Rng&)> make_authorizer;
  // The authorizer needs no io_context of its own (a secrets file): with shards, one is made
  // and shared, behind a lock (only setups and releases take it, never a packet).
  bool authorizer_shareable = false;
  // Shards (--threads): how many the user asked for (0: one per core).
  unsigned threads = 1;
  // LAC: a filter between each shard's node and its sockets, made once per shard (a load
  // scenario's faults: scenarios/fault_filter.hpp); none when empty.
  std::function<std::shared_ptr<DatagramFilter>()> make_filter;
  // --use-ipsec (ipsec/): LAC sources whose SA failed (their tunnels fail in phase `ipsec`), the
  // JSON `ipsec` block, and for `lns --use-ipsec required` whether a source came through an SA.
  ipsec::IpsecHooks ipsec;

  // A run in virtual time (peers/sim_run.hpp): how, against what, and the seed that repeats it;
  // in the summary and the JSON (`simulated`). Empty on the network.
  std::string simulated;

  // Set by sharded_run.cpp for each shard: bind with SO_REUSEPORT (LNS), the shared authorizer.
  bool reuse_port = false;
  std::shared_ptr<SharedAuthorizer> shared_authorizer;
};

// What one Runner (or, merged, a whole sharded run) reports at the end.
struct RunResult {
  RunStats stats;
  RunSummary summary;
  bool has_ppp = false;
  std::optional<PeerIdentity> peer_identity;  // from the first SCCRP (LAC) or SCCRQ (LNS)
  PppCounters ppp;
  PppRecords ppp_records;
  PppRecordLimits ppp_limits;  // what merge() keeps of the shards' records
  std::optional<Time> started;
  bool setup_finished = true, duration_ended = false;
  // LAC: the process's CPU time (user + system, every thread) when setup completed: what
  // generating the load cost, without the hold and the teardown.
  std::optional<double> setup_cpu_s;
  nlohmann::json extra;  // the role's own JSON fields (extend_json)
  // Another shard's result into this one.
  void merge(RunResult&& o);
};

// The JSON summary of a (merged) result, as --json writes it; `options` as the run was given.
nlohmann::json summary_json(const RunResult& r, const std::vector<std::string>& options);

// Exit codes: 0 everything attempted came up (and was torn down), 1 something failed (the
// summary says which phase and the peer's codes), 2 a socket or file could not be opened,
// 130 a second SIGINT/SIGTERM cut the teardown short.
int run_lac(const RunnerConfig& cfg, std::ostream& out, std::ostream& err);
int run_lns(const RunnerConfig& cfg, std::ostream& out, std::ostream& err);

class Runner;
// The role runners on a host the caller made (virtual time: peers/sim_run.hpp).
std::unique_ptr<Runner> make_lac_runner(const RunnerConfig& cfg, std::ostream& out, std::ostream& err,
                                        std::unique_ptr<RunHost> host);
std::unique_ptr<Runner> make_lns_runner(const RunnerConfig& cfg, std::ostream& out, std::ostream& err,
                                        std::unique_ptr<RunHost> host);

class Runner {
 public:
  // On `host` (peers/run_host.hpp); nullptr: on the network, an AsioRunHost of its own.
  Runner(const RunnerConfig& cfg, std::string role, std::ostream& out, std::ostream& err,
         std::unique_ptr<RunHost> host = nullptr);
  virtual ~Runner() = default;
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  int run();

  // The parts of run(), for sharded_run.cpp. prepare(): sockets, pcap, PPP, hooks (on the
  // caller's thread); an exit code when something could not be opened. launch(): start the
  // role's work, timers and (standalone) signals. loop(): the io_context until the run ends
  // (on the shard's thread). result(): what it counted, after loop(). report(): the summary
  // and JSON of a (merged) result, and the exit code.
  std::optional<int> prepare();
  void launch(bool standalone);
  void loop();
  RunResult result();
  int report(const RunResult& r, std::ostream& err);

  // From another thread: what a signal asks (first: teardown; second: exit at once), a
  // datagram another shard received for one of our tunnels, the status counts of the last tick.
  void post_signal(bool first);
  void post_forwarded(const net::Endpoint& local, const net::Endpoint& from, Buffer bytes);
  StatusCounts snapshot() const;
  // --stats-listen (peers/stats/stats_server.hpp), on this shard's own thread (post them to
  // io()): what result() would report now, the run going on; stop opening calls (false: there
  // was nothing to stop); a new setup rate for this shard (the reason when it is refused).
  RunResult live_result() const;
  bool control_stop_setup();
  virtual std::optional<std::string> control_setup_rate(double calls_per_s);
  // From another thread: --stats-listen's POST /control/teardown, the teardown a first SIGINT
  // starts; a standalone run says so on stderr with `why`.
  void post_teardown(std::string why);
  // The socket shard of a run on the network (a sharded run's shards always are).
  Shard& shard() { return *host_.sockets(); }
  // Sharded: the whole run's JSON goes here (the shards' own configurations have none).
  void set_json_path(std::string path) { cfg_.json_path = std::move(path); }
  void set_timeline_origin(Time origin) { cfg_.timeline_origin = origin; }
  boost::asio::io_context& io() { return host_.io(); }
  RunHost& host() { return host_; }

 protected:
  // Binds the sockets (through shard_.bind); an error message ends the run with exit code 2.
  virtual std::optional<std::string> bind_sockets() = 0;
  // Begins the role's work; runs inside shard_.act().
  virtual void start(Node& node, Time now) = 0;
  // Every node event, after the counters saw it (inside the shard's drain).
  virtual void handle_event(Node&, const NodeEvent&, Time) {}
  // Stops opening anything new (teardown began).
  virtual void stop_setup() {}
  // LAC: every call asked for has been opened and has come up or failed.
  virtual bool setup_complete() const { return true; }
  // LAC: nothing left to wait for (all tunnels gone after setup): end without a signal.
  virtual bool finished_by_itself() const { return false; }
  virtual void extend_json(nlohmann::json&) const {}

  void begin_teardown(const ResultInfo& stop, const std::string& why);
  // Ends the run once the role has nothing left to wait for (finished_by_itself). Asked after
  // every node event; a role whose state also changes outside events (its pace timer opening
  // calls that are refused at once, every tunnel having failed) asks after those too.
  void end_if_finished();
  // False when one of several shards: the banner and the status line are the coordinator's.
  bool standalone() const { return standalone_; }
  double elapsed_s() const;

  RunnerConfig cfg_;
  std::string role_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<RunHost> owned_host_;
  RunHost& host_;
  RunStats stats_;
  SeededRng ppp_rng_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<TunSink> tun_;  // --tun
  PppLayer* ppp_ = nullptr;       // the host's (its driver owns the links)
  // Every message from the peer against the rules (the checker sees the wire through the tap).
  PassiveChecker checker_;
  CheckingTap checker_tap_{checker_};
  IdentityTap identity_tap_;

 private:
  void on_signal(int sig);
  void arm_tick();
  void on_tick();
  // The timeline's sample of the cumulative counters at the end of second `second`.
  void sample_timeline(std::size_t second);
  // result() and live_result(): what was counted up to `end`, with `stats` (moved or copied).
  RunResult summarize(Time end, RunStats stats) const;
  StatusCounts counts() const;
  void arm_teardown_check();
  // The paced teardown: clears what is due, then waits for the next step until all are cleared.
  void pace_teardown();
  // What keeps the run from ending once its teardown began: nothing; only tunnels lingering to
  // re-acknowledge the peer's StopCCN (5.7, R161; the latest linger end in `reack_until`); or
  // tunnels still open or closing.
  enum class Holding : std::uint8_t { Nothing, Reack, Tunnels };
  Holding holding(Time& reack_until) const;
  void finish();
  void print_status();
  static int exit_code(const std::string& role, const RunResult& r);
  // Setup finished (every call came up or failed) before any teardown cancelled the rest.
  bool setup_finished() const { return tearing_down_ ? setup_done_before_teardown_ : setup_complete(); }

  Time started_{};
  std::optional<Time> teardown_started_, teardown_ended_;
  std::optional<TeardownPacer> teardown_pacer_;
  ResultInfo teardown_stop_;  // the StopCCN's result of the teardown under way
  // When the last StopCCN of the teardown went out: --teardown-timeout counts from here.
  std::optional<Time> teardown_sent_;
  bool tearing_down_ = false;
  bool signalled_ = false;
  bool setup_stopped_ = false;  // POST /control/stop-setup
  bool duration_ended_ = false;
  bool setup_done_before_teardown_ = false;  // what setup_complete() said when teardown began
  std::optional<double> setup_cpu_s_;        // see RunResult::setup_cpu_s
  bool interrupted_ = false;
  bool torn_down_ = true;
  bool tty_ = false;
  bool status_shown_ = false;
  bool standalone_ = true;
  mutable std::mutex snapshot_mutex_;
  StatusCounts snapshot_;
  bool reack_announced_ = false;
  // Tunnels the peer opened that went down before they were established (a flood's half-open
  // tunnels, cleared by the shard or by our teardown): the teardown does not wait for their
  // StopCCN to be acknowledged. Our ID; dropped again when an ID comes up anew.
  std::unordered_set<std::uint16_t> half_open_gone_;
  std::uint64_t last_established_ = 0;
  double last_tick_s_ = 0;
  std::chrono::steady_clock::time_point last_status_wall_{};  // virtual time: the last line's wall time
  Time origin_{};                                             // the timeline's second 0
  std::size_t ticks_ = 0;                                     // ticks armed so far, at origin + n seconds
};

}  // namespace l2tp::peers
