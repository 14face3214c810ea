// How the LNS decides about a PPP peer once it has authenticated (or when no authentication was
// negotiated): accept or refuse, and which addresses to negotiate in IPCP. Implementations check
// a secrets file (local), or ask RADIUS; they may answer at once or later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/net/address.hpp"
#include "engine/ppp/auth/auth.hpp"
#include "engine/time.hpp"

namespace l2tp {

struct Decision {
  ppp::auth::Verdict verdict;
  // The addresses for IPCP when accepted: ours (local-address) and the peer's (remote-address).
  std::optional<net::IpAddress> local, remote, dns1, dns2;
  std::optional<Duration> session_timeout;  // RADIUS Session-Timeout / profile session-timeout
  std::string source;                       // "secrets", "radius", ... for the summary
};

// Identifies one PPP link: our tunnel and session IDs.
struct LinkKey {
  std::uint16_t tunnel = 0, session = 0;
  std::uint32_t value() const { return (std::uint32_t{tunnel} << 16) | session; }
  bool operator==(const LinkKey&) const = default;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Either returns the decision now, or returns nullopt and calls `later` exactly once (from the
  // same io thread) when it is known.
  virtual std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                            std::function<void(Decision)> later) = 0;
  // The link is up: accounting start (RADIUS).
  virtual void link_up(LinkKey, const std::string& /*user*/, const net::IpAddress& /*peer*/, Time) {}
  // The link is gone: release its address, accounting stop.
  virtual void release(LinkKey, Time) {}
  // Requests still out to a server (RADIUS accounting Stops): the runner gives them a moment
  // to get out before it exits.
  virtual std::size_t pending() const { return 0; }
  virtual std::string describe() const = 0;  // for the startup line: "secrets file x (3 users)"
};

}  // namespace l2tp
