// Proxy LCP and proxy authentication values, LAC side and LNS side. See proxy.hpp.
#include "engine/ppp/proxy.hpp"

#include <algorithm>

#include "engine/ppp/auth/chap_md5.hpp"
#include "engine/ppp/auth/mschap.hpp"
#include "engine/ppp/lcp.hpp"
#include "engine/ppp/options.hpp"

namespace l2tp::ppp {

namespace {

namespace pa = session::proxy_authen;

constexpr std::size_t kChallengeSize = 16;  // what our own CHAP authenticator sends

std::uint32_t magic(Rng& rng, std::uint32_t other) {
  for (;;) {  // RFC 1661 6.4: never zero; the two ends' numbers differ
    const auto m = static_cast<std::uint32_t>(rng.next_u64());
    if (m != 0 && m != other) return m;
  }
}

std::string type_name(std::uint16_t t) {
  switch (t) {
    case pa::kTextual:
      return "1 (textual username/password)";
    case pa::kChap:
      return "2 (CHAP)";
    case pa::kPap:
      return "3 (PAP)";
    case pa::kNone:
      return "4 (no authentication)";
    case pa::kMsChapV1:
      return "5 (MS-CHAPv1)";
  }
  return std::to_string(t) + " (unknown)";
}

// The CHAP family shares its checks: an Identifier of one octet (R125: high octet 0), a
// Challenge and a Response of the method's sizes.
Result<std::optional<auth::Credentials>, std::string> chap_credentials(const session::ProxyPpp& p,
                                                                       auth::Method m,
                                                                       std::size_t challenge_size,
                                                                       std::size_t response_size) {
  const std::string what = "Proxy Authen Type " + type_name(*p.authen_type) + ": ";
  if (!p.authen_id || *p.authen_id > 0xff) return unexpected(what + "no one-octet Proxy Authen ID");
  if (challenge_size == 0 ? p.authen_challenge.empty() : p.authen_challenge.size() != challenge_size)
    return unexpected(what + "Proxy Authen Challenge of " + std::to_string(p.authen_challenge.size()) +
                      " octets");
  if (p.authen_response.size() != response_size)
    return unexpected(what + "Proxy Authen Response of " + std::to_string(p.authen_response.size()) +
                      " octets, not " + std::to_string(response_size));
  auth::Credentials c;
  c.method = m;
  c.user = p.authen_name;
  c.chap_id = static_cast<std::uint8_t>(*p.authen_id);
  c.challenge = p.authen_challenge;
  c.response = p.authen_response;
  return std::optional<auth::Credentials>(std::move(c));
}

}  // namespace

std::optional<auth::Method> proxy_method(const std::vector<auth::Method>& methods) {
  const auto it = std::ranges::find_if(
      methods, [](auth::Method m) { return m == auth::Method::Pap || m == auth::Method::ChapMd5; });
  if (it == methods.end()) return std::nullopt;
  return *it;
}

Result<session::ProxyPpp, std::string> make_proxy_ppp(const LinkConfig& cfg, std::string_view user,
                                                      std::string_view password, Rng& rng) {
  std::optional<auth::Method> method;
  if (!cfg.methods.empty()) {
    method = proxy_method(cfg.methods);
    if (!method) return unexpected(std::string("proxy authentication needs pap or chap among the methods"));
  }
  session::ProxyPpp p;
  const std::uint32_t client_magic = magic(rng, 0);
  write_option_u16(p.initial_received_confreq, lcp_option::kMru, cfg.lcp.mru);
  write_option_u32(p.initial_received_confreq, lcp_option::kMagicNumber, client_magic);
  p.last_received_confreq = p.initial_received_confreq;

  write_option_u16(p.last_sent_confreq, lcp_option::kMru, cfg.lcp.mru);
  if (method) {
    Buffer value;
    Writer w(value);
    w.u16(auth::lcp_protocol(*method));
    if (auto alg = auth::chap_algorithm(*method)) w.u8(*alg);
    write_option(p.last_sent_confreq, lcp_option::kAuthProtocol, value);
  }
  write_option_u32(p.last_sent_confreq, lcp_option::kMagicNumber, magic(rng, client_magic));

  if (!method) {
    p.authen_type = pa::kNone;
    return p;
  }
  const auto id = static_cast<std::uint8_t>(rng.next_u64());
  p.authen_name = std::string(user);
  p.authen_id = id;
  if (*method == auth::Method::Pap) {
    p.authen_type = pa::kPap;
    p.authen_response.assign(password.begin(), password.end());
    return p;
  }
  p.authen_type = pa::kChap;
  p.authen_challenge.resize(kChallengeSize);
  rng.fill(p.authen_challenge);
  const auto response = auth::chap_md5_response(id, password, p.authen_challenge);
  p.authen_response.assign(response.begin(), response.end());
  return p;
}

Result<std::optional<auth::Credentials>, std::string> proxied_credentials(const session::ProxyPpp& p) {
  if (!p.authen_type || *p.authen_type == pa::kNone) return std::optional<auth::Credentials>{};
  switch (*p.authen_type) {
    case pa::kPap: {
      auth::Credentials c;
      c.method = auth::Method::Pap;
      c.user = p.authen_name;
      c.password.assign(p.authen_response.begin(), p.authen_response.end());
      if (p.authen_id && *p.authen_id <= 0xff) c.chap_id = static_cast<std::uint8_t>(*p.authen_id);
      return std::optional<auth::Credentials>(std::move(c));
    }
    case pa::kChap:
      // RFC 1994 lets the Challenge be any length; the Response is an MD5 digest.
      return chap_credentials(p, auth::Method::ChapMd5, 0, auth::kChapMd5ResponseSize);
    case pa::kMsChapV1:
      return chap_credentials(p, auth::Method::MsChapV1, auth::kMsChapV1ChallengeSize,
                              auth::kMsChapResponseSize);
    default:
      return unexpected("Proxy Authen Type " + type_name(*p.authen_type) + " names no PPP method we verify");
  }
}

}  // namespace l2tp::ppp
