// The Node's Tunnel IDs inside an agent's block (NodeConfig::tunnel_id_low/high, --agent I/N):
// every ID it gives lies in the block, shard residues apply inside it, IDs wrap to the block's
// start, and a full block gives no ID (never one outside it).
#include <gtest/gtest.h>

#include <set>

#include "engine/node.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

NodeConfig lac_with_block(std::uint16_t low, std::uint16_t high, std::uint16_t stride,
                          std::uint16_t residue) {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lac;
  c.tunnel.host_name = "agent";
  c.accept_tunnels = false;
  c.tunnel_id_low = low;
  c.tunnel_id_high = high;
  c.tunnel_id_stride = stride;
  c.tunnel_id_residue = residue;
  return c;
}

TEST(NodeIdRange, EveryIdInTheBlockUntilItIsFull) {
  SeededRng rng(1);
  Node node(lac_with_block(32768, 32775, 1, 0), rng);
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 8; ++i) ids.insert(node.open_tunnel(test_net_ep(1), test_net_ep(9), Time{}).value);
  EXPECT_EQ(ids, (std::set<std::uint16_t>{32768, 32769, 32770, 32771, 32772, 32773, 32774, 32775}));
  EXPECT_EQ(node.open_tunnel(test_net_ep(1), test_net_ep(9), Time{}), TunnelId{}) << "none outside the block";
}

TEST(NodeIdRange, ShardResiduesApplyInsideTheBlock) {
  // Agent 2 of 2 (32768..65535) with three shards: each shard only its residue mod 3.
  for (std::uint16_t residue = 0; residue < 3; ++residue) {
    SeededRng rng(residue);
    Node node(lac_with_block(32768, 65535, 3, residue), rng);
    for (int i = 0; i < 200; ++i) {
      const auto id = node.open_tunnel(test_net_ep(1), test_net_ep(9), Time{}).value;
      ASSERT_GE(id, 32768);
      EXPECT_EQ(id % 3, residue);
    }
  }
}

TEST(NodeIdRange, TheFirstIdOutsideTheBlockStartsAtItsLow) {
  SeededRng rng(3);
  NodeConfig c = lac_with_block(100, 102, 1, 0);
  c.first_tunnel_id = 7;  // below the block: ignored
  Node node(c, rng);
  EXPECT_EQ(node.open_tunnel(test_net_ep(1), test_net_ep(9), Time{}).value, 100);
  EXPECT_EQ(node.open_tunnel(test_net_ep(1), test_net_ep(9), Time{}).value, 101);
  EXPECT_EQ(node.open_tunnel(test_net_ep(1), test_net_ep(9), Time{}).value, 102);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
