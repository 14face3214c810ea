#include "engine/wire/checker.hpp"

#include <cstdio>
#include <string>

namespace l2tp::wire {

struct CheckContext {
  const Header& header;
  const ControlMessage* message;  // null for data messages
  std::size_t datagram_size;
};

class CheckSink {
 public:
  explicit CheckSink(std::vector<Violation>& out) : out_(out) {}
  void start(Rule r) { rule_ = r; }
  void flag(std::string detail, std::optional<std::size_t> avp = std::nullopt) {
    out_.push_back({rule_, avp, std::move(detail)});
  }
  void flag_as(Rule r, std::string detail, std::optional<std::size_t> avp = std::nullopt) {
    out_.push_back({r, avp, std::move(detail)});
  }

 private:
  std::vector<Violation>& out_;
  Rule rule_ = Rule::R001;
};

namespace {

std::string avp_label(const Avp& a) {
  return avp_display_name(a.vendor, a.type);
}

// Value bytes as far as a length check can judge them: the revealed value for hidden AVPs.
std::optional<std::size_t> value_length(const Avp& a) {
  if (a.hidden && a.hidden_state != HiddenState::Revealed) return std::nullopt;
  if (const auto* raw = a.get<avp::Raw>()) return raw->bytes.size();
  Buffer tmp;
  encode_value(a.value, tmp);
  return tmp.size();
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80)
      extra = 0;
    else if ((c >> 5) == 0x6)
      extra = 1;
    else if ((c >> 4) == 0xE)
      extra = 2;
    else if ((c >> 3) == 0x1E)
      extra = 3;
    else
      return false;
    if (i + extra >= s.size() && extra > 0) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += extra + 1;
  }
  return true;
}

template <typename F>
void for_each_avp(const CheckContext& c, F f) {
  for (std::size_t i = 0; i < c.message->avps.size(); ++i) f(c.message->avps[i], i);
}

// ---- header rows ---------------------------------------------------------------------------

void reserved_header_bits(const CheckContext& c, CheckSink& s) {  // R005 (RFC 2661 3.1)
  if (c.header.reserved_bits == 0) return;
  char buf[48];
  std::snprintf(buf, sizeof buf, "reserved header bits set (0x%04x)", c.header.reserved_bits);
  s.flag(buf);
}

void length_matches_datagram(const CheckContext& c, CheckSink& s) {  // R013 (3.1)
  if (c.header.has_length && c.header.trailing != 0)
    s.flag("Length " + std::to_string(c.header.length) + " but datagram has " +
           std::to_string(c.datagram_size) + " octets");
}

void control_no_offset(const CheckContext& c, CheckSink& s) {  // R008 (3.1)
  if (c.header.has_offset) s.flag("O bit set on a control message");
}

void control_no_priority(const CheckContext& c, CheckSink& s) {  // R010 (3.1)
  if (c.header.priority) s.flag("P bit set on a control message");
}

// ---- message rows --------------------------------------------------------------------------

void message_type_first(const CheckContext& c, CheckSink& s) {  // R039 (4.4.1)
  const auto& avps = c.message->avps;
  if (avps.empty()) return;  // a ZLB has no AVPs (R001)
  if (!avps.front().is(AvpType::MessageType)) s.flag("first AVP is " + avp_label(avps.front()), 0);
}

void message_type_known(const CheckContext& c, CheckSink& s) {  // R020 (3.2)
  const auto t = c.message->message_type();
  if (t && !is_known_message_type(*t))
    s.flag("Message Type " + std::to_string(*t) + " is reserved or unknown", 0);
}

struct Mandatory {
  MessageType msg;
  AvpType avp;
  Rule rule;
};

// RFC 2661 section 6: the AVPs each message MUST carry (Message Type itself is R039's job).
constexpr Mandatory kMandatory[] = {
    {MessageType::Sccrq, AvpType::ProtocolVersion, Rule::R184},
    {MessageType::Sccrq, AvpType::HostName, Rule::R185},
    {MessageType::Sccrq, AvpType::FramingCapabilities, Rule::R186},
    {MessageType::Sccrq, AvpType::AssignedTunnelId, Rule::R187},
    {MessageType::Sccrp, AvpType::ProtocolVersion, Rule::R190},
    {MessageType::Sccrp, AvpType::FramingCapabilities, Rule::R191},
    {MessageType::Sccrp, AvpType::HostName, Rule::R192},
    {MessageType::Sccrp, AvpType::AssignedTunnelId, Rule::R193},
    {MessageType::StopCcn, AvpType::AssignedTunnelId, Rule::R198},
    {MessageType::StopCcn, AvpType::ResultCode, Rule::R199},
    {MessageType::Icrq, AvpType::AssignedSessionId, Rule::R208},
    {MessageType::Icrq, AvpType::CallSerialNumber, Rule::R209},
    {MessageType::Icrp, AvpType::AssignedSessionId, Rule::R213},
    {MessageType::Iccn, AvpType::TxConnectSpeed, Rule::R215},
    {MessageType::Iccn, AvpType::FramingType, Rule::R216},
    {MessageType::Ocrq, AvpType::AssignedSessionId, Rule::R219},
    {MessageType::Ocrq, AvpType::CallSerialNumber, Rule::R220},
    {MessageType::Ocrq, AvpType::MinimumBps, Rule::R221},
    {MessageType::Ocrq, AvpType::MaximumBps, Rule::R222},
    {MessageType::Ocrq, AvpType::BearerType, Rule::R223},
    {MessageType::Ocrq, AvpType::FramingType, Rule::R224},
    {MessageType::Ocrq, AvpType::CalledNumber, Rule::R225},
    {MessageType::Ocrp, AvpType::AssignedSessionId, Rule::R229},
    {MessageType::Occn, AvpType::TxConnectSpeed, Rule::R232},
    {MessageType::Occn, AvpType::FramingType, Rule::R233},
    {MessageType::Cdn, AvpType::ResultCode, Rule::R236},
    {MessageType::Cdn, AvpType::AssignedSessionId, Rule::R237},
    {MessageType::Wen, AvpType::CallErrors, Rule::R241},
    {MessageType::Sli, AvpType::Accm, Rule::R244},
};

void mandatory_avps(const CheckContext& c, CheckSink& s) {  // RFC 2661 6.1-6.14
  const auto t = c.message->known_type();
  if (!t) return;
  for (const auto& m : kMandatory)
    if (m.msg == *t && !c.message->find(m.avp))
      s.flag_as(m.rule, std::string(to_string(*t)) + " lacks " +
                            avp_display_name(kIetfVendor, static_cast<std::uint16_t>(m.avp)));
}

void first_ids_zero(const CheckContext& c, CheckSink& s) {  // R077, R092 (4.4.3, 4.4.4)
  const auto t = c.message->known_type();
  if (t == MessageType::Sccrq && c.header.tunnel.value != 0)
    s.flag_as(Rule::R077, "SCCRQ header Tunnel ID is " + std::to_string(c.header.tunnel.value) + ", not 0");
  if ((t == MessageType::Icrq || t == MessageType::Ocrq) && c.header.session.value != 0)
    s.flag_as(Rule::R092, std::string(to_string(*t)) + " header Session ID is " +
                              std::to_string(c.header.session.value) + ", not 0");
}

// ---- per-AVP rows --------------------------------------------------------------------------

void avp_reserved_bits(const CheckContext& c, CheckSink& s) {  // R021 (4.1)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (a.reserved_bits) s.flag(avp_label(a) + " has reserved flag bits set", i);
  });
}

void avp_format(const CheckContext& c, CheckSink& s) {  // the AVP table: M, H, Length per type
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    const AvpSpec* spec = find_avp_spec(a.vendor, a.type);
    if (!spec) return;
    const std::string name(spec->name);
    if (a.mandatory != spec->mandatory)
      s.flag_as(spec->format_rule,
                name + " has M=" + (a.mandatory ? "1" : "0") + ", must be " + (spec->mandatory ? "1" : "0"),
                i);
    if (a.hidden && !spec->may_hide) s.flag_as(spec->format_rule, name + " must not be hidden", i);
    if (a.malformed_value) {
      const auto len = value_length(a);
      s.flag_as(spec->format_rule,
                name + " value of " + std::to_string(len.value_or(0)) + " octets breaks its format", i);
    }
  });
}

void hidden_needs_vector(const CheckContext& c, CheckSink& s) {  // R032 (4.3)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (a.hidden_state == HiddenState::NoVector)
      s.flag(avp_label(a) + " is hidden with no Random Vector before it", i);
  });
}

void hidden_subformat(const CheckContext& c, CheckSink& s) {  // R033 (4.3)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (a.hidden_state == HiddenState::BadSubformat)
      s.flag(avp_label(a) + " hidden original length exceeds the hidden data", i);
  });
}

void random_vector_length(const CheckContext& c, CheckSink& s) {  // R043 (4.4.1)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (!a.is(AvpType::RandomVector)) return;
    const auto len = value_length(a);
    if (len && *len < 16)
      s.flag("Random Vector of " + std::to_string(*len) + " octets (16 or more recommended)", i);
  });
}

void ids_not_zero(const CheckContext& c, CheckSink& s) {  // R145 (5.3)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (!a.is(AvpType::AssignedTunnelId) && !a.is(AvpType::AssignedSessionId)) return;
    if (const auto* v = a.get<std::uint16_t>(); v && *v == 0) s.flag(avp_label(a) + " is 0", i);
  });
}

void window_not_zero(const CheckContext& c, CheckSink& s) {  // R082 (4.4.3)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (!a.is(AvpType::ReceiveWindowSize)) return;
    if (const auto* v = a.get<std::uint16_t>(); v && *v == 0) s.flag("Receive Window Size is 0", i);
  });
}

void protocol_version_one(const CheckContext& c, CheckSink& s) {  // R055 (4.4.3)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (const auto* pv = a.is(AvpType::ProtocolVersion) ? a.get<avp::ProtocolVersion>() : nullptr;
        pv && (pv->ver != 1 || pv->rev != 0))
      s.flag("Protocol Version " + std::to_string(pv->ver) + "." + std::to_string(pv->rev) + ", must be 1.0",
             i);
  });
}

void reserved_value_fields(const CheckContext& c, CheckSink& s) {  // R131, R182 (4.4.6, 6.0)
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (const auto* ce = a.get<avp::CallErrors>(); ce && ce->reserved != 0)
      s.flag_as(Rule::R131, "Call Errors Reserved field is " + std::to_string(ce->reserved), i);
    if (const auto* ac = a.get<avp::Accm>(); ac && ac->reserved != 0)
      s.flag_as(Rule::R182, "ACCM Reserved field is " + std::to_string(ac->reserved), i);
  });
}

void result_code_range(const CheckContext& c, CheckSink& s) {  // R049, R051 (4.4.2)
  const auto t = c.message->known_type();
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    const auto* rc = a.is(AvpType::ResultCode) ? a.get<avp::ResultCode>() : nullptr;
    if (!rc) return;
    const std::uint16_t max = t == MessageType::StopCcn ? 7 : t == MessageType::Cdn ? 11 : 0xFFFF;
    if (rc->result == 0 || rc->result > max)
      s.flag_as(Rule::R049, "Result Code " + std::to_string(rc->result) + " is reserved or undefined", i);
    // StopCCN Result 5 (unsupported protocol version) puts the highest version and revision
    // we support in the Error Code field (R050), not an error code.
    const bool version = t == MessageType::StopCcn && rc->result == 5;
    if (rc->error && *rc->error > 8 && !version)
      s.flag_as(Rule::R051, "Error Code " + std::to_string(*rc->error) + " is undefined", i);
  });
}

void utf8_text(const CheckContext& c, CheckSink& s) {  // R047, R073, P121
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (const auto* rc = a.get<avp::ResultCode>(); rc && !valid_utf8(rc->message))
      s.flag_as(Rule::R047, "Result Code Error Message is not UTF-8", i);
    if (a.is(AvpType::VendorName))
      if (const auto* v = a.get<std::string>(); v && !valid_utf8(*v))
        s.flag_as(Rule::R073, "Vendor Name is not UTF-8", i);
    if (const auto* d = a.get<avp::DisconnectCause>(); d && !valid_utf8(d->message))
      s.flag_as(Rule::P121, "PPP Disconnect Cause message is not UTF-8", i);
  });
}

void disconnect_cause_placement(const CheckContext& c, CheckSink& s) {  // P120 (RFC 3145)
  const auto t = c.message->known_type();
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (a.is(AvpType::PppDisconnectCause) && t && *t != MessageType::Cdn)
      s.flag("PPP Disconnect Cause Code in " + std::string(to_string(*t)), i);
  });
}

void proxy_authen_consistency(const CheckContext& c, CheckSink& s) {  // R121, R123, R125, R127 (4.4.5)
  const Avp* type_avp = c.message->find(AvpType::ProxyAuthenType);
  const auto* type = type_avp ? type_avp->get<std::uint16_t>() : nullptr;
  if (!type) return;
  const std::uint16_t t = *type;
  auto need = [&](AvpType avp, bool required, Rule rule) {
    if (required && !c.message->find(avp))
      s.flag_as(rule, "Proxy Authen Type " + std::to_string(t) + " without " +
                          avp_display_name(kIetfVendor, static_cast<std::uint16_t>(avp)));
  };
  need(AvpType::ProxyAuthenName, t == 1 || t == 2 || t == 3 || t == 5, Rule::R121);
  need(AvpType::ProxyAuthenChallenge, t == 2 || t == 5, Rule::R123);
  need(AvpType::ProxyAuthenId, t == 2 || t == 3 || t == 5, Rule::R125);
  need(AvpType::ProxyAuthenResponse, t == 1 || t == 2 || t == 3 || t == 5, Rule::R127);
  for_each_avp(c, [&](const Avp& a, std::size_t i) {
    if (const auto* id = a.is(AvpType::ProxyAuthenId) ? a.get<std::uint16_t>() : nullptr;
        id && (*id >> 8) != 0)
      s.flag_as(Rule::R125, "Proxy Authen ID high octet is not 0", i);
  });
}

constexpr CheckRow kRows[] = {
    {Rule::R005, CheckScope::AnyMessage, "reserved header bits are zero", reserved_header_bits},
    {Rule::R013, CheckScope::AnyMessage, "Length equals the datagram size", length_matches_datagram},
    {Rule::R008, CheckScope::Control, "no O bit on control messages", control_no_offset},
    {Rule::R010, CheckScope::Control, "no P bit on control messages", control_no_priority},
    {Rule::R039, CheckScope::Control, "Message Type is the first AVP", message_type_first},
    {Rule::R020, CheckScope::Control, "Message Type is defined", message_type_known},
    {Rule::R183, CheckScope::Control, "mandatory AVPs per message type (R184-R244)", mandatory_avps},
    {Rule::R077, CheckScope::Control, "first messages carry header ID 0 (R077, R092)", first_ids_zero},
    {Rule::R021, CheckScope::Control, "AVP reserved flag bits are zero", avp_reserved_bits},
    {Rule::R042, CheckScope::Control, "AVP M bit, hiding and length per the AVP table", avp_format},
    {Rule::R032, CheckScope::Control, "hidden AVPs follow a Random Vector", hidden_needs_vector},
    {Rule::R033, CheckScope::Control, "hidden subformat length fits", hidden_subformat},
    {Rule::R043, CheckScope::Control, "Random Vector of 16 octets or more", random_vector_length},
    {Rule::R145, CheckScope::Control, "assigned IDs are never 0", ids_not_zero},
    {Rule::R082, CheckScope::Control, "Receive Window Size is not 0", window_not_zero},
    {Rule::R055, CheckScope::Control, "Protocol Version is 1.0", protocol_version_one},
    {Rule::R182, CheckScope::Control, "reserved value fields are zero (R131, R182)", reserved_value_fields},
    {Rule::R049, CheckScope::Control, "Result and Error Codes are defined (R049, R051)", result_code_range},
    {Rule::R047, CheckScope::Control, "texts are UTF-8 (R047, R073, P121)", utf8_text},
    {Rule::P120, CheckScope::Control, "PPP Disconnect Cause Code only in CDN", disconnect_cause_placement},
    {Rule::R125, CheckScope::Control, "proxy authentication AVPs match the type (R121-R127)",
     proxy_authen_consistency},
};

void run(const CheckContext& c, bool control, std::vector<Violation>& out) {
  CheckSink sink(out);
  for (const auto& row : kRows) {
    if (row.scope == CheckScope::Control && !control) continue;
    if (row.scope == CheckScope::DataOnly && control) continue;
    sink.start(row.rule);
    row.fn(c, sink);
  }
}

}  // namespace

std::span<const CheckRow> check_rows() {
  return kRows;
}

std::vector<Violation> check_control(const ControlMessage& m, std::size_t datagram_size) {
  std::vector<Violation> out;
  run(CheckContext{m.header, &m, datagram_size}, true, out);
  return out;
}

std::vector<Violation> check_data(const Header& h, std::size_t datagram_size) {
  std::vector<Violation> out;
  run(CheckContext{h, nullptr, datagram_size}, false, out);
  return out;
}

std::vector<std::pair<AvpType, Rule>> missing_mandatory_avps(const ControlMessage& m) {
  std::vector<std::pair<AvpType, Rule>> out;
  const auto t = m.known_type();
  if (!t) return out;
  for (const auto& row : kMandatory)
    if (row.msg == *t && !m.find(row.avp)) out.emplace_back(row.avp, row.rule);
  return out;
}

Violation violation_of(const DecodeError& e) {
  return Violation{e.rule, std::nullopt, describe(e)};
}

const Avp* malformed_mandatory_avp(const ControlMessage& m) {
  for (const auto& a : m.avps)
    if (a.mandatory && a.malformed_value) return &a;
  return nullptr;
}

}  // namespace l2tp::wire
