#include "peers/session_churn.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

using std::chrono::milliseconds;
using std::chrono::seconds;

Duration d(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

TEST(LifetimeDist, FixedOrUniformBetweenBounds) {
  std::string error;
  const auto fixed = LifetimeDist::parse("30s", error);
  ASSERT_TRUE(fixed) << error;
  SeededRng rng(1);
  EXPECT_EQ(fixed->draw(rng), d(30));
  EXPECT_EQ(fixed->to_string(), "30s");
  const auto range = LifetimeDist::parse("10s-1m", error);
  ASSERT_TRUE(range) << error;
  EXPECT_EQ(range->to_string(), "10s-60s");
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const Duration x = range->draw(rng);
    ASSERT_GE(x, d(10));
    ASSERT_LT(x, d(60));
    sum += to_seconds(x);
  }
  EXPECT_NEAR(sum / 10000, 35, 1);  // the middle, on average
  EXPECT_FALSE(LifetimeDist::parse("60s-10s", error));
  EXPECT_FALSE(LifetimeDist::parse("soon", error));
  EXPECT_FALSE(LifetimeDist::parse("0", error));
}

TEST(SessionChurn, EachCallIsClearedAfterItsLifetimeAndRedialledAfterTheDelay) {
  ChurnConfig cfg;
  cfg.lifetime = LifetimeDist{d(30), d(30)};
  cfg.redial = true;
  cfg.redial_delay = d(2);
  const Time t0{};
  SessionChurn c(cfg, 7, t0);
  c.up(0x00010001, t0);
  c.up(0x00010002, t0 + seconds(5));
  EXPECT_EQ(c.next_due(), t0 + seconds(30));
  EXPECT_FALSE(c.pop_expired(t0 + seconds(29)));
  EXPECT_EQ(c.pop_expired(t0 + seconds(30)), 0x00010001u);
  EXPECT_FALSE(c.pop_expired(t0 + seconds(30)));  // once
  // The runner clears it; the node says it ended; the redial is due 2 s later.
  c.ended(0x00010001, t0 + seconds(30) + milliseconds(10));
  EXPECT_EQ(c.redials_due(t0 + seconds(32)), 0u);
  EXPECT_EQ(c.redials_due(t0 + seconds(32) + milliseconds(10)), 1u);
  EXPECT_EQ(c.next_due(), t0 + seconds(32) + milliseconds(10));
  c.take_redials(1);
  EXPECT_EQ(c.redials_due(t0 + seconds(40)), 0u);
  EXPECT_EQ(c.next_due(), t0 + seconds(35));  // the second call's lifetime
  // A call the peer cleared first: no lifetime end for it, a redial.
  c.ended(0x00010002, t0 + seconds(31));
  EXPECT_FALSE(c.pop_expired(t0 + seconds(100)));
  EXPECT_EQ(c.redials_due(t0 + seconds(100)), 1u);
  EXPECT_EQ(c.expired(), 1u);
  EXPECT_EQ(c.up_now(), 0u);
}

TEST(SessionChurn, ForgetsEndedCallsAndStopsAtTheTeardown) {
  ChurnConfig cfg;
  cfg.lifetime = LifetimeDist{d(1), d(5)};
  cfg.redial = true;
  const Time t0{};
  SessionChurn c(cfg, 3, t0);
  // A long soak: 100,000 calls come and go; what is held is what is up now.
  for (std::uint32_t i = 0; i < 100000; ++i) {
    c.up(i, t0 + milliseconds(i));
    if (i >= 10) c.ended(i - 10, t0 + milliseconds(i));
    c.take_redials(c.redials_due(t0 + milliseconds(i)));
  }
  EXPECT_EQ(c.up_now(), 10u);
  EXPECT_LE(c.waiting_redial(), 10u);
  c.stop();
  EXPECT_EQ(c.up_now(), 0u);
  EXPECT_EQ(c.waiting_redial(), 0u);
  EXPECT_FALSE(c.next_due());
  c.ended(5, t0);  // after the teardown began: no redial
  EXPECT_EQ(c.waiting_redial(), 0u);
}

TEST(SessionChurn, FlapsComeAtTheirRateAndPickCallsThatAreUp) {
  ChurnConfig cfg;
  cfg.flap_rate = 10;
  cfg.flap_kind = FlapKind::Mix;
  const Time t0{};
  SessionChurn c(cfg, 11, t0);
  for (std::uint32_t k = 1; k <= 1000; ++k) c.up(k, t0);
  std::set<std::uint32_t> flapped;
  std::map<SessionChurn::Flap, int> by_kind;
  // 60 s in steps of 10 ms; each cleared call comes back up at once (as if redialled); one
  // restarted in place never left.
  for (Time now = t0; now < t0 + seconds(60); now += milliseconds(10))
    while (auto f = c.pop_flap(now, true)) {
      flapped.insert(f->first);
      ++by_kind[f->second];
      if (!SessionChurn::in_place(f->second)) c.up(f->first, now);
      ASSERT_EQ(c.up_now(), 1000u);
    }
  int total = 0;
  for (const auto& [kind, n] : by_kind) total += n;
  EXPECT_NEAR(total, 600, 75);  // Poisson, 10 a second: 600 +- 3 sigma
  // mix: each of the four kinds a quarter of the flaps (150 +- 3 sigma, about 32).
  for (const auto kind : {SessionChurn::Flap::Cdn, SessionChurn::Flap::Lcp, SessionChurn::Flap::LcpRestart,
                          SessionChurn::Flap::IpcpRestart}) {
    EXPECT_GT(by_kind[kind], total / 4 - 40) << SessionChurn::name(kind);
    EXPECT_LT(by_kind[kind], total / 4 + 40) << SessionChurn::name(kind);
    EXPECT_EQ(c.flaps(kind), static_cast<std::uint64_t>(by_kind[kind])) << SessionChurn::name(kind);
  }
  EXPECT_EQ(c.flaps(), static_cast<std::uint64_t>(total));
  EXPECT_GT(flapped.size(), 400u);  // spread over the calls, not one picked again and again
  // Without PPP every flap is a CDN.
  ChurnConfig only;
  only.flap_rate = 100;
  only.flap_kind = FlapKind::Lcp;
  SessionChurn n(only, 1, t0);
  n.up(42, t0);
  const auto f = n.pop_flap(t0 + seconds(1), false);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->first, 42u);
  EXPECT_EQ(f->second, SessionChurn::Flap::Cdn);
  EXPECT_FALSE(n.pop_flap(t0 + seconds(2), false));  // nothing up any more
}

TEST(SessionChurn, FlapKindsByName) {
  for (const char* name : {"cdn", "lcp", "lcp-restart", "ipcp-restart", "mix"}) {
    const auto k = parse_flap_kind(name);
    ASSERT_TRUE(k) << name;
    EXPECT_STREQ(to_string(*k), name);
  }
  EXPECT_FALSE(parse_flap_kind("restart"));
  EXPECT_FALSE(parse_flap_kind("lcp_restart"));
}

// lcp-restart and ipcp-restart renegotiate PPP in place: the call stays among those up (it may be
// drawn again later), keeps its lifetime, and is not redialled. Without PPP they are CDNs.
TEST(SessionChurn, InPlaceRestartsKeepTheCallUpWithItsLifetime) {
  for (const auto kind : {FlapKind::LcpRestart, FlapKind::IpcpRestart}) {
    SCOPED_TRACE(to_string(kind));
    ChurnConfig cfg;
    cfg.flap_rate = 100;
    cfg.flap_kind = kind;
    cfg.redial = true;
    std::string error;
    cfg.lifetime = LifetimeDist::parse("30s", error);
    const Time t0{};
    SessionChurn c(cfg, 3, t0);
    c.up(7, t0);
    const auto want =
        kind == FlapKind::LcpRestart ? SessionChurn::Flap::LcpRestart : SessionChurn::Flap::IpcpRestart;
    int restarts = 0;
    for (Time now = t0; now < t0 + seconds(10); now += milliseconds(10))
      while (auto f = c.pop_flap(now, true)) {
        EXPECT_EQ(f->first, 7u);
        EXPECT_EQ(f->second, want);
        ++restarts;
      }
    EXPECT_GT(restarts, 500);  // the same call, again and again: it never left
    EXPECT_EQ(c.up_now(), 1u);
    EXPECT_EQ(c.waiting_redial(), 0u);
    EXPECT_EQ(c.flaps(want), static_cast<std::uint64_t>(restarts));
    EXPECT_EQ(c.flaps(SessionChurn::Flap::Cdn), 0u);
    EXPECT_FALSE(c.pop_expired(t0 + seconds(29)));
    EXPECT_EQ(c.pop_expired(t0 + seconds(30)), std::optional<SessionChurn::Key>(7));  // its lifetime held

    SessionChurn n(cfg, 3, t0);
    n.up(9, t0);
    const auto f = n.pop_flap(t0 + seconds(1), false);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->second, SessionChurn::Flap::Cdn);
    EXPECT_EQ(n.up_now(), 0u);
  }
}

TEST(SessionChurn, FlapsSkipCallsNotEligibleAndPassWhenNoneIs) {
  ChurnConfig cfg;
  cfg.flap_rate = 100;
  const Time t0{};
  SessionChurn c(cfg, 5, t0);
  for (std::uint32_t k = 1; k <= 10; ++k) c.up(k, t0);
  // Only even keys have their PPP link up.
  const auto even = [](SessionChurn::Key k) { return k % 2 == 0; };
  int flaps = 0;
  for (Time now = t0; now < t0 + seconds(10); now += milliseconds(10))
    while (auto f = c.pop_flap(now, true, even)) {
      EXPECT_EQ(f->first % 2, 0u) << f->first;
      c.up(f->first, now);
      ++flaps;
    }
  EXPECT_GT(flaps, 500);
  const auto none = [](SessionChurn::Key) { return false; };
  EXPECT_FALSE(c.pop_flap(t0 + seconds(20), true, none));
  EXPECT_EQ(c.up_now(), 10u);  // nothing was taken out
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
