#include "engine/wire/checker.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/sample_messages.hpp"

namespace l2tp::wire {
namespace L2TPSIM_FILE_ID {

using testing::kTestSecret;

std::vector<Violation> check(const ControlMessage& m, std::optional<Bytes> secret = std::nullopt) {
  Buffer wire;
  EXPECT_TRUE(encode_control(m, EncodeOptions::hiding(as_bytes(kTestSecret)), wire));
  auto d = decode_control(wire, secret);
  EXPECT_TRUE(d);
  return d ? check_control(*d, wire.size()) : std::vector<Violation>{};
}

bool has(const std::vector<Violation>& v, Rule r) {
  return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return x.rule == r; });
}

std::string list(const std::vector<Violation>& v) {
  std::string s;
  for (const auto& x : v) s += std::string(to_string(x.rule)) + ": " + x.detail + "; ";
  return s;
}

TEST(Checker, SampleMessagesAreClean) {
  for (bool hidden : {false, true})
    for (const auto& m : testing::sample_messages(hidden)) {
      const auto v = check(m, as_bytes(kTestSecret));
      EXPECT_TRUE(v.empty()) << to_string(*m.known_type()) << ": " << list(v);
    }
}

TEST(Checker, MandatoryAvpsPerMessageType_R183_R244) {
  struct Case {
    MessageType type;
    AvpType drop;
    Rule rule;
  };
  const Case cases[] = {{MessageType::Sccrq, AvpType::HostName, Rule::R185},
                        {MessageType::Sccrp, AvpType::AssignedTunnelId, Rule::R193},
                        {MessageType::StopCcn, AvpType::ResultCode, Rule::R199},
                        {MessageType::Icrq, AvpType::CallSerialNumber, Rule::R209},
                        {MessageType::Iccn, AvpType::FramingType, Rule::R216},
                        {MessageType::Ocrq, AvpType::CalledNumber, Rule::R225},
                        {MessageType::Cdn, AvpType::AssignedSessionId, Rule::R237},
                        {MessageType::Wen, AvpType::CallErrors, Rule::R241},
                        {MessageType::Sli, AvpType::Accm, Rule::R244}};
  for (const auto& c : cases) {
    auto m = make_control(
        c.type, TunnelId{c.type == MessageType::Sccrq ? std::uint16_t{0} : std::uint16_t{1}}, SessionId{0});
    for (auto& a : testing::sample_avps(c.type))
      if (!a.is(c.drop)) m.avps.push_back(a);
    const auto v = check(m);
    EXPECT_TRUE(has(v, c.rule)) << to_string(c.type) << ": " << list(v);
    EXPECT_EQ(v.size(), 1u) << list(v);
  }
}

TEST(Checker, R039_MessageTypeMustBeFirst) {
  auto m = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  m.avps.insert(m.avps.begin(), make_avp(AvpType::RandomVector, avp::Octets{Buffer(16, 1)}));
  EXPECT_TRUE(has(check(m), Rule::R039));
}

TEST(Checker, R020_UnknownMessageType) {
  auto m = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  m.avps[0].value = std::uint16_t{13};
  EXPECT_TRUE(has(check(m), Rule::R020));
}

TEST(Checker, AvpTableRules_MBitHidingLength) {
  auto m = make_control(MessageType::Sccrq, TunnelId{0}, SessionId{0});
  for (auto& a : testing::sample_avps(MessageType::Sccrq)) m.avps.push_back(a);
  auto wrong_m = m;
  for (auto& a : wrong_m.avps)
    if (a.is(AvpType::TieBreaker)) a.mandatory = true;
  EXPECT_TRUE(has(check(wrong_m), Rule::R068));

  auto hidden_host = m;
  hidden_host.avps.insert(hidden_host.avps.begin() + 1,
                          make_avp(AvpType::RandomVector, avp::Octets{Buffer(16, 3)}));
  for (auto& a : hidden_host.avps)
    if (a.is(AvpType::HostName)) a.hidden = true;
  EXPECT_TRUE(has(check(hidden_host, as_bytes(kTestSecret)), Rule::R072));

  auto short_fc = m;
  for (auto& a : short_fc.avps)
    if (a.is(AvpType::FramingCapabilities)) a.value = avp::Raw{Buffer{0, 3}};
  EXPECT_TRUE(has(check(short_fc), Rule::R058));
}

TEST(Checker, R032_HiddenWithoutRandomVector) {
  auto m = make_control(MessageType::Icrp, TunnelId{1}, SessionId{2});
  auto a = make_avp(AvpType::AssignedSessionId, std::uint16_t{9});
  a.hidden = true;
  m.avps.push_back(a);
  EXPECT_TRUE(has(check(m, as_bytes(kTestSecret)), Rule::R032));
}

TEST(Checker, R021_ReservedAvpFlagBits) {
  auto m = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  m.avps[0].fault.reserved_bits = 0x2;
  EXPECT_TRUE(has(check(m), Rule::R021));
}

TEST(Checker, HeaderRules_R005_R008_R010) {
  auto m = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  m.header.reserved_bits = 0x0010;
  m.header.priority = true;
  m.header.has_offset = true;
  const auto v = check(m);
  EXPECT_TRUE(has(v, Rule::R005));
  EXPECT_TRUE(has(v, Rule::R010));
  EXPECT_TRUE(has(v, Rule::R008));
}

TEST(Checker, R013_TrailingOctets) {
  auto m = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  Buffer wire;
  ASSERT_TRUE(encode_control(m, {}, wire));
  wire.push_back(0);
  auto d = decode_control(wire);
  ASSERT_TRUE(d);
  EXPECT_TRUE(has(check_control(*d, wire.size()), Rule::R013));
}

TEST(Checker, ValueRules) {
  auto sccrq = make_control(MessageType::Sccrq, TunnelId{5}, SessionId{0});
  for (auto& a : testing::sample_avps(MessageType::Sccrq)) {
    if (a.is(AvpType::AssignedTunnelId)) a.value = std::uint16_t{0};
    if (a.is(AvpType::ReceiveWindowSize)) a.value = std::uint16_t{0};
    if (a.is(AvpType::ProtocolVersion)) a.value = avp::ProtocolVersion{2, 0};
    sccrq.avps.push_back(a);
  }
  const auto v = check(sccrq);
  EXPECT_TRUE(has(v, Rule::R145)) << list(v);
  EXPECT_TRUE(has(v, Rule::R082));
  EXPECT_TRUE(has(v, Rule::R055));
  EXPECT_TRUE(has(v, Rule::R077));  // SCCRQ header Tunnel ID must be 0

  auto stop = make_control(MessageType::StopCcn, TunnelId{1}, SessionId{0});
  stop.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{3}));
  stop.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{9, 12, "\xff"}));
  const auto s = check(stop);
  EXPECT_TRUE(has(s, Rule::R049));
  EXPECT_TRUE(has(s, Rule::R051));
  EXPECT_TRUE(has(s, Rule::R047));
  // R050: with Result 5 the Error Code field is the highest version supported (1.0 = 256).
  auto version = make_control(MessageType::StopCcn, TunnelId{1}, SessionId{0});
  version.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{3}));
  version.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{5, 256, ""}));
  EXPECT_FALSE(has(check(version), Rule::R051)) << list(check(version));

  auto cdn = make_control(MessageType::Hello, TunnelId{1}, SessionId{0});
  cdn.avps.push_back(make_avp(AvpType::PppDisconnectCause, avp::DisconnectCause{1, 0, 0, ""}));
  EXPECT_TRUE(has(check(cdn), Rule::P120));
}

TEST(Checker, ProxyAuthenConsistency_R121_R127) {
  auto m = make_control(MessageType::Iccn, TunnelId{1}, SessionId{2});
  m.avps.push_back(make_avp(AvpType::TxConnectSpeed, std::uint32_t{1}));
  m.avps.push_back(make_avp(AvpType::FramingType, std::uint32_t{1}));
  m.avps.push_back(make_avp(AvpType::ProxyAuthenType, std::uint16_t{2}));
  m.avps.push_back(make_avp(AvpType::ProxyAuthenId, std::uint16_t{0x0107}));
  const auto v = check(m);
  EXPECT_TRUE(has(v, Rule::R121));
  EXPECT_TRUE(has(v, Rule::R123));
  EXPECT_TRUE(has(v, Rule::R125));
  EXPECT_TRUE(has(v, Rule::R127));
}

TEST(Checker, TableRowsAreUniqueAndDescribed) {
  std::vector<Rule> seen;
  for (const auto& row : check_rows()) {
    EXPECT_FALSE(row.what.empty());
    EXPECT_EQ(std::count(seen.begin(), seen.end(), row.rule), 0) << to_string(row.rule);
    seen.push_back(row.rule);
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::wire
