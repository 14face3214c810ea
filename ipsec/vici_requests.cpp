#include "ipsec/vici_requests.hpp"

namespace l2tp::ipsec {

namespace {

bool is_any(const net::IpAddress& a) {
  for (auto b : a.bytes)
    if (b != 0) return false;
  return true;
}

std::string host_prefix(const net::IpAddress& a) {
  if (is_any(a)) return a.v6 ? "::/0" : "0.0.0.0/0";
  return a.to_string() + (a.v6 ? "/128" : "/32");
}

}  // namespace

std::string_view to_string(UseIpsec u) {
  switch (u) {
    case UseIpsec::No:
      return "no";
    case UseIpsec::Yes:
      return "yes";
    case UseIpsec::Required:
      return "required";
  }
  return "no";
}

std::string_view to_string(IpsecMode m) {
  return m == IpsecMode::Tunnel ? "tunnel" : "transport";
}

std::string udp_selector(const net::IpAddress& a, std::uint16_t port) {
  return host_prefix(a) + (port == 0 ? std::string("[udp]") : "[udp/" + std::to_string(port) + "]");
}

ConnSpec lac_conn(const IpsecSettings& s, std::size_t index, const net::Endpoint& source,
                  const net::Endpoint& lns) {
  ConnSpec c;
  c.name = "l2tpsim-" + std::to_string(index);
  const net::IpAddress peer = s.peer ? *s.peer : lns.addr;
  c.remote_addrs = {peer.to_string()};
  if (s.mode == IpsecMode::Transport) {
    c.local_addrs = {source.addr.to_string()};
    c.local_ts = {"dynamic" +
                  std::string(source.port ? "[udp/" + std::to_string(source.port) + "]" : "[udp]")};
    c.remote_ts = {"dynamic[udp/" + std::to_string(lns.port) + "]"};
  } else {
    if (s.local) c.local_addrs = {s.local->to_string()};
    c.local_id = source.addr.to_string();
    c.local_ts = {udp_selector(source.addr, source.port)};
    c.remote_ts = {udp_selector(lns.addr, lns.port)};
  }
  return c;
}

ConnSpec lns_conn(const IpsecSettings& s, const std::vector<net::Endpoint>& listen) {
  ConnSpec c;
  c.name = "l2tpsim-lns";
  c.responder = true;
  for (const auto& l : listen) {
    if (s.mode == IpsecMode::Transport)
      c.local_ts.push_back("dynamic[udp/" + std::to_string(l.port) + "]");
    else
      c.local_ts.push_back(udp_selector(l.addr, l.port));
  }
  c.remote_ts = {s.mode == IpsecMode::Transport ? "dynamic[udp]" : "0.0.0.0/0[udp]"};
  return c;
}

ViciSection load_conn_request(const ConnSpec& c, const IpsecSettings& s) {
  ViciSection req;
  auto& conn = req.add_section(c.name);
  conn.add("version", "1");  // IKEv1 main mode, as Windows, macOS and RouterOS L2TP clients
  conn.add("aggressive", "no");
  if (!c.local_addrs.empty()) conn.add_list("local_addrs", c.local_addrs);
  conn.add_list("remote_addrs", c.remote_addrs.empty() ? std::vector<std::string>{"%any"} : c.remote_addrs);
  conn.add_list("proposals", s.ike_proposals);
  // libipsec takes ESP only in UDP (NAT-T framing); in transport mode NAT-T when a NAT is seen.
  conn.add("encap", s.mode == IpsecMode::Tunnel ? "yes" : "no");
  conn.add("unique", c.responder ? "never" : "no");
  auto& local = conn.add_section("local");
  local.add("auth", "psk");
  if (!c.local_id.empty()) local.add("id", c.local_id);
  conn.add_section("remote").add("auth", "psk");
  auto& child = conn.add_section("children").add_section(kChildName);
  child.add("mode", std::string(to_string(s.mode)));
  child.add_list("local_ts", c.local_ts);
  child.add_list("remote_ts", c.remote_ts);
  child.add_list("esp_proposals", s.esp_proposals);
  child.add("start_action", "none");
  child.add("close_action", "none");
  return req;
}

ViciSection load_shared_request(const std::string& secret) {
  ViciSection req;
  req.add("id", "l2tpsim-psk");
  req.add("type", "IKE");
  req.add("data", secret);
  req.add_list("owners", {});  // no owners: the key for any identity
  return req;
}

ViciSection initiate_request(const std::string& conn, std::chrono::milliseconds timeout) {
  ViciSection req;
  req.add("child", kChildName);
  req.add("ike", conn);
  req.add("timeout", std::to_string(timeout.count()));
  req.add("init-limits", "no");
  req.add("loglevel", "1");
  return req;
}

ViciSection terminate_request(const std::string& conn, std::chrono::milliseconds timeout) {
  ViciSection req;
  req.add("ike", conn);
  req.add("timeout", std::to_string(timeout.count()));
  req.add("loglevel", "-1");
  return req;
}

}  // namespace l2tp::ipsec
