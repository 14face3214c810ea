// Who may log in and with which password: file secrets, disabled and other-service secrets,
// generated (pattern) users, and loading from a file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "peers/users/user_db.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

UserDb db_of(std::string_view text) {
  auto r = UserDb::parse(text, "users.rsc");
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  return r ? std::move(*r) : UserDb{};
}

TEST(UserDb, FindsEnabledL2tpSecrets) {
  const auto db = db_of(
      "name=a password=pa service=l2tp\n"
      "name=b password=pb\n"
      "name=c password=pc service=pppoe\n"
      "name=d password=pd disabled=yes\n"
      "name=e password=pe disabled=no service=any\n");
  EXPECT_EQ(db.password_of("a"), "pa");
  EXPECT_EQ(db.password_of("b"), "pb");
  EXPECT_EQ(db.password_of("c"), std::nullopt);  // kept, but for PPPoE only
  EXPECT_EQ(db.password_of("d"), std::nullopt);  // disabled
  EXPECT_EQ(db.password_of("e"), "pe");
  EXPECT_EQ(db.password_of("A"), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(db.password_of("nobody"), std::nullopt);
  // secret() sees them all.
  ASSERT_NE(db.secret("c"), nullptr);
  EXPECT_EQ(db.secret("c")->service, "pppoe");
  ASSERT_NE(db.secret("d"), nullptr);
  EXPECT_TRUE(db.secret("d")->disabled);
}

TEST(UserDb, EmptyPasswordIsAPassword) {
  const auto db = db_of("name=guest\n");
  EXPECT_EQ(db.password_of("guest"), "");
}

TEST(UserDb, PatternUsersShareOnePassword) {
  UserDb db;
  ASSERT_TRUE(db.add_pattern("user{n}", "LoadPass"));
  EXPECT_EQ(db.password_of("user1"), "LoadPass");
  EXPECT_EQ(db.password_of("user4711"), "LoadPass");
  EXPECT_EQ(db.password_of("user"), std::nullopt);
  EXPECT_EQ(db.password_of("admin"), std::nullopt);
  const PppSecret* s = db.find("user9");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->name, "user{n}");
  EXPECT_TRUE(s->profile.empty());  // the LNS's default profile applies
  EXPECT_EQ(db.add_pattern("user{x}", "p").error(),
            "user name pattern \"user{x}\": unknown placeholder {x} (known: {tunnel}, {session}, {n})");
}

TEST(UserDb, FileSecretsWinOverPatterns) {
  auto db = db_of("name=user1 password=Special\nname=user2 password=x disabled=yes\n");
  ASSERT_TRUE(db.add_pattern("user{n}", "LoadPass"));
  EXPECT_EQ(db.password_of("user1"), "Special");
  // A disabled secret stays disabled: the pattern does not reopen it.
  EXPECT_EQ(db.password_of("user2"), std::nullopt);
  EXPECT_EQ(db.password_of("user3"), "LoadPass");
}

TEST(UserDb, FirstMatchingPatternWins) {
  UserDb db;
  ASSERT_TRUE(db.add_pattern("t{tunnel}-s{session}", "first"));
  ASSERT_TRUE(db.add_pattern("t{n}-s{n}", "second"));
  ASSERT_TRUE(db.add_pattern("fixed-name", "third"));
  EXPECT_EQ(db.password_of("t1-s2"), "first");
  EXPECT_EQ(db.password_of("fixed-name"), "third");
}

TEST(UserDb, LoadReadsAFile) {
  char path[] = "/tmp/l2tpsim-users-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "/ppp secret add name=MT-User password=StrongPass\nname=bad pasword=x\n";
  auto r = UserDb::load(path);
  ASSERT_FALSE(r);
  const std::string where = std::string(path) + ":2:10: pasword: ";
  EXPECT_EQ(r.error().substr(0, where.size()), where);
  std::ofstream(path) << "/ppp secret add name=MT-User password=StrongPass\n";
  auto ok = UserDb::load(path);
  std::remove(path);
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok->password_of("MT-User"), "StrongPass");
  EXPECT_EQ(ok->secret("MT-User")->origin, std::string(path) + ":1");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
