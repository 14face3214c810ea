#include "engine/radius/access.hpp"

#include "engine/radius/authenticators.hpp"

namespace l2tp::radius {
namespace {

using ppp::auth::Method;

constexpr std::size_t kChapResponseSize = 16;   // RFC 1994 4.1: an MD5 digest
constexpr std::size_t kMsChapValueSize = 49;    // the PPP Response Value, both versions
constexpr std::size_t kMsChapV1Challenge = 8;   // RFC 2433 5
constexpr std::size_t kMsChapV2Challenge = 16;  // RFC 2759 3

std::string size_error(const char* what, std::size_t got, std::size_t want) {
  return std::string(what) + " is " + std::to_string(got) + " octets, not " + std::to_string(want);
}

// The PPP Response Value ends with its Flags octet (MS-CHAPv1: LM(24) NT(24) Flags, RFC 2433 6;
// v2: Peer-Challenge(16) Reserved(8) NT-Response(24) Flags, RFC 2759 4). The RADIUS attributes
// put Ident and Flags first and keep the rest in order (RFC 2548 2.1.3 MS-CHAP-Response:
// Ident, Flags, LM-Response, NT-Response; 2.3.2 MS-CHAP2-Response: Ident, Flags,
// Peer-Challenge, Reserved, Response).
Buffer ms_chap_response_attribute(const ppp::auth::Credentials& c) {
  Buffer v{c.chap_id, c.response[48]};
  v.insert(v.end(), c.response.begin(), c.response.begin() + 48);
  return v;
}

Result<void, std::string> add_method_attributes(Packet& p, const ppp::auth::Credentials& c,
                                                std::string_view secret) {
  switch (c.method) {
    case Method::Pap: {
      auto hidden = hide_password(c.password, secret, p.authenticator);
      if (!hidden) return unexpected(hidden.error());
      p.add(AttrType::UserPassword, *hidden);
      return {};
    }
    case Method::ChapMd5: {
      if (c.response.size() != kChapResponseSize)
        return unexpected(size_error("CHAP response", c.response.size(), kChapResponseSize));
      if (c.challenge.empty() || c.challenge.size() > kMaxValueSize)
        return unexpected("CHAP challenge of " + std::to_string(c.challenge.size()) +
                          " octets cannot be sent");
      Buffer v{c.chap_id};  // RFC 2865 5.3: CHAP Ident, then the 16-octet response
      v.insert(v.end(), c.response.begin(), c.response.end());
      p.add(AttrType::ChapPassword, v);
      p.add(AttrType::ChapChallenge, c.challenge);  // 5.40; always sent, never folded into the RA
      return {};
    }
    case Method::MsChapV1:
    case Method::MsChapV2: {
      const bool v2 = c.method == Method::MsChapV2;
      const std::size_t want = v2 ? kMsChapV2Challenge : kMsChapV1Challenge;
      if (c.challenge.size() != want)
        return unexpected(size_error("MS-CHAP challenge", c.challenge.size(), want));
      if (c.response.size() != kMsChapValueSize)
        return unexpected(size_error("MS-CHAP response", c.response.size(), kMsChapValueSize));
      p.add_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::ChapChallenge), c.challenge);
      p.add_vendor(kVendorMicrosoft,
                   static_cast<std::uint8_t>(v2 ? MsAttr::Chap2Response : MsAttr::ChapResponse),
                   ms_chap_response_attribute(c));
      return {};
    }
  }
  return unexpected(std::string("unknown authentication method"));
}

// MS-CHAP-Error and MS-CHAP2-Success start with the CHAP Ident octet, then text.
std::optional<std::string> ms_text(const Packet& p, MsAttr type) {
  auto v = p.find_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(type));
  if (!v || v->empty()) return std::nullopt;
  return std::string(v->begin() + 1, v->end());
}

std::optional<std::chrono::seconds> seconds_of(const Packet& p, AttrType t) {
  const Attribute* a = p.find(t);
  if (!a) return std::nullopt;
  auto v = as_u32(*a);
  if (!v) return std::nullopt;
  return std::chrono::seconds(*v);
}

std::optional<net::IpAddress> address_of(const Packet& p, AttrType t) {
  const Attribute* a = p.find(t);
  return a ? as_ipv4(*a) : std::nullopt;
}

bool is_ms_chap(Method m) {
  return m == Method::MsChapV1 || m == Method::MsChapV2;
}

}  // namespace

std::string_view to_string(AuthStatus s) {
  switch (s) {
    case AuthStatus::Accepted:
      return "accepted";
    case AuthStatus::Rejected:
      return "rejected";
    case AuthStatus::Challenged:
      return "challenged";
    case AuthStatus::TimedOut:
      return "timed out";
    case AuthStatus::Failed:
      return "failed";
  }
  return "unknown";
}

Result<Packet, std::string> build_access_request(const ppp::auth::Credentials& c, const RequestContext& ctx,
                                                 std::uint8_t identifier, std::string_view secret, Rng& rng) {
  Packet p;
  p.code = Code::AccessRequest;
  p.identifier = identifier;
  // RFC 2865 3: unpredictable and unique over the lifetime of the secret.
  rng.fill(p.authenticator);
  if (!c.user.empty()) p.add_string(AttrType::UserName, c.user);
  if (auto ok = add_method_attributes(p, c, secret); !ok) return unexpected(ok.error());
  if (auto ok = add_nas_attributes(p, ctx); !ok) return unexpected(ok.error());
  // RFC 3579 3.2; sign_request() fills the value once the packet is encoded.
  p.add(AttrType::MessageAuthenticator, Authenticator{});
  return p;
}

AuthResult interpret_access_response(const Packet& response, Method method) {
  AuthResult r;
  for (const Attribute* a : response.find_all(AttrType::ReplyMessage)) r.reply_message += as_text(*a);
  for (const Attribute* a : response.find_all(AttrType::Class)) r.classes.push_back(a->value);
  auto ms_error = ms_text(response, MsAttr::ChapError);
  auto& v = r.verdict;
  switch (response.code) {
    case Code::AccessAccept: {
      r.status = AuthStatus::Accepted;
      v.accepted = true;
      if (!is_ms_chap(method)) v.message = r.reply_message;
      r.framed_ip = address_of(response, AttrType::FramedIpAddress);
      r.framed_netmask = address_of(response, AttrType::FramedIpNetmask);
      r.session_timeout = seconds_of(response, AttrType::SessionTimeout);
      r.idle_timeout = seconds_of(response, AttrType::IdleTimeout);
      r.interim_interval = seconds_of(response, AttrType::AcctInterimInterval);
      if (method == Method::MsChapV2) {
        auto success = ms_text(response, MsAttr::Chap2Success);
        if (!success || success->rfind("S=", 0) != 0) {
          r.status = AuthStatus::Failed;
          v.accepted = false;
          v.reason = "Access-Accept without a usable MS-CHAP2-Success (RFC 2548 2.3.3)";
          return r;
        }
        // "S=<40 hex>", possibly followed by " M=<text>": the message part goes to the peer.
        const auto space = success->find(' ');
        v.authenticator_response = success->substr(0, space);
        if (space != std::string::npos && success->compare(space + 1, 2, "M=") == 0)
          v.message = success->substr(space + 3);
        else
          v.message = r.reply_message;
      }
      return r;
    }
    case Code::AccessReject:
      r.status = AuthStatus::Rejected;
      // MS-CHAP peers parse the failure text ("E=691 R=0 ..."), so only MS-CHAP-Error fits there.
      if (is_ms_chap(method))
        v.message = ms_error.value_or("");
      else
        v.message = r.reply_message;
      v.reason = "Access-Reject" + (r.reply_message.empty() ? "" : ": " + r.reply_message) +
                 (ms_error ? " (MS-CHAP-Error " + *ms_error + ")" : "");
      return r;
    case Code::AccessChallenge:
      r.status = AuthStatus::Challenged;
      v.reason = "Access-Challenge: PPP PAP/CHAP cannot carry a further challenge";
      return r;
    default:
      r.status = AuthStatus::Failed;
      v.reason = to_string(response.code) + " is not an answer to an Access-Request";
      return r;
  }
}

}  // namespace l2tp::radius
