#include "peers/run_report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace l2tp::peers {

namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string latency_text(const LatencyHistogram& h) {
  const Percentiles p = percentiles(h);
  if (p.count == 0) return "none";
  return "p50 " + fixed(p.p50, 1) + " ms, p90 " + fixed(p.p90, 1) + " ms, p99 " + fixed(p.p99, 1) +
         " ms, max " + fixed(p.max, 1) + " ms";
}

nlohmann::json counts_json(const std::map<std::string, std::uint64_t>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, n] : m) j[k] = n;
  return j;
}

}  // namespace

nlohmann::json latency_json(const LatencyHistogram& h) {
  const Percentiles p = percentiles(h);
  return {{"count", p.count}, {"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"max", p.max}};
}

nlohmann::json histogram_json(const LatencyHistogram& h) {
  nlohmann::json buckets = nlohmann::json::array();
  h.for_each_bucket([&](std::uint64_t lo, std::uint64_t hi, std::uint64_t n) {
    buckets.push_back({lo, hi, n});
  });
  return {{"unit", "us"},      {"count", h.count()}, {"min", h.min_us()},
          {"max", h.max_us()}, {"sum", h.sum_us()},  {"buckets", std::move(buckets)}};
}

std::optional<LatencyHistogram> histogram_from_json(const nlohmann::json& j) {
  try {
    if (j.at("unit") != "us") return std::nullopt;
    std::vector<LatencyHistogram::Bucket> buckets;
    for (const auto& b : j.at("buckets"))
      buckets.push_back({b.at(0).get<std::uint64_t>(), b.at(2).get<std::uint64_t>()});
    LatencyHistogram h;
    if (!LatencyHistogram::restore(buckets, j.at("min").get<std::uint64_t>(),
                                   j.at("max").get<std::uint64_t>(), j.value("sum", 0.0), h) ||
        h.count() != j.at("count").get<std::uint64_t>())
      return std::nullopt;
    return h;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

double setup_rate(const RunStats& s) {
  if (s.sessions_established == 0 || !s.first_attempt || !s.last_session_up) return 0;
  // At least a millisecond, so one session set up "instantly" does not divide by zero.
  const double span = std::max(to_seconds(*s.last_session_up - *s.first_attempt), 1e-3);
  return static_cast<double>(s.sessions_established) / span;
}

std::string unanswered_message(const RunStats& s, const RunSummary& r) {
  if (s.tunnels_unanswered == 0) return "";
  const std::string peer = r.peer.empty() ? "the peer" : r.peer;
  std::string m = "no answer from " + peer + " to " + std::to_string(r.sends_per_message) + " SCCRQ" +
                  (r.sends_per_message == 1 ? "" : "s");
  if (s.tunnels_attempted > 1) {
    m += s.tunnels_unanswered == s.tunnels_attempted
             ? " in each of its " + std::to_string(s.tunnels_attempted) + " tunnels"
             : " in " + std::to_string(s.tunnels_unanswered) + " of " + std::to_string(s.tunnels_attempted) +
                   " tunnels";
  }
  if (r.transport.received > 0) {
    m += " (" + std::to_string(r.transport.received) + " datagram" + (r.transport.received == 1 ? "" : "s") +
         " did arrive: " + std::to_string(r.node.decode_errors) + " malformed, " +
         std::to_string(r.node.unknown_tunnel) + " for no tunnel of ours, " +
         std::to_string(r.node.not_l2tpv2) + " not L2TPv2)";
  }
  return m;
}

std::vector<std::string> unanswered_causes(const RunSummary& r) {
  std::string host = r.peer, port = "1701";
  if (const auto colon = r.peer.rfind(':'); colon != std::string::npos && r.peer.back() != ']') {
    host = r.peer.substr(0, colon);
    port = r.peer.substr(colon + 1);
  }
  std::vector<std::string> causes;
  causes.push_back("nothing listens on UDP port " + port + " of " + host +
                   " (no LNS running there, or it "
                   "listens on another address or port)");
  causes.push_back("a firewall drops the SCCRQs or the answers (UDP " + port + " both ways)");
  std::string elsewhere;
  for (const auto& l : r.local)
    if (l.port != 1701) elsewhere += (elsewhere.empty() ? "" : ", ") + l.to_string();
  if (!elsewhere.empty())
    causes.push_back("the LNS answers only LACs sending from UDP port 1701, as some do (we sent from " +
                     elsewhere + "; free port 1701 or give --local-address ADDR:1701)");
  causes.push_back(
      "the LNS drops SCCRQs it refuses without a StopCCN (l2tpns does), e.g. from an address "
      "it does not serve");
  causes.push_back("the address is wrong (" + host + ")");
  return causes;
}

std::string describe(const Failure& f) {
  std::string s = "tunnel " + std::to_string(f.tunnel.value);
  if (f.session) s += " session " + std::to_string(f.session->value);
  s += ": failed in " + f.phase;
  if (f.unanswered) s += ": SCCRQ never answered";
  if (f.result) s += (f.by_peer ? ", peer sent " : ", we sent ") + f.result->to_string();
  if (!f.reason.empty() && !(f.result && f.result->message == f.reason)) s += " (" + f.reason + ")";
  return s;
}

std::string status_line(const RunStats& s, double elapsed_s, double recent_rate) {
  return status_line(status_counts(s), elapsed_s, recent_rate);
}

std::string status_line(const StatusCounts& c, double elapsed_s, double recent_rate) {
  std::string line = fixed(elapsed_s, 0) + "s  tunnels " + std::to_string(c.tunnels_up) + " up";
  if (c.tunnels_failed) line += " " + std::to_string(c.tunnels_failed) + " failed";
  line +=
      "  sessions " + std::to_string(c.sessions_up) + " up " + std::to_string(c.sessions_failed) + " failed";
  if (c.sessions_pending) line += " " + std::to_string(c.sessions_pending) + " pending";
  line += "  " + fixed(recent_rate, 0) + " sessions/s";
  if (c.ppp) line += "  ppp " + std::to_string(c.ppp_up) + " up " + std::to_string(c.ppp_failed) + " failed";
  if (c.retransmissions) line += "  retrans " + std::to_string(c.retransmissions);
  // The tunnels waiting for an SCCCN show from 16 on (or once any SCCRQ was refused under pressure).
  if (c.new_peers_refused || c.half_open >= 16)
    line += "  half-open " + std::to_string(c.half_open) + " refused " + std::to_string(c.new_peers_refused);
  return line;
}

std::string to_text(const RunStats& s, const RunSummary& r) {
  std::ostringstream o;
  o << "l2tpsim " << r.role << ": " << fixed(r.duration_s, 1) << " s (seed " << r.seed << ")\n";
  o << "  tunnels:  " << s.tunnels_established << " established, " << s.tunnels_failed << " failed";
  if (s.tunnels_cancelled) o << ", " << s.tunnels_cancelled << " cancelled by teardown";
  o << ", " << s.tunnels_closed << " cleared (" << s.tunnels_closed_by_peer << " by the peer)\n";
  o << "  sessions: " << s.sessions_established << " established, " << s.sessions_failed << " failed";
  if (s.sessions_cancelled) o << ", " << s.sessions_cancelled << " cancelled by teardown";
  o << ", " << s.sessions_closed << " cleared (" << s.sessions_closed_by_peer << " by the peer)\n";
  if (s.sessions_established)
    o << "  setup:    " << fixed(setup_rate(s), 1) << " sessions/s over " << fixed(r.setup_s, 3) << " s\n";
  o << "  session setup latency: " << latency_text(s.session_latency) << "\n";
  o << "  tunnel setup latency:  " << latency_text(s.tunnel_latency) << "\n";
  if (s.ipsec) o << "  IPsec setup latency:   " << latency_text(s.ipsec_latency) << " (IKE + CHILD SA)\n";
  if (r.batch_interval_ms > 0) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%g", r.batch_interval_ms);
    o << "  (latencies include up to " << ms
      << " ms of our own wait per message received while busy: --batch-interval; 0 reads each at once)\n";
  }
  o << "  control channel: " << r.channel.sent << " sent, " << r.channel.retransmissions
    << " retransmissions, " << r.channel.duplicates << " duplicates, " << r.channel.out_of_order
    << " out of order, " << r.channel.out_of_window << " out of window\n";
  o << "  datagrams: " << r.transport.received << " in, " << r.transport.sent << " out";
  if (r.transport.wakeups) o << ", " << r.transport.wakeups << " wake-ups";  // none in virtual time
  if (r.transport.send_errors) o << ", " << r.transport.send_errors << " send errors";
  if (r.node.decode_errors) o << ", " << r.node.decode_errors << " malformed";
  if (r.node.unknown_tunnel) o << ", " << r.node.unknown_tunnel << " for unknown tunnels";
  o << "\n";
  if (s.peer_violations) {
    o << "  peer violations: " << s.peer_violations << " (";
    bool first = true;
    for (const auto& [rule, n] : s.violations_by_rule) {
      o << (first ? "" : ", ") << rule << " x" << n;
      first = false;
    }
    o << ")\n";
    constexpr std::size_t kShown = 5;
    for (std::size_t i = 0; i < r.violations.size() && i < kShown; ++i) {
      const auto& v = r.violations[i];
      o << "    " << v.rule << " frame " << v.frame << ": " << v.detail << "\n";
    }
  }
  if (!r.torn_down) o << "  teardown: not every tunnel closed within the bound\n";
  if (r.interrupted) o << "  interrupted: teardown cut short by a second signal\n";
  constexpr std::size_t kShownCancelled = 5;
  for (std::size_t i = 0; i < s.cancelled.size() && i < kShownCancelled; ++i) {
    const Failure& c = s.cancelled[i];
    o << "  cancelled: tunnel " << c.tunnel.value;
    if (c.session) o << " session " << c.session->value;
    o << " was still in " << c.phase << "\n";
  }
  if (const auto shown = std::min(s.cancelled.size(), kShownCancelled),
      all = s.cancelled.size() + s.cancelled_omitted;
      all > shown)
    o << "  ... and " << all - shown << " more cancelled\n";
  if (const auto unanswered = unanswered_message(s, r); !unanswered.empty()) {
    o << "  " << unanswered << "; likely causes:\n";
    for (const auto& c : unanswered_causes(r)) o << "    - " << c << "\n";
  }
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < s.failures.size() && i < kShown; ++i)
    o << "  " << describe(s.failures[i]) << "\n";
  if (const auto shown = std::min(s.failures.size(), kShown), all = s.failures.size() + s.failures_omitted;
      all > shown) {
    o << "  ... and " << all - shown << " more failures; all by phase:";
    for (const auto& [phase, n] : s.failure_counts().by_phase) o << " " << phase << " " << n;
    o << "\n";
  }
  return o.str();
}

nlohmann::json to_json(const RunStats& s, const RunSummary& r) {
  nlohmann::json failures = nlohmann::json::array();
  const std::string unanswered = unanswered_message(s, r);
  for (const auto& f : s.failures) {
    nlohmann::json j{
        {"tunnel", f.tunnel.value}, {"phase", f.phase}, {"by_peer", f.by_peer}, {"reason", f.reason}};
    j["session"] = f.session ? nlohmann::json(f.session->value) : nlohmann::json(nullptr);
    j["result"] = f.result ? nlohmann::json(f.result->result) : nlohmann::json(nullptr);
    j["error"] = f.result && f.result->error ? nlohmann::json(*f.result->error) : nlohmann::json(nullptr);
    j["message"] = f.result && !f.result->message.empty() ? f.result->message : f.reason;
    j["unanswered"] = f.unanswered;
    if (f.unanswered)
      j["message"] = "no answer from " + (r.peer.empty() ? std::string("the peer") : r.peer) + " to " +
                     std::to_string(r.sends_per_message) + " SCCRQs";
    failures.push_back(std::move(j));
  }
  nlohmann::json j;
  j["role"] = r.role;
  j["seed"] = r.seed;
  j["tunnels_attempted"] = s.tunnels_attempted;
  j["tunnels_established"] = s.tunnels_established;
  j["tunnels_failed"] = s.tunnels_failed;
  j["tunnels_cancelled"] = s.tunnels_cancelled;
  j["tunnels_closed"] = s.tunnels_closed;
  j["tunnels_closed_by_peer"] = s.tunnels_closed_by_peer;
  j["sessions_attempted"] = s.sessions_attempted;
  j["sessions_established"] = s.sessions_established;
  j["sessions_failed"] = s.sessions_failed;
  j["sessions_cancelled"] = s.sessions_cancelled;
  j["sessions_closed"] = s.sessions_closed;
  j["sessions_closed_by_peer"] = s.sessions_closed_by_peer;
  j["failures"] = std::move(failures);
  // The list holds the first failures; the counts cover all of them.
  j["failures_omitted"] = s.failures_omitted;
  const FailureCounts fc = s.failure_counts();
  j["failures_by_phase"] = counts_json(fc.by_phase);
  j["failures_by_result"] = counts_json(fc.by_result);
  j["tunnels_unanswered"] = s.tunnels_unanswered;
  if (unanswered.empty()) {
    j["unanswered"] = nullptr;
  } else {
    j["unanswered"] = {{"peer", r.peer},
                       {"tunnels", s.tunnels_unanswered},
                       {"sccrqs_per_tunnel", r.sends_per_message},
                       {"message", unanswered},
                       {"likely_causes", unanswered_causes(r)}};
  }
  nlohmann::json cancelled = nlohmann::json::array();
  for (const auto& c : s.cancelled) {
    nlohmann::json e{{"tunnel", c.tunnel.value}, {"phase", c.phase}};
    e["session"] = c.session ? nlohmann::json(c.session->value) : nlohmann::json(nullptr);
    cancelled.push_back(std::move(e));
  }
  j["cancelled"] = std::move(cancelled);
  j["cancelled_omitted"] = s.cancelled_omitted;
  j["cancelled_by_phase"] = counts_json(s.cancelled_counts().by_phase);
  j["retransmissions"] = r.channel.retransmissions;
  j["duplicates"] = r.channel.duplicates;
  j["out_of_order"] = r.channel.out_of_order;
  j["out_of_window"] = r.channel.out_of_window;
  j["control_sent"] = r.channel.sent;
  j["control_received"] = r.channel.received;
  j["zlb_sent"] = r.channel.zlb_sent;
  j["setup_latency_ms"] = latency_json(s.session_latency);
  j["batch_interval_ms"] = r.batch_interval_ms;
  j["tunnel_setup_latency_ms"] = latency_json(s.tunnel_latency);
  // Mergeable (bucket by bucket) with other runs' or agents'; PPP adds its phases.
  j["histograms"] = {{"session_setup", histogram_json(s.session_latency)},
                     {"tunnel_setup", histogram_json(s.tunnel_latency)}};
  if (s.ipsec) {
    j["ipsec_latency_ms"] = latency_json(s.ipsec_latency);
    j["histograms"]["ipsec_setup"] = histogram_json(s.ipsec_latency);
  }
  j["duration_s"] = r.duration_s;
  j["setup_s"] = r.setup_s;
  j["teardown_s"] = r.teardown_s;
  j["setup_rate_sessions_per_s"] = setup_rate(s);
  j["torn_down"] = r.torn_down;
  j["interrupted"] = r.interrupted;
  j["peer_violations"] = s.peer_violations;
  j["violations_by_rule"] = s.violations_by_rule;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : r.violations)
    list.push_back({{"rule", v.rule}, {"detail", v.detail}, {"frame", v.frame}, {"stateful", v.stateful}});
  j["violations"] = std::move(list);
  j["datagrams"] = {{"received", r.transport.received},       {"sent", r.transport.sent},
                    {"send_errors", r.transport.send_errors}, {"receive_errors", r.transport.receive_errors},
                    {"malformed", r.node.decode_errors},      {"unknown_tunnel", r.node.unknown_tunnel},
                    {"not_l2tpv2", r.node.not_l2tpv2},        {"refused_tunnels", r.node.refused_tunnels},
                    {"wakeups", r.transport.wakeups}};
  j["pcap_frames"] = r.pcap_frames;
  return j;
}

}  // namespace l2tp::peers
