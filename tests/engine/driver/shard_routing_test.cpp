// Shards deal Tunnel IDs out by residue, and any shard tells a datagram's owner from its header.
#include "engine/driver/shard_routing.hpp"

#include <gtest/gtest.h>

#include <set>

#include "engine/node.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

TEST(ShardRouting, ANodeTakesOnlyItsResidueClassNeverZeroAndWrapsAround) {
  NodeConfig cfg;
  cfg.tunnel.role = tunnel::Role::Lac;
  cfg.accept_tunnels = false;
  cfg.tunnel_id_stride = 3;
  cfg.tunnel_id_residue = 0;  // 0 itself is never an ID (R145)
  cfg.first_tunnel_id = 65530;
  SeededRng rng(1);
  Node node(cfg, rng);
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 100; ++i) {
    const TunnelId t = node.open_tunnel(loopback_ep(1), loopback_ep(2), Time{});
    ASSERT_NE(t.value, 0);
    EXPECT_EQ(t.value % 3, 0);
    EXPECT_EQ(shard_of_tunnel(t.value, 3), 0u);
    ids.insert(t.value);
  }
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_TRUE(ids.count(65532) && ids.count(3));  // past 65535, on from the bottom
}

TEST(ShardRouting, TheOwnerComesFromTheHeaderTunnelIdWithOrWithoutLength) {
  // Control message, L bit: flags c8 02, Length, Tunnel ID 7, Session ID 0, Ns, Nr.
  const Buffer control{0xc8, 0x02, 0x00, 0x0c, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(header_tunnel_id(control), 7);
  EXPECT_EQ(owner_shard(control, 2), 1u);
  EXPECT_EQ(owner_shard(control, 7), 0u);
  EXPECT_FALSE(owner_shard(control, 1));  // one shard: nothing to route
  // Data message without Length: flags 00 02, Tunnel ID 0x0102, Session ID.
  const Buffer data{0x00, 0x02, 0x01, 0x02, 0x00, 0x05, 0xff, 0x03};
  EXPECT_EQ(header_tunnel_id(data), 0x0102);
  EXPECT_EQ(owner_shard(data, 4), 0x0102u % 4);
  // Tunnel ID 0 (an SCCRQ) opens a tunnel where it arrived; short or not L2TPv2: stays.
  const Buffer sccrq{0xc8, 0x02, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_FALSE(owner_shard(sccrq, 2));
  EXPECT_FALSE(owner_shard(Bytes(control.data(), 5), 2));
  Buffer v3 = control;
  v3[1] = 0x03;
  EXPECT_FALSE(owner_shard(v3, 2));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
