// The fault layer's matching: direction, message names, AVPs, IDs and Ns, PPP in data messages,
// undecodable datagrams, skip and count, the order of rules, and the statistics.
#include <gtest/gtest.h>

#include "scenarios/fault.hpp"
#include "tests/scenarios/fault_harness.hpp"

namespace l2tp::scenario {
namespace L2TPSIM_FILE_ID {

using namespace fault_testing;

// ---- matching ----

TEST(FaultMatch, DirectionMustMatch) {
  auto r = rule(FaultAction::Drop);
  r.match.direction = Direction::In;
  FaultLayer layer({r});
  EXPECT_EQ(pass(layer, zlb(), Time{}, Direction::Out).size(), 1u);
  EXPECT_TRUE(pass(layer, zlb(), Time{}, Direction::In).empty());
  EXPECT_STREQ(to_string(Direction::In), "in");
  EXPECT_STREQ(to_string(FaultAction::AddAvp), "add-avp");
}

TEST(FaultMatch, MessageNamesAreCaseInsensitive) {
  const Buffer stop = sample_bytes(MessageType::StopCcn);
  const Buffer h = hello(7, 0);
  const Buffer z = zlb();
  const Buffer d = data(7, 8, ppp::proto::kIp);
  struct Case {
    const char* message;
    bool stop, hello, zlb, data;
  };
  for (const Case& c : {Case{"StopCCN", true, false, false, false},
                        Case{"stopccn", true, false, false, false}, Case{"hello", false, true, false, false},
                        Case{"HELLO", false, true, false, false}, Case{"zlb", false, false, true, false},
                        Case{"control", true, true, false, false}, Case{"data", false, false, false, true},
                        Case{"", true, true, true, true}, Case{"SCCRQ", false, false, false, false}}) {
    FaultLayer layer({rule(FaultAction::Drop, c.message)});
    EXPECT_EQ(pass(layer, stop).empty(), c.stop) << c.message;
    EXPECT_EQ(pass(layer, h).empty(), c.hello) << c.message;
    EXPECT_EQ(pass(layer, z).empty(), c.zlb) << c.message;
    EXPECT_EQ(pass(layer, d).empty(), c.data) << c.message;
  }
}

TEST(FaultMatch, AvpTunnelSessionAndNs) {
  auto by_avp = rule(FaultAction::Drop);
  by_avp.match.avp = static_cast<std::uint16_t>(AvpType::ResultCode);
  FaultLayer avp_layer({by_avp});
  EXPECT_TRUE(pass(avp_layer, sample_bytes(MessageType::StopCcn)).empty());
  EXPECT_EQ(pass(avp_layer, sample_bytes(MessageType::Sccrq)).size(), 1u);

  auto by_tunnel = rule(FaultAction::Drop);
  by_tunnel.match.tunnel = 9;
  FaultLayer tunnel_layer({by_tunnel});
  EXPECT_TRUE(pass(tunnel_layer, hello(9, 0)).empty());
  EXPECT_TRUE(pass(tunnel_layer, data(9, 1, ppp::proto::kIp)).empty());
  EXPECT_EQ(pass(tunnel_layer, hello(8, 0)).size(), 1u);

  auto by_session = rule(FaultAction::Drop);
  by_session.match.session = 33;  // the sample ICCN's session; ICRQ has none yet
  FaultLayer session_layer({by_session});
  EXPECT_TRUE(pass(session_layer, sample_bytes(MessageType::Iccn)).empty());
  EXPECT_EQ(pass(session_layer, sample_bytes(MessageType::Icrq)).size(), 1u);
  EXPECT_TRUE(pass(session_layer, data(7, 33, ppp::proto::kIp)).empty());

  auto by_ns = rule(FaultAction::Drop, "HELLO");
  by_ns.match.ns = 4;
  FaultLayer ns_layer({by_ns});
  EXPECT_EQ(pass(ns_layer, hello(7, 3)).size(), 1u);
  EXPECT_TRUE(pass(ns_layer, hello(7, 4)).empty());
  EXPECT_EQ(pass(ns_layer, data(7, 1, ppp::proto::kIp)).size(), 1u);  // no Ns at all
}

TEST(FaultMatch, DataByPppProtocolAndCode) {
  auto echo = rule(FaultAction::Drop, "data");
  echo.match.ppp_protocol = ppp::proto::kLcp;
  echo.match.ppp_code = static_cast<std::uint8_t>(ppp::Code::EchoReq);
  auto ipcp = rule(FaultAction::Drop);
  ipcp.match.ppp_protocol = ppp::proto::kIpcp;
  auto code1 = rule(FaultAction::Drop);
  code1.match.ppp_code = 1;
  FaultLayer layer({echo, ipcp, code1});
  EXPECT_TRUE(pass(layer, data(7, 8, ppp::proto::kLcp, ppp::Code::EchoReq)).empty());
  EXPECT_EQ(pass(layer, data(7, 8, ppp::proto::kLcp, ppp::Code::EchoRep)).size(), 1u);
  EXPECT_TRUE(pass(layer, data(7, 8, ppp::proto::kIpcp, ppp::Code::ConfAck)).empty());
  EXPECT_TRUE(pass(layer, data(7, 8, ppp::proto::kChap, ppp::Code::ConfReq)).empty());  // code 1
  // An IPv4 packet has no code, whatever its first octet.
  EXPECT_EQ(pass(layer, data(7, 8, ppp::proto::kIp)).size(), 1u);
  EXPECT_EQ(pass(layer, hello(7, 0)).size(), 1u);
  EXPECT_EQ(layer.stats()[0].applied, 1u);
  EXPECT_EQ(layer.stats()[1].applied, 1u);
  EXPECT_EQ(layer.stats()[2].applied, 1u);
}

TEST(FaultMatch, UndecodableDatagramsMatchOnlyRulesThatAskNothingOfThem) {
  const Buffer junk{0x12, 0x34, 0x56};  // version 4, truncated
  auto named = rule(FaultAction::Drop, "SCCRQ");
  auto with_tunnel = rule(FaultAction::Drop);
  with_tunnel.match.tunnel = 0;
  auto with_avp = rule(FaultAction::Drop);
  with_avp.match.avp = 0;
  auto with_ns = rule(FaultAction::Drop);
  with_ns.match.ns = 0;
  FaultLayer picky({named, with_tunnel, with_avp, with_ns});
  EXPECT_EQ(pass(picky, junk).at(0), junk);

  auto bare = rule(FaultAction::Corrupt);
  bare.corrupt_bytes = 1;
  FaultLayer any({bare});
  EXPECT_EQ(pass(any, junk).at(0), (Buffer{0xed, 0x34, 0x56}));
  // A control message whose AVPs are broken still matches by name (read before the break).
  Buffer broken = hello(7, 0);
  broken.insert(broken.end(), {0x00, 0x02, 0, 0, 0, 0});  // an AVP of Length 2
  broken[3] = static_cast<std::uint8_t>(broken.size());
  FaultLayer by_name({rule(FaultAction::Drop, "HELLO")});
  EXPECT_TRUE(pass(by_name, broken).empty());
}

TEST(FaultMatch, SkipThenCountAndStatistics) {
  auto r = rule(FaultAction::Drop, "HELLO");
  r.match.skip = 1;
  r.match.count = 2;
  FaultLayer layer({r});
  std::vector<std::size_t> crossed;
  for (std::uint16_t ns = 0; ns < 5; ++ns) crossed.push_back(pass(layer, hello(7, ns)).size());
  EXPECT_EQ(crossed, (std::vector<std::size_t>{1, 0, 0, 1, 1}));
  EXPECT_EQ(pass(layer, zlb()).size(), 1u);  // does not match at all
  ASSERT_EQ(layer.stats().size(), 1u);
  EXPECT_EQ(layer.stats()[0].name, "rule 1");
  EXPECT_EQ(layer.stats()[0].matched, 5u);
  EXPECT_EQ(layer.stats()[0].applied, 2u);
}

TEST(FaultMatch, FirstFittingRuleActsAndAUsedUpRuleLetsLaterRulesAct) {
  auto first = rule(FaultAction::Drop, "HELLO");
  first.name = "lost-hello";
  first.match.count = 1;
  auto second = rule(FaultAction::Duplicate, "control");
  FaultLayer layer({first, second});
  EXPECT_TRUE(pass(layer, hello(7, 0)).empty());
  EXPECT_EQ(pass(layer, hello(7, 1)).size(), 2u);
  EXPECT_EQ(pass(layer, sample_bytes(MessageType::Sccrq)).size(), 2u);
  EXPECT_EQ(layer.stats()[0].name, "lost-hello");
  EXPECT_EQ(layer.stats()[0].matched, 2u);
  EXPECT_EQ(layer.stats()[0].applied, 1u);
  EXPECT_EQ(layer.stats()[1].name, "rule 2");
  EXPECT_EQ(layer.stats()[1].matched, 2u);
  EXPECT_EQ(layer.stats()[1].applied, 2u);
}

TEST(FaultMatch, ASkippingRuleTakesTheDatagram) {
  auto first = rule(FaultAction::Drop, "HELLO");
  first.match.skip = 1;
  auto second = rule(FaultAction::Drop, "HELLO");
  FaultLayer layer({first, second});
  EXPECT_EQ(pass(layer, hello(7, 0)).size(), 1u);  // passed untouched by the first rule
  EXPECT_TRUE(pass(layer, hello(7, 1)).empty());
  EXPECT_EQ(layer.stats()[1].matched, 0u);
}

// ---- in the simulated network (the fault layer between a node and the network: FaultFilter) ----

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::scenario
