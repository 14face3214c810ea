#include "reports/packet_record.hpp"

#include <gtest/gtest.h>

#include "tests/support/sample_messages.hpp"

namespace l2tp::reports {
namespace L2TPSIM_FILE_ID {

PacketInput input(const Buffer& b) {
  PacketInput in;
  in.frame = 3;
  in.time_ns = 1'500'000'000;
  in.src = "127.0.0.1:1701";
  in.dst = "127.0.0.2:1701";
  in.payload = b;
  return in;
}

TEST(PacketRecord, JsonHasTheDocumentedFields) {
  const auto msgs = testing::sample_messages(true);
  Buffer b;
  ASSERT_TRUE(wire::encode_control(msgs[0], wire::EncodeOptions::hiding(as_bytes(testing::kTestSecret)), b));
  const auto j = to_json(analyse(input(b), as_bytes(testing::kTestSecret)));
  EXPECT_EQ(j["frame"], 3);
  EXPECT_DOUBLE_EQ(j["time"].get<double>(), 1.5);
  EXPECT_EQ(j["src"], "127.0.0.1:1701");
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["control"], true);
  EXPECT_EQ(j["zlb"], false);
  EXPECT_EQ(j["tunnel"], 0);
  EXPECT_EQ(j["ns"], 0);
  EXPECT_EQ(j["nr"], 0);
  EXPECT_EQ(j["msg_type"], 1);
  ASSERT_TRUE(j["avps"].is_array());
  EXPECT_EQ(j["avps"][0]["type"], 0);
  EXPECT_EQ(j["avps"][0]["length"], 8);
  EXPECT_EQ(j["avps"][0]["m"], true);
  bool saw_revealed = false;
  for (const auto& a : j["avps"]) saw_revealed |= a.value("hidden", "") == "revealed";
  EXPECT_TRUE(saw_revealed);
  EXPECT_TRUE(j["violations"].empty());
}

TEST(PacketRecord, DataMessageWithoutSequenceHasNoNsNr) {
  wire::Header h;
  h.tunnel = TunnelId{1};
  h.session = SessionId{2};
  Buffer b;
  const Buffer ppp = {0xFF, 0x03, 0xC0, 0x21, 0x09, 0x07, 0x00, 0x08, 1, 2, 3, 4};
  ASSERT_TRUE(wire::encode_data(h, ppp, b));
  const auto r = analyse(input(b), std::nullopt);
  const auto j = to_json(r);
  EXPECT_FALSE(j.contains("ns"));
  EXPECT_FALSE(j.contains("nr"));
  EXPECT_FALSE(j.contains("msg_type"));
  EXPECT_EQ(j["ppp"]["protocol"], 0xC021);
  EXPECT_EQ(j["ppp"]["code"], 9);
  EXPECT_EQ(j["ppp"]["code_name"], "Echo-Request");
  EXPECT_NE(to_text(r, 0, true).find("PPP LCP Echo-Request"), std::string::npos);
}

TEST(PacketRecord, L2tpv3AndL2fAreRecognisedNotDecoded) {
  Buffer v3 = {0xC8, 0x03, 0x00, 0x0C, 0, 0, 0, 1, 0, 0, 0, 0};
  auto r = analyse(input(v3), std::nullopt);
  EXPECT_EQ(r.kind, PacketKind::L2tpv3);
  EXPECT_TRUE(r.violations.empty());
  Buffer l2f = {0x00, 0x01, 0, 0};
  EXPECT_EQ(analyse(input(l2f), std::nullopt).kind, PacketKind::L2f);
}

TEST(PacketRecord, TruncatedCaptureErrorsAreNotViolations) {
  const auto msgs = testing::sample_messages(false);
  Buffer b;
  ASSERT_TRUE(wire::encode_control(msgs[0], {}, b));
  b.resize(20);
  auto in = input(b);
  in.truncated = true;
  const auto r = analyse(in, std::nullopt);
  EXPECT_TRUE(r.error.has_value());
  EXPECT_TRUE(r.violations.empty());
  in.truncated = false;
  EXPECT_FALSE(analyse(in, std::nullopt).violations.empty());  // the same bytes, sent short: R013
}

// RFC 2661 3.1 forbids a control message without the S bit (R007); the engine drops it, but
// decode shows its tunnel, session, message type and AVPs, as Wireshark does, and flags R007.
TEST(PacketRecord, R007_ControlMessageWithoutSequenceIsDecodedAndFlagged) {
  auto msg = testing::sample_messages(false)[0];
  msg.header.tunnel = TunnelId{560};
  msg.header.session = SessionId{2056};
  msg.header.has_sequence = false;
  Buffer b;
  ASSERT_TRUE(wire::encode_control(msg, {}, b));
  const auto r = analyse(input(b), std::nullopt);
  EXPECT_EQ(r.kind, PacketKind::L2tpv2);
  EXPECT_FALSE(r.error.has_value()) << *r.error;
  EXPECT_EQ(r.tunnel, 560);
  EXPECT_EQ(r.session, 2056);
  EXPECT_EQ(r.msg_type, msg.message_type());
  EXPECT_EQ(r.avps.size(), msg.avps.size());
  ASSERT_FALSE(r.violations.empty());
  EXPECT_EQ(r.violations.front().rule, Rule::R007);

  const auto j = to_json(r);
  EXPECT_EQ(j["kind"], "L2TPv2");
  EXPECT_EQ(j["tunnel"], 560);
  EXPECT_FALSE(j.contains("ns"));
  EXPECT_EQ(j["flags"]["s"], false);
  EXPECT_EQ(j["msg_name"], message_name(r));
  EXPECT_EQ(j["violations"][0], "R007");
  const std::string text = to_text(r, 0, true);
  EXPECT_NE(text.find("tunnel 560 session 2056  " + message_name(r)), std::string::npos) << text;
  EXPECT_NE(text.find("! R007 (MUST, RFC 2661 3.1): control message without S bit"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Message Type [M] len 8"), std::string::npos) << text;
}

// Without L and S both rules are flagged, and the message runs to the end of the datagram.
TEST(PacketRecord, R004_R007_ControlMessageWithoutLengthOrSequenceIsDecodedAndFlagged) {
  auto msg = testing::sample_messages(false)[0];
  msg.header.has_sequence = false;
  msg.header.has_length = false;
  Buffer b;
  ASSERT_TRUE(wire::encode_control(msg, {}, b));
  const auto r = analyse(input(b), std::nullopt);
  EXPECT_EQ(r.kind, PacketKind::L2tpv2);
  EXPECT_EQ(r.avps.size(), msg.avps.size());
  ASSERT_GE(r.violations.size(), 2u);
  EXPECT_EQ(r.violations[0].rule, Rule::R004);
  EXPECT_EQ(r.violations[1].rule, Rule::R007);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::reports
