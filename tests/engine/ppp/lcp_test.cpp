// LCP: our Configure-Request (P006, P025, P026, P051, P053), the judgement of the peer's
// options one by one (P029, P031, P032, P035, P049, P054, P056, P059, P116), what we do with
// Naks and Rejects (P034, P036, P051, P055, P057), and two Lcps negotiating, agreeing or
// failing with a clear reason. Echo, Discard and Protocol-Reject are in lcp_echo_test.cpp.
#include "engine/ppp/lcp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "engine/ppp/options.hpp"
#include "tests/engine/ppp/cp_pair.hpp"
#include "tests/engine/ppp/lcp_side.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using lcp_testing::opts;
using lcp_testing::Side;
using lcp_testing::u32_of;
using testing::CpPair;

std::optional<Option> find_option(Bytes options, std::uint8_t type) {
  auto all = parse_options(options);
  EXPECT_TRUE(all.has_value());
  if (!all) return std::nullopt;
  for (const auto& o : *all)
    if (o.type == type) return o;
  return std::nullopt;
}

Buffer request_of(Lcp& lcp) {
  Buffer b;
  lcp.build_request(b);
  return b;
}

// The reply to a Configure-Request with `options`, as the policy judges it.
struct Judged {
  Code code;
  Buffer reply;
};
Judged judge(Lcp& lcp, const Buffer& options, bool reject_instead_of_nak = false) {
  Judged j;
  j.code = lcp.judge_request(options, j.reply, reject_instead_of_nak);
  return j;
}

// ---------------------------------------------------------------- our request

TEST(LcpRequest, P026_P053_DefaultsAskOnlyForANonZeroMagicNumber) {
  SeededRng rng(7);
  Lcp lcp(LcpConfig{}, rng);
  const Buffer req = request_of(lcp);
  auto all = parse_options(req);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 1u) << "MRU 1500 and the rest are defaults (P026)";
  EXPECT_EQ((*all)[0].type, lcp_option::kMagicNumber);
  EXPECT_NE(u32_of((*all)[0].value), 0u);
}

TEST(LcpRequest, P053_MagicNumbersDifferAcrossSessions) {
  SeededRng r1(1), r2(2);
  Lcp a(LcpConfig{}, r1), b(LcpConfig{}, r2);
  EXPECT_NE(request_of(a), request_of(b));
}

TEST(LcpRequest, P025_AsksForEverythingConfigured) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.mru = 1400;
  cfg.accm = 0;
  cfg.pfc = cfg.acfc = true;
  cfg.mrru = 1600;
  cfg.short_seq = true;
  cfg.endpoint_discriminator = Buffer{1, 'a', 'b'};
  cfg.require_auth = {kAuthChapMd5, kAuthPap};
  Lcp lcp(cfg, rng);
  const Buffer req = request_of(lcp);
  EXPECT_EQ(find_option(req, lcp_option::kMru)->value.size(), 2u);
  EXPECT_EQ(find_option(req, lcp_option::kMru)->raw[3], 0x78);  // 1400 = 0x0578
  EXPECT_TRUE(find_option(req, lcp_option::kAccm));
  EXPECT_TRUE(find_option(req, lcp_option::kPfc));
  EXPECT_TRUE(find_option(req, lcp_option::kAcfc));
  EXPECT_TRUE(find_option(req, lcp_option::kMrru));
  EXPECT_TRUE(find_option(req, lcp_option::kShortSequence));
  EXPECT_EQ(Buffer(find_option(req, lcp_option::kEndpointDiscriminator)->value.begin(),
                   find_option(req, lcp_option::kEndpointDiscriminator)->value.end()),
            (Buffer{1, 'a', 'b'}));
  // P006, P051: one Authentication-Protocol option, the first preference: C223 05.
  const auto auth = find_option(req, lcp_option::kAuthProtocol);
  ASSERT_TRUE(auth);
  EXPECT_EQ(Buffer(auth->raw.begin(), auth->raw.end()), (Buffer{3, 5, 0xc2, 0x23, 5}));
  const auto all = parse_options(req);
  EXPECT_EQ(std::count_if(all->begin(), all->end(), [](const Option& o) { return o.type == 3; }), 1);
}

TEST(LcpRequest, P064_PapIsRequestedWithoutData) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.require_auth = {kAuthPap};
  cfg.magic = false;
  Lcp lcp(cfg, rng);
  EXPECT_EQ(request_of(lcp), (Buffer{3, 4, 0xc0, 0x23}));
}

// ---------------------------------------------------------------- judging the peer's request

TEST(LcpJudge, P029_AcceptableRequestIsAckedByteForByte) {
  Side s;
  s.start();
  const Buffer peer = opts({1, 4, 0x05, 0x78, 5, 6, 0xde, 0xad, 0xbe, 0xef, 7, 2, 8, 2});
  s.feed(Code::ConfReq, 0x21, peer);
  ASSERT_EQ(s.sent.back().code, Code::ConfAck);
  EXPECT_EQ(s.sent.back().id, 0x21);
  EXPECT_EQ(s.sent.back().data, peer);
  EXPECT_EQ(s.lcp.peer_mru(), 1400);
  EXPECT_EQ(s.lcp.peer_magic(), 0xdeadbeefu);
  EXPECT_EQ(s.lcp.peer_receives(), (FrameFormat{true, true}));
}

TEST(LcpJudge, P031_MruBelowMinimumIsNakedWithTheMinimum) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.min_mru = 576;
  Lcp lcp(cfg, rng);
  const auto j = judge(lcp, opts({1, 4, 0, 64, 5, 6, 1, 2, 3, 4}));
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, opts({1, 4, 0x02, 0x40})) << "only the MRU, with 576";
}

TEST(LcpJudge, P049_OptionWithBadLengthIsNakedWithTheRightLength) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const auto j = judge(lcp, opts({1, 3, 0x05}));
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, opts({1, 4, 0x05, 0xdc}));
  const auto m = judge(lcp, opts({5, 4, 1, 2}));
  ASSERT_EQ(m.code, Code::ConfNak);
  ASSERT_EQ(m.reply.size(), 6u);
  EXPECT_NE(u32_of(Bytes(m.reply).subspan(2)), 0u);
}

TEST(LcpJudge, P059_MagicZeroIsNakedWithNonZero) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const auto j = judge(lcp, opts({5, 6, 0, 0, 0, 0}));
  ASSERT_EQ(j.code, Code::ConfNak);
  EXPECT_NE(u32_of(Bytes(j.reply).subspan(2)), 0u);
}

TEST(LcpJudge, P054_OwnMagicNumberIsNakedWithADifferentOne) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const Buffer own = request_of(lcp);  // our Magic-Number option
  const auto j = judge(lcp, own);
  ASSERT_EQ(j.code, Code::ConfNak);
  ASSERT_EQ(j.reply.size(), 6u);
  EXPECT_NE(j.reply, own);
  EXPECT_NE(u32_of(Bytes(j.reply).subspan(2)), 0u);
}

TEST(LcpJudge, P056_MagicNumberIsNeverRejectedWhileWeSendOurs) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const auto j = judge(lcp, opts({5, 6, 0, 0, 0, 0}), /*reject_instead_of_nak=*/true);
  EXPECT_EQ(j.code, Code::ConfNak);
  LcpConfig no_magic;
  no_magic.magic = false;
  Lcp quiet(no_magic, rng);
  EXPECT_EQ(judge(quiet, opts({5, 6, 0, 0, 0, 0}), true).code, Code::ConfRej) << "P022 may reject it then";
}

TEST(LcpJudge, P032_BooleanWithDataIsRejectedNotNaked) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const auto j = judge(lcp, opts({1, 4, 0x05, 0xdc, 7, 3, 0, 8, 2}));
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, opts({7, 3, 0}));
}

TEST(LcpJudge, P035_UnknownOptionRejectedAloneAndUnmodified) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const auto j = judge(lcp, opts({1, 4, 0x05, 0xdc, 0xfe, 4, 0xaa, 0xbb, 4, 8, 0xc0, 0x25, 0, 0, 0, 0}));
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, opts({0xfe, 4, 0xaa, 0xbb, 4, 8, 0xc0, 0x25, 0, 0, 0, 0}))
      << "unknown and Quality-Protocol";
}

TEST(LcpJudge, RejectWinsOverNak) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const auto j = judge(lcp, opts({1, 4, 0, 10, 0xfe, 2}));
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, opts({0xfe, 2}));
}

TEST(LcpJudge, DuplicateOptionIsRejected) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.accept_auth = {kAuthPap};
  Lcp lcp(cfg, rng);
  const auto j = judge(lcp, opts({3, 4, 0xc0, 0x23, 3, 5, 0xc2, 0x23, 5}));
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, opts({3, 5, 0xc2, 0x23, 5})) << "P051: only one Authentication-Protocol";
}

TEST(LcpJudge, P052_ClientAcksAnAuthProtocolItAccepts) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.accept_auth = {kAuthMsChapV2, kAuthChapMd5};
  Lcp lcp(cfg, rng);
  EXPECT_EQ(judge(lcp, opts({3, 5, 0xc2, 0x23, 5})).code, Code::ConfAck);
  EXPECT_EQ(lcp.peer_requires(), kAuthChapMd5);
}

TEST(LcpJudge, ClientNaksOtherAuthWithItsFirstPreference) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.accept_auth = {kAuthMsChapV2, kAuthPap};
  Lcp lcp(cfg, rng);
  auto j = judge(lcp, opts({3, 5, 0xc2, 0x23, 5}));  // CHAP-MD5: not allowed
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, opts({3, 5, 0xc2, 0x23, 0x81}));
  j = judge(lcp, opts({3, 4, 0xc2, 0x27}));  // EAP
  EXPECT_EQ(j.reply, opts({3, 5, 0xc2, 0x23, 0x81}));
  j = judge(lcp, opts({3, 6, 0xc0, 0x23, 1, 2}));  // PAP with stray data
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_FALSE(lcp.peer_requires());
}

TEST(LcpJudge, ClientThatAuthenticatesWithNothingRejectsAuth) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  const auto j = judge(lcp, opts({3, 4, 0xc0, 0x23}));
  EXPECT_EQ(j.code, Code::ConfRej);
}

TEST(LcpJudge, MultilinkOptionsRejectedWithoutMultilink) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  // l2tpns offers MRRU and an Endpoint-Discriminator.
  const Buffer offer = opts({17, 4, 0x05, 0xdc, 18, 2, 19, 9, 3, 0, 0x11, 0x22, 0x33, 0x44, 0x55});
  const auto j = judge(lcp, offer);
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, offer);
}

TEST(LcpJudge, MultilinkOptionsAcceptedWhenAllowed) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.accept_mrru = true;
  Lcp lcp(cfg, rng);
  const Buffer offer = opts({17, 4, 0x06, 0x40, 18, 2, 19, 3, 0});
  EXPECT_EQ(judge(lcp, offer).code, Code::ConfAck);
  EXPECT_EQ(lcp.peer_mrru(), 1600);
  EXPECT_TRUE(lcp.short_seq());
  EXPECT_EQ(lcp.peer_endpoint(), Buffer{0});
}

TEST(LcpJudge, P116_EndpointDiscriminatorIsNeverNaked) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.mrru = 1600;
  Lcp lcp(cfg, rng);
  const auto j = judge(lcp, opts({19, 2}));  // no Class octet: malformed
  EXPECT_EQ(j.code, Code::ConfRej);
}

TEST(LcpJudge, LoopedBackAfterRepeatedOwnMagic) {
  Side s;
  s.start();
  // Our own Configure-Request comes back, again and again (a looped line).
  for (int i = 0; i < 4; ++i) {
    s.feed(Code::ConfReq, s.request->id, s.request->data);
    ASSERT_EQ(s.sent.back().code, Code::ConfNak) << i;
    const Buffer nak = s.sent.back().data;
    s.feed(Code::ConfNak, s.request->id, nak);  // our Nak looped back too: new magic (P055)
  }
  EXPECT_NE(s.lcp.automaton().state(), State::Closing);
  s.feed(Code::ConfReq, s.request->id, s.request->data);
  EXPECT_EQ(s.lcp.automaton().state(), State::Closing);
  EXPECT_EQ(s.lcp.automaton().stop_info().why, Stop::LoopedBack);
  EXPECT_NE(s.lcp.automaton().stop_info().detail.find("looped back"), std::string::npos);
}

// ---------------------------------------------------------------- Naks and Rejects of ours

TEST(LcpNak, P034_NakedMruIsAdoptedWithANewIdentifier) {
  LcpConfig cfg;
  cfg.mru = 1400;
  Side s(cfg);
  s.start();
  const std::uint8_t first = s.request->id;
  s.feed(Code::ConfNak, first, opts({1, 4, 0x05, 0x00}));
  EXPECT_NE(s.request->id, first) << "P028";
  EXPECT_EQ(find_option(s.request->data, lcp_option::kMru)->raw[2], 0x05);
  EXPECT_EQ(find_option(s.request->data, lcp_option::kMru)->raw[3], 0x00);
  s.feed(Code::ConfAck, s.request->id, s.request->data);
  s.feed(Code::ConfReq, 9, {});
  EXPECT_EQ(s.lcp.our_mru(), 1280);
}

TEST(LcpNak, NakedMruBelowOurMinimumIsNotTaken) {
  LcpConfig cfg;
  cfg.mru = 1400;
  cfg.min_mru = 1000;
  Side s(cfg);
  s.start();
  s.feed(Code::ConfNak, s.request->id, opts({1, 4, 0, 100}));
  const auto mru = find_option(s.request->data, lcp_option::kMru);
  ASSERT_TRUE(mru);
  EXPECT_EQ((mru->value[0] << 8) | mru->value[1], 1000);
}

TEST(LcpNak, P051_ServerTriesTheNextAuthProtocolAfterANak) {
  LcpConfig cfg;
  cfg.require_auth = {kAuthMsChapV2, kAuthChapMd5, kAuthPap};
  Side s(cfg);
  s.start();
  s.feed(Code::ConfNak, s.request->id, opts({3, 4, 0xc0, 0x23}));  // peer proposes PAP
  EXPECT_EQ(Buffer(find_option(s.request->data, 3)->raw.begin(), find_option(s.request->data, 3)->raw.end()),
            opts({3, 4, 0xc0, 0x23}));
  // PAP Nak'd in turn, proposing something we never allow: the one untried preference left.
  s.feed(Code::ConfNak, s.request->id, opts({3, 4, 0xc2, 0x27}));
  EXPECT_EQ(Buffer(find_option(s.request->data, 3)->raw.begin(), find_option(s.request->data, 3)->raw.end()),
            opts({3, 5, 0xc2, 0x23, 5}));
  EXPECT_EQ(s.lcp.automaton().state(), State::ReqSent);
  s.feed(Code::ConfNak, s.request->id, opts({3, 4, 0xc2, 0x27}));
  EXPECT_EQ(s.lcp.automaton().state(), State::Closing);
  EXPECT_EQ(s.lcp.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_EQ(
      s.lcp.automaton().stop_info().detail,
      "LCP: peer will not authenticate with MS-CHAPv2, CHAP-MD5, PAP (it proposes an unknown protocol)");
}

TEST(LcpNak, RejectedAuthenticationFailsTheServer) {
  LcpConfig cfg;
  cfg.require_auth = {kAuthChapMd5};
  Side s(cfg);
  s.start();
  s.feed(Code::ConfRej, s.request->id, find_option(s.request->data, 3)->raw);
  EXPECT_EQ(s.lcp.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(s.lcp.automaton().stop_info().detail.find("CHAP-MD5"), std::string::npos);
}

TEST(LcpNak, P055_MagicNakedBackWithOurOwnNakValueMeansANewNumber) {
  Side s;
  s.start();
  const std::uint32_t first = u32_of(find_option(s.request->data, 5)->value);
  // The peer's request collides with ours: we Nak it with a suggestion X...
  s.feed(Code::ConfReq, 0x50, s.request->data);
  const Buffer our_nak = s.sent.back().data;
  // ...and the peer Naks us with that same X: a new number, neither X nor the old one.
  s.feed(Code::ConfNak, s.request->id, our_nak);
  const std::uint32_t now = u32_of(find_option(s.request->data, 5)->value);
  EXPECT_NE(now, first);
  EXPECT_NE(now, u32_of(Bytes(our_nak).subspan(2)));
  EXPECT_NE(now, 0u);
  // A Nak with some other number: RFC 1661 6.4 says it is unique; we take it.
  s.feed(Code::ConfNak, s.request->id, opts({5, 6, 0x0a, 0x0b, 0x0c, 0x0d}));
  EXPECT_EQ(u32_of(find_option(s.request->data, 5)->value), 0x0a0b0c0du);
}

TEST(LcpNak, P036_P057_RejectedOptionsAreDroppedAndMagicRejectStillOpens) {
  LcpConfig cfg;
  cfg.mru = 1400;
  cfg.pfc = true;
  Side s(cfg);
  s.start();
  const Buffer rejected = opts({5, 6, 0, 0, 0, 0});
  Buffer magic(find_option(s.request->data, 5)->raw.begin(), find_option(s.request->data, 5)->raw.end());
  Buffer rej = magic;
  rej.insert(rej.end(), {7, 2});
  s.feed(Code::ConfRej, s.request->id, rej);
  EXPECT_FALSE(find_option(s.request->data, lcp_option::kMagicNumber));
  EXPECT_FALSE(find_option(s.request->data, lcp_option::kPfc));
  EXPECT_TRUE(find_option(s.request->data, lcp_option::kMru));
  s.feed(Code::ConfAck, s.request->id, s.request->data);
  s.feed(Code::ConfReq, 3, {});
  EXPECT_TRUE(s.lcp.automaton().opened());
  EXPECT_EQ(s.lcp.our_magic(), 0u);
  // P047: Echo-Requests then carry 0.
  ASSERT_TRUE(s.lcp.send_echo_request());
  s.take();
  EXPECT_EQ(s.sent.back().code, Code::EchoReq);
  EXPECT_EQ(u32_of(s.sent.back().data), 0u);
  (void)rejected;
}

TEST(LcpNak, P116_NakedEndpointDiscriminatorIsDropped) {
  LcpConfig cfg;
  cfg.mrru = 1600;
  cfg.endpoint_discriminator = Buffer{1, 'x'};
  Side s(cfg);
  s.start();
  s.feed(Code::ConfNak, s.request->id, opts({19, 3, 0}));
  EXPECT_FALSE(find_option(s.request->data, lcp_option::kEndpointDiscriminator));
  EXPECT_TRUE(find_option(s.request->data, lcp_option::kMrru));
}

// ---------------------------------------------------------------- two Lcps

struct LcpPair {
  LcpPair(const LcpConfig& client, const LcpConfig& server, AutomatonConfig acfg = {})
      : rc(11), rs(22), c(client, rc, acfg), s(server, rs, acfg), pair(c.automaton(), s.automaton()) {}
  SeededRng rc, rs;
  Lcp c, s;
  CpPair pair;
};

TEST(LcpPairs, ClientAndServerOpenWithChap) {
  LcpConfig client, server;
  client.accept_auth = {kAuthMsChapV2, kAuthChapMd5, kAuthPap};
  client.mru = 1400;
  client.pfc = client.acfc = true;
  server.require_auth = {kAuthChapMd5};
  server.max_mtu = 1300;
  LcpPair p(client, server);
  p.pair.start();
  ASSERT_TRUE(p.pair.drive_until_opened());
  EXPECT_EQ(p.c.peer_requires(), kAuthChapMd5);
  EXPECT_EQ(p.s.we_require(), kAuthChapMd5);
  EXPECT_EQ(p.s.peer_mru(), 1400);
  EXPECT_EQ(p.c.our_mru(), 1400);
  EXPECT_EQ(p.s.mtu(), 1300);
  EXPECT_EQ(p.c.mtu(), 1500);
  EXPECT_EQ(p.s.peer_receives(), (FrameFormat{true, true}));
  EXPECT_EQ(p.c.we_receive(), (FrameFormat{true, true}));
  EXPECT_EQ(p.c.peer_receives(), FrameFormat{});
  EXPECT_EQ(p.c.our_magic(), p.s.peer_magic());
  EXPECT_EQ(p.s.our_magic(), p.c.peer_magic());
  EXPECT_NE(p.c.our_magic(), p.s.our_magic());
  EXPECT_LE(p.pair.packets, 4u) << "two requests, two acks";
}

TEST(LcpPairs, ServerFallsBackToWhatTheClientOffers) {
  LcpConfig client, server;
  client.accept_auth = {kAuthPap};
  server.require_auth = {kAuthMsChapV2, kAuthChapMd5, kAuthPap};
  LcpPair p(client, server);
  p.pair.start();
  ASSERT_TRUE(p.pair.drive_until_opened());
  EXPECT_EQ(p.s.we_require(), kAuthPap);
  EXPECT_EQ(p.c.peer_requires(), kAuthPap);
}

TEST(LcpPairs, NoCommonAuthenticationStopsWithAClearReasonAndNeverHangs) {
  LcpConfig client, server;
  client.accept_auth = {kAuthPap};
  server.require_auth = {kAuthMsChapV2};
  LcpPair p(client, server);
  p.pair.start();
  p.pair.drive();
  EXPECT_FALSE(p.s.automaton().opened());
  EXPECT_EQ(p.s.automaton().state(), State::Closed);
  EXPECT_EQ(p.s.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_EQ(p.s.automaton().stop_info().detail,
            "LCP: peer will not authenticate with MS-CHAPv2 (it proposes PAP)");
  EXPECT_NE(p.c.automaton().state(), State::Opened);
}

TEST(LcpPairs, ClientRefusingAuthenticationStopsTheServer) {
  LcpConfig client, server;  // client authenticates with nothing
  server.require_auth = {kAuthChapMd5};
  LcpPair p(client, server);
  p.pair.start();
  p.pair.drive();
  EXPECT_EQ(p.s.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(p.s.automaton().stop_info().detail.find("Configure-Rejects Authentication-Protocol"),
            std::string::npos);
}

TEST(LcpPairs, MultilinkOnlyWhenBothWant) {
  LcpConfig client, server;
  client.mrru = 1600;
  client.endpoint_discriminator = Buffer{1, 'c'};
  LcpPair p(client, server);
  p.pair.start();
  ASSERT_TRUE(p.pair.drive_until_opened());
  EXPECT_FALSE(p.c.our_mrru()) << "server without multilink rejected MRRU";
  EXPECT_FALSE(p.s.peer_mrru());

  LcpConfig mp = client;
  mp.endpoint_discriminator = Buffer{1, 's'};
  LcpPair q(client, mp);
  q.pair.start();
  ASSERT_TRUE(q.pair.drive_until_opened());
  EXPECT_EQ(q.c.our_mrru(), 1600);
  EXPECT_EQ(q.s.peer_mrru(), 1600);
  EXPECT_EQ(q.s.peer_endpoint(), (Buffer{1, 'c'}));
  EXPECT_EQ(q.c.peer_endpoint(), (Buffer{1, 's'}));
}

TEST(LcpPairs, NakLoopPeerEndsInNegotiationFailed) {
  // A peer that Naks our MRU with a different value every time never lets us settle.
  LcpConfig cfg;
  cfg.mru = 1400;
  Side s(cfg);
  s.start();
  int naks = 0;
  for (; naks < 50 && s.lcp.automaton().state() == State::ReqSent; ++naks) {
    const std::uint8_t v = static_cast<std::uint8_t>(naks % 2);
    s.feed(Code::ConfNak, s.request->id, opts({1, 4, 0x05, v}));
  }
  EXPECT_EQ(naks, 6);
  EXPECT_EQ(s.lcp.automaton().state(), State::Closing);
  EXPECT_EQ(s.lcp.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(s.lcp.automaton().stop_info().detail.find("MRU"), std::string::npos);
}

TEST(LcpPairs, LostPacketsAreRetransmitted) {
  LcpConfig cfg;
  LcpPair p(cfg, cfg);
  int dropped = 0;
  p.pair.filter = [&](char, Buffer&) { return ++dropped > 2; };  // both first requests go missing
  p.pair.start();
  ASSERT_TRUE(p.pair.drive_until_opened());
  EXPECT_EQ(p.pair.now, Time{} + 3s);
}

TEST(LcpPairs, SilentPeerEndsInConfigureTimeout) {
  LcpConfig cfg;
  LcpPair p(cfg, cfg);
  p.pair.filter = [](char from, Buffer&) { return from == 'b'; };  // a's requests never arrive
  p.pair.start();
  p.pair.drive();
  EXPECT_EQ(p.c.automaton().state(), State::Stopped);
  EXPECT_EQ(p.c.automaton().stop_info().why, Stop::ConfigureTimeout);
  EXPECT_EQ(p.c.automaton().counters().conf_req_sent, 10u);
  EXPECT_EQ(p.pair.now, Time{} + 30s);
}

TEST(Lcp, AuthNames) {
  EXPECT_EQ(to_string(kAuthPap), "PAP");
  EXPECT_EQ(to_string(kAuthChapMd5), "CHAP-MD5");
  EXPECT_EQ(to_string(kAuthMsChapV1), "MS-CHAPv1");
  EXPECT_EQ(to_string(kAuthMsChapV2), "MS-CHAPv2");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
