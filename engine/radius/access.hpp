// Authentication through RADIUS (RFC 2865 4.1-4.4): turning the credentials a PPP
// authenticator collected into an Access-Request (PAP User-Password, CHAP-Password and
// CHAP-Challenge, or the Microsoft MS-CHAP attributes of RFC 2548), and the server's answer into
// a verdict the PPP side can send on, plus what the server assigned to the session.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/ppp/auth/auth.hpp"
#include "engine/radius/context.hpp"
#include "engine/radius/packet.hpp"
#include "engine/util/result.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::radius {

enum class AuthStatus : std::uint8_t {
  Accepted,    // Access-Accept
  Rejected,    // Access-Reject
  Challenged,  // Access-Challenge: not supported by PPP PAP/CHAP, so refused
  TimedOut,    // no valid answer from any server after all retransmissions
  Failed,      // no request could be built, or the answer was unusable
};
std::string_view to_string(AuthStatus s);

struct AuthResult {
  AuthStatus status = AuthStatus::Failed;
  // What the PPP authenticator sends on. `message`: the MS-CHAP-Error text for the MS-CHAP
  // methods; the Reply-Message for PAP and CHAP. `authenticator_response`: from
  // MS-CHAP2-Success. `reason`: why it failed, for logs.
  ppp::auth::Verdict verdict;
  std::string reply_message;  // all Reply-Message attributes, concatenated in order (RFC 2865 5.18)
  std::optional<net::IpAddress> framed_ip;       // Framed-IP-Address
  std::optional<net::IpAddress> framed_netmask;  // Framed-IP-Netmask
  std::optional<std::chrono::seconds> session_timeout, idle_timeout, interim_interval;
  std::vector<Buffer> classes;  // Class values, to be echoed in accounting (RFC 2865 5.25)
  std::string server;           // the server that answered ("127.0.0.1:1812"), empty if none
};

// The Access-Request for `c`: a random Request Authenticator from `rng`, User-Name, the
// method's attributes (User-Password hidden with `secret`), the context's NAS attributes,
// Service-Type Framed, Framed-Protocol PPP, NAS-Port-Type Virtual, and a zeroed
// Message-Authenticator for sign_request() to fill. Fails when the credentials do not have the
// sizes their method needs or the context names no NAS.
Result<Packet, std::string> build_access_request(const ppp::auth::Credentials& c, const RequestContext& ctx,
                                                 std::uint8_t identifier, std::string_view secret, Rng& rng);

// Reads an Access-Accept, -Reject or -Challenge (already authenticated with verify_response)
// for credentials of `method`. An MS-CHAPv2 Access-Accept without MS-CHAP2-Success is Failed:
// without the S= value the PPP peer would refuse us anyway (RFC 2548 2.3.3).
AuthResult interpret_access_response(const Packet& response, ppp::auth::Method method);

}  // namespace l2tp::radius
