#include "reports/decode_summary.hpp"

namespace l2tp::reports {

DecodeSummary::Key DecodeSummary::Links::find(const Key& k) {
  Key cur = k;
  while (true) {
    auto it = parent.find(cur);
    if (it == parent.end() || it->second == cur) return cur;
    cur = it->second;
  }
}

void DecodeSummary::Links::touch(const Key& k) {
  parent.try_emplace(k, k);
}

void DecodeSummary::Links::join(const Key& a, const Key& b) {
  touch(a);
  touch(b);
  const Key ra = find(a), rb = find(b);
  if (!(ra == rb)) parent[ra] = rb;
}

std::size_t DecodeSummary::Links::groups() const {
  std::size_t n = 0;
  for (const auto& [k, p] : parent) n += (k == p);
  return n;
}

void DecodeSummary::add(const PacketRecord& r) {
  ++packets_;
  ++by_kind_[std::string(to_string(r.kind))];
  if (r.truncated) ++truncated_;
  if (r.error) ++errors_;
  for (const auto& v : r.violations) {
    ++violations_;
    ++by_rule_[std::string(to_string(v.rule))];
  }
  if (r.kind != PacketKind::L2tpv2) return;
  ++by_message_[message_name(r)];
  if (!r.control)
    ++data_;
  else if (r.zlb)
    ++zlb_;
  else
    ++control_;

  // The header carries the receiver's IDs (R014, R015); Assigned ID AVPs carry the sender's.
  if (r.tunnel != 0) tunnel_links_.touch({r.dst_addr, r.tunnel, 0});
  if (r.assigned_tunnel && *r.assigned_tunnel != 0) {
    const Key mine{r.src_addr, *r.assigned_tunnel, 0};
    if (r.tunnel != 0)
      tunnel_links_.join(mine, {r.dst_addr, r.tunnel, 0});
    else
      tunnel_links_.touch(mine);
  }
  // A session is named by each side with its own ID, within the tunnel the message travels on.
  const Key tunnel_name{r.dst_addr, r.tunnel, 0};
  std::optional<SessionName> theirs;
  if (r.session != 0) theirs = SessionName{tunnel_name, r.dst_addr, r.session};
  if (r.assigned_session && *r.assigned_session != 0)
    session_obs_.push_back({SessionName{tunnel_name, r.src_addr, *r.assigned_session}, theirs});
  else if (theirs)
    session_obs_.push_back({*theirs, std::nullopt});
}

std::size_t DecodeSummary::tunnels() const {
  return tunnel_links_.groups();
}

std::size_t DecodeSummary::sessions() const {
  Links links;
  auto key = [&](const SessionName& n) {
    const Key t = tunnel_links_.find(n.tunnel);
    return Key{t.addr + "/" + std::to_string(t.tunnel) + "/" + n.addr, 0, n.session};
  };
  for (const auto& [a, b] : session_obs_) {
    if (b)
      links.join(key(a), key(*b));
    else
      links.touch(key(a));
  }
  return links.groups();
}

nlohmann::json DecodeSummary::to_json() const {
  nlohmann::json j;
  j["packets"] = packets_;
  j["control"] = control_;
  j["zlb"] = zlb_;
  j["data"] = data_;
  j["truncated"] = truncated_;
  j["errors"] = errors_;
  j["skipped_non_l2tp"] = skipped_;
  j["kinds"] = by_kind_;
  j["messages"] = by_message_;
  j["tunnels"] = tunnels();
  j["sessions"] = sessions();
  j["violations"] = violations_;
  j["violations_by_rule"] = by_rule_;
  return nlohmann::json{{"summary", j}};
}

std::string DecodeSummary::to_text() const {
  std::string s = "\nSummary\n";
  s += "  packets " + std::to_string(packets_) + " (control " + std::to_string(control_) + ", ZLB " +
       std::to_string(zlb_) + ", data " + std::to_string(data_) + "), truncated " +
       std::to_string(truncated_) + ", undecodable " + std::to_string(errors_) + ", other traffic skipped " +
       std::to_string(skipped_) + "\n";
  for (const auto& [k, n] : by_kind_)
    if (k != "L2TPv2") s += "  " + k + ": " + std::to_string(n) + "\n";
  s += "  messages:";
  for (const auto& [m, n] : by_message_) s += " " + m + "=" + std::to_string(n);
  s += "\n  tunnels " + std::to_string(tunnels()) + ", sessions " + std::to_string(sessions()) + "\n";
  s += "  violations " + std::to_string(violations_);
  for (const auto& [rule, n] : by_rule_) s += " " + rule + "=" + std::to_string(n);
  s += "\n";
  return s;
}

}  // namespace l2tp::reports
