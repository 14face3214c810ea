#include "replay/scenario_emitter.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "engine/wire/avp_spec.hpp"
#include "replay/ppp_facts.hpp"
#include "replay/replay_diff.hpp"

namespace l2tp::replay {
namespace {

using capture::ControlRecord;

// A YAML double-quoted string. A `${` would be read as a scenario variable: the caller refuses it.
std::string yaml_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", u);
      out += b;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string hex(Bytes b) {
  std::string out;
  char x[4];
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::snprintf(x, sizeof x, "%s%02x", i ? " " : "", b[i]);
    out += x;
  }
  return out;
}

// The name the scenario parser reads (the RFC name, lower case, dashes), else the number.
std::string avp_key(std::uint16_t vendor, std::uint16_t type) {
  if (const AvpSpec* spec = find_avp_spec(vendor, type)) {
    std::string name;
    for (char c : spec->name)
      name += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
  }
  return std::to_string(type);
}

Buffer value_octets(const wire::Avp& a) {
  Buffer out;
  wire::encode_value(a.value, out);
  return out;
}

// AVPs whose value is the peer's make and configuration, not the tunnel's or the call's: their
// captured values become `avp-value` expectations (a Host Name or a speed is the site's choice,
// IDs, challenges and serial numbers differ every time).
bool pinned_value(const wire::Avp& a) {
  for (AvpType t : {AvpType::ProtocolVersion, AvpType::FramingCapabilities, AvpType::BearerCapabilities,
                    AvpType::FirmwareRevision, AvpType::VendorName, AvpType::ReceiveWindowSize,
                    AvpType::FramingType, AvpType::BearerType})
    if (a.is(t))
      return a.hidden_state == wire::HiddenState::Clear || a.hidden_state == wire::HiddenState::Revealed;
  return false;
}

std::optional<std::uint32_t> number_of(const wire::ControlMessage& m, AvpType t) {
  const wire::Avp* a = m.find(t);
  if (!a) return std::nullopt;
  const Buffer v = value_octets(*a);
  if (v.empty() || v.size() > 4) return std::nullopt;
  std::uint32_t n = 0;
  for (const auto b : v) n = n << 8 | b;
  return n;
}

std::optional<std::string> text_of(const wire::ControlMessage& m, AvpType t) {
  const wire::Avp* a = m.find(t);
  if (!a) return std::nullopt;
  const Buffer v = value_octets(*a);
  return std::string(v.begin(), v.end());
}

// Seconds as a scenario duration ("2.5s"), at least 1 ms.
std::string duration(double seconds) {
  char b[32];
  if (seconds < 1)
    std::snprintf(b, sizeof b, "%gms", std::max(1.0, std::round(seconds * 1000)));
  else
    std::snprintf(b, sizeof b, "%gs", std::round(seconds * 10) / 10);
  return b;
}

// How long to wait for the peer's answer: its captured delay with room, at least `floor`.
std::string within(std::int64_t captured_ns, double floor, double factor) {
  return duration(std::max(floor, factor * static_cast<double>(captured_ns) / 1e9));
}

// Framing (sync 1, async 2) and bearer (digital 1, analog 2) capability bits as option values.
std::string caps(std::uint32_t v, const char* bit0, const char* bit1) {
  v &= 3;
  return v == 3 ? "both" : v == 1 ? bit0 : v == 2 ? bit1 : "none";
}

class Emitter {
 public:
  Emitter(const capture::Conversations& conv, const ReplayScript& script, const EmitOptions& options)
      : t_(conv.tunnels.at(script.tunnel)), s_(script), o_(options) {}

  Result<std::string, std::string> run();

 private:
  const ScriptMessage* ours(const ControlRecord& r) const {
    for (const ScriptMessage& m : s_.messages)
      if (m.frame == r.frame) return &m;
    return nullptr;
  }
  double since_start(std::int64_t ns) const { return static_cast<double>(ns - s_.start_ns) / 1e9; }
  void comment(const ControlRecord& r, const std::string& who, const std::string& what) {
    char at[32];
    std::snprintf(at, sizeof at, "%.3f", since_start(r.time_ns));
    steps_ << "  # frame " << r.frame << ", +" << at << " s: " << who << " " << r.type_name()
           << (what.empty() ? "" : ": " + what) << "\n";
  }
  void wait_for(std::int64_t ns) {
    const double gap = static_cast<double>(ns - last_ns_) / 1e9 * o_.time_scale;
    if (gap >= 0.01) steps_ << "  - wait: " << duration(gap) << "\n";
  }
  void role_block(std::ostringstream& out);
  void lns_block(std::ostringstream& out);
  void lns_ppp_expectations(std::size_t session, std::int64_t from_ns);
  bool lns() const { return s_.role == capture::PeerRole::Lns; }
  void our_message(const ControlRecord& r, const ScriptMessage& m);
  void peer_message(const ControlRecord& r);
  void live_send(const ScriptMessage& m, bool in_call);
  void ppp_expectations(std::size_t session, std::int64_t from_ns);
  std::string option(const std::string& name, const std::string& text) {
    if (text.find("${") != std::string::npos) {
      notes_.push_back(name +
                       " left out: the captured value holds '${', which a scenario reads as a variable");
      return "";
    }
    return "  " + name + ": " + yaml_quoted(text) + "\n";
  }

  const capture::Tunnel& t_;
  const ReplayScript& s_;
  const EmitOptions& o_;
  std::ostringstream steps_;
  std::vector<std::string> notes_;
  std::int64_t last_ns_ = 0;  // the previous message's capture time
  std::string pap_password_;
};

void Emitter::role_block(std::ostringstream& out) {
  if (s_.role == capture::PeerRole::Lns) return lns_block(out);
  out << "lac:\n";
  out << "  # connect-to, secret and password: from l2tpsim run --target, --secret, --password\n";
  const ScriptMessage* sccrq = s_.find(MessageType::Sccrq, 0);
  if (sccrq) {
    const auto& m = sccrq->message;
    if (auto v = text_of(m, AvpType::HostName)) out << option("host-name", *v);
    if (auto v = text_of(m, AvpType::VendorName)) out << option("vendor-name", *v);
    if (auto v = number_of(m, AvpType::FirmwareRevision)) out << "  firmware-revision: " << *v << "\n";
    if (auto v = number_of(m, AvpType::FramingCapabilities))
      out << "  framing-capabilities: " << caps(*v, "sync", "async") << "\n";
    if (auto v = number_of(m, AvpType::BearerCapabilities))
      out << "  bearer-capabilities: " << caps(*v, "digital", "analog") << "\n";
    else
      out << "  bearer-capabilities: omit\n";
    if (auto v = number_of(m, AvpType::ReceiveWindowSize); v && *v > 0) out << "  window: " << *v << "\n";
  }
  std::string user;
  bool ppp = false;
  for (const capture::Session& call : t_.sessions) {
    ppp = ppp || call.ppp_count[s_.side] > 0;
    const PppFacts us = ppp_facts(call, s_.side);
    if (user.empty()) user = us.user.empty() ? call.user : us.user;
    if (pap_password_.empty()) pap_password_ = us.pap_password;
  }
  if (!ppp) {
    out << "  no-ppp: true  # the side sent no PPP frames in the capture\n";
    return;
  }
  if (!user.empty()) out << option("user", user);
  if (!pap_password_.empty())
    out << "  password: ${password}  # the captured PAP password unless --password\n";
}

// The captured LNS as l2tpsim's LNS tester: its SCCRP's names and capabilities, the PPP
// authentication it demanded, the captured user (accepted with ${password}) and the IPCP
// addresses it negotiated.
void Emitter::lns_block(std::ostringstream& out) {
  out << "lns:\n";
  out << "  # listen, secret and password: from l2tpsim run --listen, --secret, --password\n";
  if (const ScriptMessage* sccrp = s_.find(MessageType::Sccrp, 0)) {
    const auto& m = sccrp->message;
    if (auto v = text_of(m, AvpType::HostName)) out << option("host-name", *v);
    if (auto v = text_of(m, AvpType::VendorName)) out << option("vendor-name", *v);
    if (auto v = number_of(m, AvpType::FirmwareRevision)) out << "  firmware-revision: " << *v << "\n";
    if (auto v = number_of(m, AvpType::FramingCapabilities))
      out << "  framing-capabilities: " << caps(*v, "sync", "async") << "\n";
    if (auto v = number_of(m, AvpType::BearerCapabilities))
      out << "  bearer-capabilities: " << caps(*v, "digital", "analog") << "\n";
    else
      out << "  bearer-capabilities: omit\n";
    if (auto v = number_of(m, AvpType::ReceiveWindowSize); v && *v > 0) out << "  window: " << *v << "\n";
  }
  bool ppp = false;
  std::string user;
  std::optional<ppp::auth::Method> method;
  std::optional<net::IpAddress> ours, theirs;
  for (const capture::Session& call : t_.sessions) {
    ppp = ppp || call.ppp_count[s_.side] > 0;
    const PppFacts us = ppp_facts(call, s_.side), peer = ppp_facts(call, s_.peer_side);
    if (!method) method = us.auth;
    if (user.empty()) user = peer.user.empty() ? call.user : peer.user;
    if (pap_password_.empty()) pap_password_ = peer.pap_password;
    if (!ours && us.ip_address && !(*us.ip_address == net::IpAddress::v4(0, 0, 0, 0))) ours = us.ip_address;
    if (!theirs) theirs = peer.ip_address;
  }
  if (!ppp) {
    out << "  no-ppp: true  # the side sent no PPP frames in the capture\n";
    return;
  }
  out << "  authentication: " << (method ? ppp::auth::to_string(*method) : "none")
      << "  # what the captured LNS demanded\n";
  if (!user.empty()) {
    out << option("user", user);
    out << "  password: ${password}"
        << (pap_password_.empty() ? "" : "  # the captured PAP password unless --password") << "\n";
  }
  if (ours) out << "  local-address: " << ours->to_string() << "\n";
  if (theirs) out << "  remote-address: " << theirs->to_string() << "\n";
}

void Emitter::live_send(const ScriptMessage& m, bool in_call) {
  steps_ << "  - send:\n      message: " << to_string(m.type)
         << "\n      in: " << (in_call ? "call" : "tunnel") << "\n";
  std::string avps;
  for (std::size_t i = 0; i < m.message.avps.size(); ++i) {
    const wire::Avp& a = m.message.avps[i];
    if (i == 0 && a.is(AvpType::MessageType)) continue;
    std::string value;
    if (a.is(AvpType::AssignedTunnelId) || a.is(AvpType::RandomVector) ||
        (in_call && a.is(AvpType::AssignedSessionId)))
      value = "live";
    else
      value = yaml_quoted(hex(value_octets(a)));
    avps += "        - {type: " + avp_key(a.vendor, a.type) + ", value: " + value;
    if (a.vendor != kIetfVendor) avps += ", vendor: " + std::to_string(a.vendor);
    const AvpSpec* spec = find_avp_spec(a.vendor, a.type);
    if (a.mandatory != (spec ? spec->mandatory : true))
      avps += std::string(", mandatory: ") + (a.mandatory ? "true" : "false");
    if (a.hidden) avps += ", hidden: true";
    avps += "}\n";
  }
  if (!avps.empty()) steps_ << "      avps:\n" << avps;
}

void Emitter::our_message(const ControlRecord& r, const ScriptMessage& m) {
  switch (m.type) {
    case MessageType::Sccrq:
      comment(r, "we sent", "l2tpsim's LAC sends it with the role block's values");
      steps_ << "  - open-tunnels: 1\n";
      return;
    case MessageType::Scccn:
      comment(r, "we sent", "the engine answers the SCCRP");
      steps_ << "  - expect: {event: tunnel-up, within: 3s, note: \"the tunnel comes up (captured frame "
             << r.frame << ")\"}\n";
      return;
    case MessageType::Icrq:
      wait_for(r.time_ns);
      comment(r, "we sent", "");
      steps_ << "  - open-sessions: 1\n";
      return;
    case MessageType::Iccn:
    case MessageType::Occn:
      comment(r, "we sent", "the engine answers");
      steps_ << "  - expect: {event: session-up, within: 3s, note: \"the call comes up (captured frame "
             << r.frame << ")\"}\n";
      if (r.session) ppp_expectations(*r.session, r.time_ns);
      return;
    case MessageType::Ocrp:
      comment(r, "we sent", "the engine answers the OCRQ");
      return;
    case MessageType::Sccrp:
      comment(r, "we sent", "l2tpsim's LNS answers the SCCRQ with the role block's values");
      return;
    case MessageType::Icrp:
      comment(r, "we sent", "the engine answers the ICRQ");
      return;
    case MessageType::Cdn:
    case MessageType::StopCcn: {
      wait_for(r.time_ns);
      comment(r, "we sent", m.type == MessageType::Cdn ? "close-sessions clears every call" : "");
      const wire::Avp* rc = m.message.find(AvpType::ResultCode);
      const auto* v = rc ? rc->get<avp::ResultCode>() : nullptr;
      steps_ << "  - " << (m.type == MessageType::Cdn ? "close-sessions" : "close-tunnels")
             << ": {result: " << (v ? v->result : (m.type == MessageType::Cdn ? 3 : 6));
      if (v && v->error) steps_ << ", error: " << *v->error;
      steps_ << "}\n";
      return;
    }
    default:
      // The engine sends these only on its own cause (HELLO after idle time, WEN and SLI never
      // of itself): as captured, through the tunnel's control channel.
      wait_for(r.time_ns);
      comment(r, "we sent", "a live send with the captured AVPs");
      live_send(m, r.session.has_value() || m.message.header.session.value != 0);
      return;
  }
}

void Emitter::peer_message(const ControlRecord& r) {
  const auto type = r.message.known_type();
  if (!type) {
    comment(r, "the peer sent", "not expected: l2tpsim has no name for it");
    return;
  }
  if (*type == MessageType::Hello) {
    comment(r, "the peer sent", "not expected: HELLOs follow idle time, not the exchange");
    return;
  }
  comment(r, "the peer sent", "");
  steps_ << "  - expect: {message: " << to_string(*type);
  if (const wire::Avp* rc = r.message.find(AvpType::ResultCode))
    if (const auto* v = rc->get<avp::ResultCode>()) {
      steps_ << ", result: " << v->result;
      if (v->error) steps_ << ", error: " << *v->error;
    }
  std::set<std::string> seen;
  std::string has, values;
  const auto& ignored = default_ignored_avps();
  for (const wire::Avp& a : r.message.avps) {
    if (a.is(AvpType::MessageType) || a.vendor != kIetfVendor || ignored.count({a.vendor, a.type}) ||
        a.is(AvpType::ResultCode))
      continue;
    const std::string k = avp_key(a.vendor, a.type);
    if (!seen.insert(k).second) continue;
    if (pinned_value(a)) {
      const Buffer v = value_octets(a);
      // A name as text when it reads as one (and holds no '${', which a scenario would expand).
      const bool text =
          a.is(AvpType::VendorName) && !v.empty() &&
          std::all_of(v.begin(), v.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; }) &&
          std::string(v.begin(), v.end()).find("${") == std::string::npos;
      values +=
          (values.empty() ? "" : ", ") + ("{type: " + k + ", ") +
          (text ? "text: " + yaml_quoted(std::string(v.begin(), v.end())) : "value: " + yaml_quoted(hex(v))) +
          "}";
    } else {
      has += (has.empty() ? "" : ", ") + k;
    }
  }
  if (!has.empty()) steps_ << ", has-avp: [" << has << "]";
  if (!values.empty()) steps_ << ", avp-value: [" << values << "]";
  if (lns() && *type == MessageType::Sccrq) {
    // The LAC under test dials when the trigger runs: a premise, as in the conformance cases.
    steps_ << ", within: 10s, setup: true}\n";
    return;
  }
  steps_ << ", within: " << within(r.time_ns - last_ns_, 3, 3) << "}\n";
  if (!lns()) return;
  if (*type == MessageType::Scccn)
    steps_ << "  - expect: {event: tunnel-up, within: 3s, note: \"the tunnel comes up (captured frame "
           << r.frame << ")\"}\n";
  if (*type == MessageType::Iccn) {
    steps_ << "  - expect: {event: session-up, within: 3s, note: \"the call comes up (captured frame "
           << r.frame << ")\"}\n";
    if (r.session) lns_ppp_expectations(*r.session, r.time_ns);
  }
}

// As the LNS: the LAC's credentials by the method we demanded, then PPP up when IPCP gave the
// LAC an address (our verdict is the engine's, from the role block's user and password).
void Emitter::lns_ppp_expectations(std::size_t session, std::int64_t from_ns) {
  const capture::Session& call = t_.sessions.at(session);
  const PppFacts peer = ppp_facts(call, s_.peer_side);
  const PppFacts us = ppp_facts(call, s_.side);
  std::int64_t verdict_ns = from_ns, ipcp_ns = from_ns;
  for (const capture::PppRecord& p : call.ppp) {
    if (p.frame == us.auth_frame) verdict_ns = p.time_ns;
    if (p.frame == peer.ipcp_frame) ipcp_ns = p.time_ns;
  }
  const std::string wait = within(verdict_ns - from_ns, 3, 1.5);
  if (us.auth && peer.used) {
    const bool pap = *peer.used == ppp::auth::Method::Pap;
    steps_ << "  - expect: {message: data, ppp-protocol: "
           << (pap ? "0xc023, ppp-code: 1" : "0xc223, ppp-code: 2") << ", within: " << wait
           << ", note: \"the LAC's " << (pap ? "PAP Authenticate-Request" : "CHAP Response") << " as "
           << yaml_quoted(peer.user).substr(1, yaml_quoted(peer.user).size() - 2)
           << " (captured before frame " << us.auth_frame << ")\"}\n";
  }
  if (us.auth_result && *us.auth_result != "success")
    steps_ << "  - expect: {event: auth-failed, within: " << wait << "}\n";
  else if (peer.ip_address)
    steps_ << "  - expect: {event: ppp-up, within: "
           << within(ipcp_ns - std::max(verdict_ns, from_ns), 3, 1.5) << ", note: \"IPCP gave the LAC "
           << peer.ip_address->to_string() << " (captured frame " << peer.ipcp_frame << ")\"}\n";
}

// The peer's verdict on our credentials, then PPP up when the side got an address.
void Emitter::ppp_expectations(std::size_t session, std::int64_t from_ns) {
  const capture::Session& call = t_.sessions.at(session);
  const PppFacts peer = ppp_facts(call, s_.peer_side);
  const PppFacts us = ppp_facts(call, s_.side);
  std::int64_t verdict_ns = from_ns, ipcp_ns = from_ns;
  for (const capture::PppRecord& p : call.ppp) {
    if (p.frame == peer.auth_frame) verdict_ns = p.time_ns;
    if (p.frame == us.ipcp_frame) ipcp_ns = p.time_ns;
  }
  // PPP takes its time at a dial-up client (the Windows LAC's PAP verdict came 2.3 s after its
  // ICCN): half as long again as captured, at least 3 s; each counted from the step before.
  const std::string wait = within(verdict_ns - from_ns, 3, 1.5);
  const std::string ipcp_wait = within(ipcp_ns - std::max(verdict_ns, from_ns), 3, 1.5);
  if (peer.auth && peer.auth_result) {
    const bool pap = *peer.auth == ppp::auth::Method::Pap;
    const bool ok = *peer.auth_result == "success";
    const int code = pap ? (ok ? 2 : 3) : (ok ? 3 : 4);
    const char* name =
        pap ? (ok ? "PAP Authenticate-Ack" : "PAP Authenticate-Nak") : (ok ? "CHAP Success" : "CHAP Failure");
    steps_ << "  - expect: {message: data, ppp-protocol: " << (pap ? "0xc023" : "0xc223")
           << ", ppp-code: " << code << ", within: " << wait << ", note: \"the peer's " << name
           << " (captured frame " << peer.auth_frame << ")\"}\n";
    if (!ok) steps_ << "  - expect: {event: auth-failed, within: " << wait << "}\n";
  }
  if (us.ip_address)
    steps_ << "  - expect: {event: ppp-up, within: " << ipcp_wait << ", note: \"IPCP gave us "
           << us.ip_address->to_string() << " (captured frame " << us.ipcp_frame << ")\"}\n";
}

Result<std::string, std::string> Emitter::run() {
  if (!lns() && !s_.initiator)
    return unexpected(std::string("the LAC side did not send the SCCRQ: a scenario's LAC opens its tunnels"));
  if (lns() && s_.initiator)
    return unexpected(
        std::string("the LNS side sent the SCCRQ: a scenario's LNS waits for the LAC under test to dial"));
  if (lns())
    for (const ScriptMessage& m : s_.messages)
      if (m.type == MessageType::Ocrq)
        return unexpected("frame " + std::to_string(m.frame) +
                          ": an outgoing call (OCRQ); a scenario's LNS cannot place one");
  if (!s_.concealed.empty())
    return unexpected("frame " + std::to_string(s_.concealed.front().frame) +
                      ": a hidden AVP the capture secret cannot reveal (give --capture-secret)");
  last_ns_ = s_.start_ns;
  if (lns())
    steps_ << "  # the LAC under test dials: l2tpsim run --trigger CMD\n"
           << "  - shell: {command: \"${trigger}\", background: true}\n";
  for (const capture::MessageRef& ref : t_.control_order) {
    const ControlRecord& r = t_.at(ref);
    if (r.zlb || r.retransmission || r.time_ns < s_.start_ns) continue;
    if (ref.side == s_.side) {
      if (const ScriptMessage* m = ours(r)) our_message(r, *m);
    } else {
      peer_message(r);
    }
    last_ns_ = r.time_ns;
  }
  std::ostringstream out;
  out << "# A regression case from a capture (l2tpsim replay --emit-scenario): the "
      << capture::to_string(s_.role) << " side of tunnel " << s_.tunnel + 1 << " of "
      << (o_.capture.empty() ? "the capture" : o_.capture) << ".\n"
      << "# l2tpsim plays that side; the captured peer's answers are the expectations (message, Result\n"
      << "# Code, AVPs present; IDs, Ns/Nr, Random Vector, Challenge and Response, Tie Breaker and Call\n"
      << "# Serial Number are live). Run: "
      << (lns() ? "l2tpsim run THIS.yaml --listen ADDR --trigger CMD --secret S --password P\n"
                : "l2tpsim run THIS.yaml --target LNS --secret S --password P\n");
  for (const std::string& n : s_.notes) out << "# note: " << n << "\n";
  std::ostringstream role;
  role_block(role);
  for (const std::string& n : notes_) out << "# note: " << n << "\n";
  if (!pap_password_.empty()) {
    if (pap_password_.find("${") == std::string::npos)
      out << "vars:\n  password: " << yaml_quoted(pap_password_) << "\n";
    else
      out << "# note: the captured PAP password holds '${': give --password\n";
  }
  out << role.str() << "steps:\n" << steps_.str();
  return out.str();
}

}  // namespace

Result<std::string, std::string> emit_scenario(const capture::Conversations& conv, const ReplayScript& script,
                                               const EmitOptions& options) {
  if (script.tunnel >= conv.tunnels.size()) return unexpected(std::string("no such tunnel in the capture"));
  return Emitter(conv, script, options).run();
}

}  // namespace l2tp::replay
