// Who is asking: the NAS attributes every request of this client carries (RFC 2865 5.4, 5.5,
// 5.6, 5.7, 5.30-5.32, 5.41; RFC 3162 2.1), shared by Access-Request and Accounting-Request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/net/address.hpp"
#include "engine/radius/packet.hpp"
#include "engine/util/result.hpp"

namespace l2tp::radius {

// RFC 2865 4.1 wants NAS-IP-Address or NAS-Identifier in every Access-Request (and RFC 2866
// 4.1 in every Accounting-Request); building fails without either.
struct RequestContext {
  std::optional<net::IpAddress> nas_ip;   // NAS-IP-Address, or NAS-IPv6-Address (RFC 3162)
  std::string nas_identifier;             // NAS-Identifier
  std::optional<std::uint32_t> nas_port;  // NAS-Port (e.g. the session's index)
  std::string calling_station_id;         // Calling-Station-Id (e.g. the LAC's address)
  std::string called_station_id;          // Called-Station-Id (e.g. our own address)
};

// Appends the context's attributes and the fixed service description of an L2TP LNS:
// Service-Type Framed, Framed-Protocol PPP, NAS-Port-Type Virtual.
Result<void, std::string> add_nas_attributes(Packet& p, const RequestContext& ctx);

}  // namespace l2tp::radius
