#include "reports/packet_record.hpp"

#include <cstdio>

namespace l2tp::reports {
namespace {

std::string hidden_label(wire::HiddenState s) {
  switch (s) {
    case wire::HiddenState::Clear:
      return "";
    case wire::HiddenState::Revealed:
      return "revealed";
    case wire::HiddenState::Concealed:
      return "concealed";
    case wire::HiddenState::NoVector:
      return "no-vector";
    case wire::HiddenState::BadSubformat:
      return "bad-subformat";
  }
  return "";
}

void fill_header(PacketRecord& r, const wire::Header& h) {
  r.control = h.control;
  r.flag_l = h.has_length;
  r.flag_s = h.has_sequence;
  r.flag_o = h.has_offset;
  r.flag_p = h.priority;
  r.tunnel = h.tunnel.value;
  r.session = h.session.value;
  if (h.has_length) r.length = h.length;
  if (h.has_sequence) {
    r.ns = h.ns.value;
    r.nr = h.nr.value;
  }
  if (h.has_offset) r.offset_size = h.offset_size;
}

void fill_error(PacketRecord& r, const DecodeError& e) {
  r.error = describe(e);
  // What the capture cut off is not the peer's fault.
  if (!r.truncated) r.violations.push_back(wire::violation_of(e));
}

}  // namespace

PacketRecord analyse(const PacketInput& in, std::optional<Bytes> secret) {
  PacketRecord r;
  r.frame = in.frame;
  r.time_ns = in.time_ns;
  r.src = in.src;
  r.dst = in.dst;
  r.src_addr = in.src_addr;
  r.dst_addr = in.dst_addr;
  r.truncated = in.truncated;
  if (in.l2tpv3_ip) {
    r.kind = PacketKind::L2tpv3;
    r.version = 3;
    return r;
  }
  if (in.payload.size() >= 2) r.version = in.payload[1] & wire::kVersionMask;
  auto header = wire::decode_header(in.payload);
  // R004/R007: a control message without the L or S bit. The engine drops it; a decoder reads
  // on, as Wireshark does, and shows what it says (tunnel, session, message, AVPs), flagged.
  std::vector<DecodeError> header_faults;
  auto mode = wire::HeaderMode::Strict;
  if (!header && (header.error().kind == DecodeErrorKind::ControlWithoutLength ||
                  header.error().kind == DecodeErrorKind::ControlWithoutSequence)) {
    if (auto lenient = wire::decode_header(in.payload, wire::HeaderMode::Lenient)) {
      header_faults = wire::missing_control_bits(*lenient);
      mode = wire::HeaderMode::Lenient;
      header = std::move(lenient);
    }
  }
  if (!header) {
    switch (header.error().kind) {
      case DecodeErrorKind::L2tpv3:
        r.kind = PacketKind::L2tpv3;
        return r;
      case DecodeErrorKind::L2f:
        r.kind = PacketKind::L2f;
        return r;
      case DecodeErrorKind::UnsupportedVersion:
        r.kind = PacketKind::UnknownVersion;
        return r;
      default:
        break;
    }
    r.kind = PacketKind::Undecodable;
    r.control = in.payload.size() >= 1 && (in.payload[0] & 0x80);
    fill_error(r, header.error());
    return r;
  }
  r.kind = PacketKind::L2tpv2;
  fill_header(r, *header);
  if (!header->control) {
    auto data = wire::decode_data(in.payload);
    r.ppp = wire::summarize_ppp(data->ppp);
    if (!r.truncated) r.violations = wire::check_data(*header, in.payload.size());
    return r;
  }
  for (const auto& e : header_faults) r.violations.push_back(wire::violation_of(e));
  auto msg = wire::decode_control(in.payload, secret, mode);
  if (!msg) {
    fill_error(r, msg.error());
    return r;
  }
  r.zlb = msg->is_zlb();
  r.msg_type = msg->message_type();
  for (const auto& a : msg->avps) {
    AvpRecord rec;
    rec.vendor = a.vendor;
    rec.type = a.type;
    rec.m = a.mandatory;
    rec.h = a.hidden;
    rec.length = a.wire_length;
    rec.name = avp_display_name(a.vendor, a.type);
    rec.value = wire::format_value(a);
    rec.hidden = hidden_label(a.hidden_state);
    if (a.is(AvpType::MessageType) && r.msg_type && &a == &msg->avps.front())
      rec.value = message_name(r) + " (" + std::to_string(*r.msg_type) + ")";
    r.avps.push_back(std::move(rec));
    if (a.is(AvpType::AssignedTunnelId))
      if (const auto* v = a.get<std::uint16_t>()) r.assigned_tunnel = *v;
    if (a.is(AvpType::AssignedSessionId))
      if (const auto* v = a.get<std::uint16_t>()) r.assigned_session = *v;
  }
  if (!r.truncated) {
    auto found = wire::check_control(*msg, in.payload.size());
    r.violations.insert(r.violations.end(), found.begin(), found.end());
  }
  return r;
}

std::string_view to_string(PacketKind k) {
  switch (k) {
    case PacketKind::L2tpv2:
      return "L2TPv2";
    case PacketKind::L2tpv3:
      return "L2TPv3";
    case PacketKind::L2f:
      return "L2F";
    case PacketKind::UnknownVersion:
      return "unknown-version";
    case PacketKind::Undecodable:
      return "undecodable";
  }
  return "?";
}

std::string message_name(const PacketRecord& r) {
  if (r.kind != PacketKind::L2tpv2) return std::string(to_string(r.kind));
  if (!r.control) return "data";
  if (r.zlb) return "ZLB";
  if (!r.msg_type) return "control";
  if (is_known_message_type(*r.msg_type))
    return std::string(to_string(static_cast<MessageType>(*r.msg_type)));
  return "type-" + std::to_string(*r.msg_type);
}

nlohmann::json to_json(const PacketRecord& r) {
  nlohmann::json j;
  j["frame"] = r.frame;
  j["time"] = static_cast<double>(r.time_ns) / 1e9;
  j["src"] = r.src;
  j["dst"] = r.dst;
  j["version"] = r.version;
  j["kind"] = std::string(to_string(r.kind));
  if (r.truncated) j["truncated"] = true;
  if (r.kind == PacketKind::Undecodable) j["control"] = r.control;  // the T bit is all we trust
  if (r.kind == PacketKind::L2tpv2) {
    j["control"] = r.control;
    j["zlb"] = r.zlb;
    j["tunnel"] = r.tunnel;
    j["session"] = r.session;
    if (r.ns) j["ns"] = *r.ns;
    if (r.nr) j["nr"] = *r.nr;
    if (r.length) j["length"] = *r.length;
    if (r.offset_size) j["offset_size"] = *r.offset_size;
    j["flags"] = {{"l", r.flag_l}, {"s", r.flag_s}, {"o", r.flag_o}, {"p", r.flag_p}};
  }
  if (r.msg_type) {
    j["msg_type"] = *r.msg_type;
    j["msg_name"] = message_name(r);
  }
  if (r.control && r.kind == PacketKind::L2tpv2) {
    auto avps = nlohmann::json::array();
    for (const auto& a : r.avps) {
      nlohmann::json ja = {{"vendor", a.vendor}, {"type", a.type}, {"m", a.m},        {"h", a.h},
                           {"length", a.length}, {"name", a.name}, {"value", a.value}};
      if (!a.hidden.empty()) ja["hidden"] = a.hidden;
      avps.push_back(std::move(ja));
    }
    j["avps"] = std::move(avps);
  }
  if (r.ppp && r.ppp->valid) {
    nlohmann::json p = {{"protocol", r.ppp->protocol}, {"address_control", r.ppp->address_control}};
    const auto name = wire::ppp_protocol_name(r.ppp->protocol);
    if (!name.empty()) p["name"] = std::string(name);
    if (r.ppp->code) {
      p["code"] = *r.ppp->code;
      const auto code = wire::ppp_code_name(r.ppp->protocol, *r.ppp->code);
      if (!code.empty()) p["code_name"] = std::string(code);
    }
    if (r.ppp->identifier) p["identifier"] = *r.ppp->identifier;
    j["ppp"] = std::move(p);
  }
  auto ids = nlohmann::json::array();
  auto details = nlohmann::json::array();
  for (const auto& v : r.violations) {
    ids.push_back(std::string(to_string(v.rule)));
    nlohmann::json d = {{"rule", std::string(to_string(v.rule))},
                        {"level", std::string(rule_info(v.rule).level)},
                        {"detail", v.detail}};
    if (v.avp_index) d["avp"] = *v.avp_index;
    details.push_back(std::move(d));
  }
  j["violations"] = std::move(ids);
  if (!details.empty()) j["violation_details"] = std::move(details);
  if (r.error) j["error"] = *r.error;
  return j;
}

std::string to_text(const PacketRecord& r, std::int64_t t0_ns, bool show_avps) {
  char head[96];
  std::snprintf(head, sizeof head, "#%-6llu %11.6f  ", static_cast<unsigned long long>(r.frame),
                static_cast<double>(r.time_ns - t0_ns) / 1e9);
  std::string s = head + r.src + " -> " + r.dst + "  ";
  if (r.kind == PacketKind::L2tpv2 || r.kind == PacketKind::Undecodable) {
    s += "tunnel " + std::to_string(r.tunnel) + " session " + std::to_string(r.session);
    if (r.ns) s += " Ns " + std::to_string(*r.ns) + " Nr " + std::to_string(*r.nr);
    s += "  " + message_name(r);
    if (r.ppp && r.ppp->valid) {
      const auto name = wire::ppp_protocol_name(r.ppp->protocol);
      char proto[16];
      std::snprintf(proto, sizeof proto, "0x%04x", r.ppp->protocol);
      s += " PPP " + (name.empty() ? std::string(proto) : std::string(name));
      if (r.ppp->code) {
        const auto code = wire::ppp_code_name(r.ppp->protocol, *r.ppp->code);
        s += " " + (code.empty() ? "code " + std::to_string(*r.ppp->code) : std::string(code));
      }
    }
    std::string flags;
    if (r.flag_p) flags += " P";
    if (r.flag_o) flags += " O";
    if (!r.control && r.flag_l) flags += " L";
    if (!r.control && r.flag_s) flags += " S";
    if (!flags.empty()) s += "  [" + flags.substr(1) + "]";
  } else {
    s += message_name(r) + " (not decoded as L2TPv2)";
  }
  if (r.truncated) s += "  (truncated in capture)";
  s += "\n";
  if (show_avps) {
    for (const auto& a : r.avps) {
      s += "          " + a.name + (a.m ? " [M" : " [") + (a.h ? (a.m ? ",H" : "H") : "") + "] len " +
           std::to_string(a.length) + ": " + a.value;
      if (!a.hidden.empty()) s += " (hidden, " + a.hidden + ")";
      s += "\n";
    }
  }
  if (r.error) s += "          error: " + *r.error + "\n";
  for (const auto& v : r.violations) {
    const auto& info = rule_info(v.rule);
    const std::string where =
        v.rule >= Rule::P001 ? std::string(info.section) : "RFC 2661 " + std::string(info.section);
    s += "          ! " + std::string(info.id) + " (" + std::string(info.level) + ", " + where +
         "): " + v.detail + "\n";
  }
  return s;
}

}  // namespace l2tp::reports
