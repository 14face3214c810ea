// The texts a link reports when an exchange timed out (LinkDown::reason): what was sent, what
// never came back, and the RFC clauses that say it should have. Kept apart from link.cpp and
// link_auth.cpp, which only decide when.
#pragma once

#include <string>

#include "engine/ppp/auth/authenticator.hpp"
#include "engine/ppp/auth/client.hpp"

namespace l2tp::ppp {

// We are the authenticating peer (RFC 1661 3.5) and stopped waiting for the authenticator.
std::string client_auth_timeout_reason(const auth::Client& c, const auth::AuthConfig& cfg);
// We are the authenticator and stopped waiting for the peer.
std::string server_auth_timeout_reason(const auth::Authenticator& a, const auth::AuthConfig& cfg);

}  // namespace l2tp::ppp
