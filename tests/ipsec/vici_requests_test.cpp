#include "ipsec/vici_requests.hpp"

#include <gtest/gtest.h>

namespace l2tp::ipsec {
namespace L2TPSIM_FILE_ID {

net::Endpoint ep(const char* addr, std::uint16_t port) {
  net::Endpoint e;
  EXPECT_TRUE(net::IpAddress::parse(addr, e.addr));
  e.port = port;
  return e;
}

TEST(ViciRequests, TransportModeLacProtectsUdp1701BetweenTheL2tpAddresses) {
  IpsecSettings s;
  s.use = UseIpsec::Yes;
  s.secret = "k";
  const auto c = lac_conn(s, 3, ep("192.0.2.10", 1701), ep("192.0.2.1", 1701));
  EXPECT_EQ(c.name, "l2tpsim-3");
  EXPECT_EQ(c.local_addrs, std::vector<std::string>{"192.0.2.10"});
  EXPECT_EQ(c.remote_addrs, std::vector<std::string>{"192.0.2.1"});
  EXPECT_EQ(c.local_ts, std::vector<std::string>{"dynamic[udp/1701]"});
  EXPECT_EQ(c.remote_ts, std::vector<std::string>{"dynamic[udp/1701]"});
  const auto req = load_conn_request(c, s);
  const auto* conn = req.section("l2tpsim-3");
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->value_or("version", ""), "1");
  EXPECT_EQ(conn->value_or("encap", ""), "no");
  EXPECT_EQ(*conn->list("proposals"), std::vector<std::string>{kDefaultIkeProposals});
  EXPECT_EQ(conn->section("local")->value_or("auth", ""), "psk");
  const auto* child = conn->section("children")->section("l2tp");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->value_or("mode", ""), "transport");
  EXPECT_EQ(*child->list("esp_proposals"), std::vector<std::string>{kDefaultEspProposals});
}

TEST(ViciRequests, TunnelModeLacUsesInnerSelectorsAndItsOwnIdentity) {
  IpsecSettings s;
  s.use = UseIpsec::Yes;
  s.mode = IpsecMode::Tunnel;
  net::IpAddress peer;
  ASSERT_TRUE(net::IpAddress::parse("192.168.77.2", peer));
  s.peer = peer;
  const auto c = lac_conn(s, 0, ep("10.77.0.1", 0), ep("10.77.0.2", 1701));
  EXPECT_TRUE(c.local_addrs.empty());
  EXPECT_EQ(c.remote_addrs, std::vector<std::string>{"192.168.77.2"});
  EXPECT_EQ(c.local_id, "10.77.0.1");
  EXPECT_EQ(c.local_ts, std::vector<std::string>{"10.77.0.1/32[udp]"});
  EXPECT_EQ(c.remote_ts, std::vector<std::string>{"10.77.0.2/32[udp/1701]"});
  const auto req = load_conn_request(c, s);
  EXPECT_EQ(req.section("l2tpsim-0")->value_or("encap", ""), "yes");  // libipsec: ESP in UDP only
  EXPECT_EQ(req.section("l2tpsim-0")->section("local")->value_or("id", ""), "10.77.0.1");
}

TEST(ViciRequests, LnsAnswersAnyPeerAndNeverReplacesSas) {
  IpsecSettings s;
  s.use = UseIpsec::Required;
  s.mode = IpsecMode::Tunnel;
  const auto c = lns_conn(s, {ep("10.77.0.2", 1701), ep("0.0.0.0", 1701)});
  EXPECT_EQ(c.local_ts, (std::vector<std::string>{"10.77.0.2/32[udp/1701]", "0.0.0.0/0[udp/1701]"}));
  EXPECT_EQ(c.remote_ts, std::vector<std::string>{"0.0.0.0/0[udp]"});
  const auto req = load_conn_request(c, s);
  EXPECT_EQ(*req.section("l2tpsim-lns")->list("remote_addrs"), std::vector<std::string>{"%any"});
  EXPECT_EQ(req.section("l2tpsim-lns")->value_or("unique", ""), "never");
}

TEST(ViciRequests, SharedKeyInitiateTerminate) {
  const auto psk = load_shared_request("s3cret");
  EXPECT_EQ(psk.value_or("type", ""), "IKE");
  EXPECT_EQ(psk.value_or("data", ""), "s3cret");
  ASSERT_NE(psk.list("owners"), nullptr);
  EXPECT_TRUE(psk.list("owners")->empty());
  const auto init = initiate_request("l2tpsim-1", std::chrono::milliseconds(30000));
  EXPECT_EQ(init.value_or("ike", ""), "l2tpsim-1");
  EXPECT_EQ(init.value_or("child", ""), "l2tp");
  EXPECT_EQ(init.value_or("timeout", ""), "30000");
  EXPECT_EQ(terminate_request("l2tpsim-1", std::chrono::milliseconds(3000)).value_or("ike", ""), "l2tpsim-1");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ipsec
