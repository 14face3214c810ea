// The authenticator: Challenges and their repeats, the hand-off of Credentials for a
// verdict, the Success/Failure or Ack/Nak it sends, repeats after the verdict, and the
// timeouts that end every wait.
#include "engine/ppp/auth/authenticator.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "engine/ppp/auth/mschap.hpp"
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

std::vector<Buffer> drain(Authenticator& a) {
  std::vector<Buffer> out;
  Buffer p;
  while (a.poll_transmit(p)) out.push_back(p);
  return out;
}

struct Challenge {
  std::uint8_t id = 0;
  Buffer value;
  std::string name;
};

Challenge challenge_of(const Buffer& packet) {
  const auto p = parse_packet(packet);
  EXPECT_TRUE(p);
  EXPECT_EQ(p->code, static_cast<std::uint8_t>(ChapCode::Challenge));
  const auto v = parse_chap_value(p->data);
  EXPECT_TRUE(v);
  return {p->id, Buffer(v->value.begin(), v->value.end()), std::string(as_string_view(v->name))};
}

// Code, Identifier and Message of a Success/Failure or Ack/Nak.
struct Reply {
  std::uint8_t code = 0;
  std::uint8_t id = 0;
  std::string message;
};

Reply chap_reply_of(const Buffer& packet) {
  const auto p = parse_packet(packet);
  EXPECT_TRUE(p);
  return {p->code, p->id, std::string(as_string_view(p->data))};
}

Reply pap_reply_of(const Buffer& packet) {
  const auto p = parse_packet(packet);
  EXPECT_TRUE(p);
  return {p->code, p->id, std::string(parse_pap_message(p->data))};
}

Buffer response(std::uint8_t id, const Buffer& value, std::string_view name) {
  Buffer b;
  write_chap_value(b, ChapCode::Response, id, value, name);
  return b;
}

Buffer pap_request(std::uint8_t id, std::string_view user, std::string_view password) {
  Buffer b;
  write_pap_request(b, id, user, password);
  return b;
}

Verdict verdict(bool accepted, std::string message = {}, std::string authenticator_response = {},
                std::string reason = {}) {
  Verdict v;
  v.accepted = accepted;
  v.message = std::move(message);
  v.authenticator_response = std::move(authenticator_response);
  v.reason = std::move(reason);
  return v;
}

constexpr auto kSuccess = static_cast<std::uint8_t>(ChapCode::Success);
constexpr auto kFailure = static_cast<std::uint8_t>(ChapCode::Failure);
constexpr auto kAck = static_cast<std::uint8_t>(PapCode::AuthenticateAck);
constexpr auto kNak = static_cast<std::uint8_t>(PapCode::AuthenticateNak);

// An authenticator that has sent its first Challenge and holds the peer's Response.
struct Challenged {
  SeededRng rng{7};
  Authenticator auth;
  Challenge first;
  explicit Challenged(Method m, std::size_t response_size = 16) : auth(m, rng, fast_config(), "lns-name") {
    auth.start(at_seconds(0));
    first = challenge_of(drain(auth).at(0));
    auth.handle_packet(response(first.id, Buffer(response_size, 0xab), "bob"), at_seconds(0.1));
  }
};

// --- CHAP family: Challenges ------------------------------------------------------------------

TEST(AuthAuthenticatorChap, P080_P084_ChallengeSizeAndName) {
  const std::pair<Method, std::size_t> cases[] = {
      {Method::ChapMd5, 16}, {Method::MsChapV1, 8}, {Method::MsChapV2, 16}};
  for (const auto& [method, size] : cases) {
    SeededRng rng(1);
    Authenticator a(method, rng, fast_config(), "lns-name");
    EXPECT_EQ(a.protocol(), 0xc223);
    EXPECT_TRUE(drain(a).empty());
    a.start(at_seconds(0));
    const auto out = drain(a);
    ASSERT_EQ(out.size(), 1u) << to_string(method);
    const Challenge c = challenge_of(out[0]);
    EXPECT_EQ(c.value.size(), size) << to_string(method);
    EXPECT_EQ(c.name, "lns-name");
    EXPECT_EQ(a.poll_timeout(), at_seconds(1));
  }
}

TEST(AuthAuthenticatorChap, P072_P076_RepeatsWithNewIdentifierAndValueThenGivesUp) {
  SeededRng rng(3);
  Authenticator a(Method::ChapMd5, rng, fast_config());
  a.start(at_seconds(0));
  a.handle_timeout(at_seconds(0.9));  // early: nothing
  a.handle_timeout(at_seconds(1));
  a.handle_timeout(at_seconds(2));
  const auto out = drain(a);
  ASSERT_EQ(out.size(), 3u);
  for (std::size_t i = 1; i < out.size(); ++i) {
    EXPECT_EQ(challenge_of(out[i]).id, static_cast<std::uint8_t>(challenge_of(out[i - 1]).id + 1));
    EXPECT_NE(challenge_of(out[i]).value, challenge_of(out[i - 1]).value);
  }
  EXPECT_EQ(a.challenges_sent(), 3u);
  EXPECT_EQ(a.outcome(), Outcome::Pending);
  a.handle_timeout(at_seconds(3));
  EXPECT_TRUE(drain(a).empty());
  EXPECT_EQ(a.outcome(), Outcome::Failure);
  EXPECT_EQ(a.message(), "no Response to 3 CHAP Challenges");
  EXPECT_EQ(a.poll_timeout(), std::nullopt);
}

TEST(AuthAuthenticatorChap, P010_LateResponseToTheCurrentChallengeCounts) {
  SeededRng rng(3);
  Authenticator a(Method::ChapMd5, rng, fast_config());
  a.start(at_seconds(0));
  a.handle_timeout(at_seconds(1));
  a.handle_timeout(at_seconds(2));
  const Challenge third = challenge_of(drain(a).back());
  a.handle_packet(response(third.id, Buffer(16, 1), "bob"), at_seconds(2.9));
  const auto c = a.poll_verify();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->challenge, third.value);
}

TEST(AuthAuthenticatorChap, ResponseToAnEarlierChallengeIsDiscarded) {
  SeededRng rng(3);
  Authenticator a(Method::ChapMd5, rng, fast_config());
  a.start(at_seconds(0));
  const Challenge first = challenge_of(drain(a).at(0));
  a.handle_timeout(at_seconds(1));
  a.handle_packet(response(first.id, Buffer(16, 1), "bob"), at_seconds(1.1));
  EXPECT_EQ(a.poll_verify(), std::nullopt);
  EXPECT_EQ(a.discarded(), 1u);
  EXPECT_EQ(a.poll_timeout(), at_seconds(2));  // still challenging
}

// --- CHAP family: verdicts --------------------------------------------------------------------

TEST(AuthAuthenticatorChap, ResponseBecomesCredentialsOnce) {
  Challenged t(Method::ChapMd5);
  EXPECT_EQ(t.auth.poll_timeout(), std::nullopt);  // no Challenge repeats while verifying
  const auto c = t.auth.poll_verify();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->method, Method::ChapMd5);
  EXPECT_EQ(c->user, "bob");
  EXPECT_EQ(c->chap_id, t.first.id);
  EXPECT_EQ(c->challenge, t.first.value);
  EXPECT_EQ(c->response, Buffer(16, 0xab));
  EXPECT_EQ(t.auth.poll_verify(), std::nullopt);
  EXPECT_EQ(t.auth.user(), "bob");
  // A repeated Response while the verdict is pending sends nothing and asks nothing.
  t.auth.handle_packet(response(t.first.id, Buffer(16, 0xab), "bob"), at_seconds(0.5));
  EXPECT_TRUE(drain(t.auth).empty());
  EXPECT_EQ(t.auth.poll_verify(), std::nullopt);
  EXPECT_EQ(t.auth.outcome(), Outcome::Pending);
}

TEST(AuthAuthenticatorChap, P074_P075_SuccessAndTheSameSuccessForARepeat) {
  Challenged t(Method::ChapMd5);
  (void)t.auth.poll_verify();
  t.auth.complete(verdict(true), at_seconds(0.2));
  EXPECT_EQ(t.auth.outcome(), Outcome::Success);
  const auto out = drain(t.auth);
  ASSERT_EQ(out.size(), 1u);
  const Reply r = chap_reply_of(out[0]);
  EXPECT_EQ(r.code, kSuccess);
  EXPECT_EQ(r.id, t.first.id);
  EXPECT_EQ(r.message, "Authentication succeeded");
  t.auth.handle_packet(response(t.first.id, Buffer(16, 0xcd), "bob"), at_seconds(5));
  const auto again = drain(t.auth);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0], out[0]);
  // A Response with another Identifier gets nothing.
  t.auth.handle_packet(response(static_cast<std::uint8_t>(t.first.id + 1), Buffer(16, 0), "bob"),
                       at_seconds(6));
  EXPECT_TRUE(drain(t.auth).empty());
  // A second verdict changes nothing.
  t.auth.complete(verdict(false), at_seconds(7));
  EXPECT_EQ(t.auth.outcome(), Outcome::Success);
  EXPECT_TRUE(drain(t.auth).empty());
}

TEST(AuthAuthenticatorChap, P078_FailureWithVerdictMessageAndReason) {
  Challenged t(Method::ChapMd5);
  (void)t.auth.poll_verify();
  t.auth.complete(verdict(false, "go away", "", "wrong password"), at_seconds(0.2));
  EXPECT_EQ(t.auth.outcome(), Outcome::Failure);
  const Reply r = chap_reply_of(drain(t.auth).at(0));
  EXPECT_EQ(r.code, kFailure);
  EXPECT_EQ(r.message, "go away");
  EXPECT_EQ(t.auth.message(), "go away");
  EXPECT_EQ(t.auth.reason(), "wrong password");
}

TEST(AuthAuthenticatorChap, CompleteWithoutAPendingResponseIsIgnored) {
  SeededRng rng(1);
  Authenticator a(Method::ChapMd5, rng, fast_config());
  a.complete(verdict(true), at_seconds(0));
  a.start(at_seconds(0));
  drain(a);
  a.complete(verdict(true), at_seconds(0.1));
  EXPECT_EQ(a.outcome(), Outcome::Pending);
  EXPECT_TRUE(drain(a).empty());
}

TEST(AuthAuthenticatorChap, WrongSizeResponseFailsWithoutAVerdict) {
  Challenged t(Method::MsChapV2, 16);
  EXPECT_EQ(t.auth.poll_verify(), std::nullopt);
  EXPECT_EQ(t.auth.outcome(), Outcome::Failure);
  EXPECT_EQ(t.auth.reason(), "Response Value has 16 octets, mschap2 needs 49");
  EXPECT_EQ(chap_reply_of(drain(t.auth).at(0)).code, kFailure);
}

TEST(AuthAuthenticatorChap, P088_MsChapV2DefaultFailureText) {
  Challenged t(Method::MsChapV2, 49);
  (void)t.auth.poll_verify();
  t.auth.complete(verdict(false), at_seconds(0.2));
  const Reply r = chap_reply_of(drain(t.auth).at(0));
  EXPECT_EQ(r.code, kFailure);
  EXPECT_TRUE(std::regex_match(r.message, std::regex("E=691 R=0 C=[0-9A-F]{32} V=3 M=.+"))) << r.message;
  EXPECT_NE(r.message.find(" C=" + to_upper_hex(t.first.value) + " "), std::string::npos);
}

TEST(AuthAuthenticatorChap, MsChapV1DefaultFailureText) {
  Challenged t(Method::MsChapV1, 49);
  (void)t.auth.poll_verify();
  t.auth.complete(verdict(false), at_seconds(0.2));
  const Reply r = chap_reply_of(drain(t.auth).at(0));
  EXPECT_TRUE(std::regex_match(r.message, std::regex("E=691 R=0 C=[0-9A-F]{16} V=2 M=.+"))) << r.message;
  EXPECT_NE(r.message.find(" C=" + to_upper_hex(t.first.value) + " "), std::string::npos);
}

TEST(AuthAuthenticatorChap, MsChapFailureTextFromRadiusIsSentAsIs) {
  Challenged t(Method::MsChapV2, 49);
  (void)t.auth.poll_verify();
  t.auth.complete(verdict(false, "E=649 R=0 V=3"), at_seconds(0.2));
  EXPECT_EQ(chap_reply_of(drain(t.auth).at(0)).message, "E=649 R=0 V=3");
}

TEST(AuthAuthenticatorChap, P086_MsChapV2SuccessCarriesAuthenticatorResponse) {
  const std::string s = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
  {
    Challenged t(Method::MsChapV2, 49);
    (void)t.auth.poll_verify();
    t.auth.complete(verdict(true, "", s), at_seconds(0.2));
    const Reply r = chap_reply_of(drain(t.auth).at(0));
    EXPECT_EQ(r.code, kSuccess);
    EXPECT_EQ(r.message, s + " M=Authentication succeeded");
  }
  {
    Challenged t(Method::MsChapV2, 49);
    (void)t.auth.poll_verify();
    t.auth.complete(verdict(true, "Welcome", s), at_seconds(0.2));
    EXPECT_EQ(chap_reply_of(drain(t.auth).at(0)).message, s + " M=Welcome");
  }
  {
    Challenged t(Method::MsChapV2, 49);
    (void)t.auth.poll_verify();
    t.auth.complete(verdict(true, s + " M=from radius"), at_seconds(0.2));
    EXPECT_EQ(chap_reply_of(drain(t.auth).at(0)).message, s + " M=from radius");
  }
}

TEST(AuthAuthenticatorChap, MalformedAndForeignPacketsAreDiscarded) {
  SeededRng rng(1);
  Authenticator a(Method::ChapMd5, rng, fast_config());
  a.handle_packet(response(1, Buffer(16, 0), "early"), at_seconds(0));  // before start
  a.start(at_seconds(0));
  const Challenge c = challenge_of(drain(a).at(0));
  const std::uint8_t id = c.id;
  a.handle_packet(from_hex("02"), at_seconds(0.1));
  a.handle_packet(Buffer{2, id, 0, 3}, at_seconds(0.1));         // Length below header
  a.handle_packet(Buffer{2, id, 0, 30, 16}, at_seconds(0.1));    // Length beyond packet
  a.handle_packet(Buffer{2, id, 0, 5, 0}, at_seconds(0.1));      // Value-Size 0
  a.handle_packet(Buffer{2, id, 0, 6, 16, 1}, at_seconds(0.1));  // Value-Size past Length
  a.handle_packet(Buffer{1, id, 0, 6, 1, 1}, at_seconds(0.1));   // a Challenge
  a.handle_packet(Buffer{3, id, 0, 4}, at_seconds(0.1));         // a Success
  EXPECT_EQ(a.discarded(), 8u);
  EXPECT_EQ(a.poll_verify(), std::nullopt);
  EXPECT_TRUE(drain(a).empty());
  EXPECT_EQ(a.outcome(), Outcome::Pending);
}

// --- PAP ----------------------------------------------------------------------------------------

TEST(AuthAuthenticatorPap, P068_RequestBecomesCredentialsThenAck) {
  SeededRng rng(1);
  Authenticator a(Method::Pap, rng, fast_config());
  EXPECT_EQ(a.protocol(), 0xc023);
  a.start(at_seconds(0));
  EXPECT_TRUE(drain(a).empty());  // PAP: the peer speaks first
  EXPECT_EQ(a.poll_timeout(), at_seconds(3));
  a.handle_packet(pap_request(0x21, "bob", "pw"), at_seconds(0.5));
  EXPECT_EQ(a.poll_timeout(), std::nullopt);
  const auto c = a.poll_verify();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->method, Method::Pap);
  EXPECT_EQ(c->user, "bob");
  EXPECT_EQ(c->password, "pw");
  a.complete(verdict(true, "hi bob"), at_seconds(0.6));
  const Reply r = pap_reply_of(drain(a).at(0));
  EXPECT_EQ(r.code, kAck);
  EXPECT_EQ(r.id, 0x21);
  EXPECT_EQ(r.message, "hi bob");
  EXPECT_EQ(a.outcome(), Outcome::Success);
}

TEST(AuthAuthenticatorPap, P066_RepeatAfterVerdictGetsSameCodeWithItsIdentifier) {
  SeededRng rng(1);
  Authenticator a(Method::Pap, rng, fast_config());
  a.start(at_seconds(0));
  a.handle_packet(pap_request(1, "bob", "bad"), at_seconds(0.1));
  (void)a.poll_verify();
  a.complete(verdict(false), at_seconds(0.2));
  const Reply first = pap_reply_of(drain(a).at(0));
  EXPECT_EQ(first.code, kNak);
  EXPECT_EQ(first.message, "Authentication failed");
  a.handle_packet(pap_request(2, "bob", "good"), at_seconds(1));
  const Reply again = pap_reply_of(drain(a).at(0));
  EXPECT_EQ(again.code, kNak);
  EXPECT_EQ(again.id, 2);
  EXPECT_EQ(again.message, first.message);
  EXPECT_EQ(a.poll_verify(), std::nullopt);
  EXPECT_EQ(a.outcome(), Outcome::Failure);
}

TEST(AuthAuthenticatorPap, RepeatWhileVerifyingMovesTheReplyIdentifier) {
  SeededRng rng(1);
  Authenticator a(Method::Pap, rng, fast_config());
  a.start(at_seconds(0));
  a.handle_packet(pap_request(1, "bob", "pw"), at_seconds(0.1));
  a.handle_packet(pap_request(2, "bob", "pw"), at_seconds(1.1));
  EXPECT_TRUE(drain(a).empty());
  ASSERT_TRUE(a.poll_verify());
  EXPECT_EQ(a.poll_verify(), std::nullopt);
  a.complete(verdict(true), at_seconds(1.5));
  const auto out = drain(a);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(pap_reply_of(out[0]).id, 2);
}

TEST(AuthAuthenticatorPap, NoRequestTimesOut) {
  SeededRng rng(1);
  Authenticator a(Method::Pap, rng, fast_config());
  a.start(at_seconds(0));
  a.handle_timeout(at_seconds(2.9));
  EXPECT_EQ(a.outcome(), Outcome::Pending);
  a.handle_timeout(at_seconds(3));
  EXPECT_EQ(a.outcome(), Outcome::Failure);
  EXPECT_EQ(a.message(), "no PAP Authenticate-Request from the peer");
  // A late request gets nothing: there is no verdict to repeat.
  a.handle_packet(pap_request(1, "bob", "pw"), at_seconds(4));
  EXPECT_TRUE(drain(a).empty());
  EXPECT_EQ(a.poll_verify(), std::nullopt);
}

TEST(AuthAuthenticatorPap, MalformedRequestsAreDiscarded) {
  SeededRng rng(1);
  Authenticator a(Method::Pap, rng, fast_config());
  a.start(at_seconds(0));
  a.handle_packet(from_hex("0101000703616263"), at_seconds(0.1));  // no Passwd-Length
  a.handle_packet(from_hex("01010006ff61"), at_seconds(0.1));      // Peer-ID past Length
  a.handle_packet(from_hex("0201000400"), at_seconds(0.1));        // an Ack
  a.handle_packet(from_hex("01"), at_seconds(0.1));
  EXPECT_EQ(a.discarded(), 4u);
  EXPECT_EQ(a.poll_verify(), std::nullopt);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
