// PPP over every established session of a run: one ppp::Link per session, created when the
// L2TP session comes up and fed with its data messages; frames out go back through the node.
// The layer keeps each link's next deadline in a TimerHeap (O(1) next deadline; expiry touches
// only the links that are due; a link that moves its deadline moves its entry), asks the
// Authorizer about peers (LNS), runs traffic probes (LAC) and the echo responder (LNS), and
// clears a session with CDN (Result Code and RFC 3145 Disconnect Cause) when its link fails.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "engine/driver/ppp_settings.hpp"
#include "engine/node.hpp"
#include "engine/util/flat_key_map.hpp"
#include "engine/util/latency_histogram.hpp"
#include "engine/util/timer_heap.hpp"

namespace l2tp {

// How a link stands or ended.
enum class PppState : std::uint8_t { Negotiating, Up, Failed, Closed };
const char* to_string(PppState s);  // negotiating, up, failed, closed

// What a link's record holds only once it ends (or when proxy information went unused): kept
// apart, so the record of a link that is up carries none of it.
struct PppRecordEnd {
  std::string reason;  // why it failed or closed
  std::optional<avp::DisconnectCause> cause;
  // The CDN that ended the call, ours or the peer's (l2tpns refuses a password with CDN 3 and
  // no PPP failure message: these codes are then all there is).
  std::optional<ResultInfo> cdn;
  bool cdn_by_peer = false;
  ip::ProbeStats traffic;
  std::uint64_t echo_sent = 0, echo_replies = 0;
  // Why proxy information that came was not used (RFC 2661 4.4.5).
  std::string proxy_note;
};

// One session's PPP as the summary reports it. Compact: enums, phase times in microseconds,
// and the end details (PppRecordEnd) only where there are some.
struct PppRecord {
  static constexpr std::uint32_t kNoTime = 0xFFFFFFFF;
  std::uint64_t call = 0;  // the run's call number (1-based, in the order links started)
  std::uint16_t tunnel = 0, session = 0;
  PppState state = PppState::Negotiating;
  std::optional<ppp::Phase> phase_failed;  // failed only: where
  bool keepalive_failed = false;           // failed: LCP echoes went unanswered (phase "keepalive")
  std::optional<ppp::auth::Method> auth;   // negotiated (or attempted); none
  bool auth_failed = false;
  // Proxy LCP/authentication (RFC 2661 4.4.5): LCP was taken over from the ICCN's proxy AVPs.
  bool proxied = false;
  std::string user;  // filled when the record is read (the live link keeps the name)
  std::optional<net::Ipv4> local_ip, remote_ip, dns1, dns2;  // IPCP's: IPv4
  // Per phase; up: from session up to the NCP opened.
  std::uint32_t lcp_us = kNoTime, auth_us = kNoTime, ncp_us = kNoTime, up_us = kNoTime;
  std::unique_ptr<PppRecordEnd> end;

  PppRecord() = default;
  PppRecord(const PppRecord& o);
  PppRecord& operator=(const PppRecord& o);
  PppRecord(PppRecord&&) = default;
  PppRecord& operator=(PppRecord&&) = default;

  // "lcp", "auth", "ncp", "keepalive" for a failed link; empty otherwise.
  std::string phase_failed_name() const;
  std::string auth_name() const;  // pap, chap, mschap1, mschap2, none
  static std::optional<double> ms(std::uint32_t us) {
    return us == kNoTime ? std::nullopt : std::optional<double>(us / 1000.0);
  }
  std::optional<double> up_ms() const { return ms(up_us); }
  const std::string& reason() const;
  PppRecordEnd& end_info();  // made on first use
};

// Which records a run keeps: those of the first `first_calls` calls (small runs show every
// session), and the first `failures` failed ones; everything else only counted.
struct PppRecordLimits {
  std::uint64_t first_calls = 1000;
  std::uint64_t failures = 1000;
  // True when a record of call `call` (failed or not) is worth keeping with `failures_kept`
  // failures kept so far.
  bool keep(const PppRecord& r, std::uint64_t failures_kept) const {
    return r.call <= first_calls || (r.state == PppState::Failed && failures_kept < failures);
  }
};

// A run's (or shard's) records: the kept ones in (tunnel, session, call) order, and how many
// more there were.
struct PppRecords {
  std::vector<PppRecord> list;
  std::uint64_t omitted = 0;
  // Another shard's into these, bounded again by `limits` (calls are numbered across shards).
  void merge(PppRecords&& o, const PppRecordLimits& limits);
};

// Renegotiations in place of one kind (ppp::Renegotiation): the call kept, LCP (then
// authentication and the NCPs) or IPCP alone negotiated again.
struct PppRestartCounters {
  std::uint64_t ours = 0;     // restart_link (l2tpsim lac --flap-kind lcp-restart, ipcp-restart)
  std::uint64_t by_peer = 0;  // the peer's Configure-Request in Opened
  std::uint64_t up = 0;       // back up; `latency` has each
  std::uint64_t failed = 0;   // the link ended first: a PPP failure (in PppCounters::failed too)
  LatencyHistogram latency;   // from going down to the NCPs open again
  PppRestartCounters& operator+=(const PppRestartCounters& o);
};

struct PppCounters {
  std::uint64_t links = 0, up = 0, failed = 0, auth_failures = 0, closed = 0;
  std::uint64_t keepalive_failures = 0;
  std::uint64_t echo_answered = 0;  // LNS: pings answered
  ip::ProbeStats traffic;           // summed over sessions
  // Failed links by phase (lcp, auth, ncp, keepalive) and by the CDN's Result/Error Code
  // ("3", "2/6"; "none"), over every link of the run.
  std::map<std::string, std::uint64_t> failed_by_phase, failed_by_result;
  // Latency per phase, from session up: LCP opened, authentication done, NCP opened (each
  // phase's own time), and the whole of it to PPP up.
  LatencyHistogram up_latency, lcp_latency, auth_latency, ncp_latency;
  std::optional<Time> last_up;  // when the last link came up (setup rate = up / (last_up - start))
  PppRestartCounters lcp_restarts, ipcp_restarts;
  PppRestartCounters& restarts(ppp::Renegotiation r) {
    return r == ppp::Renegotiation::Lcp ? lcp_restarts : ipcp_restarts;
  }
  PppCounters& operator+=(const PppCounters& o);  // another shard's
};

// Something outside the run that takes part in sessions' IP traffic (a TUN interface): told
// when a link is up, given every IPv4 packet no probe or responder took, told when it ends.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void link_up(LinkKey key, const ppp::LinkUp& up) = 0;
  virtual void packet(LinkKey key, Bytes ip_packet) = 0;
  virtual void link_down(LinkKey key) = 0;
};

class PppLayer {
 public:
  // `authorizer` is used by the LNS (server role) and must outlive the layer.
  PppLayer(const PppSettings& settings, ppp::Role role, Rng& rng, Authorizer* authorizer);
  ~PppLayer();

  // Every node event, before the runner's own handling.
  void on_event(Node& node, const NodeEvent& ev, Time now);
  // How a decision the Authorizer makes later (RADIUS) gets back: the runner posts it into the
  // shard (act), which calls decided().
  void on_later_decision(std::function<void(LinkKey, Decision)> f) { later_ = std::move(f); }
  void decided(Node& node, LinkKey key, const Decision& d, Time now);
  // A link came up for the first time (its NCP opened; a renegotiation in place is not a new
  // up): the LAC's --session-lifetime counts from here. Called from inside the drain.
  void on_link_up(std::function<void(LinkKey, Time)> f) { link_up_ = std::move(f); }
  // Deadlines: in a heap of the layer's own, until share_timers() puts them in the shard's one
  // heap (the Driver's) under LinkKey::value(); its owner then pops them and calls run_due().
  void share_timers(TimerHeap& shared);
  std::optional<Time> poll_timeout() const;
  void handle_timeout(Node& node, Time now);  // own heap only
  // The links whose timers the heap's owner popped (LinkKey::value()s, in the heap's order).
  void run_due(Node& node, const std::vector<TimerHeap::Key>& due, Time now);
  // Attaches the sink (it must outlive the layer); nullptr detaches.
  void set_sink(PacketSink* sink) { sink_ = sink; }
  // An IPv4 packet from the sink for link `key` (run through the shard's act()). False when the
  // link is not up or the packet does not fit.
  bool send_ip(Node& node, LinkKey key, Bytes packet, Time now);
  // Per-tunnel settings (replay --tunnel all: each tunnel's PPP as captured there): a new link
  // of a tunnel `pick` maps to an index gets the settings added under it (link configuration,
  // user, password, the IPCP an authorization starts from) and their authorizer, instead of
  // the layer's own; the layer-wide parts (traffic, echo answers, records) stay the layer's.
  // Links already running keep theirs.
  std::size_t add_settings(const PppSettings& settings, Authorizer* authorizer);
  void pick_settings(std::function<std::optional<std::size_t>(TunnelId)> pick) { pick_ = std::move(pick); }
  // An LCP Echo-Request (RFC 1661 5.8) on the link of `key` now, `data` after the Magic-Number
  // (replay: the echoes the captured side sent). False when its LCP is not opened.
  bool send_echo(Node& node, LinkKey key, Bytes data, Time now);
  // Teardown: every link ends (no Terminate exchange: the CDN follows at once), and so does every
  // link made after it (a call whose setup crossed the teardown).
  void stop_all(Time now);
  // Hangs up one call as a PPP peer does (RFC 1661 5.5): an LCP Terminate-Request, and once
  // it is acknowledged or times out, the CDN (result 3, as for every call PPP ends). Replay
  // uses it where the captured side terminated LCP before its CDN. False when `key` has no live
  // link (the caller clears the call itself).
  bool close_link(Node& node, LinkKey key, Time now, const std::string& reason);
  // Renegotiates the link of `key` in place, the call kept (ppp::Link::restart_lcp,
  // restart_ipcp; l2tpsim lac --flap-kind lcp-restart, ipcp-restart). Counted in
  // counters().restarts(what) once back up, or as a failure of the phase it ended in. False when
  // the link is not up or renegotiates already (is_up).
  bool restart_link(Node& node, LinkKey key, ppp::Renegotiation what, Time now);

  const PppCounters& counters() const { return counters_; }
  // The traffic probes' figures so far: those of ended links (counters().traffic) and of the live
  // ones (a walk over the links: for a once-a-second sample, not per datagram).
  ip::ProbeStats traffic_now() const;
  // The records worth showing (settings.records: those of the first calls, the first
  // failures), of ended links and of live ones, in (tunnel, session, call) order; how many
  // others there were in `omitted`. Ended links beyond the limits leave only their counts, so
  // memory does not grow with the sessions a run has had.
  PppRecords records() const;
  // Records of ended links held now (bounded by the limits).
  std::size_t kept_records() const { return kept_.size(); }
  // Links alive now (negotiating or up).
  std::size_t links() const { return index_.size(); }
  // Links that came up and have not ended. Kept as a count: the runner asks after every
  // datagram (setup_complete), and a scan of 10,000 links there dominated a load run.
  std::size_t links_up() const { return links_up_; }
  // True when the link of `key` came up, has not ended and is not ending or renegotiating now
  // (l2tpsim lac --flap clears or restarts only those).
  bool is_up(LinkKey key) const;
  // Links still negotiating (not yet up, not ended).
  std::size_t negotiating() const { return index_.size() - links_up(); }

 private:
  struct Entry;
  Entry* find(LinkKey key);
  void on_session_up(Node& node, TunnelId t, const SessionUp& up, Time now);
  void service(Node& node, Entry& e, Time now);
  void handle_link_event(Node& node, Entry& e, ppp::LinkEvent ev, Time now);
  void apply_decision(Entry& e, const Decision& d, Time now);
  void schedule(Entry& e);
  void run_one(Node& node, TimerHeap::Key key, Time now);
  void finish(Entry& e, Time now);
  void reopened(Entry& e, const ppp::LinkUp& up, Time now);
  void retire_probe(Entry& e, Time now);
  void release(Entry& e);

  struct Variant {
    PppSettings settings;
    std::shared_ptr<const ppp::LinkProfile> profile;
    Authorizer* authorizer = nullptr;
  };
  const PppSettings& settings_of(const Entry& e) const;
  Authorizer* authorizer_of(const Entry& e) const;

  PppSettings settings_;
  std::shared_ptr<const ppp::LinkProfile> profile_;
  std::vector<Variant> variants_;  // add_settings; an Entry's variant 0 is the layer's own
  std::function<std::optional<std::size_t>(TunnelId)> pick_;
  ppp::Role role_;
  Rng& rng_;
  Authorizer* authorizer_;
  PacketSink* sink_ = nullptr;
  // The live links: one slot each (reused once a link ends), found by LinkKey::value().
  std::vector<std::unique_ptr<Entry>> slots_;
  std::vector<std::uint32_t> free_slots_;
  FlatKeyMap index_;
  // Records of ended links worth keeping (PppRecordLimits), and how many were not kept.
  std::vector<PppRecord> kept_;
  std::uint64_t failures_kept_ = 0, records_omitted_ = 0;
  TimerHeap own_timers_;
  TimerHeap* timers_ = &own_timers_;  // key: LinkKey::value()
  std::function<void(LinkKey, Decision)> later_;
  std::function<void(LinkKey, Time)> link_up_;
  std::uint64_t calls_ = 0;
  bool stopping_ = false;  // stop_all(): links made from now on end with the teardown too
  std::size_t links_up_ = 0;
  PppCounters counters_;
  Buffer frame_, packet_;
};

}  // namespace l2tp
