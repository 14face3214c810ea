// Two LNS shards on one address with SO_REUSEPORT, as `l2tpsim lns --threads 2` runs them: a
// tunnel opened on one shard receives every datagram for it, whichever shard the kernel hands
// it to, also when the LAC sends from other ports than its SCCRQ's (a port change).
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <thread>

#include "engine/wire/message.hpp"
#include "peers/udp_transport.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

namespace asio = boost::asio;

NodeConfig lns_shard(unsigned k) {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lns;
  c.tunnel.host_name = "lns";
  c.tunnel_id_stride = 2;
  c.tunnel_id_residue = static_cast<std::uint16_t>(k);
  return c;
}

Buffer control(MessageType type, TunnelId to, std::uint16_t ns, std::uint16_t nr, bool request) {
  auto m = wire::make_control(type, to, SessionId{});
  if (request) {
    m.avps.push_back(wire::make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
    m.avps.push_back(wire::make_avp(AvpType::HostName, std::string("lac")));
    m.avps.push_back(wire::make_avp(AvpType::FramingCapabilities, std::uint32_t{3}));
    m.avps.push_back(wire::make_avp(AvpType::AssignedTunnelId, std::uint16_t{0x10}));
  }
  m.header.ns = Seq{ns};
  m.header.nr = Seq{nr};
  Buffer b;
  EXPECT_TRUE(wire::encode_control(m, {}, b));
  return b;
}

TEST(ShardRouting, EveryDatagramOfATunnelReachesItsShardFromAnySourcePort) {
  asio::io_context io0, io1;
  Shard s0(io0, lns_shard(0), 1), s1(io1, lns_shard(1), 2);
  Shard* shards[] = {&s0, &s1};
  auto bound = s0.bind(net::Endpoint{net::IpAddress::v4(127, 0, 0, 61), 0}, true);
  ASSERT_TRUE(bound) << bound.error();
  ASSERT_TRUE(s1.bind(*bound, true));
  asio::io_context* ios[] = {&io0, &io1};
  for (unsigned k = 0; k < 2; ++k)
    shards[k]->set_routing(
        k, 2, [&](unsigned owner, const net::Endpoint& local, const net::Endpoint& from, Buffer bytes) {
          asio::post(*ios[owner],
                     [&, owner, local, from, bytes] { shards[owner]->take_forwarded(local, from, bytes); });
        });
  const asio::ip::udp::endpoint lns(asio::ip::make_address("127.0.0.61"), bound->port);
  auto pump_until = [&](const std::function<bool()>& done) {
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!done() && std::chrono::steady_clock::now() < limit) {
      for (auto* io : ios) {
        io->poll();
        io->restart();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
  };

  // The SCCRQ opens the tunnel on the shard the kernel chose; its ID names that shard.
  asio::io_context client_io;
  std::vector<std::unique_ptr<asio::ip::udp::socket>> ports;
  for (int i = 0; i < 32; ++i) {
    ports.push_back(std::make_unique<asio::ip::udp::socket>(client_io));
    ports.back()->open(asio::ip::udp::v4());
    ports.back()->bind(asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.62"), 0));
  }
  ports[0]->send_to(asio::buffer(control(MessageType::Sccrq, TunnelId{}, 0, 0, true)), lns);
  ASSERT_TRUE(pump_until([&] { return s0.node().live_tunnels() + s1.node().live_tunnels() == 1; }));
  const unsigned owner = s0.node().live_tunnels() == 1 ? 0 : 1;
  TunnelId id{};
  shards[owner]->node().for_each_tunnel([&](const tunnel::Tunnel& t) { id = t.local_id(); });
  EXPECT_EQ(id.value % 2, owner);

  // A HELLO from each of 32 ports: every one reaches the owner's node, none the other's.
  const auto owner_in = shards[owner]->node().stats().datagrams_in;
  const auto other_in = shards[1 - owner]->node().stats().datagrams_in;
  for (auto& p : ports) p->send_to(asio::buffer(control(MessageType::Hello, id, 1, 1, false)), lns);
  EXPECT_TRUE(pump_until([&] { return shards[owner]->node().stats().datagrams_in == owner_in + 32; }))
      << shards[owner]->node().stats().datagrams_in - owner_in << " of 32 reached the owner";
  EXPECT_EQ(shards[1 - owner]->node().stats().datagrams_in, other_in);
  // The kernel spread the 32 source ports over both shards, so the other one passed some on.
  EXPECT_GT(shards[1 - owner]->stats().forwarded, 0u);
  EXPECT_EQ(shards[owner]->stats().forwarded, 0u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
