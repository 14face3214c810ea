#include "capture/conversation_report.hpp"

#include <array>
#include <cstdio>
#include <sstream>

namespace l2tp::capture {
namespace {

using nlohmann::json;

// RFC 2661 4.4.2, worded as in reference/rfc2661_avps.tsv (a unit test keeps them equal).
constexpr std::array<std::string_view, 8> kStopCcnResults = {
    "Reserved",
    "General request to clear control connection",
    "General error; Error Code indicates the problem",
    "Control channel already exists",
    "Requester is not authorized to establish a control channel",
    "Protocol version of the requester is not supported; Error Code carries the highest version supported",
    "Requester is being shut down",
    "Finite State Machine error",
};
constexpr std::array<std::string_view, 12> kCdnResults = {
    "Reserved",
    "Call disconnected due to loss of carrier",
    "Call disconnected for the reason indicated in the Error Code",
    "Call disconnected for administrative reasons",
    "Call failed: appropriate facilities not available (temporary condition)",
    "Call failed: appropriate facilities not available (permanent condition)",
    "Invalid destination",
    "Call failed: no carrier detected",
    "Call failed: busy signal detected",
    "Call failed: no dial tone",
    "Call not established within the time allotted by the LAC",
    "Call connected but no appropriate framing detected",
};
constexpr std::array<std::string_view, 9> kGeneralErrors = {
    "No general error",
    "No control connection exists yet for this LAC-LNS pair",
    "Length is wrong",
    "A field value was out of range or a reserved field was non-zero",
    "Insufficient resources to handle this operation now",
    "The Session ID is invalid in this context",
    "Generic vendor-specific error in the LAC; details SHOULD be in the Error Message",
    "Try another: an LAC aware of other LNS destinations should try one of them (e.g. LNS policy, multilink "
    "bundles)",
    "Session or tunnel shut down because an unknown AVP with the M bit set was received; Error Message "
    "SHOULD name the "
    "attribute",
};

template <std::size_t N>
std::string_view lookup(const std::array<std::string_view, N>& table, std::uint16_t v) {
  return v < N ? table[v] : std::string_view{};
}

std::string seconds(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e9);
  return buf;
}
double seconds_value(std::int64_t ns) {
  return static_cast<double>(ns / 1000) / 1e6;  // microsecond precision
}

std::string role_or_side(const Tunnel& t, std::uint8_t s) {
  return t.sides[s].role == PeerRole::Unknown ? "side " + std::to_string(s)
                                              : std::string(to_string(t.sides[s].role));
}

// "the LAC", or "side 0" when the role is unknown.
std::string the(const Tunnel& t, std::uint8_t s) {
  return t.sides[s].role == PeerRole::Unknown ? "side " + std::to_string(s)
                                              : "the " + std::string(to_string(t.sides[s].role));
}

std::string counts_text(const SideCounts& c) {
  return std::to_string(c.control) + " control, " + std::to_string(c.retransmissions) + " retransmitted, " +
         std::to_string(c.zlbs) + " ZLB, " + std::to_string(c.data) + " data";
}

std::string ending_text(const Tunnel& t, const Ending& e, MessageType type, std::int64_t t0) {
  std::string out = std::string(to_string(type)) + " from " + the(t, e.side) + " in frame " +
                    std::to_string(e.frame) + " at " + seconds(e.time_ns - t0) + " s";
  out += e.result ? ": " + describe_result(type, *e.result) : ": no readable Result Code";
  return out;
}

// The control messages in order, ZLBs left out: "LAC SCCRQ, LNS SCCRP, ...".
std::string sequence_text(const Tunnel& t) {
  constexpr std::size_t kShown = 24;
  std::string out;
  std::size_t shown = 0, more = 0;
  for (const MessageRef& ref : t.control_order) {
    const ControlRecord& r = t.at(ref);
    if (r.zlb) continue;
    if (shown == kShown) {
      ++more;
      continue;
    }
    if (shown++ > 0) out += ", ";
    out += role_or_side(t, ref.side) + " " + r.type_name() + (r.retransmission ? " (again)" : "");
  }
  if (more > 0) out += " and " + std::to_string(more) + " more";
  if (!out.empty()) return out;
  return t.control_order.empty() ? "none captured" : "only ZLBs";
}

void session_text(std::ostringstream& o, const Tunnel& t, const Session& s, std::size_t i, std::int64_t t0) {
  o << "  session " << i + 1 << ":";
  for (std::uint8_t side = 0; side < 2; ++side)
    o << " " << role_or_side(t, side) << " Session ID "
      << (s.id_known[side] ? std::to_string(s.id[side].value) : std::string("unknown"))
      << (side == 0 ? "," : "");
  o << "; frames " << s.first_frame << "-" << s.last_frame << ", " << seconds(s.first_ns - t0) << "-"
    << seconds(s.last_ns - t0) << " s\n";
  std::string calls;
  for (const MessageRef& ref : s.calls) {
    const ControlRecord& r = t.at(ref);
    calls += (calls.empty() ? "" : ", ") + role_or_side(t, ref.side) + " " + r.type_name() +
             (r.retransmission ? " (again)" : "");
  }
  o << "    calls: " << (calls.empty() ? "none captured" : calls) << "\n";
  o << "    PPP: " << s.ppp_count[0] << " frames from " << the(t, 0) << ", " << s.ppp_count[1] << " from "
    << the(t, 1) << "\n";
  if (!s.user.empty()) o << "    user: " << s.user << " (" << s.user_from << ")\n";
  o << "    ended: " << (s.cdn ? ending_text(t, *s.cdn, MessageType::Cdn, t0) : "no CDN captured") << "\n";
  for (const auto& n : s.notes) o << "    note: " << n << "\n";
}

json ending_json(const Tunnel& t, const Ending& e, MessageType type, std::int64_t t0) {
  json j = {{"by", role_or_side(t, e.side)},
            {"side", e.side},
            {"frame", e.frame},
            {"time", seconds_value(e.time_ns - t0)}};
  if (e.result) {
    j["result"] = e.result->result;
    j["error"] = e.result->error ? json(*e.result->error) : json(nullptr);
    j["message"] = e.result->message;
    j["meaning"] = describe_result(type, *e.result);
  } else {
    j["result"] = nullptr;
  }
  return j;
}

json session_json(const Tunnel& t, const Session& s, std::int64_t t0) {
  json sides = json::array();
  for (std::uint8_t side = 0; side < 2; ++side)
    sides.push_back({{"role", role_or_side(t, side)},
                     {"session_id", s.id_known[side] ? json(s.id[side].value) : json(nullptr)},
                     {"ppp_frames", s.ppp_count[side]}});
  json calls = json::array();
  for (const MessageRef& ref : s.calls) {
    const ControlRecord& r = t.at(ref);
    calls.push_back({{"frame", r.frame},
                     {"by", role_or_side(t, ref.side)},
                     {"type", r.type_name()},
                     {"retransmission", r.retransmission}});
  }
  return {{"sides", sides},
          {"opened_by", s.opened_by ? json(std::string(to_string(*s.opened_by))) : json(nullptr)},
          {"connected", s.connected},
          {"first_frame", s.first_frame},
          {"last_frame", s.last_frame},
          {"start", seconds_value(s.first_ns - t0)},
          {"end", seconds_value(s.last_ns - t0)},
          {"calls", calls},
          {"user", s.user.empty() ? json(nullptr) : json(s.user)},
          {"user_from", s.user.empty() ? json(nullptr) : json(s.user_from)},
          {"cdn", s.cdn ? ending_json(t, *s.cdn, MessageType::Cdn, t0) : json(nullptr)},
          {"notes", s.notes}};
}

}  // namespace

std::string_view stopccn_result_meaning(std::uint16_t result) {
  return lookup(kStopCcnResults, result);
}
std::string_view cdn_result_meaning(std::uint16_t result) {
  return lookup(kCdnResults, result);
}
std::string_view general_error_meaning(std::uint16_t error) {
  return lookup(kGeneralErrors, error);
}

std::string describe_result(MessageType in, const avp::ResultCode& rc) {
  const std::string_view meaning =
      in == MessageType::StopCcn ? stopccn_result_meaning(rc.result) : cdn_result_meaning(rc.result);
  std::string out = "result " + std::to_string(rc.result);
  if (!meaning.empty()) out += " (" + std::string(meaning) + ")";
  if (rc.error) {
    out += ", error " + std::to_string(*rc.error);
    // Error Codes are defined for Result Code 2; with Result 5 the field is a version (4.4.2).
    const std::string_view e = rc.result == 2 ? general_error_meaning(*rc.error) : std::string_view{};
    if (!e.empty()) out += " (" + std::string(e) + ")";
  }
  if (!rc.message.empty()) out += ", message \"" + rc.message + "\"";
  return out;
}

std::string conversations_text(const Conversations& c, const std::string& name) {
  std::ostringstream o;
  const std::int64_t t0 = c.first_ns;
  std::size_t sessions = 0;
  for (const auto& t : c.tunnels) sessions += t.sessions.size();
  o << name << ": " << c.counts.packets << " packets read, " << c.counts.l2tpv2 << " L2TPv2 datagrams; "
    << c.tunnels.size() << (c.tunnels.size() == 1 ? " tunnel, " : " tunnels, ") << sessions
    << (sessions == 1 ? " session\n" : " sessions\n");
  for (std::size_t i = 0; i < c.tunnels.size(); ++i) {
    const Tunnel& t = c.tunnels[i];
    o << "\ntunnel " << i + 1 << ": frames " << t.first_frame << "-" << t.last_frame << ", "
      << seconds(t.first_ns - t0) << "-" << seconds(t.last_ns - t0) << " s ("
      << seconds(t.last_ns - t.first_ns) << " s)\n";
    for (std::uint8_t s = 0; s < 2; ++s) {
      const TunnelSide& side = t.sides[s];
      o << "  " << role_or_side(t, s)
        << (t.role_guessed && side.role != PeerRole::Unknown ? " (guessed)" : "") << " "
        << (side.endpoint_known ? side.endpoint.to_string() : std::string("unknown address"))
        << ", Tunnel ID "
        << (side.tunnel_id_known ? std::to_string(side.tunnel_id.value) : std::string("unknown"));
      if (!side.host_name.empty()) o << ", host " << side.host_name;
      if (!side.vendor_name.empty()) o << ", vendor " << side.vendor_name;
      if (s == 0 && t.has_sccrq) o << ", initiator";
      o << "\n    sent " << counts_text(side.counts) << "\n";
    }
    if (t.sccrq_target)
      o << "  SCCRQ sent to " << t.sccrq_target->to_string() << " (moved at the SCCRP, RFC 2661 8.1)\n";
    o << "  control: " << sequence_text(t) << "\n";
    o << "  ended: " << (t.stop ? ending_text(t, *t.stop, MessageType::StopCcn, t0) : "no StopCCN captured")
      << "\n";
    o << "  replayable: ";
    if (t.replayable) {
      std::string which;
      for (std::uint8_t s = 0; s < 2; ++s)
        if (t.sides[s].playable) which += (which.empty() ? "" : " and ") + role_or_side(t, s);
      o << "yes (" << which << " side" << (which.find(" and ") != std::string::npos ? "s" : "") << ")";
      for (std::uint8_t s = 0; s < 2; ++s)
        if (!t.sides[s].playable)
          o << "; not the " << role_or_side(t, s) << " side: " << t.sides[s].not_playable;
      o << "\n";
    } else {
      o << "no: " << t.not_replayable << "\n";
    }
    for (std::size_t k = 0; k < t.sessions.size(); ++k) session_text(o, t, t.sessions[k], k, t0);
    for (const auto& n : t.notes) o << "  note: " << n << "\n";
  }
  if (!c.notes.empty()) o << "\n";
  for (const auto& n : c.notes) o << "note: " << n << "\n";
  return o.str();
}

json conversations_json(const Conversations& c, const std::string& name) {
  const std::int64_t t0 = c.first_ns;
  json tunnels = json::array();
  for (const Tunnel& t : c.tunnels) {
    json sides = json::array();
    for (std::uint8_t s = 0; s < 2; ++s) {
      const TunnelSide& side = t.sides[s];
      sides.push_back({{"role", std::string(to_string(side.role))},
                       {"endpoint", side.endpoint_known ? json(side.endpoint.to_string()) : json(nullptr)},
                       {"tunnel_id", side.tunnel_id_known ? json(side.tunnel_id.value) : json(nullptr)},
                       {"host_name", side.host_name},
                       {"vendor_name", side.vendor_name},
                       {"control", side.counts.control},
                       {"retransmissions", side.counts.retransmissions},
                       {"zlbs", side.counts.zlbs},
                       {"data", side.counts.data},
                       {"playable", side.playable},
                       {"not_playable", side.not_playable}});
    }
    json messages = json::array();
    for (const MessageRef& ref : t.control_order) {
      const ControlRecord& r = t.at(ref);
      messages.push_back({{"frame", r.frame},
                          {"time", seconds_value(r.time_ns - t0)},
                          {"side", ref.side},
                          {"type", r.type_name()},
                          {"ns", r.message.header.ns.value},
                          {"nr", r.message.header.nr.value},
                          {"retransmission", r.retransmission},
                          {"session", r.session ? json(*r.session + 1) : json(nullptr)}});
    }
    json sessions = json::array();
    for (const Session& s : t.sessions) sessions.push_back(session_json(t, s, t0));
    tunnels.push_back({{"first_frame", t.first_frame},
                       {"last_frame", t.last_frame},
                       {"start", seconds_value(t.first_ns - t0)},
                       {"end", seconds_value(t.last_ns - t0)},
                       {"sides", sides},
                       {"roles_guessed", t.role_guessed},
                       {"sccrq", t.has_sccrq},
                       {"sccrp", t.has_sccrp},
                       {"scccn", t.has_scccn},
                       {"sccrq_target", t.sccrq_target ? json(t.sccrq_target->to_string()) : json(nullptr)},
                       {"stop", t.stop ? ending_json(t, *t.stop, MessageType::StopCcn, t0) : json(nullptr)},
                       {"replayable", t.replayable},
                       {"not_replayable", t.not_replayable},
                       {"messages", messages},
                       {"sessions", sessions},
                       {"notes", t.notes}});
  }
  const auto& n = c.counts;
  return {{"file", name},
          {"counts",
           {{"packets", n.packets},
            {"l2tpv2", n.l2tpv2},
            {"l2tpv3", n.l2tpv3},
            {"not_l2tp", n.not_l2tp},
            {"other_udp", n.other_udp},
            {"ipsec", n.ipsec},
            {"unattributed", n.unattributed},
            {"truncated", n.truncated}}},
          {"tunnels", tunnels},
          {"notes", c.notes}};
}

}  // namespace l2tp::capture
