// Scenario files: YAML read with yaml-cpp, checked key by key. Every node keeps its mark, so
// an error can say where it is; unknown keys are refused (with the nearest known one), since a
// misspelt key silently ignored is a test that does not test what it says.
#include "scenarios/parser.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/util/duration_text.hpp"
#include "engine/wire/avp_spec.hpp"
#include "engine/wire/message.hpp"
#include "engine/wire/rules.hpp"
#include "scenarios/send_step_parser.hpp"
#include "scenarios/yaml_reader.hpp"

namespace l2tp::scenario {

std::string Where::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!key.empty()) s += ": " + key;
  return s;
}

std::string ScenarioError::to_string() const {
  return where.to_string() + ": " + message;
}

const char* to_string(Role r) {
  return r == Role::Lac ? "lac" : "lns";
}

const RoleOption* RoleConfig::find(const std::string& name) const {
  for (auto it = options.rbegin(); it != options.rend(); ++it)
    if (it->name == name) return &*it;
  return nullptr;
}

const char* to_string(EventKind k) {
  switch (k) {
    case EventKind::TunnelUp:
      return "tunnel-up";
    case EventKind::TunnelDown:
      return "tunnel-down";
    case EventKind::SessionUp:
      return "session-up";
    case EventKind::SessionDown:
      return "session-down";
    case EventKind::PppUp:
      return "ppp-up";
    case EventKind::PppDown:
      return "ppp-down";
    case EventKind::AuthFailed:
      return "auth-failed";
  }
  return "?";
}

std::optional<Duration> parse_duration(const std::string& text) {
  return parse_duration_text(text, 86400);  // a scenario's waits: a day at most
}

std::optional<Buffer> parse_hex(const std::string& text) {
  Buffer out;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == ':' || c == '\t' || c == '\n') continue;
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return out;
}

namespace {

using namespace detail;

// --- case -------------------------------------------------------------------------------

CaseInfo read_case(const Reader& r, const YAML::Node& n) {
  r.map(n, "case", {"id", "title", "requirements", "dut", "needs", "description"});
  CaseInfo c;
  if (!n["id"]) r.fail(n, "case.id", "a case needs an id (e.g. LNS-AVP-001)");
  c.id = r.scalar(n["id"], "case.id");
  if (!n["title"]) r.fail(n, "case.title", "a case needs a one-line title");
  c.title = r.scalar(n["title"], "case.title");
  if (n["description"]) c.description = r.scalar(n["description"], "case.description");
  if (!n["dut"]) r.fail(n, "case.dut", "say which role the device under test plays: lns or lac");
  const std::string dut = r.scalar(n["dut"], "case.dut");
  if (dut != "lns" && dut != "lac") r.fail(n["dut"], "case.dut", "expected lns or lac, not '" + dut + "'");
  c.dut = dut == "lns" ? Role::Lns : Role::Lac;
  const auto& reqs = n["requirements"];
  if (!reqs || !reqs.IsSequence() || reqs.size() == 0)
    r.fail(reqs ? reqs : n, "case.requirements", "expected a list of requirement IDs, e.g. [R023, R024]");
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const std::string key = "case.requirements[" + std::to_string(i) + "]";
    const std::string id = r.scalar(reqs[i], key);
    bool known = false;
    for (std::size_t k = 0; k < kRuleCount && !known; ++k) known = kRuleTable[k].id == id;
    if (!known)
      r.fail(reqs[i], key, "'" + id + "' is not in the requirement catalogue (l2tpsim rules lists it)");
    c.requirements.push_back(id);
  }
  if (const auto& needs = n["needs"]) {
    if (!needs.IsSequence()) r.fail(needs, "case.needs", "expected a list: [secret, user, trigger]");
    for (std::size_t i = 0; i < needs.size(); ++i) {
      const std::string key = "case.needs[" + std::to_string(i) + "]";
      const std::string v = r.scalar(needs[i], key);
      if (v != "secret" && v != "user" && v != "trigger")
        r.fail(needs[i], key, "expected secret, user or trigger, not '" + v + "'");
      c.needs.push_back(v);
    }
  }
  return c;
}

// --- roles ------------------------------------------------------------------------------

RoleConfig read_role(const Reader& r, const YAML::Node& n, Role role) {
  const std::string key = to_string(role);
  RoleConfig rc;
  rc.role = role;
  rc.where = r.where(n, key);
  if (n.IsNull()) return rc;  // `lac:` alone: every default
  if (!n.IsMap())
    r.fail(n, key, "expected a map of l2tpsim " + key + " options (see l2tpsim " + key + " --help)");
  for (const auto& kv : n) {
    const std::string name = kv.first.Scalar();
    const std::string k = key + "." + name;
    if (kv.second.IsSequence()) {  // a repeatable option: local-address: [127.0.0.2, 127.0.0.3]
      for (std::size_t i = 0; i < kv.second.size(); ++i)
        rc.options.push_back(
            {name, r.scalar(kv.second[i], k + "[" + std::to_string(i) + "]"), r.where(kv.second[i], k)});
      continue;
    }
    rc.options.push_back({name, r.scalar(kv.second, k), r.where(kv.first, k)});
  }
  return rc;
}

// --- faults -----------------------------------------------------------------------------

FaultMatch read_match(const Reader& r, const YAML::Node& n, const std::string& key, FaultMatch m) {
  r.map(n, key, {"message", "avp", "tunnel", "session", "ns", "ppp-protocol", "ppp-code", "skip", "count"});
  if (n["message"]) m.message = r.scalar(n["message"], join(key, "message"));
  if (n["avp"]) m.avp = r.avp_type(n["avp"], join(key, "avp"));
  if (n["tunnel"])
    m.tunnel = static_cast<std::uint16_t>(r.number(n["tunnel"], join(key, "tunnel"), 0, 65535));
  if (n["session"])
    m.session = static_cast<std::uint16_t>(r.number(n["session"], join(key, "session"), 0, 65535));
  if (n["ns"]) m.ns = static_cast<std::uint16_t>(r.number(n["ns"], join(key, "ns"), 0, 65535));
  if (n["ppp-protocol"])
    m.ppp_protocol =
        static_cast<std::uint16_t>(r.number(n["ppp-protocol"], join(key, "ppp-protocol"), 0, 65535));
  if (n["ppp-code"])
    m.ppp_code = static_cast<std::uint8_t>(r.number(n["ppp-code"], join(key, "ppp-code"), 0, 255));
  if (n["skip"]) m.skip = static_cast<unsigned>(r.number(n["skip"], join(key, "skip"), 0, 1000000));
  if (n["count"]) m.count = static_cast<unsigned>(r.number(n["count"], join(key, "count"), 1, 1000000));
  return m;
}

AvpEdit read_avp_edit(const Reader& r, const YAML::Node& n, const std::string& key, bool adding) {
  AvpEdit e;
  if (n.IsScalar()) {  // remove-avp: result-code
    e.type = r.avp_type(n, key);
    return e;
  }
  r.map(n, key, {"type", "vendor", "mandatory", "hidden", "value", "length", "position"});
  if (!n["type"]) r.fail(n, join(key, "type"), "which AVP: a type number or name");
  e.type = r.avp_type(n["type"], join(key, "type"));
  if (n["vendor"])
    e.vendor = static_cast<std::uint16_t>(r.number(n["vendor"], join(key, "vendor"), 0, 65535));
  if (n["mandatory"]) e.mandatory = r.boolean(n["mandatory"], join(key, "mandatory"));
  if (n["hidden"]) e.hidden = r.boolean(n["hidden"], join(key, "hidden"));
  if (n["value"]) e.value = r.hex(n["value"], join(key, "value"));
  if (n["length"])
    e.length_field = static_cast<std::uint16_t>(r.number(n["length"], join(key, "length"), 0, 1023));
  if (n["position"]) {
    if (!adding) r.fail(n["position"], join(key, "position"), "only add-avp takes a position");
    e.position = r.number(n["position"], join(key, "position"), 0, 1000);
  }
  return e;
}

HeaderEdit read_header_edit(const Reader& r, const YAML::Node& n, const std::string& key) {
  r.map(n, key, {"tunnel", "session", "ns", "nr", "version", "length", "set-flags", "clear-flags"});
  HeaderEdit h;
  auto u16 = [&](const char* k) -> std::optional<std::uint16_t> {
    if (!n[k]) return std::nullopt;
    return static_cast<std::uint16_t>(r.number(n[k], join(key, k), 0, 65535));
  };
  h.tunnel = u16("tunnel");
  h.session = u16("session");
  h.ns = u16("ns");
  h.nr = u16("nr");
  if (n["version"])
    h.version = static_cast<std::uint8_t>(r.number(n["version"], join(key, "version"), 0, 15));
  h.length_field = u16("length");
  h.set_flags = u16("set-flags");
  h.clear_flags = u16("clear-flags");
  return h;
}

// Named faults: the common cases, so a case says `fault: lost-hellos` and means it.
struct NamedFault {
  const char* name;
  const char* what;
};
constexpr NamedFault kNamedFaults[] = {
    {"lost-hellos", "drop every HELLO we send"},
    {"lost-echo-replies", "drop every LCP Echo-Reply we send"},
    {"withhold-acks", "drop every ZLB acknowledgement we send"},
    {"unknown-mandatory-avp",
     "add an AVP of unknown type 255 with M=1 to the matched messages (match: message)"},
    {"stale-ns", "send the matched message again 1 s later, with its old Ns (match: message)"},
    {"bad-ppp-password", "our PPP password does not match the peer's (a suffix is added)"},
    {"wrong-tunnel-secret", "our tunnel secret does not match the peer's (a suffix is added)"},
};

std::vector<std::string> named_fault_names() {
  std::vector<std::string> v;
  for (const auto& f : kNamedFaults) v.push_back(f.name);
  return v;
}

FaultRule read_fault(const Reader& r, const YAML::Node& n, std::size_t index) {
  const std::string key = "faults[" + std::to_string(index) + "]";
  static const std::vector<std::string> actions = {"drop",      "delay",    "duplicate", "reorder",
                                                   "corrupt",   "truncate", "add-avp",   "remove-avp",
                                                   "alter-avp", "header"};
  std::vector<std::string> known = {"name", "fault", "direction", "match", "required"};
  known.insert(known.end(), actions.begin(), actions.end());
  r.map(n, key, known);
  FaultRule f;
  f.name = n["name"] ? r.scalar(n["name"], join(key, "name")) : "fault " + std::to_string(index + 1);
  if (n["required"]) f.required = r.boolean(n["required"], join(key, "required"));
  if (n["direction"]) {
    const std::string d = r.scalar(n["direction"], join(key, "direction"));
    if (d != "out" && d != "in")
      r.fail(n["direction"], join(key, "direction"),
             "expected out (from us) or in (from the peer), not '" + d + "'");
    f.match.direction = d == "out" ? Direction::Out : Direction::In;
  }
  std::vector<std::string> given;
  for (const auto& a : actions)
    if (n[a]) given.push_back(a);
  if (const auto& named = n["fault"]) {
    const std::string name = r.scalar(named, join(key, "fault"));
    if (!given.empty()) r.fail(n[given[0]], join(key, given[0]), "a named fault takes no action of its own");
    if (!n["name"]) f.name = name;
    if (name == "lost-hellos") {
      f.match.message = "HELLO";
    } else if (name == "lost-echo-replies") {
      f.match.message = "data";
      f.match.ppp_protocol = 0xc021;
      f.match.ppp_code = 10;
    } else if (name == "withhold-acks") {
      f.match.message = "ZLB";
    } else if (name == "unknown-mandatory-avp") {
      f.action = FaultAction::AddAvp;
      f.avp.type = 255;
      f.avp.mandatory = true;
      f.avp.value = Buffer{0, 0};
    } else if (name == "stale-ns") {
      f.action = FaultAction::Duplicate;
      f.delay = std::chrono::seconds(1);
    } else {
      r.fail(named, join(key, "fault"),
             "'" + name + "' is not a named fault" + suggestion(name, named_fault_names()));
    }
    if (n["match"]) f.match = read_match(r, n["match"], join(key, "match"), f.match);
    if ((name == "unknown-mandatory-avp" || name == "stale-ns") && f.match.message.empty())
      r.fail(n, join(key, "match.message"), "fault " + name + " needs match: {message: ...}");
    return f;
  }
  if (given.size() != 1)
    r.fail(n, key,
           given.empty()
               ? "a fault needs one action: drop, delay, duplicate, reorder, corrupt, truncate, add-avp, "
                 "remove-avp, alter-avp or header (or fault: NAME)"
               : "a fault takes one action, not " + given[0] + " and " + given[1]);
  if (n["match"]) f.match = read_match(r, n["match"], join(key, "match"), f.match);
  const std::string& a = given[0];
  const YAML::Node& v = n[a];
  const std::string k = join(key, a);
  if (a == "drop") {
    f.action = FaultAction::Drop;
  } else if (a == "delay") {
    f.action = FaultAction::Delay;
    f.delay = r.duration(v, k);
  } else if (a == "duplicate") {
    f.action = FaultAction::Duplicate;
    if (v.IsMap()) {
      r.map(v, k, {"copies", "after"});
      if (v["copies"]) f.copies = static_cast<unsigned>(r.number(v["copies"], join(k, "copies"), 1, 100));
      if (v["after"]) f.delay = r.duration(v["after"], join(k, "after"));
    } else {
      f.copies = static_cast<unsigned>(r.number(v, k, 1, 100));
    }
  } else if (a == "reorder") {
    f.action = FaultAction::Reorder;
    if (v.IsMap()) {
      r.map(v, k, {"hold"});
      if (v["hold"]) f.delay = r.duration(v["hold"], join(k, "hold"));
    } else if (!r.boolean(v, k)) {
      r.fail(v, k, "reorder: true, or reorder: {hold: 1s}");
    }
  } else if (a == "corrupt") {
    f.action = FaultAction::Corrupt;
    r.map(v, k, {"offset", "bytes", "xor"});
    if (v["offset"]) f.corrupt_offset = r.number(v["offset"], join(k, "offset"), 0, 65535);
    if (v["bytes"]) f.corrupt_bytes = r.number(v["bytes"], join(k, "bytes"), 1, 65535);
    if (v["xor"]) f.xor_mask = static_cast<std::uint8_t>(r.number(v["xor"], join(k, "xor"), 1, 255));
  } else if (a == "truncate") {
    f.action = FaultAction::Truncate;
    f.truncate_to = r.number(v, k, 0, 65535);
  } else if (a == "add-avp") {
    f.action = FaultAction::AddAvp;
    f.avp = read_avp_edit(r, v, k, true);
  } else if (a == "remove-avp") {
    f.action = FaultAction::RemoveAvp;
    f.avp = read_avp_edit(r, v, k, false);
  } else if (a == "alter-avp") {
    f.action = FaultAction::AlterAvp;
    f.avp = read_avp_edit(r, v, k, false);
  } else {
    f.action = FaultAction::AlterHeader;
    f.header = read_header_edit(r, v, k);
  }
  return f;
}

// --- steps ------------------------------------------------------------------------------

EventKind event_kind(const Reader& r, const YAML::Node& n, const std::string& key) {
  const std::string s = r.scalar(n, key);
  for (auto k : {EventKind::TunnelUp, EventKind::TunnelDown, EventKind::SessionUp, EventKind::SessionDown,
                 EventKind::PppUp, EventKind::PppDown, EventKind::AuthFailed})
    if (s == to_string(k)) return k;
  r.fail(n, key,
         "'" + s + "' is not an event" +
             suggestion(s, {"tunnel-up", "tunnel-down", "session-up", "session-down", "ppp-up", "ppp-down",
                            "auth-failed"}));
}

std::vector<std::uint16_t> avp_list(const Reader& r, const YAML::Node& n, const std::string& key) {
  std::vector<std::uint16_t> out;
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i)
      out.push_back(r.avp_type(n[i], key + "[" + std::to_string(i) + "]"));
  } else {
    out.push_back(r.avp_type(n, key));
  }
  return out;
}

// avp-value: {type: T, value: "hex"} or {type: T, text: "string"}, or a list of them.
std::vector<MessageMatch::AvpValue> avp_values(const Reader& r, const YAML::Node& n, const std::string& key) {
  std::vector<MessageMatch::AvpValue> out;
  auto one = [&](const YAML::Node& a, const std::string& k) {
    r.map(a, k, {"type", "value", "text"});
    if (!a["type"] || !a["value"] == !a["text"])
      r.fail(a, k,
             "give the AVP's type and its value as hex or as text: {type: T, value: \"00 01\"} or "
             "{type: T, text: \"abc\"}");
    Buffer v;
    if (a["value"]) {
      v = r.hex(a["value"], join(k, "value"));
    } else {
      const std::string s = r.scalar(a["text"], join(k, "text"));
      v.assign(s.begin(), s.end());
    }
    out.push_back({r.avp_type(a["type"], join(k, "type")), std::move(v)});
  };
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) one(n[i], key + "[" + std::to_string(i) + "]");
  } else {
    one(n, key);
  }
  return out;
}

Expect read_expect(const Reader& r, const YAML::Node& n, const std::string& key, bool none) {
  r.map(n, key, {"message", "event",        "result",   "error",        "has-avp", "lacks-avp",  "avp-value",
                 "hidden",  "ppp-protocol", "ppp-code", "session-zero", "by-peer", "within",     "count",
                 "setup",   "note",         "backoff",  "requirement",  "clause",  "after-match"});
  Expect e;
  e.none = none;
  e.where = r.where(n, key);
  if (n["message"] && n["event"])
    r.fail(n["event"], join(key, "event"), "expect a message or an event, not both");
  auto u16 = [&](const char* k) -> std::optional<std::uint16_t> {
    if (!n[k]) return std::nullopt;
    return static_cast<std::uint16_t>(r.number(n[k], join(key, k), 0, 65535));
  };
  if (n["event"]) {
    EventMatch m;
    m.kind = event_kind(r, n["event"], join(key, "event"));
    m.result = u16("result");
    m.error = u16("error");
    if (n["by-peer"]) m.by_peer = r.boolean(n["by-peer"], join(key, "by-peer"));
    for (const char* k : {"has-avp", "lacks-avp", "avp-value", "hidden", "ppp-protocol", "ppp-code",
                          "session-zero", "backoff"})
      if (n[k]) r.fail(n[k], join(key, k), "applies to a message, not an event");
    e.what = m;
  } else if (n["message"]) {
    MessageMatch m;
    m.message = r.scalar(n["message"], join(key, "message"));
    m.result = u16("result");
    m.error = u16("error");
    if (n["has-avp"]) m.has_avps = avp_list(r, n["has-avp"], join(key, "has-avp"));
    if (n["lacks-avp"]) m.lacks_avps = avp_list(r, n["lacks-avp"], join(key, "lacks-avp"));
    if (n["avp-value"]) m.avp_values = avp_values(r, n["avp-value"], join(key, "avp-value"));
    if (n["hidden"]) m.hidden = r.boolean(n["hidden"], join(key, "hidden"));
    m.ppp_protocol = u16("ppp-protocol");
    if (n["ppp-code"])
      m.ppp_code = static_cast<std::uint8_t>(r.number(n["ppp-code"], join(key, "ppp-code"), 0, 255));
    if (n["session-zero"]) m.session_zero = r.boolean(n["session-zero"], join(key, "session-zero"));
    if (n["by-peer"]) r.fail(n["by-peer"], join(key, "by-peer"), "applies to an event, not a message");
    if (n["backoff"]) e.backoff = r.boolean(n["backoff"], join(key, "backoff"));
    e.what = m;
  } else {
    r.fail(n, key, "say what to expect: message: NAME or event: NAME");
  }
  if (n["within"]) e.within = r.duration(n["within"], join(key, "within"));
  if (n["count"]) e.count = static_cast<unsigned>(r.number(n["count"], join(key, "count"), 1, 1000000));
  if (n["setup"]) e.setup = r.boolean(n["setup"], join(key, "setup"));
  if (n["note"]) e.note = r.scalar(n["note"], join(key, "note"));
  if (n["requirement"]) {
    e.requirement = r.scalar(n["requirement"], join(key, "requirement"));
    bool known = false;
    for (std::size_t k = 0; k < kRuleCount && !known; ++k) known = kRuleTable[k].id == e.requirement;
    if (!known)
      r.fail(n["requirement"], join(key, "requirement"),
             "'" + e.requirement + "' is not in the requirement catalogue (l2tpsim rules lists it)");
  }
  if (n["clause"]) e.clause = r.scalar(n["clause"], join(key, "clause"));
  if (n["after-match"]) e.after_match = r.boolean(n["after-match"], join(key, "after-match"));
  if (none && (e.backoff || n["count"])) r.fail(n, key, "expect-none takes no count or backoff");
  return e;
}

std::pair<std::uint16_t, std::optional<std::uint16_t>> result_of(const Reader& r, const YAML::Node& n,
                                                                 const std::string& key, std::uint16_t dflt) {
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "yes")) return {dflt, std::nullopt};
  r.map(n, key, {"result", "error"});
  std::pair<std::uint16_t, std::optional<std::uint16_t>> out{dflt, std::nullopt};
  if (n["result"])
    out.first = static_cast<std::uint16_t>(r.number(n["result"], join(key, "result"), 0, 65535));
  if (n["error"]) out.second = static_cast<std::uint16_t>(r.number(n["error"], join(key, "error"), 0, 65535));
  return out;
}

StepAt read_step(const Reader& r, const YAML::Node& n, std::size_t index) {
  const std::string key = "steps[" + std::to_string(index) + "]";
  static const std::vector<std::string> kinds = {"open-tunnels", "open-sessions",  "wait",          "expect",
                                                 "expect-none",  "close-sessions", "close-tunnels", "shell",
                                                 "send-raw",     "send",           "restart"};
  r.map(n, key, kinds);
  if (n.size() != 1)
    r.fail(n, key,
           "a step is one of: open-tunnels, open-sessions, wait, expect, expect-none, "
           "close-sessions, close-tunnels, shell, send-raw, send, restart");
  const auto kv = *n.begin();
  const std::string kind = kv.first.Scalar();
  const std::string k = join(key, kind);
  const YAML::Node& v = kv.second;
  StepAt s;
  s.where = r.where(kv.first, k);
  if (kind == "open-tunnels") {
    s.step = OpenTunnels{static_cast<unsigned>(r.number(v, k, 1, 65535))};
  } else if (kind == "open-sessions") {
    s.step = OpenSessions{static_cast<unsigned>(r.number(v, k, 1, 1000000))};
  } else if (kind == "wait") {
    s.step = Wait{r.duration(v, k)};
  } else if (kind == "expect" || kind == "expect-none") {
    s.step = read_expect(r, v, k, kind == "expect-none");
  } else if (kind == "close-sessions") {
    const auto [res, err] = result_of(r, v, k, 3);
    s.step = CloseSessions{res, err};
  } else if (kind == "close-tunnels") {
    const auto [res, err] = result_of(r, v, k, 6);
    s.step = CloseTunnels{res, err};
  } else if (kind == "shell") {
    Shell sh;
    if (v.IsMap()) {
      r.map(v, k, {"command", "timeout", "background"});
      if (!v["command"]) r.fail(v, join(k, "command"), "the command to run");
      sh.command = r.scalar(v["command"], join(k, "command"));
      if (v["timeout"]) sh.timeout = r.duration(v["timeout"], join(k, "timeout"));
      if (v["background"]) sh.background = r.boolean(v["background"], join(k, "background"));
    } else {
      sh.command = r.scalar(v, k);
    }
    s.step = sh;
  } else if (kind == "send-raw") {
    s.step = SendRaw{r.hex(v, k)};
  } else if (kind == "send") {
    s.step = read_send(r, v, k);
  } else {
    if (!r.boolean(v, k)) r.fail(v, k, "restart: true (a restart takes no settings)");
    s.step = Restart{};
  }
  return s;
}

Scenario read_scenario(Reader& r, const YAML::Node& root) {
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "", "the file is empty");
  r.map(root, "", {"case", "seed", "vars", "lac", "lns", "faults", "steps"});
  Scenario s;
  s.file = r.file();
  if (root["vars"]) r.add_vars(root["vars"]);
  if (root["case"]) s.case_info = read_case(r, root["case"]);
  if (root["seed"]) s.seed = r.number(root["seed"], "seed", 0, ~std::uint64_t{0});
  if (root["lac"]) s.lac = read_role(r, root["lac"], Role::Lac);
  if (root["lns"]) s.lns = read_role(r, root["lns"], Role::Lns);
  if (!s.lac && !s.lns) r.fail(root, "lac", "a scenario plays at least one role: lac:, lns:, or both");
  if (s.case_info) {
    const Role ours = s.case_info->dut == Role::Lns ? Role::Lac : Role::Lns;
    if ((ours == Role::Lac && !s.lac) || (ours == Role::Lns && !s.lns) || (s.lac && s.lns))
      r.fail(root["case"]["dut"], "case.dut",
             std::string("a case against a DUT ") + to_string(s.case_info->dut) + " has only a " +
                 to_string(ours) + ": block (l2tpsim plays the other side)");
  }
  if (const auto& faults = root["faults"]) {
    if (!faults.IsSequence()) r.fail(faults, "faults", "expected a list of faults (- drop: ...)");
    for (std::size_t i = 0; i < faults.size(); ++i) {
      // Configuration faults change what the tester is configured with, not the wire.
      if (faults[i].IsMap() && faults[i]["fault"] && faults[i]["fault"].IsScalar()) {
        const std::string name = faults[i]["fault"].Scalar();
        if (name == "bad-ppp-password" || name == "wrong-tunnel-secret") {
          const std::string key = "faults[" + std::to_string(i) + "]";
          r.map(faults[i], key, {"name", "fault"});
          (name == "bad-ppp-password" ? s.config_faults.bad_ppp_password
                                      : s.config_faults.wrong_tunnel_secret) = true;
          continue;
        }
      }
      s.faults.push_back(read_fault(r, faults[i], i));
    }
  }
  if (const auto& steps = root["steps"]) {
    if (!steps.IsSequence()) r.fail(steps, "steps", "expected a list of steps (- open-tunnels: 1)");
    for (std::size_t i = 0; i < steps.size(); ++i) {
      auto step = read_step(r, steps[i], i);
      // Opening calls needs the LAC role; a LAC under test is triggered with shell.
      if ((std::holds_alternative<OpenTunnels>(step.step) ||
           std::holds_alternative<OpenSessions>(step.step)) &&
          !s.lac)
        r.fail(steps[i], step.where.key,
               "l2tpsim opens tunnels and calls as a LAC: this scenario has no lac: role");
      s.steps.push_back(std::move(step));
    }
  }
  // In a case every check that is not a premise says which requirement it judges and the
  // clause it rests on: its level decides fail or warn, and a reviewer audits the file alone.
  if (s.case_info)
    for (std::size_t i = 0; i < s.steps.size(); ++i) {
      const auto* e = std::get_if<Expect>(&s.steps[i].step);
      if (!e || e->setup) continue;
      if (e->requirement.empty())
        r.fail(root["steps"][i], e->where.key,
               "a check of a case names the requirement it judges (requirement: R024) and its clause");
      if (e->clause.empty())
        r.fail(root["steps"][i], e->where.key,
               "a check of a case quotes its clause (clause: \"4.1: ... MUST be terminated\")");
      if (std::find(s.case_info->requirements.begin(), s.case_info->requirements.end(), e->requirement) ==
          s.case_info->requirements.end())
        r.fail(root["steps"][i], e->where.key,
               "requirement " + e->requirement + " is not in case.requirements: list it there too");
    }
  if (s.case_info && std::none_of(s.steps.begin(), s.steps.end(),
                                  [](const StepAt& st) { return std::holds_alternative<Expect>(st.step); }))
    r.fail(root["steps"] ? root["steps"] : root, "steps",
           "a case needs at least one expect or expect-none step: a case that checks nothing cannot fail");
  return s;
}

}  // namespace

Result<Scenario, ScenarioError> parse_scenario(const std::string& text, const std::string& file,
                                               const Vars& vars) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Where w;
    w.file = file;
    if (!e.mark.is_null()) {
      w.line = e.mark.line + 1;
      w.column = e.mark.column + 1;
    }
    return unexpected(ScenarioError{w, "not valid YAML: " + e.msg});
  }
  try {
    Reader r(file, vars);
    return read_scenario(r, root);
  } catch (const Fail& f) {
    return unexpected(f.error);
  } catch (const YAML::Exception& e) {  // a conversion yaml-cpp refused
    Where w;
    w.file = file;
    if (!e.mark.is_null()) {
      w.line = e.mark.line + 1;
      w.column = e.mark.column + 1;
    }
    return unexpected(ScenarioError{w, e.msg});
  }
}

Result<Scenario, ScenarioError> load_scenario(const std::string& path, const Vars& vars) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(ScenarioError{Where{path, 0, 0, ""}, "cannot read the file"});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path, vars);
}

}  // namespace l2tp::scenario
