#include "peers/ppp/ppp_report.hpp"

#include <cstdio>
#include <sstream>

#include "peers/run_report.hpp"
#include "peers/run_stats.hpp"

namespace l2tp::peers {

namespace {

nlohmann::json ip_or_null(const std::optional<net::Ipv4>& a) {
  return a ? nlohmann::json(a->to_string()) : nlohmann::json(nullptr);
}

nlohmann::json ms_or_null(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string fixed(double v, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

nlohmann::json restarts_json(const PppRestartCounters& c) {
  return {{"ours", c.ours},
          {"by_peer", c.by_peer},
          {"up", c.up},
          {"failed", c.failed},
          {"latency_ms", latency_json(c.latency)}};
}

}  // namespace

nlohmann::json to_json(const PppRecord& r) {
  nlohmann::json j;
  j["tunnel"] = r.tunnel;
  j["session"] = r.session;
  j["state"] = to_string(r.state);
  const std::string phase = r.phase_failed_name();
  j["phase_failed"] = phase.empty() ? nlohmann::json(nullptr) : nlohmann::json(phase);
  j["auth"] = r.auth_name();
  j["user"] = r.user;
  j["local_ip"] = ip_or_null(r.local_ip);
  j["remote_ip"] = ip_or_null(r.remote_ip);
  j["dns"] = nlohmann::json::array();
  if (r.dns1) j["dns"].push_back(r.dns1->to_string());
  if (r.dns2) j["dns"].push_back(r.dns2->to_string());
  static const PppRecordEnd kNoEnd;
  const PppRecordEnd& end = r.end ? *r.end : kNoEnd;
  j["sent"] = end.traffic.sent;
  j["received"] = end.traffic.received;
  j["lost"] = end.traffic.lost;
  j["reordered"] = end.traffic.reordered;
  j["duplicates"] = end.traffic.duplicates;
  j["rtt_ms"] = end.traffic.rtt_count ? nlohmann::json(end.traffic.rtt_avg_ms()) : nlohmann::json(nullptr);
  j["lcp_ms"] = ms_or_null(PppRecord::ms(r.lcp_us));
  j["auth_ms"] = ms_or_null(PppRecord::ms(r.auth_us));
  j["ncp_ms"] = ms_or_null(PppRecord::ms(r.ncp_us));
  j["ppp_up_ms"] = ms_or_null(r.up_ms());
  j["echo_sent"] = end.echo_sent;
  j["echo_replies"] = end.echo_replies;
  j["auth_failed"] = r.auth_failed;
  j["reason"] = end.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(end.reason);
  if (end.cause)
    j["disconnect_cause"] = {{"code", end.cause->code},
                             {"protocol", end.cause->protocol},
                             {"direction", end.cause->direction},
                             {"message", end.cause->message}};
  if (end.cdn) {
    nlohmann::json c = {{"result", end.cdn->result}, {"by_peer", end.cdn_by_peer}};
    c["error"] = end.cdn->error ? nlohmann::json(*end.cdn->error) : nlohmann::json(nullptr);
    c["message"] = end.cdn->message;
    j["cdn"] = std::move(c);
  }
  return j;
}

void add_ppp_json(nlohmann::json& j, const PppCounters& c, const PppRecords& records) {
  j["sessions_ppp_up"] = c.up;
  j["auth_failures"] = c.auth_failures;
  j["ppp"] = {
      {"links", c.links},
      {"up", c.up},
      {"failed", c.failed},
      {"closed", c.closed},
      {"auth_failures", c.auth_failures},
      {"keepalive_failures", c.keepalive_failures},
      {"echo_answered", c.echo_answered},
      {"up_latency_ms", latency_json(c.up_latency)},
      {"lcp_latency_ms", latency_json(c.lcp_latency)},
      {"auth_latency_ms", latency_json(c.auth_latency)},
      {"ncp_latency_ms", latency_json(c.ncp_latency)},
      {"failed_by_phase", c.failed_by_phase},
      {"failed_by_result", c.failed_by_result},
      {"traffic",
       {{"sent", c.traffic.sent},
        {"received", c.traffic.received},
        {"lost", c.traffic.lost},
        {"reordered", c.traffic.reordered},
        {"duplicates", c.traffic.duplicates},
        {"rtt_ms", c.traffic.rtt_count ? nlohmann::json(c.traffic.rtt_avg_ms()) : nlohmann::json(nullptr)}}}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : records.list) list.push_back(to_json(r));
  // Renegotiations in place (l2tpsim lac --flap-kind lcp-restart, ipcp-restart; or the peer's).
  j["ppp"]["restarts"] = {{"lcp", restarts_json(c.lcp_restarts)}, {"ipcp", restarts_json(c.ipcp_restarts)}};
  j["sessions"] = std::move(list);
  // Links the list leaves out (beyond --session-records, and not among the first failures):
  // counted above, not listed.
  j["sessions_omitted"] = records.omitted;
  auto& h = j["histograms"];
  h["ppp_up"] = histogram_json(c.up_latency);
  h["lcp"] = histogram_json(c.lcp_latency);
  h["auth"] = histogram_json(c.auth_latency);
  h["ncp"] = histogram_json(c.ncp_latency);
  h["lcp_restart"] = histogram_json(c.lcp_restarts.latency);
  h["ipcp_restart"] = histogram_json(c.ipcp_restarts.latency);
}

std::string ppp_text(const PppCounters& c, const PppRecords& records, ppp::Role role) {
  std::ostringstream o;
  o << "  ppp: " << c.up << " up of " << c.links << " links, " << c.failed << " failed (" << c.auth_failures
    << " authentication, " << c.keepalive_failures << " keepalive)";
  if (c.up) {
    const Percentiles p = percentiles(c.up_latency);
    o << "; session up to IPCP opened p50 " << fixed(p.p50) << " ms, p99 " << fixed(p.p99) << " ms";
  }
  o << "\n";
  for (const auto* r : {&c.lcp_restarts, &c.ipcp_restarts}) {
    if (r->ours + r->by_peer == 0) continue;
    o << "  " << (r == &c.lcp_restarts ? "LCP" : "IPCP") << " renegotiated in place: " << r->ours
      << " by us, " << r->by_peer << " by the peer; " << r->up << " back up, " << r->failed << " failed";
    if (r->up) {
      const Percentiles p = percentiles(r->latency);
      o << "; down to up again p50 " << fixed(p.p50) << " ms, p99 " << fixed(p.p99) << " ms";
    }
    o << "\n";
  }
  if (role == ppp::Role::Client && c.traffic.sent) {
    o << "  traffic: " << c.traffic.sent << " sent, " << c.traffic.received << " received, " << c.traffic.lost
      << " lost, " << c.traffic.reordered << " reordered, rtt avg " << fixed(c.traffic.rtt_avg_ms(), 2)
      << " ms\n";
  }
  if (role == ppp::Role::Server && c.echo_answered)
    o << "  echo requests answered: " << c.echo_answered << "\n";
  // The first few failures, each with its phase and the reason (the peer's codes included).
  int shown = 0;
  for (const auto& r : records.list) {
    if (r.state != PppState::Failed) continue;
    if (shown++ == 5) {
      o << "    ...\n";
      break;
    }
    o << "    tunnel " << r.tunnel << " session " << r.session << (r.user.empty() ? "" : " user " + r.user)
      << ": failed in " << r.phase_failed_name() << ": " << r.reason() << "\n";
  }
  if (c.failed > 5) {
    o << "    failed by phase:";
    for (const auto& [phase, n] : c.failed_by_phase) o << " " << phase << " " << n;
    o << "; by CDN result code:";
    for (const auto& [code, n] : c.failed_by_result) o << " " << code << " " << n;
    o << "\n";
  }
  return o.str();
}

}  // namespace l2tp::peers
