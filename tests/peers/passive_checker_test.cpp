// peers/passive_checker: every datagram from the peer held against the stateless rules, the
// engine's findings added, counted per rule and listed with the frame that shows them.
#include "peers/passive_checker.hpp"

#include <gtest/gtest.h>

#include "engine/node.hpp"
#include "engine/wire/message.hpp"
#include "tests/support/sample_messages.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

Buffer encode(const wire::ControlMessage& m, const std::string& secret = "") {
  Buffer b;
  EXPECT_TRUE(wire::encode_control(m, wire::EncodeOptions::hiding(as_bytes(secret)), b));
  return b;
}

TEST(PassiveChecker, CorrectMessagesBreakNothingHiddenOnesIncluded) {
  PassiveChecker c(testing::kTestSecret);
  std::uint64_t frame = 0;
  for (bool hidden : {false, true})
    for (const auto& m : testing::sample_messages(hidden))
      c.observe(encode(m, testing::kTestSecret), ++frame, Time{});
  EXPECT_EQ(c.total(), 0u) << (c.kept().empty() ? "" : c.kept()[0].rule + " " + c.kept()[0].detail);
}

TEST(PassiveChecker, R010_R185_EachViolationIsCountedAndListedWithItsFrame) {
  PassiveChecker c("", 2);
  auto m = wire::make_control(MessageType::Sccrq, TunnelId{}, SessionId{});
  m.header.priority = true;  // R010: P bit on a control message
  m.avps.push_back(wire::make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
  m.avps.push_back(wire::make_avp(AvpType::FramingCapabilities, std::uint32_t{3}));
  m.avps.push_back(wire::make_avp(AvpType::AssignedTunnelId, std::uint16_t{5}));  // no Host Name: R185
  const Buffer bytes = encode(m);
  c.observe(bytes, 7, Time{});
  c.observe(bytes, 9, Time{});
  EXPECT_EQ(c.total(), 4u);
  EXPECT_EQ(c.by_rule().at("R010"), 2u);
  EXPECT_EQ(c.by_rule().at("R185"), 2u);
  ASSERT_EQ(c.kept().size(), 2u);  // keeps the first two
  EXPECT_EQ(c.kept()[0].frame, 7u);
  EXPECT_FALSE(c.kept()[0].stateful);
  // The engine's finding is blamed on the last datagram in.
  c.engine_violation("R134", "ICRQ before the tunnel was established", Time{});
  EXPECT_EQ(c.total(), 5u);
  EXPECT_EQ(c.by_rule().at("R134"), 1u);
}

TEST(PassiveChecker, UndecodableDatagramIsAViolationNotACrash) {
  PassiveChecker c("");
  c.observe(Buffer{0xc8, 0x02, 0x00}, 1, Time{});  // a header cut short
  ASSERT_EQ(c.total(), 1u);
  EXPECT_EQ(c.kept()[0].frame, 1u);
}

// One decode per datagram: the checker fed the node's decoding (note + InboundObserver) finds
// exactly what it finds decoding each datagram itself, frame by frame, with or without a secret.
TEST(PassiveChecker, NodeDecodingGivesTheSameFindingsAsItsOwn) {
  for (const std::string& secret : {std::string(testing::kTestSecret), std::string()}) {
    std::vector<Buffer> datagrams;
    for (bool hidden : {false, true})
      for (const auto& m : testing::sample_messages(hidden))
        datagrams.push_back(encode(m, testing::kTestSecret));
    auto bad = wire::make_control(MessageType::Sccrq, TunnelId{}, SessionId{});
    bad.header.priority = true;  // R010
    bad.avps.push_back(wire::make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
    bad.avps.push_back(wire::make_avp(AvpType::AssignedTunnelId, std::uint16_t{5}));  // R185 and more
    datagrams.push_back(encode(bad));
    datagrams.push_back(Buffer{0xc8, 0x02, 0x00});  // a header cut short
    datagrams.push_back(
        Buffer{0x0a, 0x02, 0x00, 0x07, 0x00, 0x01, 0xff});  // data: an S bit without Ns/Nr room

    PassiveChecker own(secret), fed(secret);
    NodeConfig cfg;
    cfg.tunnel.role = tunnel::Role::Lns;
    cfg.tunnel.host_name = "checker-lns";
    cfg.tunnel.secret = secret;
    SeededRng rng(1);
    Node node(cfg, rng);
    node.set_inbound_observer(&fed);
    const net::Endpoint local{net::IpAddress::v4(127, 0, 0, 1), 1701};
    const net::Endpoint peer{net::IpAddress::v4(127, 0, 0, 2), 1701};
    std::uint64_t frame = 0;
    for (const auto& d : datagrams) {
      ++frame;
      own.observe(d, frame, Time{});
      fed.note(frame, Time{});
      node.handle_datagram(local, peer, d, Time{});
    }
    EXPECT_GT(own.total(), 2u);
    EXPECT_EQ(fed.total(), own.total()) << (secret.empty() ? "no secret" : "secret");
    EXPECT_EQ(fed.by_rule(), own.by_rule());
    ASSERT_EQ(fed.kept().size(), own.kept().size());
    for (std::size_t i = 0; i < own.kept().size(); ++i) {
      EXPECT_EQ(fed.kept()[i].rule, own.kept()[i].rule) << i;
      EXPECT_EQ(fed.kept()[i].frame, own.kept()[i].frame) << i;
      EXPECT_EQ(fed.kept()[i].detail, own.kept()[i].detail) << i;
    }
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
