#include "engine/radius/context.hpp"

namespace l2tp::radius {

Result<void, std::string> add_nas_attributes(Packet& p, const RequestContext& ctx) {
  if (!ctx.nas_ip && ctx.nas_identifier.empty())
    return unexpected(std::string("a request needs NAS-IP-Address or NAS-Identifier (RFC 2865 4.1)"));
  if (ctx.nas_ip)
    p.add_address(ctx.nas_ip->v6 ? AttrType::NasIpv6Address : AttrType::NasIpAddress, *ctx.nas_ip);
  if (!ctx.nas_identifier.empty()) p.add_string(AttrType::NasIdentifier, ctx.nas_identifier);
  if (ctx.nas_port) p.add_u32(AttrType::NasPort, *ctx.nas_port);
  p.add_u32(AttrType::ServiceType, kServiceTypeFramed);
  p.add_u32(AttrType::FramedProtocol, kFramedProtocolPpp);
  p.add_u32(AttrType::NasPortType, kNasPortTypeVirtual);
  if (!ctx.calling_station_id.empty()) p.add_string(AttrType::CallingStationId, ctx.calling_station_id);
  if (!ctx.called_station_id.empty()) p.add_string(AttrType::CalledStationId, ctx.called_station_id);
  return {};
}

}  // namespace l2tp::radius
