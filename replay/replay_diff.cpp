#include "replay/replay_diff.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

#include "engine/ppp/protocol.hpp"
#include "replay/ppp_facts.hpp"

namespace l2tp::replay {
namespace {

using capture::ControlRecord;

std::string cli_name(std::string_view name) {
  std::string out;
  for (char c : name) out += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The peer's messages of one exchange group: the tunnel's own (no session) or one call's.
std::map<std::optional<std::size_t>, std::vector<const ControlRecord*>> groups(const capture::Tunnel& t,
                                                                               std::uint8_t side) {
  std::map<std::optional<std::size_t>, std::vector<const ControlRecord*>> out;
  for (const ControlRecord& r : t.sides[side].control) {
    if (r.zlb || r.retransmission || !r.message.known_type() || r.is(MessageType::Hello)) continue;
    out[r.session].push_back(&r);
  }
  return out;
}

bool readable(const wire::Avp& a) {
  return !a.hidden || a.hidden_state == wire::HiddenState::Revealed;
}

std::string describe(const wire::Avp& a) {
  std::string s = avp_display_name(a.vendor, a.type);
  if (a.mandatory || a.hidden)
    s += std::string(" [") + (a.mandatory ? "M" : "") + (a.hidden ? "H" : "") + "]";
  if (readable(a)) s += ": " + wire::format_value(a);
  return s;
}

// A message as a difference shows it: its type, and its Result Code when it carries one.
std::string message_text(const ControlRecord& r) {
  std::string s = r.type_name();
  if (const wire::Avp* a = r.message.find(AvpType::ResultCode); a && readable(*a))
    s += " (" + wire::format_value(*a) + ")";
  return s;
}

std::string flags(const wire::Avp& a) {
  return std::string("M=") + (a.mandatory ? "1" : "0") + " H=" + (a.hidden ? "1" : "0");
}

class Differ {
 public:
  Differ(const DiffOptions& o, std::vector<Difference>& out, std::vector<ExchangeRow>& rows)
      : options_(o), out_(out), rows_(rows) {}

  // The exchange the next differences belong to.
  void row(std::string exchange, std::string captured, std::string live, std::uint64_t fc, std::uint64_t fl) {
    rows_.push_back(ExchangeRow{std::move(exchange), std::move(captured), std::move(live), fc, fl, {}});
  }

  void add(std::string exchange, std::string kind, std::string captured, std::string live, std::uint64_t fc,
           std::uint64_t fl) {
    if (!rows_.empty()) rows_.back().differences.push_back(out_.size());
    out_.push_back(
        Difference{std::move(exchange), std::move(kind), std::move(captured), std::move(live), fc, fl});
  }

  bool ignored(const wire::Avp& a) const {
    const AvpKey k{a.vendor, a.type};
    return a.is(AvpType::MessageType) || default_ignored_avps().count(k) || options_.ignore.count(k);
  }

  // One message the capture and the live peer both sent.
  void avps(const std::string& ex, const ControlRecord& c, const ControlRecord& l) {
    std::vector<bool> used(l.message.avps.size(), false);
    for (const wire::Avp& a : c.message.avps) {
      if (ignored(a)) continue;
      const wire::Avp* b = nullptr;
      for (std::size_t i = 0; i < l.message.avps.size() && !b; ++i)
        if (!used[i] && l.message.avps[i].vendor == a.vendor && l.message.avps[i].type == a.type) {
          used[i] = true;
          b = &l.message.avps[i];
        }
      if (!b) {
        add(ex, "avp-missing", describe(a), "", c.frame, l.frame);
        continue;
      }
      if (a.mandatory != b->mandatory || a.hidden != b->hidden)
        add(ex, "avp-flags", avp_display_name(a.vendor, a.type) + " " + flags(a),
            avp_display_name(b->vendor, b->type) + " " + flags(*b), c.frame, l.frame);
      if (readable(a) && readable(*b) && !(a.value == b->value))
        add(ex, a.is(AvpType::ResultCode) ? "result-code" : "avp-value", describe(a), describe(*b), c.frame,
            l.frame);
    }
    for (std::size_t i = 0; i < l.message.avps.size(); ++i)
      if (!used[i] && !ignored(l.message.avps[i]))
        add(ex, "avp-extra", "", describe(l.message.avps[i]), c.frame, l.frame);
  }

  // Aligns two message sequences by type (longest common subsequence), then compares.
  void sequence(const std::string& group, const std::vector<const ControlRecord*>& c,
                const std::vector<const ControlRecord*>& l) {
    const std::size_t n = c.size(), m = l.size();
    std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
      for (std::size_t j = m; j-- > 0;)
        lcs[i][j] = c[i]->message.known_type() == l[j]->message.known_type()
                        ? lcs[i + 1][j + 1] + 1
                        : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && c[i]->message.known_type() == l[j]->message.known_type()) {
        const std::string ex = group + ": " + c[i]->type_name();
        row(ex, message_text(*c[i]), message_text(*l[j]), c[i]->frame, l[j]->frame);
        avps(ex, *c[i], *l[j]);
        ++i;
        ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        const std::string ex = group + ": " + c[i]->type_name();
        row(ex, message_text(*c[i]), "", c[i]->frame, 0);
        add(ex, "missing", message_text(*c[i]), "", c[i]->frame, 0);
        ++i;
      } else {
        const std::string ex = group + ": " + l[j]->type_name();
        row(ex, "", message_text(*l[j]), 0, l[j]->frame);
        add(ex, "extra", "", message_text(*l[j]), 0, l[j]->frame);
        ++j;
      }
    }
  }

  template <typename T, typename F>
  void fact(const std::string& ex, const char* kind, const T& c, const T& l, F text, std::uint64_t fc,
            std::uint64_t fl) {
    if (c != l) add(ex, kind, c ? text(*c) : "none", l ? text(*l) : "none", fc, fl);
  }

  void ppp(const std::string& group, const capture::Session& c, std::uint8_t cp, const capture::Session* l,
           std::uint8_t lp) {
    if (c.ppp.empty()) return;
    const PppFacts cf = ppp_facts(c, cp), cu = ppp_facts(c, cp ^ 1);
    const PppFacts lf = l ? ppp_facts(*l, lp) : PppFacts{}, lu = l ? ppp_facts(*l, lp ^ 1) : PppFacts{};
    auto method = [](ppp::auth::Method m) { return std::string(ppp::auth::to_string(m)); };
    auto str = [](const std::string& s) { return s; };
    auto ip = [](const net::IpAddress& a) { return a.to_string(); };
    auto num = [](auto v) { return std::to_string(v); };
    auto opt = [](const auto& v, auto text) { return v ? text(*v) : std::string("none"); };
    const std::string auth = group + ": PPP authentication";
    row(auth, opt(cf.auth, method) + ", " + opt(cf.auth_result, str),
        l ? opt(lf.auth, method) + ", " + opt(lf.auth_result, str) : "", cf.lcp_frame, lf.lcp_frame);
    fact(auth, "ppp-auth-method", cf.auth, lf.auth, method, cf.lcp_frame, lf.lcp_frame);
    fact(auth, "ppp-auth-result", cf.auth_result, lf.auth_result, str, cf.auth_frame, lf.auth_frame);
    const std::string ipcp = group + ": PPP IPCP";
    row(ipcp, opt(cf.ip_address, ip) + ", gave " + opt(cu.ip_address, ip),
        l ? opt(lf.ip_address, ip) + ", gave " + opt(lu.ip_address, ip) : "", cf.ipcp_frame, lf.ipcp_frame);
    fact(ipcp, "ppp-address", cf.ip_address, lf.ip_address, ip, cf.ipcp_frame, lf.ipcp_frame);
    fact(ipcp, "ppp-address-given", cu.ip_address, lu.ip_address, ip, cu.ipcp_frame, lu.ipcp_frame);
    const std::string lcp = group + ": PPP LCP";
    auto lcp_text = [&](const PppFacts& f) {
      return opt(f.mru, [&](auto v) { return "MRU " + num(v); }) + ", " +
             opt(f.accm, [&](auto v) { return "ACCM " + num(v); }) + ", PFC " + (f.pfc ? "on" : "off") +
             ", ACFC " + (f.acfc ? "on" : "off");
    };
    row(lcp, lcp_text(cf), l ? lcp_text(lf) : "", cf.lcp_frame, lf.lcp_frame);
    fact(
        lcp, "ppp-lcp-option", cf.mru, lf.mru, [&](auto v) { return "MRU " + num(v); }, cf.lcp_frame,
        lf.lcp_frame);
    fact(
        lcp, "ppp-lcp-option", cf.accm, lf.accm, [&](auto v) { return "ACCM " + num(v); }, cf.lcp_frame,
        lf.lcp_frame);
    if (cf.pfc != lf.pfc || cf.acfc != lf.acfc)
      add(lcp, "ppp-lcp-option",
          std::string("PFC ") + (cf.pfc ? "on" : "off") + ", ACFC " + (cf.acfc ? "on" : "off"),
          std::string("PFC ") + (lf.pfc ? "on" : "off") + ", ACFC " + (lf.acfc ? "on" : "off"), cf.lcp_frame,
          lf.lcp_frame);
    // A Protocol-Reject answers something we sent: the captured peer's rejects of protocols the
    // live run never sent (not played, such as CCP) say nothing about the live peer.
    std::vector<std::uint16_t> expected_rejects;
    for (const std::uint16_t p : cf.protocol_rejects)
      if (!l || std::find(lu.protocols_sent.begin(), lu.protocols_sent.end(), p) != lu.protocols_sent.end())
        expected_rejects.push_back(p);
    auto list = [](const std::vector<std::uint16_t>& v) {
      std::string s;
      for (auto p : v) s += (s.empty() ? "" : ", ") + ppp::protocol_name(p);
      return s.empty() ? std::string("none") : s;
    };
    row(group + ": PPP Protocol-Reject", list(expected_rejects), l ? list(lf.protocol_rejects) : "", 0, 0);
    if (expected_rejects != lf.protocol_rejects) {
      add(group + ": PPP Protocol-Reject", "ppp-protocol-reject", list(expected_rejects),
          list(lf.protocol_rejects), 0, 0);
    }
  }

 private:
  const DiffOptions& options_;
  std::vector<Difference>& out_;
  std::vector<ExchangeRow>& rows_;
};

}  // namespace

const std::set<AvpKey>& default_ignored_avps() {
  static const std::set<AvpKey> kIgnored = [] {
    std::set<AvpKey> s;
    for (AvpType t :
         {AvpType::AssignedTunnelId, AvpType::AssignedSessionId, AvpType::RandomVector, AvpType::Challenge,
          AvpType::ChallengeResponse, AvpType::TieBreaker, AvpType::CallSerialNumber})
      s.insert(AvpKey{kIetfVendor, static_cast<std::uint16_t>(t)});
    return s;
  }();
  return kIgnored;
}

Result<AvpKey, std::string> parse_avp_key(const std::string& text) {
  auto number = [](const std::string& s) -> std::optional<std::uint16_t> {
    if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c); }))
      return std::nullopt;
    const unsigned long v = std::stoul(s);
    if (v > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(v);
  };
  if (const auto colon = text.find(':'); colon != std::string::npos) {
    const auto v = number(text.substr(0, colon)), t = number(text.substr(colon + 1));
    if (v && t) return AvpKey{*v, *t};
  } else if (const auto t = number(text)) {
    return AvpKey{kIetfVendor, *t};
  }
  for (const AvpSpec& spec : all_avp_specs())
    if (cli_name(spec.name) == text) return AvpKey{kIetfVendor, static_cast<std::uint16_t>(spec.type)};
  return unexpected("'" + text +
                    "' is not an AVP: give its RFC 2661 name (host-name), its type (7) or VENDOR:TYPE");
}

std::vector<Difference> diff_tunnels(const capture::Tunnel& captured, std::uint8_t captured_peer,
                                     const capture::Tunnel* live, std::uint8_t live_peer,
                                     const DiffOptions& options, std::vector<ExchangeRow>* rows) {
  std::vector<Difference> out;
  std::vector<ExchangeRow> own_rows;
  Differ d(options, out, rows ? *rows : own_rows);
  const std::size_t n = std::max<std::size_t>(1, options.clones);
  auto cg = groups(captured, captured_peer);
  if (n > 1) {  // each captured call stands for its clones
    decltype(cg) cloned;
    for (const auto& [k, v] : cg) {
      if (!k) cloned[k] = v;
      for (std::size_t c = 0; k && c < n; ++c) cloned[*k * n + c] = v;
    }
    cg = std::move(cloned);
  }
  const auto lg = live ? groups(*live, live_peer) : decltype(cg){};
  static const std::vector<const ControlRecord*> kNone;
  auto name = [](const std::optional<std::size_t>& s) {
    return s ? "call " + std::to_string(*s + 1) : std::string("tunnel");
  };
  std::set<std::optional<std::size_t>> keys;
  for (const auto& [k, v] : cg) keys.insert(k);
  for (const auto& [k, v] : lg) keys.insert(k);
  for (const auto& k : keys) {
    const auto c = std::as_const(cg).find(k);
    const auto l = lg.find(k);
    d.sequence(name(k), c == cg.end() ? kNone : c->second, l == lg.end() ? kNone : l->second);
  }
  for (std::size_t i = 0; i < captured.sessions.size() * n; ++i) {
    const capture::Session* ls = live && i < live->sessions.size() ? &live->sessions[i] : nullptr;
    d.ppp(name(i), captured.sessions[i / n], captured_peer, ls, live_peer);
  }
  return out;
}

}  // namespace l2tp::replay
