#include "engine/driver/shard_routing.hpp"

namespace l2tp {

std::optional<std::uint16_t> header_tunnel_id(Bytes d) {
  // Flags and version (2 octets), then Length when the L bit is set, then Tunnel ID (RFC 2661 3.1).
  if (d.size() < 6 || (d[1] & 0x0f) != 2) return std::nullopt;
  const std::size_t at = (d[0] & 0x40) != 0 ? 4 : 2;
  if (d.size() < at + 2) return std::nullopt;
  return static_cast<std::uint16_t>((d[at] << 8) | d[at + 1]);
}

std::optional<unsigned> owner_shard(Bytes d, unsigned shards) {
  if (shards <= 1) return std::nullopt;
  const auto id = header_tunnel_id(d);
  if (!id || *id == 0) return std::nullopt;
  return shard_of_tunnel(*id, shards);
}

}  // namespace l2tp
