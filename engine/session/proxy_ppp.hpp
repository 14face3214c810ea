// Proxy LCP and proxy authentication (RFC 2661 4.4.5, AVPs 26 to 33): what a LAC negotiated
// with the PPP client before the call reached the LNS, carried in ICCN so the LNS may skip LCP
// and authentication or renegotiate them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/util/bytes.hpp"

namespace l2tp::session {

// Proxy Authen Type values (4.4.5).
namespace proxy_authen {
constexpr std::uint16_t kTextual = 1, kChap = 2, kPap = 3, kNone = 4, kMsChapV1 = 5;
}

struct ProxyPpp {
  // LCP Configure-Request options (the information field after Code/Identifier/Length).
  Buffer initial_received_confreq, last_sent_confreq, last_received_confreq;
  std::optional<std::uint16_t> authen_type;
  std::string authen_name;
  Buffer authen_challenge;
  std::optional<std::uint16_t> authen_id;
  Buffer authen_response;

  bool has_lcp() const { return !last_sent_confreq.empty() || !last_received_confreq.empty(); }
  bool has_auth() const { return authen_type.has_value(); }
  bool operator==(const ProxyPpp&) const = default;
};

}  // namespace l2tp::session
