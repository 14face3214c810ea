// The VICI requests l2tpsim sends its charon, built from the settings (no I/O): the pre-shared
// key (load-shared), the LAC's connection per source address and the LNS's responder
// connection (load-conn), initiate and terminate. One CHILD SA per connection, named "l2tp",
// protecting UDP to and from the L2TP port (RFC 3193 4).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/net/address.hpp"
#include "ipsec/ipsec_settings.hpp"
#include "ipsec/vici_message.hpp"

namespace l2tp::ipsec {

inline constexpr const char* kChildName = "l2tp";

struct ConnSpec {
  std::string name;
  std::vector<std::string> local_addrs, remote_addrs;  // IKE; empty: any
  std::string local_id;                                // empty: the IKE address
  std::vector<std::string> local_ts, remote_ts;
  bool responder = false;
};

// "10.0.0.1/32[udp/1701]"; port 0: any UDP port ("10.0.0.1/32[udp]").
std::string udp_selector(const net::IpAddress& a, std::uint16_t port);

// The LAC's connection for its `index`th source address `source` to the LNS at `lns`. Transport
// mode: IKE between the source and the LNS (or --ipsec-peer). Tunnel mode: IKE to --ipsec-peer
// (from --ipsec-local or any), ESP in UDP, selectors the source and the LNS as /32s; the local
// identity is the source address, so each source gets its own IKE SA (charon would otherwise
// put every CHILD SA into the first IKE SA of identical connections).
ConnSpec lac_conn(const IpsecSettings& s, std::size_t index, const net::Endpoint& source,
                  const net::Endpoint& lns);
// The LNS's responder connection: any peer, UDP to its listen addresses; unique=never, so a
// LAC's INITIAL_CONTACT does not close the IKE SAs of its other source addresses.
ConnSpec lns_conn(const IpsecSettings& s, const std::vector<net::Endpoint>& listen);

ViciSection load_conn_request(const ConnSpec& c, const IpsecSettings& s);
ViciSection load_shared_request(const std::string& secret);
ViciSection initiate_request(const std::string& conn, std::chrono::milliseconds timeout);
ViciSection terminate_request(const std::string& conn, std::chrono::milliseconds timeout);

}  // namespace l2tp::ipsec
