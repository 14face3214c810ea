// LCP in Opened: Echo and Discard (P023, P044-P046, P048, P058), Protocol-Reject received and
// sent (P041-P043) and Code-Reject (P039). The rest of LCP is in lcp_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "engine/ppp/lcp.hpp"
#include "engine/ppp/options.hpp"
#include "tests/engine/ppp/lcp_side.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

using lcp_testing::opts;
using lcp_testing::Side;
using lcp_testing::u32_of;

// ---------------------------------------------------------------- Echo, Discard, Protocol-Reject

TEST(LcpEcho, P044_EchoRequestAnsweredWithSameIdAndOurMagic) {
  Side s;
  s.open_with();
  const Buffer req = opts({0x11, 0x22, 0x33, 0x44, 'p', 'i', 'n', 'g'});
  s.feed(Code::EchoReq, 0x66, req);
  ASSERT_EQ(s.sent.size(), 1u);
  EXPECT_EQ(s.sent[0].code, Code::EchoRep);
  EXPECT_EQ(s.sent[0].id, 0x66);
  EXPECT_EQ(u32_of(s.sent[0].data), s.lcp.our_magic());
  EXPECT_NE(s.lcp.our_magic(), 0u);
  EXPECT_EQ(Buffer(s.sent[0].data.begin() + 4, s.sent[0].data.end()), opts({'p', 'i', 'n', 'g'}));
  EXPECT_EQ(s.lcp.echo_counters().replies_sent, 1u);
}

TEST(LcpEcho, P045_NoEchoBeforeOpened) {
  Side s;
  s.start();
  EXPECT_FALSE(s.lcp.send_echo_request());
  s.sent.clear();
  s.feed(Code::EchoReq, 1, opts({0, 0, 0, 0}));
  EXPECT_TRUE(s.sent.empty());
}

TEST(LcpEcho, P046_P058_EchoRequestsCarryOurMagicAndFreshIds) {
  Side s;
  s.open_with();
  ASSERT_TRUE(s.lcp.send_echo_request());
  ASSERT_TRUE(s.lcp.send_echo_request());
  s.take();
  ASSERT_EQ(s.sent.size(), 2u);
  EXPECT_NE(s.sent[0].id, s.sent[1].id);
  EXPECT_EQ(u32_of(s.sent[0].data), s.lcp.our_magic());
  // Replies: the one for the first request is reported, an unsolicited one is not.
  s.feed(Code::EchoRep, s.sent[0].id, opts({0x11, 0x22, 0x33, 0x44}));
  s.feed(Code::EchoRep, static_cast<std::uint8_t>(s.sent[1].id + 7), opts({0x11, 0x22, 0x33, 0x44}));
  auto n = s.notices();
  ASSERT_EQ(n.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<LcpEchoReply>(n[0]));
  EXPECT_EQ(std::get<LcpEchoReply>(n[0]).id, s.sent[0].id);
  // A reply with a magic that is neither 0 nor the peer's is counted and ignored.
  s.feed(Code::EchoRep, s.sent[1].id, opts({9, 9, 9, 9}));
  EXPECT_TRUE(s.notices().empty());
  EXPECT_EQ(s.lcp.echo_counters().bad_magic, 1u);
}

TEST(LcpEcho, P058_OwnMagicInEchoMeansLoop) {
  Side s;
  s.open_with();
  Buffer own;
  Writer(own).u32(s.lcp.our_magic());
  own.push_back('x');
  s.feed(Code::EchoReq, 5, own);
  EXPECT_TRUE(s.sent.empty()) << "our own request is not answered";
  auto n = s.notices();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<LcpLoopDetected>(n[0]));
}

TEST(LcpEcho, P023_EchoFitsThePeerMru) {
  Side s;
  s.open_with(opts({1, 4, 0, 100}));
  ASSERT_EQ(s.lcp.peer_mru(), 100);
  ASSERT_TRUE(s.lcp.send_echo_request(Buffer(500, 0xee)));
  s.take();
  ASSERT_EQ(s.sent.size(), 1u);
  EXPECT_EQ(s.sent[0].data.size() + 4, 100u);
  s.sent.clear();
  Buffer big(300, 0x55);
  std::fill_n(big.begin(), 4, 0);
  s.feed(Code::EchoReq, 8, big);
  ASSERT_EQ(s.sent.size(), 1u);
  EXPECT_EQ(s.sent[0].data.size() + 4, 100u);
}

TEST(LcpEcho, P048_DiscardRequestIsSilentlyDiscarded) {
  Side s;
  s.open_with();
  s.feed(Code::DiscardReq, 3, opts({0x11, 0x22, 0x33, 0x44, 1, 2}));
  EXPECT_TRUE(s.sent.empty());
  EXPECT_TRUE(s.lcp.automaton().opened());
  EXPECT_EQ(s.lcp.echo_counters().discards_received, 1u);
}

TEST(LcpEcho, CodeRejectedEchoIsReportedNotFatal) {
  Side s;
  s.open_with();
  s.feed(Code::CodeRej, 4, opts({9, 1, 0, 8, 0, 0, 0, 0}));
  EXPECT_TRUE(s.lcp.automaton().opened());
  auto n = s.notices();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<LcpEchoRejected>(n[0]));
}

TEST(LcpProtocolReject, P042_ReceivedProtocolRejectIsReported) {
  Side s;
  s.open_with();
  s.feed(Code::ProtoRej, 4, opts({0x80, 0x57, 1, 1, 0, 4}));
  auto n = s.notices();
  ASSERT_EQ(n.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<LcpProtocolReject>(n[0]));
  EXPECT_EQ(std::get<LcpProtocolReject>(n[0]).protocol, proto::kIpv6cp);
  EXPECT_EQ(std::get<LcpProtocolReject>(n[0]).data, opts({1, 1, 0, 4}));
  EXPECT_TRUE(s.lcp.automaton().opened());
}

TEST(LcpProtocolReject, ProtocolRejectOfLcpItselfStopsLcp) {
  Side s;
  s.open_with();
  s.feed(Code::ProtoRej, 4, opts({0xc0, 0x21, 1, 1, 0, 4}));
  EXPECT_EQ(s.lcp.automaton().state(), State::Stopping);
  EXPECT_EQ(s.lcp.automaton().stop_info().why, Stop::ProtocolRejected);
}

TEST(LcpProtocolReject, P043_OutsideOpenedIgnored) {
  Side s;
  s.start();
  s.sent.clear();
  s.feed(Code::ProtoRej, 4, opts({0x80, 0x21}));
  EXPECT_TRUE(s.notices().empty());
  EXPECT_TRUE(s.sent.empty());
}

TEST(LcpProtocolReject, P041_SentWithNewIdTruncatedToPeerMru) {
  Side s;
  s.open_with(opts({1, 4, 0, 64}));
  EXPECT_FALSE(Side().lcp.send_protocol_reject(0x8029, {}));
  Buffer info(200, 0x42);
  ASSERT_TRUE(s.lcp.send_protocol_reject(0x8029, info));
  ASSERT_TRUE(s.lcp.send_protocol_reject(0x8029, info));
  s.take();
  ASSERT_EQ(s.sent.size(), 2u);
  EXPECT_EQ(s.sent[0].code, Code::ProtoRej);
  EXPECT_NE(s.sent[0].id, s.sent[1].id);
  EXPECT_EQ(s.sent[0].data.size() + 4, 64u);
  EXPECT_EQ(s.sent[0].data[0], 0x80);
  EXPECT_EQ(s.sent[0].data[1], 0x29);
}

TEST(LcpCodes, P039_UnknownLcpCodeIsCodeRejected) {
  Side s;
  s.open_with();
  s.feed(static_cast<Code>(0x20), 0x31, opts({1, 2, 3}));
  ASSERT_EQ(s.sent.size(), 1u);
  EXPECT_EQ(s.sent[0].code, Code::CodeRej);
  EXPECT_EQ(s.sent[0].data, opts({0x20, 0x31, 0, 7, 1, 2, 3}));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
