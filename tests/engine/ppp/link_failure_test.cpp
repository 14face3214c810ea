// When PPP does not come up, LinkDown::reason says which side waited for what, with the RFC
// clause: a silent peer, a peer that never sends its own Configure-Request, a request that is
// never acknowledged, a Challenge or Authenticate-Request that never comes, an NCP that stalls.
#include <gtest/gtest.h>

#include "engine/ppp/link.hpp"
#include "tests/engine/ppp/link_pair.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using testing::client_config;
using testing::frame_is;
using testing::Pair;
using testing::server_config;

constexpr std::uint8_t kConfReq = 1;
constexpr std::uint8_t kConfAck = 2;
constexpr std::uint8_t kChallenge = 1;    // CHAP
constexpr std::uint8_t kAuthRequest = 1;  // PAP
constexpr std::uint8_t kAuthAck = 2;      // PAP

::testing::AssertionResult has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\"\n  lacks \"" << part << "\"";
}

const LinkDown& down_of(const std::vector<LinkEvent>& events) {
  const auto* d = Pair::find<LinkDown>(events);
  if (d == nullptr) throw std::runtime_error("no LinkDown");
  return *d;
}

TEST(LinkFailureTest, P021_SilentPeerSentNothingAtAll) {
  Pair p(client_config({auth::Method::Pap}), server_config({auth::Method::Pap}));
  p.drop_server_to_client = true;
  p.drop_client_to_server = true;
  p.client->start(p.now);
  p.run(120s);
  const auto& d = down_of(p.client_events);
  EXPECT_EQ(d.phase, Phase::Establish);
  EXPECT_EQ(d.reason,
            "LCP: the peer sent nothing: no answer to our Configure-Request and no Configure-Request of "
            "its own (we sent 10 Configure-Requests, 3 s apart, then gave up; RFC 1661 5.1: each end sends "
            "a Configure-Request and answers the other's; 4.6: Max-Configure 10)");
}

// The server's own Configure-Requests are lost on the way: the client sees its request
// acknowledged but never one of the peer's. Each Ack restarts the count (RFC 1661 irc), so
// without a bound on the wait for the peer's request this would go on for ever.
TEST(LinkFailureTest, P025_PeerNeverSendsItsOwnConfigureRequest) {
  auto server = server_config({auth::Method::Pap});
  server.fsm.max_configure = 20;  // the client gives up first
  Pair p(client_config({auth::Method::Pap}), server);
  p.drop = [](bool to_server, Bytes f) { return !to_server && frame_is(f, proto::kLcp, kConfReq); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& c = down_of(p.client_events);
  EXPECT_EQ(c.phase, Phase::Establish);
  EXPECT_EQ(
      c.reason,
      "LCP: the peer never sent its own Configure-Request; it acknowledged ours (we sent 10 "
      "Configure-Requests, 3 s apart, then gave up; RFC 1661 5.1: each end sends a Configure-Request and "
      "answers the other's; 4.6: Max-Configure 10)");
  EXPECT_EQ(c.cause.code, 5);  // LCP FSM timeout: the peer did answer
}

// The same loss seen from the server: its request goes unanswered, the client's it acknowledged.
TEST(LinkFailureTest, P027_OurConfigureRequestNeverAnsweredThoughWeAcknowledgedThePeers) {
  auto client = client_config({auth::Method::Pap});
  client.fsm.max_configure = 20;  // the server gives up first
  Pair p(client, server_config({auth::Method::Pap}));
  p.drop = [](bool to_server, Bytes f) { return !to_server && frame_is(f, proto::kLcp, kConfReq); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& s = down_of(p.server_events);
  EXPECT_EQ(
      s.reason,
      "LCP: our Configure-Request was never acknowledged (no Ack, Nak or Reject came back); we acknowledged "
      "the peer's (we sent 10 Configure-Requests, 3 s apart, then gave up; RFC 1661 5.1: each end sends a "
      "Configure-Request and answers the other's; 4.6: Max-Configure 10)");
  EXPECT_EQ(s.cause.code, 5);
}

// The server's Configure-Acks are lost: its own requests arrive and are acknowledged.
TEST(LinkFailureTest, P027_AcknowledgementsLostOnTheWay) {
  auto server = server_config({auth::Method::Pap});
  server.fsm.max_configure = 20;  // the client gives up first
  Pair p(client_config({auth::Method::Pap}), server);
  p.drop = [](bool to_server, Bytes f) { return !to_server && frame_is(f, proto::kLcp, kConfAck); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& c = down_of(p.client_events);
  EXPECT_TRUE(has(c.reason,
                  "LCP: our Configure-Request was never acknowledged (no Ack, Nak or Reject came back); "
                  "we acknowledged the peer's"));
}

TEST(LinkFailureTest, P072_ClientNeverGetsAChapChallenge) {
  auto server = server_config({auth::Method::ChapMd5});
  server.auth.max_attempts = 20;  // the client gives up first
  Pair p(client_config({auth::Method::ChapMd5}), server);
  p.drop = [](bool to_server, Bytes f) { return !to_server && frame_is(f, proto::kChap, kChallenge); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& c = down_of(p.client_events);
  EXPECT_EQ(c.phase, Phase::Authenticate);
  EXPECT_EQ(c.reason,
            "authentication: the peer never sent a CHAP Challenge (it asked for CHAP in LCP; we waited 30 s; "
            "RFC 1994 4.1: the authenticator sends a Challenge once the link is established)");
  EXPECT_EQ(c.cause.code, 13);  // authentication timeout
}

TEST(LinkFailureTest, P073_ServerChallengeNeverAnswered) {
  auto client = client_config({auth::Method::MsChapV2});
  client.auth.max_attempts = 20;  // the server gives up first
  Pair p(client, server_config({auth::Method::MsChapV2}));
  p.drop = [](bool to_server, Bytes f) { return !to_server && frame_is(f, proto::kChap, kChallenge); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& s = down_of(p.server_events);
  EXPECT_EQ(s.phase, Phase::Authenticate);
  EXPECT_EQ(s.reason,
            "authentication: the peer never answered our MS-CHAPv2 Challenge (we sent 10, 3 s apart; "
            "RFC 1994 4.1: a Challenge is answered with a Response)");
}

TEST(LinkFailureTest, P066_PapRequestNeverAnswered) {
  Pair p(client_config({auth::Method::Pap}), server_config({auth::Method::Pap}));
  p.drop = [](bool to_server, Bytes f) { return !to_server && frame_is(f, proto::kPap, kAuthAck); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& c = down_of(p.client_events);
  EXPECT_EQ(c.phase, Phase::Authenticate);
  EXPECT_TRUE(has(c.reason,
                  "authentication: our PAP Authenticate-Request was never answered (we sent 10, "
                  "3 s apart; RFC 1334 2.2.1"));
}

TEST(LinkFailureTest, P065_ServerNeverGetsAPapRequest) {
  auto client = client_config({auth::Method::Pap});
  client.auth.max_attempts = 20;  // the server gives up first
  Pair p(client, server_config({auth::Method::Pap}));
  p.drop = [](bool to_server, Bytes f) { return to_server && frame_is(f, proto::kPap, kAuthRequest); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& s = down_of(p.server_events);
  EXPECT_TRUE(has(s.reason,
                  "authentication: the peer never sent a PAP Authenticate-Request (we asked "
                  "for PAP in LCP and waited 30 s; RFC 1334 2.2.1"));
}

TEST(LinkFailureTest, IpcpPeerNeverSendsItsOwnConfigureRequest) {
  auto server = server_config({auth::Method::Pap});
  server.fsm.max_configure = 20;  // the client gives up first
  Pair p(client_config({auth::Method::Pap}), server);
  p.drop = [](bool to_server, Bytes f) { return !to_server && frame_is(f, proto::kIpcp, kConfReq); };
  p.client->start(p.now);
  p.server->start(p.now);
  p.run(120s);
  const auto& c = down_of(p.client_events);
  EXPECT_EQ(c.phase, Phase::Network);
  EXPECT_TRUE(has(c.reason, "IPCP: the peer never sent its own Configure-Request; it acknowledged ours"));
  EXPECT_TRUE(has(c.reason, "RFC 1332 2, RFC 1661 5.1"));
  EXPECT_EQ(c.cause.code, 17);  // NCP timeout
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
