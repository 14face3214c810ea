#include "app/ppp_options.hpp"

#include <memory>

#include "app/peer_options.hpp"
#include "engine/ppp/proxy.hpp"
#include "peers/ppp/local_authorizer.hpp"
#include "peers/ppp/radius_authorizer.hpp"
#include "peers/tun/tun_sink.hpp"
#include "peers/users/routeros_values.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {

namespace {

using l2tp::Duration;
namespace auth = l2tp::ppp::auth;

Duration seconds_of(const std::string& option, const std::string& text, double min, double max) {
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double>(parse_number(option, text, min, max)));
}

std::vector<auth::Method> parse_methods(const std::string& option, const std::string& text) {
  std::vector<auth::Method> out;
  if (text == "none" || text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto m = auth::method_from_string(item);
    if (!m)
      throw UsageError("--" + option + ": '" + item +
                       "' is not one of pap, chap, mschap1, mschap2 (or 'none')");
    out.push_back(*m);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

l2tp::net::IpAddress parse_v4(const std::string& option, const std::string& text) {
  const auto a = l2tp::peers::parse_ipv4(text);
  if (!a) throw UsageError("--" + option + ": '" + text + "' is not an IPv4 address");
  return *a;
}

// --radius ADDR[:PORT] and its companions; nullopt without --radius.
std::optional<l2tp::peers::RadiusAuthorizerConfig> radius_config(const po::variables_map& vm,
                                                                 const std::string& server,
                                                                 const std::string& secret,
                                                                 const std::string& accounting,
                                                                 const std::string& interim) {
  if (server.empty()) {
    for (const char* o : {"radius-secret", "radius-accounting", "radius-interim"})
      if (vm.count(o)) throw UsageError(std::string("--") + o + ": only with --radius");
    return std::nullopt;
  }
  l2tp::peers::RadiusAuthorizerConfig r;
  // RFC 2865 3 / RFC 2866 3: authentication on 1812, accounting on the port after it.
  r.server.auth = parse_endpoint("radius", server, 1812);
  if (r.server.auth.port == 0 || r.server.auth.port == 65535)
    throw UsageError("--radius: port " + std::to_string(r.server.auth.port) +
                     " leaves no accounting port (PORT+1)");
  r.server.acct = r.server.auth;
  ++r.server.acct.port;
  if (secret.empty()) throw UsageError("--radius-secret: required with --radius (the shared secret)");
  r.server.secret = secret;
  if (accounting == "yes")
    r.accounting = true;
  else if (accounting == "no")
    r.accounting = false;
  else
    throw UsageError("--radius-accounting: '" + accounting + "' is not yes or no");
  if (!interim.empty()) {
    if (!r.accounting) throw UsageError("--radius-interim: needs --radius-accounting yes");
    r.interim = std::chrono::seconds(parse_uint("radius-interim", interim, 1, 86400));
  }
  return r;
}

constexpr const char* kDefaultPool = "l2tpsim-default";
constexpr const char* kCliPool = "l2tpsim-remote";

}  // namespace

void PppOptions::add_to(po::options_description& opts, const std::string& role) {
  role_ = role;
  const bool lac = role == "lac";
  po::options_description ppp("PPP (RFC 1661 and friends; RouterOS names)");
  ppp.add_options()("no-ppp", po::bool_switch(&no_ppp_), "run L2TP only: sessions carry no PPP")(
      "max-mru", po::value(&max_mru_)->value_name("N"), "MRU we ask for in LCP (default 1450, as RouterOS)")(
      "max-mtu", po::value(&max_mtu_)->value_name("N"),
      "largest frame we send, whatever MRU the peer offers (default 1450)")(
      "mrru", po::value(&mrru_)->value_name("N"),
      "ask for Multilink (RFC 1990) with this MRRU and accept the peer's (default: disabled, MRRU refused)")(
      "echo-interval", po::value(&echo_interval_)->value_name("SECONDS"),
      "LCP Echo-Request interval once --keepalive-timeout of silence has passed (default 1)")(
      "echo-failures", po::value(&echo_failures_)->value_name("N"),
      "unanswered Echo-Requests before the link is declared dead and the call cleared (default 5)")(
      "lcp-restart", po::value(&lcp_restart_)->value_name("SECONDS"),
      "Restart timer of LCP, the NCPs and authentication (RFC 1661 4.6; default 3)")(
      "max-configure", po::value(&max_configure_)->value_name("N"), "Max-Configure (default 10)")(
      "max-failure", po::value(&max_failure_)->value_name("N"), "Max-Failure (default 5)")(
      "max-terminate", po::value(&max_terminate_)->value_name("N"), "Max-Terminate (default 2)")(
      "ipv6", po::bool_switch(&ipv6_), "also negotiate IPv6CP (RFC 5072 interface identifiers)")(
      "bcp", po::bool_switch(&bcp_), "also negotiate BCP (RFC 3518) for bridged Ethernet")(
      "tun", po::value<std::string>()->value_name("NAME"),
      "give every session whose IPCP comes up a Linux TUN interface with its addresses and MTU, so real "
      "programs can use it; {n} (order of coming up), {tunnel}, {session} expand, e.g. l2tp{n}; a fixed "
      "name serves one session at a time (needs CAP_NET_ADMIN)")(
      "session-records", po::value(&session_records_)->value_name("N"),
      "sessions listed one by one in the summary and the JSON `sessions` (the first N calls of the run, "
      "plus the first 1000 failures); the others are only counted (sessions_omitted), so memory does not "
      "grow with the sessions a run has had (default 1000)");
  if (lac) {
    ppp.add_options()("user", po::value(&user_)->value_name("NAME"),
                      "PPP user name; {n} (call number from 1), {tunnel} and {session} expand per call, "
                      "e.g. user{n} (default l2tpsim)")("password", po::value(&password_)->value_name("P"),
                                                        "PPP password (default l2tpsim)")(
        "allow", po::value(&allow_)->value_name("LIST"),
        "authentication we accept, most preferred first: pap,chap,mschap1,mschap2 (default "
        "mschap2,mschap1,chap,pap)")("no-dns", po::bool_switch(&no_dns_),
                                     "do not ask for DNS servers in IPCP")(
        "no-response-repeat", po::bool_switch(&no_response_repeat_),
        "answer each CHAP Challenge once and leave retransmission to the authenticator (RFC 1994 4.1), as "
        "pppd does; by default a Response with no Success or Failure is sent again every --lcp-restart")(
        "traffic", po::value(&traffic_)->value_name("icmp|udp"),
        "once IPCP is up, send probes in every session (ICMP echo, or UDP to port 7) with sequence numbers "
        "and timestamps; loss, reordering and RTT per session in the summary")(
        "traffic-interval", po::value(&traffic_interval_)->value_name("SECONDS"),
        "time between probes of one session (default 1)")("traffic-size",
                                                          po::value(&traffic_size_)->value_name("N"),
                                                          "probe payload octets (22-1400, default 56)")(
        "traffic-target", po::value(&traffic_target_)->value_name("ADDR"),
        "probe destination (default: the peer's IPCP address)")(
        "proxy-auth", po::bool_switch(),
        "act as a LAC that negotiated LCP and authenticated the client itself: every ICCN carries proxy LCP "
        "and proxy authentication (RFC 2661 4.4.5, AVPs 26-33) with the first of --allow that is pap or "
        "chap, "
        "and PPP goes on from there");
  } else {
    ppp.add_options()("authentication", po::value(&authentication_)->value_name("LIST"),
                      "authentication we demand, most preferred first: pap,chap,mschap1,mschap2, or none "
                      "(default mschap2,mschap1,chap,pap)")(
        "secrets", po::value(&secrets_)->value_name("FILE"),
        "PPP secrets, profiles and pools in RouterOS syntax (/ppp secret add name=... password=... "
        "remote-address=..., /ppp profile add ..., /ip pool add ...)")(
        "user", po::value(&user_)->value_name("NAME"),
        "accept this user (a pattern like user{n} matches user1, user2, ...) with --password; the default "
        "when neither --secrets nor --radius is given is l2tpsim/l2tpsim")(
        "password", po::value(&password_)->value_name("P"), "password of --user")(
        "default-profile", po::value(&default_profile_)->value_name("NAME"),
        "profile for users without one (default 'default')")(
        "local-address", po::value(&local_address_)->value_name("ADDR"),
        "our IPCP address, for the default profile (default 10.0.0.1 unless the profile sets one)")(
        "remote-address", po::value(&remote_address_)->value_name("ADDR|A-B|POOL"),
        "peer addresses of the default profile: one address, a range, or a pool from --secrets (default "
        "10.0.0.2-10.0.255.254)")("dns-server", po::value(&dns_server_)->value_name("A[,B]"),
                                  "DNS servers given in IPCP (RFC 1877) by the default profile")(
        "radius", po::value(&radius_)->value_name("ADDR[:PORT]"),
        "authenticate through this RADIUS server (RFC 2865; accounting to PORT+1)")(
        "radius-secret", po::value(&radius_secret_)->value_name("S"), "RADIUS shared secret")(
        "radius-accounting", po::value(&radius_accounting_)->value_name("yes|no"),
        "send RADIUS accounting start/stop (RFC 2866; default yes)")(
        "radius-interim", po::value(&radius_interim_)->value_name("SECONDS"),
        "interim accounting updates every SECONDS (default none)")(
        "proxy", po::value<std::string>()->value_name("accept|renegotiate"),
        "proxy LCP and authentication from a LAC's ICCN (RFC 2661 4.4.5): accept takes them over and checks "
        "the proxied credentials; renegotiate ignores them and runs LCP and authentication afresh (default "
        "accept)");
  }
  opts.add(ppp);
}

void PppOptions::apply(l2tp::peers::RunnerConfig& cfg, const po::variables_map& vm) const {
  auto& s = cfg.ppp;
  s.enabled = !no_ppp_;
  auto& link = s.link;
  link.lcp.mru = static_cast<std::uint16_t>(parse_uint("max-mru", max_mru_, 64, 65535));
  link.lcp.max_mtu = static_cast<std::uint16_t>(parse_uint("max-mtu", max_mtu_, 64, 65535));
  if (!mrru_.empty()) link.lcp.mrru = static_cast<std::uint16_t>(parse_uint("mrru", mrru_, 64, 65535));
  link.fsm.restart = seconds_of("lcp-restart", lcp_restart_, 0.01, 600);
  link.fsm.max_configure = static_cast<unsigned>(parse_uint("max-configure", max_configure_, 1, 1000));
  link.fsm.max_failure = static_cast<unsigned>(parse_uint("max-failure", max_failure_, 1, 1000));
  link.fsm.max_terminate = static_cast<unsigned>(parse_uint("max-terminate", max_terminate_, 1, 1000));
  link.auth.restart = link.fsm.restart;
  // RouterOS keepalive-timeout: silence before LCP echoes start (0 disables them); it also
  // drives the tunnel's HELLO (CommonOptions).
  const auto hello = cfg.node.tunnel.keepalive_timeout;
  link.keepalive.enabled = hello.count() > 0;
  link.keepalive.idle = hello;
  link.keepalive.interval = seconds_of("echo-interval", echo_interval_, 0.01, 3600);
  link.keepalive.max_missed = static_cast<unsigned>(parse_uint("echo-failures", echo_failures_, 1, 1000));
  link.ipv6cp_enabled = ipv6_;
  link.bcp_enabled = bcp_;
  s.session_records = parse_uint("session-records", session_records_, 0, 100'000'000);
  if (vm.count("tun")) {
    s.tun = vm["tun"].as<std::string>();
    if (auto ok = l2tp::peers::check_tun_pattern(s.tun); !ok) throw UsageError("--tun: " + ok.error());
    if (no_ppp_) throw UsageError("--tun: sessions carry IP only over PPP; drop --no-ppp");
  }

  if (role_ == "lac") {
    if (user_.empty()) throw UsageError("--user: must not be empty");
    s.user = user_;
    s.password = password_;
    link.methods = parse_methods("allow", allow_);
    link.ipcp.request_dns = !no_dns_;
    link.auth.repeat_response = !no_response_repeat_;
    if (!traffic_.empty()) {
      l2tp::ip::ProbeConfig p;
      if (traffic_ == "icmp")
        p.kind = l2tp::ip::ProbeKind::Icmp;
      else if (traffic_ == "udp")
        p.kind = l2tp::ip::ProbeKind::Udp;
      else
        throw UsageError("--traffic: '" + traffic_ + "' is not icmp or udp");
      p.interval = seconds_of("traffic-interval", traffic_interval_, 0.001, 3600);
      p.payload = parse_uint("traffic-size", traffic_size_, 22, 1400);
      p.loss_after = std::max<Duration>(std::chrono::seconds(3), 3 * p.interval);
      s.traffic = p;
    }
    if (!traffic_target_.empty()) s.traffic_target = parse_v4("traffic-target", traffic_target_);
    link.proxy_auth = vm.count("proxy-auth") && vm["proxy-auth"].as<bool>();
    if (link.proxy_auth) {
      if (no_ppp_) throw UsageError("--proxy-auth: proxies PPP; drop --no-ppp");
      if (!link.methods.empty() && !l2tp::ppp::proxy_method(link.methods))
        throw UsageError("--proxy-auth: proxies pap or chap; --allow has neither");
      if (user_.find("{session}") != std::string::npos)
        throw UsageError(
            "--proxy-auth: the proxied name is fixed before the Session ID exists; use {n} or "
            "{tunnel} in --user, not {session}");
    }
    return;
  }

  link.methods = parse_methods("authentication", authentication_);
  if (vm.count("proxy")) {
    const auto mode = vm["proxy"].as<std::string>();
    if (mode != "accept" && mode != "renegotiate")
      throw UsageError("--proxy: '" + mode + "' is not accept or renegotiate");
    link.proxy = mode == "accept" ? l2tp::ppp::ProxyMode::Accept : l2tp::ppp::ProxyMode::Renegotiate;
  }
  const auto radius = radius_config(vm, radius_, radius_secret_, radius_accounting_, radius_interim_);
  l2tp::peers::UserDb db;
  std::string description;
  if (!secrets_.empty()) {
    auto loaded = l2tp::peers::UserDb::load(secrets_);
    if (!loaded) throw UsageError("--secrets: " + loaded.error());
    db = std::move(*loaded);
    description = "secrets from " + secrets_ + " (" + std::to_string(db.secrets().size()) + " users)";
  }
  if (vm.count("user") || (secrets_.empty() && radius_.empty())) {
    if (auto r = db.add_pattern(user_, password_); !r) throw UsageError("--user: " + r.error());
    description += std::string(description.empty() ? "" : ", ") + "user " + user_;
  }
  auto* profile = db.mutable_profile(default_profile_);
  if (!profile) throw UsageError("--default-profile: no profile '" + default_profile_ + "' is defined");
  if (!local_address_.empty())
    profile->local_address = l2tp::peers::AddressRef{parse_v4("local-address", local_address_), {}};
  else if (profile->local_address.empty())
    profile->local_address = l2tp::peers::AddressRef{l2tp::net::IpAddress::v4(10, 0, 0, 1), {}};
  auto add_pool = [&](const std::string& name, const std::string& ranges, const std::string& option) {
    auto parsed = l2tp::peers::parse_ranges(ranges);
    if (!parsed) throw UsageError("--" + option + ": " + parsed.error().message);
    l2tp::peers::IpPool pool;
    pool.name = name;
    pool.ranges = std::move(*parsed);
    db.put_pool(std::move(pool));
    profile = db.mutable_profile(default_profile_);
  };
  if (!remote_address_.empty()) {
    if (remote_address_.find('-') != std::string::npos || remote_address_.find('/') != std::string::npos) {
      add_pool(kCliPool, remote_address_, "remote-address");
      profile->remote_address = l2tp::peers::AddressRef{std::nullopt, kCliPool};
    } else if (auto a = l2tp::peers::parse_ipv4(remote_address_)) {
      profile->remote_address = l2tp::peers::AddressRef{*a, {}};
    } else if (db.pool(remote_address_)) {
      profile->remote_address = l2tp::peers::AddressRef{std::nullopt, remote_address_};
    } else {
      throw UsageError("--remote-address: '" + remote_address_ +
                       "' is not an address, a range A-B, or a pool defined in --secrets");
    }
  } else if (profile->remote_address.empty()) {
    add_pool(kDefaultPool, "10.0.0.2-10.0.255.254", "remote-address");
    profile->remote_address = l2tp::peers::AddressRef{std::nullopt, kDefaultPool};
  }
  if (!dns_server_.empty()) {
    auto dns = l2tp::peers::parse_ipv4_list(dns_server_, 2);
    if (!dns) throw UsageError("--dns-server: " + dns.error().message);
    profile->dns_servers = std::move(*dns);
  }
  auto plan = l2tp::peers::AddressPlan::create(std::move(db), default_profile_);
  if (!plan) throw UsageError("--default-profile: " + plan.error());
  auto shared_plan = std::make_shared<l2tp::peers::AddressPlan>(std::move(*plan));
  if (radius) {
    // The server judges passwords; the plan still gives profiles, pools and DNS.
    std::string from = "profile " + default_profile_;
    if (!secrets_.empty()) from += " and " + secrets_;
    cfg.make_authorizer = [shared_plan, radius = *radius, from](boost::asio::io_context& io, l2tp::Rng& rng) {
      return std::make_unique<l2tp::peers::RadiusAuthorizer>(io, rng, *shared_plan, radius, from);
    };
    return;
  }
  cfg.make_authorizer = [shared_plan, description](boost::asio::io_context&, l2tp::Rng&) {
    return std::make_unique<l2tp::peers::LocalAuthorizer>(*shared_plan, description);
  };
  cfg.authorizer_shareable = true;  // no io_context of its own: shards share one, locked
}

}  // namespace l2tpsim::app
