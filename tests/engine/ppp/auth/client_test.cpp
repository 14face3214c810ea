// The authenticating peer: PAP requests and their repeats, CHAP/MS-CHAP Responses, the
// MS-CHAPv2 check of the authenticator, and the timeouts that end every wait.
#include "engine/ppp/auth/client.hpp"

#include <gtest/gtest.h>

#include "engine/ppp/auth/packet.hpp"
#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::at_seconds;
using test::from_hex;
using test::ScriptedRng;

AuthConfig fast_config() {
  AuthConfig cfg;
  cfg.restart = std::chrono::seconds(1);
  cfg.max_attempts = 3;
  return cfg;
}

std::vector<Buffer> drain(Client& c) {
  std::vector<Buffer> out;
  Buffer p;
  while (c.poll_transmit(p)) out.push_back(p);
  return out;
}

Buffer pap_reply(PapCode code, std::uint8_t id, std::string_view msg) {
  Buffer b;
  write_pap_reply(b, code, id, msg);
  return b;
}

Buffer challenge(std::uint8_t id, const Buffer& value, std::string_view name = "lns") {
  Buffer b;
  write_chap_value(b, ChapCode::Challenge, id, value, name);
  return b;
}

Buffer status(ChapCode code, std::uint8_t id, std::string_view msg) {
  Buffer b;
  write_chap_status(b, code, id, msg);
  return b;
}

ChapValueView response_of(const Buffer& packet, std::uint8_t expected_id) {
  const auto p = parse_packet(packet);
  EXPECT_TRUE(p);
  EXPECT_EQ(p->code, static_cast<std::uint8_t>(ChapCode::Response));
  EXPECT_EQ(p->id, expected_id);
  const auto v = parse_chap_value(p->data);
  EXPECT_TRUE(v);
  return *v;
}

const Buffer kMd5Challenge = from_hex("000102030405060708090a0b0c0d0e0f");
const Buffer kRfc2759AuthChallenge = from_hex("5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28");
const Buffer kRfc2759PeerChallenge = from_hex("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E");
constexpr std::string_view kRfc2759Success = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=welcome";

// --- PAP -----------------------------------------------------------------------------------

TEST(AuthClientPap, P065_SendsRequestOnStart) {
  ScriptedRng rng;
  rng.queue_u64(0x37);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  EXPECT_EQ(c.protocol(), 0xc023);
  EXPECT_TRUE(drain(c).empty());  // nothing before start
  c.start(at_seconds(0));
  const auto out = drain(c);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(to_hex(out[0]), "0137000b03626f62027077");
  EXPECT_EQ(c.poll_timeout(), at_seconds(1));
  EXPECT_EQ(c.outcome(), Outcome::Pending);
}

TEST(AuthClientPap, P065_P067_RepeatsWithNewIdentifier) {
  ScriptedRng rng;
  rng.queue_u64(0xff);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  c.start(at_seconds(0));
  drain(c);
  c.handle_timeout(at_seconds(0.5));  // early: nothing
  EXPECT_TRUE(drain(c).empty());
  c.handle_timeout(at_seconds(1));
  auto out = drain(c);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(parse_packet(out[0])->id, 0x00);  // 0xff + 1, wrapped
  EXPECT_EQ(c.poll_timeout(), at_seconds(2));
  EXPECT_EQ(c.transmissions(), 2u);
}

TEST(AuthClientPap, P010_GivesUpAfterMaxAttempts) {
  SeededRng rng(1);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  c.start(at_seconds(0));
  for (int t = 1; t <= 2; ++t) c.handle_timeout(at_seconds(t));
  EXPECT_EQ(drain(c).size(), 3u);
  EXPECT_EQ(c.outcome(), Outcome::Pending);
  c.handle_timeout(at_seconds(3));
  EXPECT_TRUE(drain(c).empty());
  EXPECT_EQ(c.outcome(), Outcome::Failure);
  EXPECT_EQ(c.message(), "no response to PAP request after 3 attempts");
  EXPECT_EQ(c.poll_timeout(), std::nullopt);
}

TEST(AuthClientPap, P069_AckWithOddMessageStillSucceeds) {
  ScriptedRng rng;
  rng.queue_u64(5);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(pap_reply(PapCode::AuthenticateAck, 5, "Authentication failed, just kidding"),
                  at_seconds(0.1));
  EXPECT_EQ(c.outcome(), Outcome::Success);
  EXPECT_EQ(c.message(), "Authentication failed, just kidding");
  EXPECT_EQ(c.poll_timeout(), std::nullopt);
}

TEST(AuthClientPap, P067_AckForAnEarlierCopyCounts) {
  ScriptedRng rng;
  rng.queue_u64(10);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_timeout(at_seconds(1));  // request id 11
  c.handle_packet(pap_reply(PapCode::AuthenticateAck, 10, ""), at_seconds(1.2));
  EXPECT_EQ(c.outcome(), Outcome::Success);
}

TEST(AuthClientPap, P067_ReplyWithForeignIdentifierIsDiscarded) {
  ScriptedRng rng;
  rng.queue_u64(10);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(pap_reply(PapCode::AuthenticateAck, 11, ""), at_seconds(0.1));
  EXPECT_EQ(c.outcome(), Outcome::Pending);
  EXPECT_EQ(c.discarded(), 1u);
}

TEST(AuthClientPap, P068_NakFailsWithItsMessage) {
  ScriptedRng rng;
  rng.queue_u64(1);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(pap_reply(PapCode::AuthenticateNak, 1, "bad password"), at_seconds(0.1));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
  EXPECT_EQ(c.message(), "Authenticate-Nak: bad password");
  EXPECT_EQ(c.peer_message(), "bad password");
  // A later Ack does not undo it.
  c.handle_packet(pap_reply(PapCode::AuthenticateAck, 1, ""), at_seconds(0.2));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
}

TEST(AuthClientPap, PacketsBeforeStartAndMalformedAreDiscarded) {
  ScriptedRng rng;
  rng.queue_u64(1);
  Client c(Method::Pap, "bob", "pw", rng, fast_config());
  c.handle_packet(pap_reply(PapCode::AuthenticateAck, 1, ""), at_seconds(0));
  c.start(at_seconds(0));
  c.handle_packet(from_hex("0201"), at_seconds(0.1));
  c.handle_packet(from_hex("02010009"), at_seconds(0.1));
  c.handle_packet(from_hex("0101000400"), at_seconds(0.1));  // a request, not a reply
  EXPECT_EQ(c.discarded(), 4u);
  EXPECT_EQ(c.outcome(), Outcome::Pending);
}

TEST(AuthClientPap, OverlongUserFailsAtStart) {
  SeededRng rng(1);
  Client c(Method::Pap, std::string(256, 'u'), "pw", rng, fast_config());
  c.start(at_seconds(0));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
  EXPECT_TRUE(drain(c).empty());
  EXPECT_EQ(c.poll_timeout(), std::nullopt);
}

// --- CHAP-MD5 --------------------------------------------------------------------------------

TEST(AuthClientChap, P073_ResponseCopiesIdentifierAndHashes) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  EXPECT_EQ(c.protocol(), 0xc223);
  c.start(at_seconds(0));
  EXPECT_TRUE(drain(c).empty());
  c.handle_packet(challenge(0x2a, kMd5Challenge), at_seconds(0.1));
  const auto out = drain(c);
  ASSERT_EQ(out.size(), 1u);
  const ChapValueView v = response_of(out[0], 0x2a);
  // MD5(0x2a || "secret" || 00..0f), from Python hashlib.
  EXPECT_EQ(to_hex(v.value), "03dc98c5a832692b49df73cf48fcb4e9");
  EXPECT_EQ(as_string_view(v.name), "bob");
}

TEST(AuthClientChap, RepeatedChallengeGetsTheSameResponseNewOneANewResponse) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(1, kMd5Challenge), at_seconds(0.1));
  c.handle_packet(challenge(1, kMd5Challenge), at_seconds(1.1));
  c.handle_packet(challenge(2, from_hex("0a0b0c")), at_seconds(2.1));
  const auto out = drain(c);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], out[1]);
  EXPECT_EQ(response_of(out[2], 2).value.size(), 16u);
  // A Success must carry the Identifier of a Challenge we answered: not 7. Either answered one
  // counts, since reordering can make the older our last (seen in DriverSim under 20% reorder).
  c.handle_packet(status(ChapCode::Success, 7, ""), at_seconds(2.2));
  EXPECT_EQ(c.outcome(), Outcome::Pending);
  c.handle_packet(status(ChapCode::Success, 1, "hello"), at_seconds(2.3));
  EXPECT_EQ(c.outcome(), Outcome::Success);
  EXPECT_EQ(c.message(), "hello");
}

TEST(AuthClientChap, NoChallengeTimesOut) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  c.start(at_seconds(0));
  EXPECT_EQ(c.poll_timeout(), at_seconds(3));
  c.handle_timeout(at_seconds(2.9));
  EXPECT_EQ(c.outcome(), Outcome::Pending);
  c.handle_timeout(at_seconds(3));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
  EXPECT_EQ(c.message(), "no Challenge from the peer");
}

// Without a verdict the Response goes again every restart (1 s here), max_attempts (3) in all,
// and the client gives up one restart after the last.
TEST(AuthClientChap, NoVerdictRepeatsTheResponseThenTimesOut) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(1, kMd5Challenge), at_seconds(2));
  Buffer first, again;
  ASSERT_TRUE(c.poll_transmit(first));
  EXPECT_EQ(c.poll_timeout(), at_seconds(3));
  for (int i = 3; i <= 4; ++i) {
    c.handle_timeout(at_seconds(i));
    EXPECT_EQ(c.outcome(), Outcome::Pending);
    ASSERT_TRUE(c.poll_transmit(again));
    EXPECT_EQ(again, first);  // the same Identifier and Value
    EXPECT_EQ(c.poll_timeout(), at_seconds(i + 1));
  }
  EXPECT_EQ(c.transmissions(), 3u);
  c.handle_timeout(at_seconds(5));
  EXPECT_FALSE(c.poll_transmit(again));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
  EXPECT_EQ(c.message(), "no Success or Failure from the peer after our Response");
}

// --no-response-repeat: one Response per Challenge, then the whole wait (restart * max_attempts).
TEST(AuthClientChap, WithoutRepeatsOneResponseAndTheWholeWait) {
  SeededRng rng(1);
  AuthConfig cfg = fast_config();
  cfg.repeat_response = false;
  Client c(Method::ChapMd5, "bob", "secret", rng, cfg);
  c.start(at_seconds(0));
  c.handle_packet(challenge(1, kMd5Challenge), at_seconds(2));
  Buffer out;
  ASSERT_TRUE(c.poll_transmit(out));
  EXPECT_EQ(c.poll_timeout(), at_seconds(5));  // 2 + 1 s x 3
  c.handle_timeout(at_seconds(4));
  EXPECT_FALSE(c.poll_transmit(out));
  EXPECT_EQ(c.outcome(), Outcome::Pending);
  // A new Challenge (the authenticator's retransmission) gets its Response, and its Success counts.
  c.handle_packet(challenge(2, from_hex("0a0b0c")), at_seconds(4.5));
  ASSERT_TRUE(c.poll_transmit(out));
  c.handle_packet(status(ChapCode::Success, 2, ""), at_seconds(4.6));
  EXPECT_EQ(c.outcome(), Outcome::Success);
}

TEST(AuthClientChap, StatusBeforeAnyChallengeIsDiscarded) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(status(ChapCode::Success, 0, ""), at_seconds(0.1));
  EXPECT_EQ(c.outcome(), Outcome::Pending);
  EXPECT_EQ(c.discarded(), 1u);
}

TEST(AuthClientChap, P078_FailureEndsWithItsMessage) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(9, kMd5Challenge), at_seconds(0.1));
  c.handle_packet(status(ChapCode::Failure, 9, "Access denied"), at_seconds(0.2));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
  EXPECT_EQ(c.message(), "CHAP Failure: Access denied");
  // A Failure is final: a later Challenge is not answered.
  drain(c);
  c.handle_packet(challenge(10, kMd5Challenge), at_seconds(0.3));
  EXPECT_TRUE(drain(c).empty());
}

TEST(AuthClientChap, P077_ReChallengeAfterSuccessIsAnswered) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(1, kMd5Challenge), at_seconds(0.1));
  c.handle_packet(status(ChapCode::Success, 1, ""), at_seconds(0.2));
  drain(c);
  c.handle_packet(challenge(2, from_hex("ffee")), at_seconds(60));
  const auto out = drain(c);
  ASSERT_EQ(out.size(), 1u);
  response_of(out[0], 2);
  EXPECT_EQ(c.outcome(), Outcome::Success);
  EXPECT_EQ(c.poll_timeout(), std::nullopt);
  c.handle_packet(status(ChapCode::Failure, 2, ""), at_seconds(60.1));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
}

TEST(AuthClientChap, MalformedPacketsAreDiscarded) {
  SeededRng rng(1);
  Client c(Method::ChapMd5, "bob", "secret", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(from_hex(""), at_seconds(0.1));
  c.handle_packet(from_hex("01"), at_seconds(0.1));
  c.handle_packet(from_hex("01010002"), at_seconds(0.1));            // Length below header
  c.handle_packet(from_hex("010100ff0401020304"), at_seconds(0.1));  // Length beyond packet
  c.handle_packet(from_hex("0101000500"), at_seconds(0.1));          // Value-Size 0
  c.handle_packet(from_hex("01010006100102"), at_seconds(0.1));      // Value-Size past Length
  c.handle_packet(from_hex("0201000401"), at_seconds(0.1));          // a Response
  c.handle_packet(from_hex("0901000401"), at_seconds(0.1));          // unknown code
  EXPECT_EQ(c.discarded(), 8u);
  EXPECT_TRUE(drain(c).empty());
  EXPECT_EQ(c.outcome(), Outcome::Pending);
}

// --- MS-CHAPv1 -------------------------------------------------------------------------------

TEST(AuthClientMsChapV1, P081_Rfc2433AppendixB2Response) {
  SeededRng rng(1);
  Client c(Method::MsChapV1, "someone", "MyPw", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(3, from_hex("10 2D B5 DF 08 5D 30 41")), at_seconds(0.1));
  const auto out = drain(c);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(to_hex(response_of(out[0], 3).value),
            std::string(48, '0') + "4e9d3c8f9cfd385d5bf4d3246791956ca4c351ab409a3d61" + "01");
  c.handle_packet(status(ChapCode::Success, 3, ""), at_seconds(0.2));
  EXPECT_EQ(c.outcome(), Outcome::Success);
}

TEST(AuthClientMsChapV1, ChallengeOfWrongSizeIsDiscarded) {
  SeededRng rng(1);
  Client c(Method::MsChapV1, "someone", "MyPw", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(3, kMd5Challenge), at_seconds(0.1));
  EXPECT_TRUE(drain(c).empty());
  EXPECT_EQ(c.discarded(), 1u);
}

TEST(AuthClientMsChapV1, FailureTextIsDecoded) {
  SeededRng rng(1);
  Client c(Method::MsChapV1, "someone", "MyPw", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(3, from_hex("10 2D B5 DF 08 5D 30 41")), at_seconds(0.1));
  c.handle_packet(status(ChapCode::Failure, 3, "E=649 R=0 V=2"), at_seconds(0.2));
  EXPECT_EQ(c.outcome(), Outcome::Failure);
  EXPECT_EQ(c.message(), "MS-CHAP error 649 ERROR_NO_DIALIN_PERMISSION, retry not allowed");
  ASSERT_TRUE(c.mschap_failure());
  EXPECT_EQ(c.mschap_failure()->error, 649u);
}

// --- MS-CHAPv2 -------------------------------------------------------------------------------

// The client of RFC 2759 9.2: its Peer-Challenge comes from the injected Rng.
struct Rfc2759Client {
  ScriptedRng rng;
  Client client{Method::MsChapV2, "User", "clientPass", rng, fast_config()};
  Buffer response;
  explicit Rfc2759Client(std::uint8_t id = 7) {
    rng.queue_octets(kRfc2759PeerChallenge);
    client.start(at_seconds(0));
    client.handle_packet(challenge(id, kRfc2759AuthChallenge), at_seconds(0.1));
    Buffer p;
    EXPECT_TRUE(client.poll_transmit(p));
    response = p;
  }
};

TEST(AuthClientMsChapV2, P085_Rfc2759Section9_2Response) {
  Rfc2759Client c;
  EXPECT_EQ(to_hex(response_of(c.response, 7).value),
            "21402324255e262a28295f2b3a337c7e"
            "0000000000000000"
            "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"
            "00");
  EXPECT_EQ(as_string_view(response_of(c.response, 7).name), "User");
}

TEST(AuthClientMsChapV2, P087_CorrectAuthenticatorResponseSucceeds) {
  Rfc2759Client c;
  c.client.handle_packet(status(ChapCode::Success, 7, kRfc2759Success), at_seconds(0.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Success);
  EXPECT_EQ(c.client.message(), "welcome");
  EXPECT_EQ(c.client.peer_message(), kRfc2759Success);
}

TEST(AuthClientMsChapV2, LowercaseAuthenticatorResponseIsAccepted) {
  Rfc2759Client c;
  c.client.handle_packet(status(ChapCode::Success, 7, "S=407a5589115fd0d6209f510fe9c04566932cda56"),
                         at_seconds(0.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Success);
}

TEST(AuthClientMsChapV2, P087_WrongAuthenticatorResponseFails) {
  Rfc2759Client c;
  c.client.handle_packet(status(ChapCode::Success, 7, "S=407A5589115FD0D6209F510FE9C04566932CDA57 M=hi"),
                         at_seconds(0.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Failure);
  EXPECT_EQ(c.client.message(),
            "authenticator response mismatch: got S=407A5589115FD0D6209F510FE9C04566932CDA57, expected "
            "S=407A5589115FD0D6209F510FE9C04566932CDA56");
}

TEST(AuthClientMsChapV2, P087_MissingAuthenticatorResponseFails) {
  Rfc2759Client c;
  c.client.handle_packet(status(ChapCode::Success, 7, "M=Access granted"), at_seconds(0.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Failure);
  EXPECT_EQ(c.client.message(), "MS-CHAPv2 Success without an authenticator response (S=)");
}

TEST(AuthClientMsChapV2, P088_FailureTextIsDecoded) {
  Rfc2759Client c;
  c.client.handle_packet(
      status(ChapCode::Failure, 7, "E=691 R=0 C=0123456789ABCDEF0123456789ABCDEF V=3 M=Access denied"),
      at_seconds(0.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Failure);
  EXPECT_EQ(c.client.message(),
            "MS-CHAP error 691 ERROR_AUTHENTICATION_FAILURE, retry not allowed: Access denied");
  ASSERT_TRUE(c.client.mschap_failure());
  EXPECT_EQ(c.client.mschap_failure()->version, 3u);
}

TEST(AuthClientMsChapV2, RepeatedChallengeKeepsThePeerChallenge) {
  Rfc2759Client c;
  c.client.handle_packet(challenge(7, kRfc2759AuthChallenge), at_seconds(1.1));
  Buffer again;
  ASSERT_TRUE(c.client.poll_transmit(again));
  EXPECT_EQ(again, c.response);
  c.client.handle_packet(status(ChapCode::Success, 7, kRfc2759Success), at_seconds(1.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Success);
}

// Seen in `lac --sim` under reordering: a stale Challenge (an earlier LCP's, delayed on the way)
// arrives after we answered the current one, and we answer it too. The authenticator's Success
// is for the current one (7): it counts, checked against that Response's own authenticator
// response (RFC 2759 5). Without a verdict both Responses go again, so the authenticator, which
// repeats its verdict only for the current Identifier (RFC 1994 4.2), is asked the right one.
TEST(AuthClientMsChapV2, SuccessForAResponseOvertakenByAStaleChallengeCounts) {
  Rfc2759Client c;
  const Buffer stale = from_hex("00112233445566778899aabbccddeeff");
  c.client.handle_packet(challenge(9, stale), at_seconds(0.15));
  Buffer second;
  ASSERT_TRUE(c.client.poll_transmit(second));
  response_of(second, 9);
  // A Success with an Identifier we never answered is not ours.
  c.client.handle_packet(status(ChapCode::Success, 8, kRfc2759Success), at_seconds(0.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Pending);
  EXPECT_EQ(c.client.discarded(), 1u);
  c.client.handle_timeout(at_seconds(1.15));
  const auto again = drain(c.client);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0], c.response);
  EXPECT_EQ(again[1], second);
  c.client.handle_packet(status(ChapCode::Success, 7, kRfc2759Success), at_seconds(1.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Success);
  EXPECT_EQ(c.client.message(), "welcome");
}

// The Success for the stale Challenge's Response is checked against that Response: the RFC 2759
// authenticator response of Response 7 does not pass for Response 9.
TEST(AuthClientMsChapV2, P087_SuccessIsCheckedAgainstTheResponseItsIdentifierNames) {
  Rfc2759Client c;
  c.client.handle_packet(challenge(9, from_hex("00112233445566778899aabbccddeeff")), at_seconds(0.15));
  drain(c.client);
  c.client.handle_packet(status(ChapCode::Success, 9, kRfc2759Success), at_seconds(0.2));
  EXPECT_EQ(c.client.outcome(), Outcome::Failure);
  EXPECT_EQ(c.client.message().rfind("authenticator response mismatch: got S=407A", 0), 0u)
      << c.client.message();
}

TEST(AuthClientMsChapV2, DomainPrefixIsSentButNotHashed) {
  ScriptedRng rng;
  rng.queue_octets(kRfc2759PeerChallenge);
  Client c(Method::MsChapV2, "CORP\\User", "clientPass", rng, fast_config());
  c.start(at_seconds(0));
  c.handle_packet(challenge(7, kRfc2759AuthChallenge), at_seconds(0.1));
  Buffer p;
  ASSERT_TRUE(c.poll_transmit(p));
  const ChapValueView v = response_of(p, 7);
  EXPECT_EQ(as_string_view(v.name), "CORP\\User");
  EXPECT_EQ(to_hex(v.value.subspan(24, 24)), "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
  c.handle_packet(status(ChapCode::Success, 7, kRfc2759Success), at_seconds(0.2));
  EXPECT_EQ(c.outcome(), Outcome::Success);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
