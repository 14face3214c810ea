// Which addresses a session gets: secret, then its profile, then the default profile; pools
// with exhaustion, next-pool, release and reuse; conflicts and only-one.
#include <gtest/gtest.h>

#include "peers/users/address_plan.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

AddressPlan plan(std::string_view text, std::string default_profile = "default") {
  auto db = UserDb::parse(text, "users.rsc");
  EXPECT_TRUE(db.has_value()) << (db ? "" : db.error());
  auto p = AddressPlan::create(db ? std::move(*db) : UserDb{}, std::move(default_profile));
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error());
  return std::move(p.value());
}

Assignment ok(AddressPlan& p, std::string_view user, const AssignHints& hints = {}) {
  auto a = p.assign(user, hints);
  EXPECT_TRUE(a.has_value()) << user << ": " << (a ? "" : a.error());
  return a ? *a : Assignment{};
}

constexpr const char* kFile = R"(
/ip pool add name=POOL1 ranges=10.1.0.10-10.1.0.11 next-pool=POOL2
/ip pool add name=POOL2 ranges=10.2.0.0/30
/ip pool add name=LOCALS ranges=10.9.0.1-10.9.0.2
/ppp profile add name=pool-users local-address=10.1.0.1 remote-address=POOL1 dns-server=8.8.8.8,1.1.1.1 \
    session-timeout=1h idle-timeout=10m
/ppp profile add name=pooled-local local-address=LOCALS remote-address=POOL2
/ppp profile add name=lns-default local-address=192.0.2.1 remote-address=POOL2 dns-server=9.9.9.9
/ppp profile add name=single only-one=yes local-address=10.0.0.1 remote-address=POOL1
/ppp secret
add name=MT-User password=StrongPass local-address=10.0.0.2 remote-address=10.0.0.1 profile=pool-users
add name=pooled password=p profile=pool-users
add name=mixed password=p remote-address=10.5.0.5 profile=pool-users
add name=bare password=p
add name=plocal password=p profile=pooled-local
add name=one password=p profile=single
add name=off password=p disabled=yes profile=pool-users
add name=pptp-only password=p service=pptp profile=pool-users
)";

TEST(AddressPlan, SecretAddressesWinOverTheProfile) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "MT-User");
  EXPECT_EQ(a.user, "MT-User");
  EXPECT_EQ(a.profile, "pool-users");
  EXPECT_EQ(a.local.to_string(), "10.0.0.2");
  EXPECT_EQ(a.remote.to_string(), "10.0.0.1");
  EXPECT_TRUE(a.local_pool.empty());
  EXPECT_TRUE(a.remote_pool.empty());
  // DNS and timeouts come from the profile.
  EXPECT_EQ(a.dns1->to_string(), "8.8.8.8");
  EXPECT_EQ(a.dns2->to_string(), "1.1.1.1");
  EXPECT_EQ(a.session_timeout, std::chrono::hours(1));
  EXPECT_EQ(a.idle_timeout, std::chrono::minutes(10));
}

TEST(AddressPlan, ProfileAddressesWhenTheSecretHasNone) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "pooled");
  EXPECT_EQ(a.local.to_string(), "10.1.0.1");
  EXPECT_EQ(a.remote.to_string(), "10.1.0.10");
  EXPECT_EQ(a.remote_pool, "POOL1");
  // The secret's fixed remote, the profile's local.
  const auto m = ok(p, "mixed");
  EXPECT_EQ(m.local.to_string(), "10.1.0.1");
  EXPECT_EQ(m.remote.to_string(), "10.5.0.5");
}

TEST(AddressPlan, DefaultProfileWhenSecretAndProfileHaveNone) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "bare");  // profile "default" has no addresses and no DNS
  EXPECT_EQ(a.profile, "default");
  EXPECT_EQ(a.local.to_string(), "192.0.2.1");
  EXPECT_EQ(a.remote.to_string(), "10.2.0.1");
  EXPECT_EQ(a.remote_pool, "POOL2");
  EXPECT_EQ(a.dns1->to_string(), "9.9.9.9");
  EXPECT_FALSE(a.dns2);
  EXPECT_FALSE(a.session_timeout);
}

TEST(AddressPlan, UsersWithoutASecretGetTheDefaultProfile) {
  auto db = UserDb::parse(kFile, "users.rsc");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->add_pattern("load{n}", "pw"));
  auto p = AddressPlan::create(std::move(*db), "lns-default");
  ASSERT_TRUE(p);
  const auto a = ok(*p, "load7");  // a pattern user
  EXPECT_EQ(a.profile, "lns-default");
  EXPECT_EQ(a.local.to_string(), "192.0.2.1");
  EXPECT_EQ(a.remote.to_string(), "10.2.0.1");
  const auto r = ok(*p, "radius-only-user");  // accepted by RADIUS, unknown here
  EXPECT_EQ(r.profile, "lns-default");
  EXPECT_EQ(r.remote.to_string(), "10.2.0.2");
}

TEST(AddressPlan, PoolExhaustionChainsToNextPoolThenFails) {
  auto p = plan(kFile, "lns-default");
  std::vector<Assignment> got;
  for (int i = 0; i < 4; ++i) got.push_back(ok(p, "pooled"));
  EXPECT_EQ(got[0].remote.to_string(), "10.1.0.10");
  EXPECT_EQ(got[1].remote.to_string(), "10.1.0.11");
  EXPECT_EQ(got[2].remote.to_string(), "10.2.0.1");  // POOL1 full: next-pool POOL2
  EXPECT_EQ(got[2].remote_pool, "POOL2");
  EXPECT_EQ(got[3].remote.to_string(), "10.2.0.2");
  EXPECT_EQ(p.in_use("POOL1"), 2u);
  EXPECT_EQ(p.in_use("POOL2"), 2u);
  const auto full = p.assign("pooled");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error(), "remote-address: pool POOL1 -> POOL2 is exhausted (4 addresses, none free)");
  EXPECT_EQ(p.sessions_of("pooled"), 4u);
}

// Users without a secret of their own and without only-one (pattern or RADIUS users, the
// thousands of a load test) are not counted: a map node per session for nothing.
TEST(AddressPlan, UsersWithoutOwnSecretOrOnlyOneAreNotCounted) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "user17");
  const auto b = ok(p, "user17");
  EXPECT_NE(a.remote.to_string(), b.remote.to_string());
  EXPECT_EQ(p.sessions_of("user17"), 0u);
  EXPECT_EQ(p.in_use("POOL2"), 2u);
  p.release(a);
  p.release(b);
  EXPECT_EQ(p.in_use("POOL2"), 0u);
  ok(p, "pooled");
  EXPECT_EQ(p.sessions_of("pooled"), 1u);  // its own secret: counted
}

TEST(AddressPlan, ReleaseReturnsAddressesForReuse) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "pooled");
  const auto b = ok(p, "pooled");
  p.release(a);
  EXPECT_EQ(p.in_use("POOL1"), 1u);
  EXPECT_EQ(p.sessions_of("pooled"), 1u);
  const auto c = ok(p, "pooled");
  EXPECT_EQ(c.remote.to_string(), "10.1.0.10");  // a's address, handed out again
  p.release(b);
  p.release(b);  // a second release changes nothing
  EXPECT_EQ(p.in_use("POOL1"), 1u);
  EXPECT_EQ(p.sessions_of("pooled"), 1u);
}

TEST(AddressPlan, PooledLocalAddressesAreUniquePerSession) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "plocal");
  const auto b = ok(p, "plocal");
  EXPECT_EQ(a.local.to_string(), "10.9.0.1");
  EXPECT_EQ(a.local_pool, "LOCALS");
  EXPECT_EQ(b.local.to_string(), "10.9.0.2");
  const auto c = p.assign("plocal");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), "local-address: pool LOCALS is exhausted (2 addresses, none free)");
  // The failed attempt took nothing from POOL2.
  EXPECT_EQ(p.in_use("POOL2"), 2u);
  p.release(a);
  EXPECT_EQ(ok(p, "plocal").local.to_string(), "10.9.0.1");
}

TEST(AddressPlan, FixedRemoteAddressIsNotGivenTwice) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "MT-User");
  const auto again = p.assign("MT-User");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), "remote-address: 10.0.0.1 for user \"MT-User\" is in use by another session");
  p.release(a);
  EXPECT_TRUE(p.assign("MT-User"));
}

TEST(AddressPlan, PoolsSkipAddressesInUseElsewhere) {
  // A fixed remote-address inside a pool's range: the pool must not hand it out meanwhile.
  auto p = plan(R"(/ip pool add name=P ranges=10.0.0.1-10.0.0.3
/ppp profile add name=d local-address=10.0.0.254 remote-address=P
add name=fixed password=x remote-address=10.0.0.1
)",
                "d");
  const auto f = ok(p, "fixed");
  EXPECT_EQ(f.remote.to_string(), "10.0.0.1");
  const auto g1 = ok(p, "guest");
  const auto g2 = ok(p, "guest");
  EXPECT_EQ(g1.remote.to_string(), "10.0.0.2");
  EXPECT_EQ(g2.remote.to_string(), "10.0.0.3");
  EXPECT_FALSE(p.assign("guest"));
  p.release(f);  // 10.0.0.1 is free: the pool hands it out now
  EXPECT_EQ(ok(p, "guest").remote.to_string(), "10.0.0.1");
}

TEST(AddressPlan, PoolSkipsTheLocalAddress) {
  // The profile's local address lies inside its remote pool (a common slip): never hand it out.
  auto p = plan(
      "/ip pool add name=P ranges=10.0.0.1-10.0.0.2\n/ppp profile add name=d local-address=10.0.0.1 "
      "remote-address=P\n",
      "d");
  EXPECT_EQ(ok(p, "u").remote.to_string(), "10.0.0.2");
  EXPECT_FALSE(p.assign("u"));
}

TEST(AddressPlan, RadiusHintsOverrideTheSecret) {
  auto p = plan(kFile, "lns-default");
  AssignHints framed_ip;
  framed_ip.remote = net::IpAddress::v4(172, 16, 0, 9);
  EXPECT_EQ(ok(p, "pooled", framed_ip).remote.to_string(), "172.16.0.9");
  AssignHints framed_pool;
  framed_pool.remote_pool = "POOL2";
  const auto a = ok(p, "pooled", framed_pool);
  EXPECT_EQ(a.remote.to_string(), "10.2.0.1");
  EXPECT_EQ(a.remote_pool, "POOL2");
  AssignHints unknown;
  unknown.remote_pool = "NOPE";
  EXPECT_EQ(p.assign("pooled", unknown).error(), "Framed-Pool: no pool named \"NOPE\"");
}

TEST(AddressPlan, OnlyOneRefusesASecondSession) {
  auto p = plan(kFile, "lns-default");
  const auto a = ok(p, "one");
  const auto b = p.assign("one");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), "only-one: user \"one\" already has a session (profile single)");
  p.release(a);
  EXPECT_TRUE(p.assign("one"));
  // only-one=default on a profile follows the default profile.
  auto q = plan("/ppp profile set *0 only-one=yes local-address=10.0.0.1 remote-address=10.0.0.2\n");
  EXPECT_TRUE(q.assign("x"));
  EXPECT_EQ(q.assign("x").error(), "only-one: user \"x\" already has a session (profile default)");
}

TEST(AddressPlan, DisabledAndOtherServiceSecretsAreRefused) {
  auto p = plan(kFile, "lns-default");
  EXPECT_EQ(p.assign("off").error(), "user \"off\" is disabled (users.rsc:17)");
  EXPECT_EQ(p.assign("pptp-only").error(), "user \"pptp-only\" is for service pptp, not l2tp (users.rsc:18)");
}

TEST(AddressPlan, MissingAddressesNameTheChainThatWasTried) {
  auto p = plan("add name=u password=p\n");
  EXPECT_EQ(
      p.assign("u").error(),
      "local-address: none for user \"u\" (the secret, profile \"default\" and default profile \"default\" "
      "set none)");
  auto q = plan("/ppp profile set *0 local-address=10.0.0.1\n");
  EXPECT_EQ(
      q.assign("nobody").error(),
      "remote-address: none for user \"nobody\" (profile \"default\" and default profile \"default\" set "
      "none)");
}

TEST(AddressPlan, UnknownDefaultProfileIsAnError) {
  auto p = AddressPlan::create(UserDb{}, "gold");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), "default-profile: no profile named \"gold\" (profiles: default, default-encryption)");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
