// Two ppp::Links, client and server, wired back to back with a fake clock: every
// authentication method both ways, refusals, address assignment, keepalive loss, traffic.
#include "engine/ppp/link.hpp"

#include <gtest/gtest.h>

#include "engine/ip/probe.hpp"
#include "engine/ppp/frame.hpp"
#include "tests/engine/ppp/link_pair.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using testing::client_config;
using testing::frame_is;
using testing::Pair;
using testing::server_config;
using testing::v4;

class LinkAuthTest : public ::testing::TestWithParam<auth::Method> {};

TEST_P(LinkAuthTest, ComesUpWithAddressesAndDns) {
  Pair p(client_config({GetParam()}), server_config({GetParam()}));
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(5s);
  const auto* up = Pair::find<LinkUp>(p.client_events);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->method, GetParam());
  EXPECT_EQ(up->local_ip, v4(10, 0, 0, 50));
  EXPECT_EQ(up->peer_ip, v4(10, 0, 0, 1));
  EXPECT_EQ(up->dns1, v4(10, 0, 0, 53));
  const auto* sup = Pair::find<LinkUp>(p.server_events);
  ASSERT_NE(sup, nullptr);
  EXPECT_EQ(sup->user, "alice");
  EXPECT_EQ(sup->peer_ip, v4(10, 0, 0, 50));
  EXPECT_TRUE(p.client->is_up());
}

TEST_P(LinkAuthTest, WrongPasswordFailsBothSidesWithRfc3145Cause) {
  Pair p(client_config({GetParam()}, "wrong"), server_config({GetParam()}));
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(30s);
  const auto* cdown = Pair::find<LinkDown>(p.client_events);
  const auto* sdown = Pair::find<LinkDown>(p.server_events);
  ASSERT_NE(cdown, nullptr);
  ASSERT_NE(sdown, nullptr);
  EXPECT_TRUE(sdown->auth_failed);
  EXPECT_EQ(sdown->phase, Phase::Authenticate);
  EXPECT_EQ(sdown->cause.code, 16);      // authentication failed
  EXPECT_EQ(sdown->cause.direction, 1);  // of the peer's identity by us
  EXPECT_TRUE(cdown->auth_failed);
  EXPECT_EQ(cdown->phase, Phase::Authenticate);
  EXPECT_EQ(Pair::find<LinkUp>(p.client_events), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Methods, LinkAuthTest,
                         ::testing::Values(auth::Method::Pap, auth::Method::ChapMd5, auth::Method::MsChapV1,
                                           auth::Method::MsChapV2),
                         [](const auto& info) { return std::string(auth::to_string(info.param)); });

// A peer whose Success (or Authenticate-Ack) was lost repeats its Response after our side is
// up; the server must answer it alike (RFC 1994 4.1, RFC 1334 2.2.1): the authenticator's reply
// is kept once the link is up (the authenticator itself and the client are freed).
TEST(LinkTest, ServerAnswersARepeatedResponseAfterTheLinkIsUp) {
  for (const auth::Method m : {auth::Method::Pap, auth::Method::ChapMd5, auth::Method::MsChapV2}) {
    const std::uint16_t protocol = m == auth::Method::Pap ? proto::kPap : proto::kChap;
    const std::uint8_t response = m == auth::Method::Pap ? 1 : 2;  // Authenticate-Request, Response
    const std::uint8_t success = m == auth::Method::Pap ? 2 : 3;   // Authenticate-Ack, Success
    Pair p(client_config({m}), server_config({m}));
    Buffer last_response;
    int successes = 0;
    p.drop = [&](bool to_server, Bytes f) {
      if (to_server && frame_is(f, protocol, response)) last_response.assign(f.begin(), f.end());
      if (!to_server && frame_is(f, protocol, success)) ++successes;
      return false;
    };
    p.client->start(p.now);
    p.server->start(p.now);
    p.run(5s);
    ASSERT_TRUE(p.server->is_up()) << to_string(m);
    ASSERT_FALSE(last_response.empty());
    ASSERT_EQ(successes, 1);
    p.server->handle_frame(last_response, p.now);
    p.pump();
    EXPECT_EQ(successes, 2) << to_string(m) << ": the repeat got no answer";
    EXPECT_TRUE(p.server->is_up());
    // A CHAP Response with another Identifier answers no Challenge of ours: discarded. A PAP
    // request is answered whatever its Identifier (P066).
    const auto discarded = p.server->stats().discarded;
    auto other = last_response;
    const auto parsed = parse_frame(other);
    ASSERT_TRUE(parsed);
    other[static_cast<std::size_t>(parsed->payload.data() - other.data()) + 1] ^= 0x55;  // the Identifier
    p.server->handle_frame(other, p.now);
    p.pump();
    if (m == auth::Method::Pap) {
      EXPECT_EQ(successes, 3);
    } else {
      EXPECT_EQ(successes, 2) << to_string(m);
      EXPECT_EQ(p.server->stats().discarded, discarded + 1) << to_string(m);
    }
  }
}

TEST(LinkTest, ServerPreferenceIsNegotiatedDownToWhatTheClientAllows) {
  Pair p(client_config({auth::Method::Pap}),
         server_config({auth::Method::MsChapV2, auth::Method::ChapMd5, auth::Method::Pap}));
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(5s);
  const auto* up = Pair::find<LinkUp>(p.server_events);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->method, auth::Method::Pap);
}

TEST(LinkTest, NoCommonMethodEndsInLcpWithAuthCause) {
  Pair p(client_config({auth::Method::Pap}), server_config({auth::Method::MsChapV2}));
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(60s);
  const auto* sdown = Pair::find<LinkDown>(p.server_events);
  ASSERT_NE(sdown, nullptr);
  EXPECT_EQ(Pair::find<LinkUp>(p.server_events), nullptr);
}

TEST(LinkTest, NoAuthenticationStillAsksTheDriverForAddresses) {
  Pair p(client_config({}), server_config({}));
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(5s);
  const auto* need = Pair::find<NeedVerdict>(p.server_events);
  ASSERT_NE(need, nullptr);
  EXPECT_FALSE(need->credentials);
  ASSERT_NE(Pair::find<LinkUp>(p.client_events), nullptr);
  EXPECT_EQ(Pair::find<LinkUp>(p.client_events)->method, std::nullopt);
}

TEST(LinkTest, KeepaliveLossEndsServerLinkAfterFiveEchoesOneSecondApart) {
  auto s = server_config({auth::Method::Pap});
  s.keepalive.idle = 10s;  // RouterOS: keepalive-timeout, then one echo a second, five of them
  auto c = client_config({auth::Method::Pap});
  c.keepalive.enabled = false;
  Pair p(c, s);
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(2s);
  ASSERT_TRUE(p.server->is_up());
  const Time silent_from = p.now;
  p.drop_client_to_server = true;  // the client goes silent
  p.run(30s);
  const auto* down = Pair::find<LinkDown>(p.server_events);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->cause.code, 8);  // LCP Echo Request timeout
  EXPECT_EQ(down->cause.protocol, 0xc021);
  EXPECT_EQ(p.server->stats().echo_sent, 5u);
  (void)silent_from;
}

TEST(LinkTest, EchoRepliesKeepTheLinkUp) {
  auto s = server_config({auth::Method::Pap});
  s.keepalive.idle = 2s;
  auto c = client_config({auth::Method::Pap});
  c.keepalive.enabled = false;
  Pair p(c, s);
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(60s);
  EXPECT_EQ(Pair::find<LinkDown>(p.server_events), nullptr);
  EXPECT_GT(p.server->stats().echo_sent, 10u);
  EXPECT_EQ(p.server->stats().echo_replies, p.server->stats().echo_sent);
}

TEST(LinkTest, IpPacketsFlowOnceIpcpIsOpenAndPingsAreAnswered) {
  Pair p(client_config({auth::Method::ChapMd5}), server_config({auth::Method::ChapMd5}));
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(5s);
  ASSERT_TRUE(p.client->is_up());
  ip::Probe probe(ip::ProbeConfig{}, 0x0a000032, 0x0a000001, 1, p.now);
  Buffer pkt;
  ASSERT_TRUE(probe.poll_send(p.now, pkt));
  ASSERT_TRUE(p.client->send_ip(pkt));
  p.pump();
  const auto* in = Pair::find<IpPacket>(p.server_events);
  ASSERT_NE(in, nullptr);
  Buffer reply;
  ASSERT_TRUE(ip::answer_echo(in->packet, 0x0a000001, 7, reply));
  ASSERT_TRUE(p.server->send_ip(reply));
  p.pump();
  const auto* back = Pair::find<IpPacket>(p.client_events);
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(probe.handle_packet(back->packet, p.now));
  EXPECT_EQ(probe.stats().received, 1u);
}

TEST(LinkTest, UnknownProtocolGetsProtocolRejectOnlyWhenLcpIsOpen) {
  Pair p(client_config({}), server_config({}));
  Buffer f;
  const Buffer ccp_req = {1, 1, 0, 4};
  write_frame(f, proto::kCcp, ccp_req);
  p.server->start(p.now);
  p.server->handle_frame(f, p.now);  // P003: before LCP is opened, discarded
  EXPECT_EQ(p.server->stats().protocol_rejects_sent, 0u);
  p.client->start(p.now);
  p.run(5s);
  ASSERT_TRUE(p.server->is_up());
  p.server->handle_frame(f, p.now);  // P012: CCP is not supported
  EXPECT_EQ(p.server->stats().protocol_rejects_sent, 1u);
}

TEST(LinkTest, SilentPeerEndsInLcpTimeoutNeverHangs) {
  Pair p(client_config({auth::Method::Pap}), server_config({auth::Method::Pap}));
  p.drop_server_to_client = true;
  p.drop_client_to_server = true;
  p.client->start(p.now);
  p.run(120s);
  const auto* down = Pair::find<LinkDown>(p.client_events);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->phase, Phase::Establish);
  EXPECT_EQ(down->cause.code, 6);  // no recognizable LCP packets were received
}

TEST(LinkTest, AdministrativeCloseSendsTerminateThenReportsDown) {
  Pair p(client_config({auth::Method::Pap}), server_config({auth::Method::Pap}));
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(5s);
  ASSERT_TRUE(p.client->is_up());
  p.client->close(p.now, "user hung up");
  p.run(10s);
  const auto* cdown = Pair::find<LinkDown>(p.client_events);
  ASSERT_NE(cdown, nullptr);
  EXPECT_EQ(cdown->cause.code, 3);
  EXPECT_EQ(cdown->cause.direction, 2);
  const auto* sdown = Pair::find<LinkDown>(p.server_events);
  ASSERT_NE(sdown, nullptr);
  EXPECT_EQ(sdown->cause.code, 3);
  EXPECT_EQ(sdown->cause.direction, 1);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
