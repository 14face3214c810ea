#include "peers/ppp/ppp_report.hpp"

#include <cstdio>
#include <sstream>

#include "peers/run_stats.hpp"

namespace l2tp::peers {

namespace {

nlohmann::json ip_or_null(const std::optional<net::IpAddress>& a) {
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

}  // namespace

nlohmann::json to_json(const PppRecord& r) {
  nlohmann::json j;
  j["tunnel"] = r.tunnel;
  j["session"] = r.session;
  j["state"] = r.state;
  j["phase_failed"] = r.phase_failed.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.phase_failed);
  j["auth"] = r.auth;
  j["user"] = r.user;
  j["local_ip"] = ip_or_null(r.local_ip);
  j["remote_ip"] = ip_or_null(r.remote_ip);
  j["dns"] = nlohmann::json::array();
  if (r.dns1) j["dns"].push_back(r.dns1->to_string());
  if (r.dns2) j["dns"].push_back(r.dns2->to_string());
  j["sent"] = r.traffic.sent;
  j["received"] = r.traffic.received;
  j["lost"] = r.traffic.lost;
  j["reordered"] = r.traffic.reordered;
  j["duplicates"] = r.traffic.duplicates;
  j["rtt_ms"] = r.traffic.rtt_count ? nlohmann::json(r.traffic.rtt_avg_ms()) : nlohmann::json(nullptr);
  j["lcp_ms"] = ms_or_null(r.lcp_ms);
  j["auth_ms"] = ms_or_null(r.auth_ms);
  j["ncp_ms"] = ms_or_null(r.ncp_ms);
  j["ppp_up_ms"] = ms_or_null(r.up_ms);
  j["echo_sent"] = r.echo_sent;
  j["echo_replies"] = r.echo_replies;
  j["auth_failed"] = r.auth_failed;
  j["reason"] = r.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.reason);
  if (r.cause)
    j["disconnect_cause"] = {{"code", r.cause->code},
                             {"protocol", r.cause->protocol},
                             {"direction", r.cause->direction},
                             {"message", r.cause->message}};
  if (r.cdn) {
    nlohmann::json c = {{"result", r.cdn->result}, {"by_peer", r.cdn_by_peer}};
    c["error"] = r.cdn->error ? nlohmann::json(*r.cdn->error) : nlohmann::json(nullptr);
    c["message"] = r.cdn->message;
    j["cdn"] = std::move(c);
  }
  return j;
}

void add_ppp_json(nlohmann::json& j, const PppCounters& c, const PppRecords& records) {
  j["sessions_ppp_up"] = c.up;
  j["auth_failures"] = c.auth_failures;
  const Percentiles p = percentiles(c.up_latency_ms);
  j["ppp"] = {
      {"links", c.links},
      {"up", c.up},
      {"failed", c.failed},
      {"closed", c.closed},
      {"auth_failures", c.auth_failures},
      {"keepalive_failures", c.keepalive_failures},
      {"echo_answered", c.echo_answered},
      {"up_latency_ms", {{"count", p.count}, {"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"max", p.max}}},
      {"traffic",
       {{"sent", c.traffic.sent},
        {"received", c.traffic.received},
        {"lost", c.traffic.lost},
        {"reordered", c.traffic.reordered},
        {"duplicates", c.traffic.duplicates},
        {"rtt_ms", c.traffic.rtt_count ? nlohmann::json(c.traffic.rtt_avg_ms()) : nlohmann::json(nullptr)}}}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [k, r] : records) list.push_back(to_json(r));
  j["sessions"] = std::move(list);
}

std::string ppp_text(const PppCounters& c, const PppRecords& records, ppp::Role role) {
  std::ostringstream o;
  o << "  ppp: " << c.up << " up of " << c.links << " links, " << c.failed << " failed (" << c.auth_failures
    << " authentication, " << c.keepalive_failures << " keepalive)";
  if (c.up) {
    const Percentiles p = percentiles(c.up_latency_ms);
    o << "; session up to IPCP opened p50 " << fixed(p.p50) << " ms, p99 " << fixed(p.p99) << " ms";
  }
  o << "\n";
  if (role == ppp::Role::Client && c.traffic.sent) {
    o << "  traffic: " << c.traffic.sent << " sent, " << c.traffic.received << " received, " << c.traffic.lost
      << " lost, " << c.traffic.reordered << " reordered, rtt avg " << fixed(c.traffic.rtt_avg_ms(), 2)
      << " ms\n";
  }
  if (role == ppp::Role::Server && c.echo_answered)
    o << "  echo requests answered: " << c.echo_answered << "\n";
  // The first few failures, each with its phase and the reason (the peer's codes included).
  int shown = 0;
  for (const auto& [k, r] : records) {
    if (r.state != "failed") continue;
    if (shown++ == 5) {
      o << "    ...\n";
      break;
    }
    o << "    tunnel " << r.tunnel << " session " << r.session << (r.user.empty() ? "" : " user " + r.user)
      << ": failed in " << r.phase_failed << ": " << r.reason << "\n";
  }
  return o.str();
}

}  // namespace l2tp::peers
