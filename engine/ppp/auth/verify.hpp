// The local credential check, used when an authenticator has the password itself (PPP
// secrets) rather than asking a RADIUS server.
#pragma once

#include <string_view>

#include "engine/ppp/auth/auth.hpp"

namespace l2tp::ppp::auth {

// PAP compares passwords; CHAP-MD5 compares MD5(id || secret || challenge) (RFC 1994 4.1);
// MS-CHAPv1 compares the NT response, or the LAN Manager one when the flag says so
// (RFC 2433 6); MS-CHAPv2 compares GenerateNTResponse and, on success, fills
// authenticator_response from GenerateAuthenticatorResponse (RFC 2759 8.1, 8.7). A refusal
// leaves `message` empty (the authenticator writes the protocol's default text) and says
// why in `reason`.
Verdict verify_with_password(const Credentials& c, std::string_view password);

}  // namespace l2tp::ppp::auth
