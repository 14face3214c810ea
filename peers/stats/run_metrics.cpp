#include "peers/stats/run_metrics.hpp"

#include <map>
#include <string>

namespace l2tp::peers {

namespace prom = reports::prometheus;

namespace {

prom::Family counter(std::string name, std::string help, double value) {
  return prom::Family{std::move(name), std::move(help), prom::MetricType::Counter, {{{}, value}}, {}};
}

prom::Family gauge(std::string name, std::string help, double value) {
  return prom::Family{std::move(name), std::move(help), prom::MetricType::Gauge, {{{}, value}}, {}};
}

double d(std::uint64_t n) {
  return static_cast<double>(n);
}

}  // namespace

std::vector<prom::Family> run_metrics(const RunResult& r) {
  const RunStats& s = r.stats;
  const RunSummary& sum = r.summary;
  std::vector<prom::Family> f;
  f.push_back(prom::Family{"l2tpsim_run_info",
                           "The run: its role (lac or lns); always 1",
                           prom::MetricType::Gauge,
                           {{{{"role", sum.role}}, 1}},
                           {}});
  f.push_back(gauge("l2tpsim_run_duration_seconds", "Time since the run started", sum.duration_s));
  f.push_back(gauge("l2tpsim_sessions_up", "Sessions (calls) established now", d(s.sessions_up_now())));
  f.push_back(gauge("l2tpsim_tunnels_up", "Tunnels established now", d(s.tunnels_up_now())));
  f.push_back(gauge("l2tpsim_sessions_in_setup", "Sessions opened and not yet established or failed",
                    d(s.sessions_pending())));

  f.push_back(counter("l2tpsim_tunnels_attempted_total", "Tunnels opened (SCCRQ sent or received)",
                      d(s.tunnels_attempted)));
  f.push_back(counter("l2tpsim_tunnels_established_total", "Tunnels that came up", d(s.tunnels_established)));
  f.push_back(counter("l2tpsim_tunnels_failed_total",
                      "Tunnels that failed before or while up (not our teardown)", d(s.tunnels_failed)));
  f.push_back(
      counter("l2tpsim_tunnels_closed_total", "Established tunnels cleared (StopCCN)", d(s.tunnels_closed)));
  f.push_back(counter("l2tpsim_sessions_attempted_total", "Session setups attempted (ICRQ)",
                      d(s.sessions_attempted)));
  f.push_back(counter("l2tpsim_sessions_established_total", "Session setups that succeeded",
                      d(s.sessions_established)));
  f.push_back(
      counter("l2tpsim_sessions_failed_total", "Session setups that failed (L2TP)", d(s.sessions_failed)));
  f.push_back(counter("l2tpsim_sessions_closed_total", "Established sessions cleared (CDN): teardowns",
                      d(s.sessions_closed)));

  // The timeline counts every failure of the run by phase and by code (PPP's at each second's
  // sample), the same figures the JSON timeline and the HTML report show.
  std::map<std::string, std::uint64_t> by_phase, by_result;
  for (std::size_t i = 0; i < kFailPhases; ++i) by_phase[to_string(static_cast<FailPhase>(i))] = 0;
  for (const auto& b : s.timeline.buckets()) {
    for (std::size_t i = 0; i < kFailPhases; ++i)
      by_phase[to_string(static_cast<FailPhase>(i))] += b.failed_by_phase[i];
    for (const auto& [code, n] : b.failed_by_result) by_result[code] += n;
  }
  prom::Family phases{"l2tpsim_setup_failures_total",
                      "Setups failed, by phase (tunnel, call, lcp, auth, ncp, keepalive, other, ...)",
                      prom::MetricType::Counter,
                      {},
                      {}};
  for (const auto& [phase, n] : by_phase) phases.samples.push_back({{{"phase", phase}}, d(n)});
  f.push_back(std::move(phases));
  prom::Family results{
      "l2tpsim_setup_failures_by_result_total",
      "Setups failed, by the StopCCN's or CDN's Result/Error Code (\"2/6\"; none: no Result Code)",
      prom::MetricType::Counter,
      {},
      {}};
  for (const auto& [code, n] : by_result) results.samples.push_back({{{"result", code}}, d(n)});
  f.push_back(std::move(results));

  f.push_back(counter("l2tpsim_control_retransmissions_total", "Control messages sent again (RFC 2661 5.8)",
                      d(sum.channel.retransmissions)));
  f.push_back(counter("l2tpsim_control_messages_sent_total",
                      "Control messages sent, ZLBs and retransmissions included", d(sum.channel.sent)));
  f.push_back(counter("l2tpsim_control_messages_received_total", "Control messages received",
                      d(sum.channel.received)));
  f.push_back(
      counter("l2tpsim_datagrams_received_total", "UDP datagrams received", d(sum.transport.received)));
  f.push_back(counter("l2tpsim_datagrams_sent_total", "UDP datagrams sent", d(sum.transport.sent)));
  f.push_back(counter("l2tpsim_peer_violations_total", "Messages from the peer against RFC 2661 or PPP rules",
                      d(s.peer_violations)));

  prom::Family latency{"l2tpsim_setup_latency_seconds",
                       "Setup latency by phase: tunnel_setup (SCCRQ to SCCCN), session_setup (ICRQ to ICCN), "
                       "lcp, auth, ncp and ppp_up (from the session up)",
                       prom::MetricType::Histogram,
                       {},
                       {}};
  const auto bounds = prom::latency_bounds_s();
  latency.histograms.push_back(
      prom::histogram_seconds(s.tunnel_latency, bounds, {{"phase", "tunnel_setup"}}));
  latency.histograms.push_back(
      prom::histogram_seconds(s.session_latency, bounds, {{"phase", "session_setup"}}));
  if (r.has_ppp) {
    const PppCounters& p = r.ppp;
    latency.histograms.push_back(prom::histogram_seconds(p.lcp_latency, bounds, {{"phase", "lcp"}}));
    latency.histograms.push_back(prom::histogram_seconds(p.auth_latency, bounds, {{"phase", "auth"}}));
    latency.histograms.push_back(prom::histogram_seconds(p.ncp_latency, bounds, {{"phase", "ncp"}}));
    latency.histograms.push_back(prom::histogram_seconds(p.up_latency, bounds, {{"phase", "ppp_up"}}));
    // Renegotiations in place (the call kept): begun by us or by the peer, back up, failed; their
    // time from going down to the NCPs open again as phases lcp_restart and ipcp_restart.
    prom::Family begun{"l2tpsim_ppp_renegotiations_total",
                       "PPP negotiated again in place with the call kept, by layer (lcp, ipcp) and by whom "
                       "(us: --flap-kind lcp-restart/ipcp-restart; peer: its Configure-Request in Opened)",
                       prom::MetricType::Counter,
                       {},
                       {}};
    prom::Family back_up{"l2tpsim_ppp_renegotiations_up_total",
                         "PPP renegotiations in place that came back up",
                         prom::MetricType::Counter,
                         {},
                         {}};
    prom::Family lost{"l2tpsim_ppp_renegotiations_failed_total",
                      "PPP renegotiations in place that ended the link instead (also in ppp_links_failed)",
                      prom::MetricType::Counter,
                      {},
                      {}};
    for (const auto& [layer, c] : {std::pair{"lcp", &p.lcp_restarts}, std::pair{"ipcp", &p.ipcp_restarts}}) {
      begun.samples.push_back({{{"layer", layer}, {"by", "us"}}, d(c->ours)});
      begun.samples.push_back({{{"layer", layer}, {"by", "peer"}}, d(c->by_peer)});
      back_up.samples.push_back({{{"layer", layer}}, d(c->up)});
      lost.samples.push_back({{{"layer", layer}}, d(c->failed)});
      latency.histograms.push_back(
          prom::histogram_seconds(c->latency, bounds, {{"phase", std::string(layer) + "_restart"}}));
    }
    f.push_back(std::move(begun));
    f.push_back(std::move(back_up));
    f.push_back(std::move(lost));
    f.push_back(
        counter("l2tpsim_ppp_links_up_total", "PPP links that came up (LCP, authentication, NCP)", d(p.up)));
    f.push_back(counter("l2tpsim_ppp_links_failed_total", "PPP links that failed", d(p.failed)));
    f.push_back(counter("l2tpsim_data_packets_sent_total", "Probe packets sent inside sessions (--traffic)",
                        d(p.traffic.sent)));
    f.push_back(counter("l2tpsim_data_packets_received_total", "Probe replies received inside sessions",
                        d(p.traffic.received)));
    f.push_back(
        counter("l2tpsim_data_packets_lost_total", "Probe packets never answered", d(p.traffic.lost)));
  }
  f.push_back(std::move(latency));
  return f;
}

}  // namespace l2tp::peers
