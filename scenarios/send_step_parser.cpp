#include "scenarios/send_step_parser.hpp"

#include "engine/wire/message.hpp"

namespace l2tp::scenario::detail {
namespace {

// A Message Type: a number, or the name l2tpsim prints ("SCCRQ", "StopCCN", "HELLO"; any case).
std::uint16_t message_type(const Reader& r, const YAML::Node& n, const std::string& key) {
  const std::string s = r.scalar(n, key);
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0])))
    return static_cast<std::uint16_t>(r.number(n, key, 0, 65535));
  std::vector<std::string> names;
  for (const MessageType t : kAllMessageTypes) {
    std::string name(to_string(t));
    if (name.size() == s.size() && std::equal(name.begin(), name.end(), s.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return static_cast<std::uint16_t>(t);
    names.push_back(std::move(name));
  }
  r.fail(n, key, "'" + s + "' is not a message type number or name" + suggestion(s, names));
}

// `value: live` on an AVP: which live value it stands for, or an error naming what may be live.
LiveValue live_value(const Reader& r, const YAML::Node& n, const std::string& key, std::uint16_t vendor,
                     std::uint16_t type, SendIn in) {
  if (in == SendIn::Wire)
    r.fail(n, key, "a live value needs a live send: in: tunnel or in: call (the engine fills it in)");
  if (vendor == kIetfVendor && type == static_cast<std::uint16_t>(AvpType::AssignedTunnelId))
    return LiveValue::OurTunnelId;
  if (vendor == kIetfVendor && type == static_cast<std::uint16_t>(AvpType::RandomVector))
    return LiveValue::RandomVector;
  if (vendor == kIetfVendor && type == static_cast<std::uint16_t>(AvpType::AssignedSessionId)) {
    if (in != SendIn::Call)
      r.fail(n, key, "a live Assigned Session ID is our Session ID of a call: it needs in: call");
    return LiveValue::OurSessionId;
  }
  r.fail(n, key,
         "only assigned-tunnel-id, assigned-session-id and random-vector take the value live; give this "
         "one as hex octets");
}

// Sizes of the live values, so the message can be encoded (checked) when the file is read.
Buffer placeholder(LiveValue v) {
  return v == LiveValue::RandomVector ? Buffer(16, 0) : Buffer(2, 0);
}

}  // namespace

// `send:` a control message from fields. The AVPs follow the Message Type AVP in the order
// written; each value is written as given (raw octets, whatever the type). Outside a control
// channel `hidden` sets the H bit and nothing else (no Random Vector, no hiding); inside one the
// engine hides the value with the tunnel secret. `length` writes a wrong AVP Length.
Send read_send(const Reader& r, const YAML::Node& n, const std::string& key) {
  r.map(n, key, {"message", "in", "tunnel", "session", "ns", "nr", "avps"});
  if (!n["message"]) r.fail(n, join(key, "message"), "which message: a name such as SCCRQ, or a number");
  const std::uint16_t type = message_type(r, n["message"], join(key, "message"));
  Send out;
  if (const auto& in = n["in"]) {
    const std::string v = r.scalar(in, join(key, "in"));
    if (v == "tunnel")
      out.in = SendIn::Tunnel;
    else if (v == "call")
      out.in = SendIn::Call;
    else
      r.fail(in, join(key, "in"),
             "expected tunnel (the tester's first tunnel) or call (its first call), not '" + v + "'");
    for (const char* k : {"tunnel", "ns", "nr"})
      if (n[k])
        r.fail(n[k], join(key, k),
               "a live send (in: " + v + ") has the tunnel's live header Tunnel ID, Ns and Nr; leave " + k +
                   " out");
  }
  auto u16 = [&](const char* k) -> std::uint16_t {
    if (!n[k]) return 0;
    return static_cast<std::uint16_t>(r.number(n[k], join(key, k), 0, 65535));
  };
  out.peer_session = out.in == SendIn::Call && !n["session"];
  wire::ControlMessage m =
      wire::make_control(static_cast<MessageType>(type), TunnelId{u16("tunnel")}, SessionId{u16("session")});
  m.header.ns = Seq{u16("ns")};
  m.header.nr = Seq{u16("nr")};
  std::vector<bool> hidden{false};  // per AVP of m, the Message Type first
  if (const auto& avps = n["avps"]) {
    const std::string lk = join(key, "avps");
    if (!avps.IsSequence())
      r.fail(avps, lk, "expected a list of AVPs (- {type: host-name, value: \"6c 61 63\"})");
    for (std::size_t i = 0; i < avps.size(); ++i) {
      const YAML::Node& a = avps[i];
      const std::string k = lk + "[" + std::to_string(i) + "]";
      r.map(a, k, {"type", "value", "mandatory", "hidden", "vendor", "length"});
      if (!a["type"]) r.fail(a, join(k, "type"), "which AVP: a type number or name");
      const std::uint16_t avp_type = r.avp_type(a["type"], join(k, "type"));
      const auto vendor = a["vendor"]
                              ? static_cast<std::uint16_t>(r.number(a["vendor"], join(k, "vendor"), 0, 65535))
                              : std::uint16_t{0};
      Buffer value;
      if (a["value"] && a["value"].IsScalar() && a["value"].Scalar() == "live") {
        const LiveValue lv = live_value(r, a["value"], join(k, "value"), vendor, avp_type, out.in);
        out.live.emplace_back(m.avps.size(), lv);
        value = placeholder(lv);
      } else if (a["value"]) {
        value = r.hex(a["value"], join(k, "value"));
      }
      std::optional<std::uint16_t> length;
      if (a["length"])
        length = static_cast<std::uint16_t>(r.number(a["length"], join(k, "length"), 0, kAvpMaxLength));
      if (value.size() > kAvpMaxValue && !length)
        r.fail(a["value"], join(k, "value"),
               "an AVP value holds at most " + std::to_string(kAvpMaxValue) + " octets, not " +
                   std::to_string(value.size()) + " (a wrong length: lets a longer one through)");
      // The M bit the AVP table demands; an attribute it does not know is sent mandatory.
      const AvpSpec* spec = find_avp_spec(vendor, avp_type);
      const bool mandatory =
          a["mandatory"] ? r.boolean(a["mandatory"], join(k, "mandatory")) : (spec ? spec->mandatory : true);
      hidden.push_back(a["hidden"] && r.boolean(a["hidden"], join(k, "hidden")));
      wire::Avp avp = wire::make_raw_avp(vendor, avp_type, mandatory, std::move(value));
      avp.fault.length_field = length;
      m.avps.push_back(std::move(avp));
    }
  }
  out.what = is_known_message_type(type) ? std::string(to_string(static_cast<MessageType>(type)))
                                         : "message type " + std::to_string(type);
  // Encoded now in either case, so what cannot be encoded is an error at its line (a live send
  // with its live values as placeholders of their size, the H bits as flags).
  if (auto done = wire::encode_control(m, {}, out.bytes); !done)
    r.fail(n, key, "cannot be encoded: " + std::string(wire::to_string(done.error())));
  if (out.in != SendIn::Wire) {
    for (std::size_t i = 0; i < m.avps.size(); ++i) m.avps[i].hidden = hidden[i];  // the engine hides
    out.message = std::move(m);
    out.bytes.clear();
    return out;
  }
  // The H bits, set on the encoded AVPs (each is 6 octets and its value as written).
  std::size_t at = m.header.encoded_size();
  Buffer scratch;
  for (std::size_t i = 0; i < m.avps.size(); ++i) {
    if (hidden[i]) out.bytes[at] = static_cast<std::uint8_t>(out.bytes[at] | (wire::kAvpFlagH >> 8));
    scratch.clear();
    wire::encode_value(m.avps[i].value, scratch);
    at += kAvpHeaderSize + scratch.size();
  }
  return out;
}

}  // namespace l2tp::scenario::detail
