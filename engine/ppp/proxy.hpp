// Proxy LCP and proxy authentication (RFC 2661 4.4.5) as PPP sees them. A LAC that answers a
// call may negotiate LCP and authenticate the client itself, then hand both to the LNS in ICCN
// (session::ProxyPpp, AVPs 26-33); the LNS takes them over (Link::start_with_proxy) or starts
// again (R116, R353). This file holds the two translations: the LAC side builds the values of
// such a negotiation for the client it simulates (make_proxy_ppp), the LNS side turns the
// proxy authentication AVPs back into the Credentials its own authenticator would have
// produced (proxied_credentials), so the same verdict path (secrets, RADIUS) judges them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ppp/auth/auth.hpp"
#include "engine/ppp/link.hpp"
#include "engine/session/proxy_ppp.hpp"
#include "engine/util/result.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::ppp {

// The first of `methods` (most preferred first) a LAC proxies: PAP or CHAP-MD5.
std::optional<auth::Method> proxy_method(const std::vector<auth::Method>& methods);

// LAC: the proxy values of a call whose client is `user`/`password` with the client settings
// `cfg` (cfg.lcp.mru, cfg.methods), as if the LAC had run LCP and one authentication with it:
//  - Initial and Last Received LCP CONFREQ (26, 28): the client's request, MRU and a random
//    Magic-Number (R117: option bytes from the first option on);
//  - Last Sent LCP CONFREQ (27): the LAC's request, MRU, the method's Authentication-Protocol
//    and another random Magic-Number;
//  - PAP (Authen Type 3): Name, the Authenticate-Request Identifier, the password as Response;
//  - CHAP (Authen Type 2): Name, Identifier, a random 16-octet Challenge and the client's
//    MD5 Response to it (RFC 1994 4.1) (R120, R121, R123, R125, R127).
// With no methods at all: Authen Type 4 (no authentication) and no Authentication-Protocol.
// An error when `methods` has neither PAP nor CHAP-MD5.
Result<session::ProxyPpp, std::string> make_proxy_ppp(const LinkConfig& cfg, std::string_view user,
                                                      std::string_view password, Rng& rng);

// LNS: the credentials the proxy authentication AVPs carry. nullopt when there is nothing to
// judge: no Proxy Authen Type (R120: the LAC does not proxy authentication) or type 4. An
// error when they cannot be used: type 1 (a textual exchange, no PPP method), an unknown
// type, or a CHAP/MS-CHAPv1 Identifier, Challenge or Response of the wrong size.
Result<std::optional<auth::Credentials>, std::string> proxied_credentials(const session::ProxyPpp& p);

}  // namespace l2tp::ppp
