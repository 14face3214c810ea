// Client against Authenticator in-process, for every method, with the right and a wrong
// password, with lost packets, in virtual time. The authenticator's verdicts come from
// verify_with_password, as they would for local PPP secrets.
#include <gtest/gtest.h>

#include <functional>

#include "engine/ppp/auth/authenticator.hpp"
#include "engine/ppp/auth/client.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::at_seconds;

enum class Dir : std::uint8_t { ToAuthenticator, ToClient };

struct Pair {
  SeededRng client_rng{11};
  SeededRng auth_rng{22};
  AuthConfig cfg;
  Client client;
  Authenticator auth;
  std::string secret;
  Time now = at_seconds(0);
  // Returns true to lose the n-th packet (counted per direction from 0).
  std::function<bool(Dir, unsigned)> lose = [](Dir, unsigned) { return false; };
  unsigned sent[2] = {0, 0};
  unsigned verdicts = 0;

  Pair(Method m, std::string user, std::string password, std::string secret_, AuthConfig c = {})
      : cfg(c),
        client(m, std::move(user), std::move(password), client_rng, cfg),
        auth(m, auth_rng, cfg),
        secret(std::move(secret_)) {}

  bool move_packets() {
    bool moved = false;
    Buffer p;
    while (client.poll_transmit(p)) {
      moved = true;
      if (!lose(Dir::ToAuthenticator, sent[0]++)) auth.handle_packet(p, now);
    }
    while (auto creds = auth.poll_verify()) {
      moved = true;
      ++verdicts;
      auth.complete(verify_with_password(*creds, secret), now);
    }
    while (auth.poll_transmit(p)) {
      moved = true;
      if (!lose(Dir::ToClient, sent[1]++)) client.handle_packet(p, now);
    }
    return moved;
  }

  // Runs until both sides have an outcome and nothing is in flight; bounded so a livelock
  // fails the test instead of hanging it.
  void run() {
    auth.start(now);
    client.start(now);
    for (int step = 0; step < 200; ++step) {
      if (move_packets()) continue;
      if (client.outcome() != Outcome::Pending && auth.outcome() != Outcome::Pending) return;
      std::optional<Time> next = client.poll_timeout();
      if (auto t = auth.poll_timeout(); t && (!next || *t < *next)) next = t;
      if (!next) return;
      now = *next;
      client.handle_timeout(now);
      auth.handle_timeout(now);
    }
    ADD_FAILURE() << "exchange did not settle";
  }
};

class AuthPair : public ::testing::TestWithParam<Method> {};

TEST_P(AuthPair, RightPasswordSucceedsOnBothSides) {
  Pair p(GetParam(), "alice", "open sesame", "open sesame");
  p.run();
  EXPECT_EQ(p.auth.outcome(), Outcome::Success) << p.auth.reason();
  EXPECT_EQ(p.client.outcome(), Outcome::Success) << p.client.message();
  EXPECT_EQ(p.auth.user(), "alice");
  EXPECT_EQ(p.verdicts, 1u);
  EXPECT_EQ(p.now, at_seconds(0));  // no timer needed
}

TEST_P(AuthPair, WrongPasswordFailsOnBothSides) {
  Pair p(GetParam(), "alice", "guess", "open sesame");
  p.run();
  EXPECT_EQ(p.auth.outcome(), Outcome::Failure);
  EXPECT_EQ(p.client.outcome(), Outcome::Failure);
  EXPECT_FALSE(p.client.message().empty());
  EXPECT_EQ(p.auth.reason(), "wrong password");
}

TEST_P(AuthPair, P010_FirstTwoPacketsToTheAuthenticatorLost) {
  Pair p(GetParam(), "alice", "pw", "pw");
  // PAP: the first two requests; CHAP: the first two Challenges (so they go the other way).
  const Dir lossy = GetParam() == Method::Pap ? Dir::ToAuthenticator : Dir::ToClient;
  p.lose = [lossy](Dir d, unsigned n) { return d == lossy && n < 2; };
  p.run();
  EXPECT_EQ(p.auth.outcome(), Outcome::Success) << p.auth.message();
  EXPECT_EQ(p.client.outcome(), Outcome::Success) << p.client.message();
  EXPECT_EQ(p.now, at_seconds(6));  // two restart intervals of 3 s
}

TEST_P(AuthPair, P065_P066_LostVerdict) {
  Pair p(GetParam(), "alice", "pw", "pw");
  // The first Ack (PAP) or the Success (CHAP: the packet after the Challenge) is lost.
  const unsigned verdict_index = GetParam() == Method::Pap ? 0 : 1;
  p.lose = [verdict_index](Dir d, unsigned n) { return d == Dir::ToClient && n == verdict_index; };
  p.run();
  EXPECT_EQ(p.auth.outcome(), Outcome::Success);
  // PAP repeats its request; a CHAP client repeats its Response (the authenticator stops
  // challenging once it has one). Either way the repeat gets the stored verdict again (P066,
  // P075), not a second check.
  EXPECT_EQ(p.client.outcome(), Outcome::Success) << p.client.message();
  EXPECT_EQ(p.verdicts, 1u);
}

TEST_P(AuthPair, EverythingLostEndsInFailureOnBothSides) {
  Pair p(GetParam(), "alice", "pw", "pw");
  p.lose = [](Dir, unsigned) { return true; };
  p.run();
  EXPECT_EQ(p.auth.outcome(), Outcome::Failure);
  EXPECT_EQ(p.client.outcome(), Outcome::Failure);
  EXPECT_EQ(p.now, at_seconds(30));  // 10 attempts of 3 s, the default
}

INSTANTIATE_TEST_SUITE_P(AllMethods, AuthPair,
                         ::testing::Values(Method::Pap, Method::ChapMd5, Method::MsChapV1, Method::MsChapV2),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(AuthPairMsChapV2, DomainUserAuthenticates) {
  Pair p(Method::MsChapV2, "CORP\\alice", "pw", "pw");
  p.run();
  EXPECT_EQ(p.client.outcome(), Outcome::Success) << p.client.message();
  EXPECT_EQ(p.auth.user(), "CORP\\alice");
}

TEST(AuthPairMsChapV2, WrongPasswordFailureIsDecodedByTheClient) {
  Pair p(Method::MsChapV2, "alice", "guess", "pw");
  p.run();
  EXPECT_EQ(p.client.message(),
            "MS-CHAP error 691 ERROR_AUTHENTICATION_FAILURE, retry not allowed: Authentication failed");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
