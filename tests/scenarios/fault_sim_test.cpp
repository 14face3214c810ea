// The fault layer in the simulated network: between a node and the network (FaultFilter), a
// LAC and an LNS on a SimNet.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/sim/sim_net.hpp"
#include "scenarios/fault.hpp"
#include "scenarios/fault_filter.hpp"
#include "tests/scenarios/fault_harness.hpp"
#include "tests/support/sim_nodes.hpp"

namespace l2tp::scenario {
namespace L2TPSIM_FILE_ID {

using namespace fault_testing;

// The control messages of `type` on the wire from `from`.
std::vector<sim::Delivered> sent(const sim::SimNet& net, const net::Endpoint& from, MessageType type) {
  std::vector<sim::Delivered> out;
  for (const auto& d : net.wire_log()) {
    if (!(d.from == from)) continue;
    auto m = wire::decode_control(d.bytes);
    if (m && m->known_type() == type) out.push_back(d);
  }
  return out;
}

TEST(FaultSim, WithheldScccnAcksMakeTheLacRetransmitAndTheTunnelStillComesUp) {
  sim::SimNet net(11, sim::LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
  auto r = rule(FaultAction::Drop, "ZLB");
  r.name = "withheld-ack";
  r.match.count = 2;
  FaultFilter hook({r});
  net.set_filter(lns, &hook);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  net.run(Time{} + std::chrono::seconds(20));
  EXPECT_EQ(hook.layer().stats()[0].applied, 2u);
  // The SCCCN went three times: twice its acknowledgement was lost.
  EXPECT_EQ(sent(net, loopback_ep(2), MessageType::Scccn).size(), 3u);
  ASSERT_EQ(testing::events_of<TunnelUp>(net.events(lns)).size(), 1u);
  ASSERT_EQ(testing::events_of<TunnelUp>(net.events(lac)).size(), 1u);
  EXPECT_TRUE(testing::events_of<TunnelDown>(net.events(lac)).empty());
  EXPECT_TRUE(testing::events_of<TunnelDown>(net.events(lns)).empty());
  ASSERT_TRUE(lac.tunnel(t));
  EXPECT_EQ(lac.tunnel(t)->state(), tunnel::TunnelState::Established);
}

TEST(FaultSim, R023_UnknownMandatoryAvpInIcrqMakesTheLnsClearTheCall) {
  sim::SimNet net(12, sim::LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
  auto r = rule(FaultAction::AddAvp, "ICRQ");
  r.avp.type = 99;  // M=1 by default
  FaultFilter hook({r});
  net.set_filter(lac, &hook);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  ASSERT_TRUE(lac.open_session(t, net.now()));
  net.run(Time{} + std::chrono::seconds(5));
  EXPECT_EQ(hook.layer().stats()[0].applied, 1u);
  const auto icrq = sent(net, loopback_ep(2), MessageType::Icrq);
  ASSERT_EQ(icrq.size(), 1u);
  ASSERT_TRUE(decoded(icrq[0].bytes).avps.back().mandatory);
  // The LNS answers with CDN Result 2 (general error), Error 8 (unknown mandatory AVP).
  const auto cdn = sent(net, loopback_ep(3), MessageType::Cdn);
  ASSERT_EQ(cdn.size(), 1u);
  const auto cdn_message = decoded(cdn[0].bytes);  // rc points into it
  const auto* rc = cdn_message.find(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  ASSERT_TRUE(rc->get<avp::ResultCode>());
  EXPECT_EQ(rc->get<avp::ResultCode>()->result, 2);
  EXPECT_EQ(rc->get<avp::ResultCode>()->error, 8);
  EXPECT_TRUE(testing::events_of<SessionUp>(net.events(lns)).empty());
  const auto down = testing::events_of<SessionDown>(net.events(lac));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_TRUE(down[0].by_peer);
  ASSERT_TRUE(down[0].result);
  EXPECT_EQ(down[0].result->result, 2);
  EXPECT_EQ(down[0].result->error, 8);
  // Only the call: the tunnel stays.
  EXPECT_TRUE(testing::events_of<TunnelDown>(net.events(lac)).empty());
  EXPECT_EQ(lac.live_tunnels(), 1u);
  EXPECT_EQ(lns.live_tunnels(), 1u);
}

TEST(FaultSim, AnAvpAddedToAHiddenSccrqLeavesAuthenticationAndHidingIntact) {
  sim::SimNet net(13, sim::LinkConfig{});
  auto lc = testing::sim_lac_config();
  auto nc = testing::sim_lns_config();
  lc.tunnel.secret = nc.tunnel.secret = "s3cret";
  lc.tunnel.hidden_avps = {AvpType::AssignedTunnelId, AvpType::AssignedSessionId, AvpType::VendorName};
  lc.tunnel.hidden_padding = 3;
  Node& lac = net.add_node(loopback_ep(2), lc);
  Node& lns = net.add_node(loopback_ep(3), nc);
  auto r = rule(FaultAction::AddAvp, "control");
  r.avp.vendor = 9999;
  r.avp.type = 1;
  r.avp.mandatory = false;
  r.avp.value = Buffer{'x'};
  r.avp.position = 1;  // before the Random Vector
  FaultFilter hook({r});
  net.set_filter(lac, &hook);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  ASSERT_TRUE(lac.open_session(t, net.now()));
  net.run(Time{} + std::chrono::seconds(2));
  EXPECT_GE(hook.layer().stats()[0].applied, 3u);  // SCCRQ, SCCCN, ICRQ, ICCN
  EXPECT_EQ(testing::events_of<SessionUp>(net.events(lns)).size(), 1u);
  const auto sccrq = sent(net, loopback_ep(2), MessageType::Sccrq);
  ASSERT_EQ(sccrq.size(), 1u);
  auto m = wire::decode_control(sccrq[0].bytes, as_bytes(std::string("s3cret")));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->avps[1].vendor, 9999);
  const wire::Avp* id = m->find(AvpType::AssignedTunnelId);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->hidden_state, wire::HiddenState::Revealed);
}

TEST(FaultSim, ADelayedSccrpArrivesLateAndTheTunnelComesUp) {
  sim::SimNet net(14, sim::LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), testing::sim_lac_config());
  Node& lns = net.add_node(loopback_ep(3), testing::sim_lns_config());
  auto r = rule(FaultAction::Delay, "SCCRP");
  r.delay = std::chrono::milliseconds(400);
  FaultFilter hook({r});
  net.set_filter(lns, &hook);
  lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  net.run(Time{} + std::chrono::seconds(3));
  const auto sccrp = sent(net, loopback_ep(3), MessageType::Sccrp);
  ASSERT_FALSE(sccrp.empty());
  // 5 ms to the LNS, 400 ms held, 5 ms back.
  EXPECT_EQ(sccrp[0].at, Time{} + std::chrono::milliseconds(410));
  EXPECT_EQ(testing::events_of<TunnelUp>(net.events(lac)).size(), 1u);
  EXPECT_EQ(testing::events_of<TunnelUp>(net.events(lns)).size(), 1u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::scenario
