// IPv6CP Interface-Identifier negotiation, RFC 5072 4.1 rule by rule (P100-P107), and pairs
// that start with colliding identifiers and end with distinct ones.
#include "engine/ppp/ipv6cp.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/cp_pair.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using testing::CpPair;

constexpr std::uint64_t kU = 0x0200000000000000ULL;  // the u bit

Buffer iid(std::uint64_t v) {
  Buffer b;
  write_option_u64(b, ipv6cp_option::kInterfaceId, v);
  return b;
}

std::uint64_t value_of(const Buffer& option) {
  EXPECT_EQ(option.size(), 10u);
  std::uint64_t v = 0;
  Reader r(Bytes(option).subspan(2));
  EXPECT_TRUE(r.u64(v));
  return v;
}

Buffer request_of(Ipv6cp& p) {
  Buffer b;
  p.build_request(b);
  return b;
}

struct Judged {
  Code code;
  Buffer reply;
};
Judged judge(Ipv6cp& p, const Buffer& options) {
  Judged j;
  j.code = p.judge_request(options, j.reply, false);
  return j;
}

TEST(Ipv6cp, P100_RequestCarriesOneRandomNonZeroIdentifierWithUBitClear) {
  for (std::uint64_t seed = 1; seed < 20; ++seed) {
    SeededRng rng(seed);
    Ipv6cp p({}, rng);
    const Buffer req = request_of(p);
    const std::uint64_t v = value_of(req);
    EXPECT_NE(v, 0u);
    EXPECT_EQ(v & kU, 0u);
    EXPECT_EQ(v, p.local_id());
  }
}

TEST(Ipv6cp, P101_ZeroIdentifierIsNakedWithAUsableOne) {
  SeededRng rng(1);
  Ipv6cp p({}, rng);
  const auto j = judge(p, iid(0));
  ASSERT_EQ(j.code, Code::ConfNak);
  const std::uint64_t s = value_of(j.reply);
  EXPECT_NE(s, 0u);
  EXPECT_NE(s, p.local_id());
  EXPECT_EQ(s & kU, 0u);
}

TEST(Ipv6cp, P102_DifferentNonZeroIdentifierIsAcked) {
  SeededRng rng(1);
  Ipv6cp p({}, rng);
  EXPECT_EQ(judge(p, iid(0x1122334455667788ULL)).code, Code::ConfAck);
  EXPECT_EQ(p.peer_id(), 0x1122334455667788ULL);
}

TEST(Ipv6cp, P103_OurOwnIdentifierIsNakedWithADifferentOne) {
  SeededRng rng(1);
  Ipv6cp p({}, rng);
  const auto j = judge(p, iid(p.local_id()));
  ASSERT_EQ(j.code, Code::ConfNak);
  const std::uint64_t s = value_of(j.reply);
  EXPECT_NE(s, p.local_id());
  EXPECT_NE(s, 0u);
  EXPECT_EQ(s & kU, 0u);
}

TEST(Ipv6cp, P104_BothZeroIsRejectedWithZero) {
  SeededRng rng(1);
  Ipv6cp p({.interface_id = 0}, rng);
  const auto j = judge(p, iid(0));
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, iid(0));
}

TEST(Ipv6cp, P105_RejectedIdentifierIsNotRequestedAgain) {
  SeededRng rng(1);
  Ipv6cp p({}, rng);
  ASSERT_TRUE(p.handle_reject(request_of(p)));
  EXPECT_TRUE(request_of(p).empty());
}

TEST(Ipv6cp, P106_NakedSuggestionIsUsedUnlessItIsOurOwnNak) {
  SeededRng rng(1);
  Ipv6cp p({}, rng);
  ASSERT_TRUE(p.handle_nak(iid(0x0000000000abcdefULL)));
  EXPECT_EQ(value_of(request_of(p)), 0x0000000000abcdefULL);
  // We Nak the peer's zero with X; the peer Naks us with X: choose a new one, not X.
  const auto j = judge(p, iid(0));
  const std::uint64_t x = value_of(j.reply);
  ASSERT_TRUE(p.handle_nak(j.reply));
  const std::uint64_t now = value_of(request_of(p));
  EXPECT_NE(now, x);
  EXPECT_NE(now, 0x0000000000abcdefULL);
  EXPECT_NE(now, 0u);
}

TEST(Ipv6cp, P107_MissingIdentifierIsSolicitedAtMostOnce) {
  SeededRng rng(1);
  Ipv6cp p({}, rng);
  auto j = judge(p, {});
  ASSERT_EQ(j.code, Code::ConfNak);
  EXPECT_NE(value_of(j.reply), p.local_id());
  j = judge(p, {});
  EXPECT_EQ(j.code, Code::ConfAck);
  EXPECT_EQ(p.peer_id(), 0u);
}

TEST(Ipv6cp, CompressionAndUnknownOptionsAreRejected) {
  SeededRng rng(1);
  Ipv6cp p({}, rng);
  Buffer offer = iid(0x42);
  const Buffer rest = {2, 4, 0x00, 0x4f, 0x99, 2};
  offer.insert(offer.end(), rest.begin(), rest.end());
  const auto j = judge(p, offer);
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, rest);
}

TEST(Ipv6cpPairs, CollidingIdentifiersEndUpDistinct) {
  // Both ends configured with the same identifier (P103 on both ends); their random
  // suggestions differ, so each takes the other's and they diverge.
  SeededRng r1(5), r2(6);
  Ipv6cp a({.interface_id = 0x42}, r1), b({.interface_id = 0x42}, r2);
  CpPair pair(a.automaton(), b.automaton());
  pair.start();
  ASSERT_TRUE(pair.drive_until_opened());
  EXPECT_NE(a.local_id(), b.local_id());  // P100
  EXPECT_EQ(a.peer_id(), b.local_id());
  EXPECT_EQ(b.peer_id(), a.local_id());
}

TEST(Ipv6cpPairs, EndsThatNeverDivergeStopInsteadOfLooping) {
  // The same seed on both sides: every "random" choice is the same at both ends, the
  // situation RFC 5072 4.1 says cannot go on for long with real randomness. It must end.
  SeededRng r1(5), r2(5);
  Ipv6cp a({}, r1), b({}, r2);
  ASSERT_EQ(a.local_id(), b.local_id());
  CpPair pair(a.automaton(), b.automaton());
  pair.start();
  pair.drive();
  EXPECT_FALSE(a.automaton().opened());
  EXPECT_EQ(a.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(a.automaton().stop_info().detail.find("Interface-Identifier"), std::string::npos)
      << a.automaton().stop_info().detail;
}

TEST(Ipv6cpPairs, ZeroIdentifierGetsOneFromThePeer) {
  SeededRng r1(1), r2(2);
  Ipv6cp a({.interface_id = 0}, r1), b({}, r2);
  CpPair pair(a.automaton(), b.automaton());
  pair.start();
  ASSERT_TRUE(pair.drive_until_opened());
  EXPECT_NE(a.local_id(), 0u);
  EXPECT_NE(a.local_id(), b.local_id());
  EXPECT_EQ(b.peer_id(), a.local_id());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
