// What one side of a captured (or live) call did in PPP, read from the session's PPP frames:
// the LCP options of its Configure-Request that the other side acknowledged, the authentication
// it demanded or used, how an authentication it judged ended, the IPCP address it ended with,
// and the protocols it rejected. Replay seeds the played side's PPP from these facts
// (ppp_seed.hpp) and compares the live peer's with the captured peer's (replay_diff.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/conversation.hpp"
#include "engine/net/address.hpp"
#include "engine/ppp/auth/auth.hpp"

namespace l2tp::replay {

struct PppFacts {
  // LCP: the side's last Configure-Request the other side acknowledged (else its last one).
  bool lcp_request = false;
  std::uint64_t lcp_frame = 0;
  std::optional<std::uint16_t> mru, mrru;
  std::optional<std::uint32_t> accm;
  std::optional<ppp::auth::Method> auth;  // the authentication it demands of the other side
  bool magic = false, pfc = false, acfc = false;
  // Authentication it took part in as the client: its name (PAP Peer-ID or CHAP Name) and, for
  // PAP, the password it sent in the clear.
  std::string user, pap_password;
  std::optional<ppp::auth::Method> used;  // the method its credentials went by
  // As the authenticator: the verdict it sent ("success" or "failure") and where.
  std::optional<std::string> auth_result;
  std::uint64_t auth_frame = 0;
  // IPCP: the IP-Address of its acknowledged Configure-Request; whether it asked for DNS.
  std::optional<net::IpAddress> ip_address;
  std::uint64_t ipcp_frame = 0;
  bool requested_dns = false;
  // IPCP: it sent a Configure-Request, and the IP-Address of its first one (none: it asked for
  // no address of its own; 0.0.0.0: it asked to be given one, RFC 1332 3.3).
  bool ipcp_request = false;
  std::optional<net::IpAddress> first_ip_address;
  std::vector<std::uint16_t> protocol_rejects;  // protocols it Protocol-Rejected
  bool terminate_request = false;               // it sent an LCP Terminate-Request
  // Every protocol it sent frames of, and what it sent, distinct, in order: "LCP
  // Identification", "CCP Configure-Request" for control protocols, "IPv4" for the rest.
  std::vector<std::uint16_t> protocols_sent;
  std::vector<std::string> kinds_sent;
};

// The facts of `side` (0 or 1, as in capture::Tunnel::sides) in one session.
PppFacts ppp_facts(const capture::Session& session, std::uint8_t side);

}  // namespace l2tp::replay
