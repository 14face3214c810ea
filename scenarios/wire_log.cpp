// The tester side's wire log and passive checker. See wire_log.hpp.
#include "scenarios/wire_log.hpp"

#include <cstdio>

#include "engine/ppp/frame.hpp"
#include "engine/wire/message.hpp"
#include "engine/wire/rules.hpp"

namespace l2tp::scenario {

namespace {

bool is_control_protocol(std::uint16_t p) {
  return p >= 0x8000;  // LCP, NCPs, PAP, CHAP (RFC 1661 2: 8xxx-bxxx and cxxx-fxxx)
}

std::string hex16(std::uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%04x", v);
  return b;
}

}  // namespace

WireEntry describe_datagram(Bytes bytes, const Buffer& secret) {
  WireEntry e;
  auto h = wire::decode_header(bytes);
  if (!h) {
    e.name = "undecodable";
    e.summary = "undecodable: " + describe(h.error());
    return e;
  }
  e.tunnel = h->tunnel.value;
  e.session = h->session.value;
  if (h->has_sequence) {
    e.ns = h->ns.value;
    e.nr = h->nr.value;
  }
  std::string s;
  if (h->control) {
    auto m = wire::decode_control(bytes, secret.empty() ? std::nullopt : std::optional<Bytes>(Bytes(secret)));
    if (!m) {
      e.name = "undecodable";
      e.summary = "undecodable control message: " + describe(m.error());
      return e;
    }
    if (m->is_zlb()) {
      e.kind = WireEntry::Kind::Zlb;
      e.name = "ZLB";
    } else {
      e.kind = WireEntry::Kind::Control;
      const auto t = m->message_type();
      e.name = t ? std::string(to_string(static_cast<MessageType>(*t))) : "no-message-type";
      if (t && !is_known_message_type(*t)) e.name = "type-" + std::to_string(*t);
    }
    for (const auto& a : m->avps) {
      if (a.vendor == kIetfVendor) {
        e.avps.push_back(a.type);
        Buffer v;
        if (a.hidden_state == wire::HiddenState::Clear || a.hidden_state == wire::HiddenState::Revealed)
          wire::encode_value(a.value, v);
        e.avp_values.push_back(std::move(v));
      }
      e.any_hidden = e.any_hidden || a.hidden;
      if (a.is(AvpType::ResultCode))
        if (const auto* rc = a.get<avp::ResultCode>()) {
          e.result = rc->result;
          e.error = rc->error;
        }
    }
    s = e.name;
  } else {
    e.kind = WireEntry::Kind::Data;
    e.name = "data";
    s = "data";
    if (auto d = wire::decode_data(bytes))
      if (auto f = ppp::parse_frame(d->ppp)) {
        e.ppp_protocol = f->protocol;
        s += " PPP " + hex16(f->protocol);
        if (is_control_protocol(f->protocol))
          if (auto p = ppp::parse_packet(f->payload)) {
            e.ppp_code = static_cast<std::uint8_t>(p->code);
            s += " code " + std::to_string(static_cast<int>(p->code));
          }
      }
  }
  s += " tunnel " + std::to_string(e.tunnel) + " session " + std::to_string(e.session);
  if (e.ns) s += " Ns " + std::to_string(*e.ns) + " Nr " + std::to_string(*e.nr);
  if (e.result) {
    s += " result " + std::to_string(*e.result);
    if (e.error) s += "/" + std::to_string(*e.error);
  }
  e.summary = s;
  return e;
}

void WireLog::on_wire(const WireDatagram& d) {
  WireEntry e = describe_datagram(d.bytes, secret_);
  e.frame = d.frame;
  e.at = d.at;
  e.from_peer = d.direction == WireDirection::In;
  e.src = d.src;
  e.dst = d.dst;
  e.summary = std::string(e.from_peer ? "peer -> us " : "us -> peer ") + e.summary;
  e.stale = e.from_peer && e.tunnel != 0 && earlier_tunnel && earlier_tunnel(e.tunnel);
  if (e.stale) e.summary += " [an earlier case's tunnel: not judged]";
  if (e.from_peer && !e.stale) checker_.observe(d.bytes, d.frame, d.at);  // the passive checker
  entries_.push_back(std::move(e));
  if (on_change) on_change();
}

void WireLog::engine_violation(const std::string& rule, const std::string& detail, Time at) {
  checker_.engine_violation(rule, detail, at);
}

}  // namespace l2tp::scenario
