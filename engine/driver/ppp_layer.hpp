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
#include <unordered_map>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "engine/driver/ppp_settings.hpp"
#include "engine/node.hpp"
#include "engine/util/timer_heap.hpp"

namespace l2tp {

// One session's PPP as the summary reports it.
struct PppRecord {
  std::uint16_t tunnel = 0, session = 0;
  std::string state = "negotiating";  // negotiating, up, failed, closed
  std::string phase_failed;           // lcp, auth, ncp (failed only)
  std::string auth = "none";          // pap, chap, mschap1, mschap2, none
  std::string user;
  std::optional<net::IpAddress> local_ip, remote_ip, dns1, dns2;
  std::string reason;  // why it failed or closed
  std::optional<avp::DisconnectCause> cause;
  // The CDN that ended the call, ours or the peer's (l2tpns refuses a password with CDN 3 and
  // no PPP failure message: these codes are then all there is).
  std::optional<ResultInfo> cdn;
  bool cdn_by_peer = false;
  bool auth_failed = false;
  std::optional<double> lcp_ms, auth_ms, ncp_ms, up_ms;  // per phase; up: from session up
  ip::ProbeStats traffic;
  std::uint64_t echo_sent = 0, echo_replies = 0;
  // Proxy LCP/authentication (RFC 2661 4.4.5): LCP was taken over from the ICCN's proxy AVPs,
  // or why proxy information that came was not used.
  bool proxied = false;
  std::string proxy_note;
};

struct PppCounters {
  std::uint64_t links = 0, up = 0, failed = 0, auth_failures = 0, closed = 0;
  std::uint64_t keepalive_failures = 0;
  std::uint64_t echo_answered = 0;  // LNS: pings answered
  ip::ProbeStats traffic;           // summed over sessions
  std::vector<double> up_latency_ms;
  std::optional<Time> last_up;  // when the last link came up (setup rate = up / (last_up - start))
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
  std::optional<Time> poll_timeout() const;
  void handle_timeout(Node& node, Time now);
  // Attaches the sink (it must outlive the layer); nullptr detaches.
  void set_sink(PacketSink* sink) { sink_ = sink; }
  // An IPv4 packet from the sink for link `key` (run through the shard's act()). False when the
  // link is not up or the packet does not fit.
  bool send_ip(Node& node, LinkKey key, Bytes packet, Time now);
  // Teardown: every link ends (no Terminate exchange: the CDN follows at once).
  void stop_all(Time now);

  const PppCounters& counters() const { return counters_; }
  const std::map<std::uint32_t, PppRecord>& records() const { return records_; }
  // Links that came up and have not ended. Kept as a count: the runner asks after every
  // datagram (setup_complete), and a scan of 10,000 links there dominated a load run.
  std::size_t links_up() const { return links_up_; }
  // Links still negotiating (not yet up, not ended).
  std::size_t negotiating() const { return links_.size() - links_up(); }

 private:
  struct Entry;
  void on_session_up(Node& node, TunnelId t, const SessionUp& up, Time now);
  void service(Node& node, Entry& e, Time now);
  void handle_link_event(Node& node, Entry& e, ppp::LinkEvent ev, Time now);
  void apply_decision(Entry& e, const Decision& d, Time now);
  void schedule(Entry& e);
  void finish(Entry& e, Time now);

  PppSettings settings_;
  std::shared_ptr<const ppp::LinkProfile> profile_;
  ppp::Role role_;
  Rng& rng_;
  Authorizer* authorizer_;
  PacketSink* sink_ = nullptr;
  std::unordered_map<std::uint32_t, std::unique_ptr<Entry>> links_;
  std::map<std::uint32_t, PppRecord> records_;
  TimerHeap timers_;  // key: LinkKey::value()
  std::function<void(LinkKey, Decision)> later_;
  std::uint64_t calls_ = 0;
  std::size_t links_up_ = 0;
  PppCounters counters_;
  Buffer frame_, packet_;
};

}  // namespace l2tp
