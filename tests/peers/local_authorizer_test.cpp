// The LNS's own authorizer: passwords from the secrets, addresses from the pools, and every
// address given back when a link ends (the held assignment keeps pool names by reference).
#include "peers/ppp/local_authorizer.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

constexpr const char* kUsers = R"(
/ip pool add name=TWO ranges=10.1.0.10-10.1.0.11
/ip pool add name=LOCALS ranges=10.9.0.1-10.9.0.2
/ppp profile add name=pooled local-address=LOCALS remote-address=TWO
/ppp secret
add name=a password=pa profile=pooled
add name=b password=pb profile=pooled
add name=c password=pc profile=pooled
)";

LocalAuthorizer make() {
  auto db = UserDb::parse(kUsers, "users.rsc");
  EXPECT_TRUE(db.has_value());
  auto plan = AddressPlan::create(std::move(*db), "default");
  EXPECT_TRUE(plan.has_value());
  return LocalAuthorizer(std::move(*plan), "test secrets");
}

std::optional<Decision> pap(LocalAuthorizer& auth, std::uint16_t session, const std::string& user,
                            const std::string& password) {
  ppp::auth::Credentials c;
  c.method = ppp::auth::Method::Pap;
  c.user = user;
  c.password = password;
  return auth.authorize(LinkKey{1, session}, c, [](Decision) { FAIL() << "answers at once"; });
}

TEST(LocalAuthorizer, PoolAddressesGoBackWhenTheLinkEnds) {
  LocalAuthorizer auth = make();
  const auto da = pap(auth, 1, "a", "pa");
  const auto db = pap(auth, 2, "b", "pb");
  ASSERT_TRUE(da && db);
  ASSERT_TRUE(da->verdict.accepted && db->verdict.accepted);
  EXPECT_NE(da->remote, db->remote);
  EXPECT_NE(da->local, db->local);
  const auto full = pap(auth, 3, "c", "pc");  // both pools exhausted
  ASSERT_TRUE(full);
  EXPECT_FALSE(full->verdict.accepted);

  auth.release(LinkKey{1, 1}, Time{});
  auth.release(LinkKey{1, 1}, Time{});  // twice: nothing more goes back
  const auto dc = pap(auth, 3, "c", "pc");
  ASSERT_TRUE(dc);
  ASSERT_TRUE(dc->verdict.accepted) << dc->verdict.reason;
  EXPECT_EQ(dc->remote, da->remote);  // a's addresses, from both pools
  EXPECT_EQ(dc->local, da->local);
  EXPECT_FALSE(pap(auth, 4, "a", "pa")->verdict.accepted);  // still full: released once only
}

// A link whose PPP renegotiates LCP in place authenticates again under the same key: it gets the
// addresses it held (given back first, then handed out first again), and holds one set, however
// often it does: the pools do not run dry.
TEST(LocalAuthorizer, AuthenticatingAgainKeepsTheAddressesAndLeaksNone) {
  LocalAuthorizer auth = make();
  const auto first = pap(auth, 1, "a", "pa");
  ASSERT_TRUE(first && first->verdict.accepted);
  for (int i = 0; i < 5; ++i) {
    const auto again = pap(auth, 1, "a", "pa");
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->verdict.accepted) << i << ": " << again->verdict.reason;
    EXPECT_EQ(again->remote, first->remote);
    EXPECT_EQ(again->local, first->local);
  }
  const auto other = pap(auth, 2, "b", "pb");  // the second address of each pool is still free
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->verdict.accepted) << other->verdict.reason;
  EXPECT_FALSE(pap(auth, 3, "c", "pc")->verdict.accepted);  // now both pools are full
  auth.release(LinkKey{1, 1}, Time{});
  EXPECT_TRUE(pap(auth, 3, "c", "pc")->verdict.accepted);  // a's one set went back
}

TEST(LocalAuthorizer, WrongPasswordIsRefusedAndHoldsNothing) {
  LocalAuthorizer auth = make();
  const auto d = pap(auth, 1, "a", "wrong");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->verdict.accepted);
  EXPECT_TRUE(pap(auth, 2, "b", "pb")->verdict.accepted);
  EXPECT_TRUE(pap(auth, 3, "c", "pc")->verdict.accepted);  // the refused one took no address
}

// The held assignments: one per key, given back once, slots reused, past one chunk.
TEST(HeldMap, PutTakeReuseAcrossChunks) {
  HeldMap held;
  for (std::uint32_t k = 0; k < 3000; ++k)
    held.put(k * 7, HeldAddresses{"user" + std::to_string(k), nullptr, nullptr, {}, {}});
  EXPECT_EQ(held.size(), 3000u);
  held.put(14, HeldAddresses{"again", nullptr, nullptr, {}, {}});  // replaces: still one for key 14
  EXPECT_EQ(held.size(), 3000u);
  const auto two = held.take(14);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->user, "again");
  EXPECT_FALSE(held.take(14));  // given back once
  EXPECT_FALSE(held.take(15));  // never held
  for (std::uint32_t k = 0; k < 3000; ++k) {
    if (k == 2) continue;
    const auto h = held.take(k * 7);
    ASSERT_TRUE(h) << k;
    EXPECT_EQ(h->user, "user" + std::to_string(k));
  }
  EXPECT_EQ(held.size(), 0u);
  held.put(1, HeldAddresses{"reused", nullptr, nullptr, {}, {}});
  EXPECT_EQ(held.take(1)->user, "reused");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
