// IPCP (RFC 1332, RFC 1877): each option both ways (P092-P096) and client/server pairs that
// agree, or stop with a reason that names the address at fault.
#include "engine/ppp/ipcp.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/cp_pair.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using testing::CpPair;

net::IpAddress ip(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return net::IpAddress::v4(a, b, c, d);
}

Buffer request_of(Ipcp& p) {
  Buffer b;
  p.build_request(b);
  return b;
}

struct Judged {
  Code code;
  Buffer reply;
};
Judged judge(Ipcp& p, const Buffer& options, bool reject_instead_of_nak = false) {
  Judged j;
  j.code = p.judge_request(options, j.reply, reject_instead_of_nak);
  return j;
}

IpcpConfig server_config() {
  IpcpConfig s;
  s.local = ip(10, 0, 0, 1);
  s.peer = ip(10, 0, 0, 2);
  s.dns1 = ip(8, 8, 8, 8);
  s.dns2 = ip(1, 1, 1, 1);
  return s;
}

TEST(IpcpRequest, P092_ClientAsksForAnAddressWithZero) {
  IpcpConfig c;
  c.request_dns = true;
  Ipcp p(c);
  EXPECT_EQ(request_of(p), (Buffer{3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0}));
}

TEST(IpcpRequest, P095_ServerSendsItsAddressAndNeverIpAddresses) {
  Ipcp p(server_config());
  EXPECT_EQ(request_of(p), (Buffer{3, 6, 10, 0, 0, 1}));
}

TEST(IpcpJudge, P092_P094_ServerNaksAnythingButTheAddressItGives) {
  Ipcp p(server_config());
  auto j = judge(p, {3, 6, 0, 0, 0, 0});
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, (Buffer{3, 6, 10, 0, 0, 2}));
  j = judge(p, {3, 6, 192, 168, 1, 7});
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, (Buffer{3, 6, 10, 0, 0, 2})) << "never the refused address";
  j = judge(p, {3, 4, 10, 0});  // bad length: Nak with the right one (P049)
  EXPECT_EQ(j.reply, (Buffer{3, 6, 10, 0, 0, 2}));
  j = judge(p, {3, 6, 10, 0, 0, 2});
  EXPECT_EQ(j.code, Code::ConfAck);
  EXPECT_EQ(p.peer_address(), ip(10, 0, 0, 2));
}

TEST(IpcpJudge, P093_MissingAddressIsSolicitedOnce) {
  Ipcp p(server_config());
  auto j = judge(p, {});
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, (Buffer{3, 6, 10, 0, 0, 2}));
  j = judge(p, {});
  EXPECT_EQ(j.code, Code::ConfAck) << "not Nak'd in again";
  EXPECT_EQ(p.peer_address(), ip(10, 0, 0, 2));
}

TEST(IpcpJudge, ServerWithoutAPoolAcceptsTheClientsAddressAndRejectsZero) {
  IpcpConfig s;
  s.local = ip(10, 0, 0, 1);
  Ipcp p(s);
  EXPECT_EQ(judge(p, {3, 6, 0, 0, 0, 0}).code, Code::ConfRej);
  EXPECT_EQ(judge(p, {3, 6, 172, 16, 0, 9}).code, Code::ConfAck);
  EXPECT_EQ(p.peer_address(), ip(172, 16, 0, 9));
}

TEST(IpcpJudge, P096_DnsGivenByNakOrRejectedWhenWeHaveNone) {
  Ipcp p(server_config());
  auto j = judge(p, {3, 6, 10, 0, 0, 2, 129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0});
  EXPECT_EQ(j.code, Code::ConfNak);
  EXPECT_EQ(j.reply, (Buffer{129, 6, 8, 8, 8, 8, 131, 6, 1, 1, 1, 1}));
  j = judge(p, {3, 6, 10, 0, 0, 2, 129, 6, 8, 8, 8, 8, 131, 6, 1, 1, 1, 1});
  EXPECT_EQ(j.code, Code::ConfAck);
  EXPECT_EQ(p.dns1(), ip(8, 8, 8, 8));
  EXPECT_EQ(p.dns2(), ip(1, 1, 1, 1));

  IpcpConfig nodns = server_config();
  nodns.dns1.reset();
  nodns.dns2.reset();
  Ipcp q(nodns);
  j = judge(q, {3, 6, 10, 0, 0, 2, 129, 6, 0, 0, 0, 0});
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, (Buffer{129, 6, 0, 0, 0, 0}));
}

TEST(IpcpJudge, P095_IpAddressesVjAndNbnsAreRejected) {
  Ipcp p(server_config());
  const Buffer offer = {1, 10, 10, 0, 0, 9, 10, 0, 0, 1, 2, 6, 0, 0x2d, 0x0f, 0x01, 130, 6, 0, 0, 0, 0};
  auto j = judge(p, offer);
  EXPECT_EQ(j.code, Code::ConfRej);
  EXPECT_EQ(j.reply, offer);
}

TEST(IpcpNak, ClientTakesTheAddressAndDnsItIsGiven) {
  IpcpConfig c;
  c.request_dns = true;
  Ipcp p(c);
  ASSERT_TRUE(p.handle_nak(Buffer{3, 6, 10, 0, 0, 2, 129, 6, 8, 8, 8, 8}));
  EXPECT_EQ(request_of(p), (Buffer{3, 6, 10, 0, 0, 2, 129, 6, 8, 8, 8, 8, 131, 6, 0, 0, 0, 0}));
  ASSERT_TRUE(p.handle_nak(Buffer{3, 6, 0, 0, 0, 0}));  // a useless suggestion changes nothing
  EXPECT_EQ(request_of(p)[2], 10);
  EXPECT_FALSE(p.take_failure());
}

TEST(IpcpNak, FixedLocalAddressNakedAwayIsAFailureNamingBoth) {
  IpcpConfig c;
  c.local = ip(10, 0, 0, 9);
  Ipcp p(c);
  ASSERT_TRUE(p.handle_nak(Buffer{3, 6, 10, 0, 0, 2}));
  const auto f = p.take_failure();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->why, Stop::NegotiationFailed);
  EXPECT_EQ(f->detail,
            "IPCP: peer Naks our IP-Address 10.0.0.9 proposing 10.0.0.2; the local address is fixed");
}

TEST(IpcpReject, RejectedAddressWithoutOneOfOurOwnFails) {
  Ipcp p(IpcpConfig{});
  ASSERT_TRUE(p.handle_reject(Buffer{3, 6, 0, 0, 0, 0}));
  const auto f = p.take_failure();
  ASSERT_TRUE(f);
  EXPECT_NE(f->detail.find("no address of our own"), std::string::npos);
}

TEST(IpcpReject, RejectedOptionsAreNotRequestedAgain) {
  IpcpConfig c;
  c.local = ip(10, 0, 0, 9);
  c.request_dns = true;
  Ipcp p(c);
  ASSERT_TRUE(p.handle_reject(Buffer{3, 6, 10, 0, 0, 9, 131, 6, 0, 0, 0, 0}));
  EXPECT_FALSE(p.take_failure());
  EXPECT_EQ(request_of(p), (Buffer{129, 6, 0, 0, 0, 0}));
  ASSERT_TRUE(p.handle_ack(request_of(p)));
  EXPECT_EQ(p.local_address(), ip(10, 0, 0, 9));
}

struct IpcpPair {
  IpcpPair(const IpcpConfig& client, const IpcpConfig& server)
      : c(client), s(server), pair(c.automaton(), s.automaton()) {}
  Ipcp c, s;
  CpPair pair;
};

TEST(IpcpPairs, ClientGetsAddressAndDnsFromServer) {
  IpcpConfig client;
  client.request_dns = true;
  IpcpPair p(client, server_config());
  p.pair.start();
  ASSERT_TRUE(p.pair.drive_until_opened());
  EXPECT_EQ(p.c.local_address(), ip(10, 0, 0, 2));
  EXPECT_EQ(p.c.peer_address(), ip(10, 0, 0, 1));
  EXPECT_EQ(p.c.dns1(), ip(8, 8, 8, 8));
  EXPECT_EQ(p.c.dns2(), ip(1, 1, 1, 1));
  EXPECT_EQ(p.s.local_address(), ip(10, 0, 0, 1));
  EXPECT_EQ(p.s.peer_address(), ip(10, 0, 0, 2));
  EXPECT_EQ(p.s.dns1(), ip(8, 8, 8, 8));
}

TEST(IpcpPairs, ClientWithFixedAddressTheServerRefusesStopsWithReason) {
  IpcpConfig client;
  client.local = ip(10, 0, 0, 9);
  IpcpPair p(client, server_config());
  p.pair.start();
  p.pair.drive();
  EXPECT_FALSE(p.c.automaton().opened());
  EXPECT_EQ(p.c.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(p.c.automaton().stop_info().detail.find("10.0.0.9"), std::string::npos);
}

TEST(IpcpPairs, NobodyHasAnAddressForTheClient) {
  IpcpConfig server;
  server.local = ip(10, 0, 0, 1);
  IpcpPair p(IpcpConfig{}, server);
  p.pair.start();
  p.pair.drive();
  EXPECT_EQ(p.c.automaton().stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(p.c.automaton().stop_info().detail.find("IP-Address"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
