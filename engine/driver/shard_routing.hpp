// Which shard of a run owns a datagram. A run with N shards deals Tunnel IDs out by residue:
// shard k allocates only IDs with id % N == k (NodeConfig::tunnel_id_stride/residue). So the
// Tunnel ID in any header names the owner, and a datagram that the kernel hands to another
// shard (a LAC that changed its source port after the SCCRQ, RFC 2661 8.1, lands on another
// SO_REUSEPORT socket) can be passed to the right one. A datagram to Tunnel ID 0 (an SCCRQ)
// opens a tunnel where it arrived.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/util/bytes.hpp"

namespace l2tp {

inline unsigned shard_of_tunnel(std::uint16_t tunnel_id, unsigned shards) {
  return shards <= 1 ? 0 : tunnel_id % shards;
}

// The header's Tunnel ID (control or data message, with or without the Length field); nullopt
// when the datagram is too short or not L2TPv2.
std::optional<std::uint16_t> header_tunnel_id(Bytes datagram);

// The shard that owns `datagram`, or nullopt when it stays where it arrived (Tunnel ID 0, not
// L2TPv2, a single shard).
std::optional<unsigned> owner_shard(Bytes datagram, unsigned shards);

}  // namespace l2tp
