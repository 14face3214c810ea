#include "replay/replay_report.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "engine/wire/rules.hpp"
#include "replay/ppp_facts.hpp"

namespace l2tp::replay {

PeerFindings peer_findings(const peers::PassiveChecker& checker) {
  PeerFindings f;
  f.total = checker.total();
  f.by_rule = checker.by_rule();
  for (const peers::CheckedViolation& v : checker.kept()) {
    const RuleInfo* rule = find_rule(v.rule);
    f.kept.push_back(
        PeerFinding{v.rule, rule ? std::string(rule->level) : std::string(), v.detail, v.frame, v.stateful});
  }
  return f;
}

bool PeerFindings::must() const {
  for (const auto& [rule, n] : by_rule)
    if (const RuleInfo* r = find_rule(rule); r && is_mandatory_level(r->level)) return true;
  return false;
}

capture::Conversations live_conversations(const std::vector<LiveDatagram>& transcript,
                                          const std::string& secret) {
  capture::ConversationOptions options;
  options.secret = secret;
  for (const LiveDatagram& d : transcript) {
    options.ports.insert(d.src.port);
    options.ports.insert(d.dst.port);
  }
  capture::ConversationBuilder builder(options);
  for (const LiveDatagram& d : transcript) {
    capture::CapturedPacket p;
    p.frame = d.frame;
    p.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d.at.time_since_epoch()).count();
    p.transport = capture::Transport::Udp;
    p.src = d.src;
    p.dst = d.dst;
    p.payload = d.bytes;
    p.wire_length = static_cast<std::uint32_t>(d.bytes.size());
    builder.add(p);
  }
  return builder.finish();
}

namespace {

// The live tunnel we played (`us` is one of its ends) and our side in it.
std::pair<const capture::Tunnel*, std::uint8_t> find_live(const capture::Conversations& live,
                                                          const net::Endpoint& us) {
  for (const capture::Tunnel& t : live.tunnels)
    for (std::uint8_t s = 0; s < 2; ++s)
      if (t.sides[s].endpoint_known && t.sides[s].endpoint == us) return {&t, s};
  return {nullptr, 0};
}

}  // namespace

std::vector<Difference> compare_live(const capture::Tunnel& captured, std::uint8_t played,
                                     const capture::Conversations& live, const net::Endpoint& us,
                                     const DiffOptions& options) {
  const auto peer = static_cast<std::uint8_t>(played ^ 1);
  const auto [t, s] = find_live(live, us);
  return diff_tunnels(captured, peer, t, static_cast<std::uint8_t>(s ^ 1), options);
}

void compare_into(ReplayOutcome& o, const capture::Tunnel& captured, std::uint8_t played,
                  const capture::Conversations& live, const net::Endpoint& us, const DiffOptions& options) {
  const auto peer = static_cast<std::uint8_t>(played ^ 1);
  const auto [t, s] = find_live(live, us);
  o.exchanges.clear();
  o.differences = diff_tunnels(captured, peer, t, static_cast<std::uint8_t>(s ^ 1), options, &o.exchanges);
  o.response_times = response_times(captured, played, t, s, options.clones);
  for (std::string& n : slow_answer_notes(o.response_times)) o.notes.push_back(std::move(n));
  o.ladder = ladder_rows(captured, played, t, s, o.differences);
}

std::vector<std::string> unplayed_ppp(const capture::Tunnel& captured, std::uint8_t played,
                                      const capture::Conversations& live, const net::Endpoint& us,
                                      std::size_t clones) {
  std::vector<std::string> notes;
  const auto [t, s] = find_live(live, us);
  const std::size_t n = std::max<std::size_t>(1, clones);
  for (std::size_t i = 0; i < captured.sessions.size() * n; ++i) {
    if (captured.sessions[i / n].ppp.empty()) continue;
    const PppFacts c = ppp_facts(captured.sessions[i / n], played);
    const PppFacts l = t && i < t->sessions.size() ? ppp_facts(t->sessions[i], s) : PppFacts{};
    std::string missing;
    for (const std::string& k : c.kinds_sent)
      if (std::find(l.kinds_sent.begin(), l.kinds_sent.end(), k) == l.kinds_sent.end())
        missing += (missing.empty() ? "" : ", ") + k;
    if (!missing.empty())
      notes.push_back("call " + std::to_string(i + 1) +
                      ": not sent live, though the captured side sent it: " + missing);
  }
  return notes;
}

namespace {

// What the passive checker found in the live peer's messages (not differences: listed apart).
std::string findings_text(const PeerFindings& f) {
  if (f.total == 0) return "  the passive checker found no violation by the live peer\n";
  std::ostringstream out;
  out << "  the live peer broke RFC 2661 " << f.total << " time(s) (passive checker:";
  for (const auto& [rule, n] : f.by_rule) out << " " << rule << " x" << n;
  out << "):\n";
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < f.kept.size() && i < kShown; ++i) {
    const PeerFinding& v = f.kept[i];
    out << "    " << v.rule << " (" << (v.level.empty() ? "?" : v.level) << ") live frame " << v.frame_live
        << ": " << v.detail << "\n";
  }
  if (f.kept.size() > kShown) out << "    ... " << f.kept.size() - kShown << " more in the JSON\n";
  return out.str();
}

}  // namespace

std::string outcome_text(const ReplayOutcome& o) {
  std::ostringstream out;
  out << "replay of the " << o.played << " side of tunnel " << o.tunnel + 1 << " of " << o.capture << "\n";
  out << "  tunnel " << (o.tunnel_up ? "up" : "NOT up") << ", calls up " << o.sessions_up << " of "
      << o.captured_sessions << " captured, PPP up " << o.ppp_up << "\n";
  if (o.differences.empty()) {
    out << "  no differences from the capture\n";
  } else {
    out << "  " << o.differences.size() << " difference(s) from the capture:\n";
    for (const Difference& d : o.differences) {
      out << "    " << d.exchange << ": " << d.kind << ": captured "
          << (d.captured.empty() ? "(nothing)" : d.captured);
      if (d.frame_captured) out << " (frame " << d.frame_captured << ")";
      out << ", live " << (d.live.empty() ? "(nothing)" : d.live);
      if (d.frame_live) out << " (live frame " << d.frame_live << ")";
      out << "\n";
    }
  }
  if (!o.response_times.empty()) {
    out << "  the peer's response times, live (captured):\n";
    for (const ResponseTime& t : o.response_times)
      out << "    " << t.exchange << ": " << format_ms(t.live_ms) << " ("
          << (t.captured_ms ? format_ms(*t.captured_ms) : std::string("not captured")) << ")\n";
  }
  out << findings_text(o.findings);
  for (const std::string& n : o.notes) out << "  note: " << n << "\n";
  out << (o.matched() ? "MATCHED" : "DIFFERED") << "\n";
  return out.str();
}

namespace {

nlohmann::json difference_json(const Difference& d) {
  return {{"exchange", d.exchange},
          {"kind", d.kind},
          {"captured", d.captured},
          {"live", d.live},
          {"frame_captured", d.frame_captured},
          {"frame_live", d.frame_live}};
}

nlohmann::json response_time_json(const ResponseTime& t) {
  return {{"exchange", t.exchange},
          {"captured_ms", t.captured_ms ? nlohmann::json(*t.captured_ms) : nlohmann::json(nullptr)},
          {"live_ms", t.live_ms},
          {"frame_captured", t.frame_captured},
          {"frame_live", t.frame_live}};
}

// As `l2tpsim lac`/`lns` write them (peer_violations, violations_by_rule, violations), each
// violation with its catalogue level too.
void findings_json(nlohmann::json& j, const PeerFindings& f, std::optional<std::size_t> tunnel) {
  j["peer_violations"] = f.total;
  j["violations_by_rule"] = f.by_rule;
  if (!j.contains("violations")) j["violations"] = nlohmann::json::array();
  for (const PeerFinding& v : f.kept) {
    nlohmann::json e = {{"rule", v.rule},
                        {"level", v.level},
                        {"detail", v.detail},
                        {"frame", v.frame_live},
                        {"stateful", v.stateful}};
    if (tunnel) e["tunnel"] = *tunnel + 1;
    j["violations"].push_back(std::move(e));
  }
}

}  // namespace

nlohmann::json outcome_json(const ReplayOutcome& o) {
  nlohmann::json j;
  j["capture"] = o.capture;
  j["tunnel"] = o.tunnel + 1;
  j["played"] = o.played;
  j["tunnel_up"] = o.tunnel_up;
  j["sessions_up"] = o.sessions_up;
  j["ppp_up"] = o.ppp_up;
  j["captured_sessions"] = o.captured_sessions;
  j["matched"] = o.matched();
  j["differences"] = nlohmann::json::array();
  for (const Difference& d : o.differences) j["differences"].push_back(difference_json(d));
  j["response_times"] = nlohmann::json::array();
  for (const ResponseTime& t : o.response_times) j["response_times"].push_back(response_time_json(t));
  findings_json(j, o.findings, std::nullopt);
  j["notes"] = o.notes;
  return j;
}

bool ReplayReport::tunnel_up() const {
  return !tunnels.empty() &&
         std::all_of(tunnels.begin(), tunnels.end(), [](const ReplayOutcome& o) { return o.tunnel_up; });
}
bool ReplayReport::matched() const {
  return !tunnels.empty() &&
         std::all_of(tunnels.begin(), tunnels.end(), [](const ReplayOutcome& o) { return o.matched(); });
}
std::size_t ReplayReport::sessions_up() const {
  std::size_t n = 0;
  for (const ReplayOutcome& o : tunnels) n += o.sessions_up;
  return n;
}
std::size_t ReplayReport::ppp_up() const {
  std::size_t n = 0;
  for (const ReplayOutcome& o : tunnels) n += o.ppp_up;
  return n;
}
std::size_t ReplayReport::captured_sessions() const {
  std::size_t n = 0;
  for (const ReplayOutcome& o : tunnels) n += o.captured_sessions;
  return n;
}
std::uint64_t ReplayReport::peer_violations() const {
  std::uint64_t n = 0;
  for (const ReplayOutcome& o : tunnels) n += o.findings.total;
  return n;
}
bool ReplayReport::must_violations() const {
  return std::any_of(tunnels.begin(), tunnels.end(),
                     [](const ReplayOutcome& o) { return o.findings.must(); });
}
std::size_t ReplayReport::differences() const {
  std::size_t n = 0;
  for (const ReplayOutcome& o : tunnels) n += o.differences.size();
  return n;
}

std::string report_text(const ReplayReport& r) {
  std::ostringstream out;
  if (!r.simulated.empty()) out << "simulated: " << r.simulated << "\n";
  if (!r.all && r.tunnels.size() == 1) return out.str() + outcome_text(r.tunnels[0]);
  for (const ReplayOutcome& o : r.tunnels) out << outcome_text(o) << "\n";
  std::size_t up = 0, matched = 0;
  for (const ReplayOutcome& o : r.tunnels) {
    up += o.tunnel_up ? 1 : 0;
    matched += o.matched() ? 1 : 0;
  }
  out << "replay of the " << r.played << " side of " << r.tunnels.size() << " tunnel(s) of " << r.capture
      << ": " << up << " up, " << matched << " matched; calls up " << r.sessions_up() << " of "
      << r.captured_sessions() << " captured, PPP up " << r.ppp_up() << ", " << r.differences()
      << " difference(s), " << r.peer_violations() << " violation(s) by the live peer\n";
  out << (r.matched() ? "MATCHED" : "DIFFERED") << "\n";
  return out.str();
}

nlohmann::json report_json(const ReplayReport& r) {
  nlohmann::json j;
  if (!r.all && r.tunnels.size() == 1) j = outcome_json(r.tunnels[0]);
  j["simulated"] = r.simulated.empty() ? nlohmann::json() : nlohmann::json(r.simulated);
  if (!r.all && r.tunnels.size() == 1) return j;
  j["capture"] = r.capture;
  j["played"] = r.played;
  j["tunnel_up"] = r.tunnel_up();
  j["sessions_up"] = r.sessions_up();
  j["ppp_up"] = r.ppp_up();
  j["captured_sessions"] = r.captured_sessions();
  j["matched"] = r.matched();
  j["differences"] = nlohmann::json::array();
  j["response_times"] = nlohmann::json::array();
  j["notes"] = nlohmann::json::array();
  j["tunnels"] = nlohmann::json::array();
  PeerFindings all;
  for (const ReplayOutcome& o : r.tunnels) {
    all.total += o.findings.total;
    for (const auto& [rule, n] : o.findings.by_rule) all.by_rule[rule] += n;
  }
  j["peer_violations"] = all.total;
  j["violations_by_rule"] = all.by_rule;
  j["violations"] = nlohmann::json::array();
  for (const ReplayOutcome& o : r.tunnels) {
    nlohmann::json per_tunnel;
    findings_json(per_tunnel, o.findings, o.tunnel);
    for (auto& v : per_tunnel["violations"]) j["violations"].push_back(std::move(v));
    for (const Difference& d : o.differences) {
      auto dj = difference_json(d);
      dj["tunnel"] = o.tunnel + 1;
      j["differences"].push_back(std::move(dj));
    }
    for (const ResponseTime& t : o.response_times) {
      auto tj = response_time_json(t);
      tj["tunnel"] = o.tunnel + 1;
      j["response_times"].push_back(std::move(tj));
    }
    for (const std::string& n : o.notes)
      j["notes"].push_back("tunnel " + std::to_string(o.tunnel + 1) + ": " + n);
    j["tunnels"].push_back(outcome_json(o));
  }
  return j;
}

}  // namespace l2tp::replay
