// A per-link answer policy (answer_policy.hpp) ahead of LCP's, IPCP's and IPv6CP's own
// judgement: a rejected type is rejected, a Nak'd one Nak'd with the policy's value until the
// peer asks for it, the Magic-Number we send never rejected (P056); IPCP's own request without
// IP-Address, or going on without one once it is rejected.
#include "engine/ppp/answer_policy.hpp"

#include <gtest/gtest.h>

#include "engine/ppp/ipcp.hpp"
#include "engine/ppp/ipv6cp.hpp"
#include "engine/ppp/lcp.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

struct Judged {
  Code code;
  Buffer reply;
};

template <typename P>
Judged judge(P& p, const Buffer& options) {
  Judged j;
  j.code = p.judge_request(options, j.reply, false);
  return j;
}

std::shared_ptr<const AnswerPolicy> policy(std::initializer_list<OptionAnswer> answers) {
  auto p = std::make_shared<AnswerPolicy>();
  for (const OptionAnswer& a : answers) p->set(a.type, a.answer, a.value);
  return p;
}

TEST(AnswerPolicy, LcpRejectsAndNaksAsTold) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.answers =
      policy({{lcp_option::kMru, Answer::Nak, {0x05, 0xdc}}, {lcp_option::kPfc, Answer::Reject, {}}});
  Lcp lcp(cfg, rng);
  // MRU 1400 (our own rules would Ack it) is Nak'd with 1500; PFC (always acked) is rejected.
  auto j = judge(lcp, {1, 4, 0x05, 0x78, 7, 2});
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, (Buffer{7, 2}));
  j = judge(lcp, {1, 4, 0x05, 0x78});
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, (Buffer{1, 4, 0x05, 0xdc}));
  // The peer takes the suggestion: acknowledged.
  j = judge(lcp, {1, 4, 0x05, 0xdc});
  EXPECT_EQ(j.code, Code::ConfAck);
}

TEST(AnswerPolicy, WithoutAPolicyTheSameRequestsAreAcked) {
  SeededRng rng(1);
  Lcp lcp(LcpConfig{}, rng);
  EXPECT_EQ(judge(lcp, {1, 4, 0x05, 0x78, 7, 2}).code, Code::ConfAck);
}

TEST(AnswerPolicy, P056_OurMagicNumberSentNeverRejectsThePeers) {
  SeededRng rng(1);
  LcpConfig cfg;
  cfg.answers =
      policy({{lcp_option::kMagicNumber, Answer::Reject, {}}, {lcp_option::kAcfc, Answer::Ack, {}}});
  Lcp lcp(cfg, rng);
  Buffer ours;
  lcp.build_request(ours);  // we ask for a Magic-Number
  EXPECT_EQ(judge(lcp, {5, 6, 1, 2, 3, 4, 8, 2}).code, Code::ConfAck);
  cfg.magic = false;
  Lcp quiet(cfg, rng);
  Buffer none;
  quiet.build_request(none);
  const auto j = judge(quiet, {5, 6, 1, 2, 3, 4, 8, 2});
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, (Buffer{5, 6, 1, 2, 3, 4}));
}

TEST(AnswerPolicy, IpcpAndIpv6cpRejectAsTold) {
  IpcpConfig c;
  c.answers = policy({{ipcp_option::kIpAddress, Answer::Reject, {}}});
  Ipcp ipcp(c);
  auto j = judge(ipcp, {3, 6, 10, 0, 0, 1});
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, (Buffer{3, 6, 10, 0, 0, 1}));
  SeededRng rng(2);
  Ipv6cpConfig v6;
  v6.answers = policy({{ipv6cp_option::kInterfaceId, Answer::Reject, {}}});
  Ipv6cp ipv6cp(v6, rng);
  EXPECT_EQ(judge(ipv6cp, {1, 10, 1, 2, 3, 4, 5, 6, 7, 8}).code, Code::ConfRej);
}

TEST(AnswerPolicy, IpcpRequestWithoutAddressOrGoingOnWithoutOne) {
  IpcpConfig none;
  none.request_address = false;
  Ipcp quiet(none);
  Buffer b;
  quiet.build_request(b);
  EXPECT_TRUE(b.empty());
  // Asks for 0.0.0.0 (to be given one); a Reject leaves it without one instead of failing.
  IpcpConfig optional;
  optional.address_optional = true;
  Ipcp asks(optional);
  Buffer req;
  asks.build_request(req);
  EXPECT_EQ(req, (Buffer{3, 6, 0, 0, 0, 0}));
  EXPECT_TRUE(asks.handle_reject(req));
  EXPECT_FALSE(asks.take_failure().has_value());
  Buffer again;
  asks.build_request(again);
  EXPECT_TRUE(again.empty());
  // Without address_optional the same Reject ends the negotiation (no address of ours).
  Ipcp strict(IpcpConfig{});
  Buffer r2;
  strict.build_request(r2);
  strict.handle_reject(r2);
  EXPECT_TRUE(strict.take_failure().has_value());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
