// Generated user names for load tests: expansion on the LAC side, matching on the LNS side.
#include <gtest/gtest.h>

#include "peers/users/name_pattern.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

NamePattern pattern(std::string_view text) {
  auto p = NamePattern::parse(text);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error());
  return std::move(p.value());
}

TEST(NamePattern, ExpandsEveryPlaceholder) {
  const auto p = pattern("t{tunnel}-s{session}-n{n}@lab");
  EXPECT_EQ(p.expand({.tunnel = 3, .session = 14, .n = 1234}), "t3-s14-n1234@lab");
  EXPECT_TRUE(p.has_placeholders());
  EXPECT_EQ(p.text(), "t{tunnel}-s{session}-n{n}@lab");
}

TEST(NamePattern, LiteralNameMatchesOnlyItself) {
  const auto p = pattern("MT-User");
  EXPECT_FALSE(p.has_placeholders());
  EXPECT_EQ(p.expand({}), "MT-User");
  EXPECT_TRUE(p.matches("MT-User"));
  EXPECT_FALSE(p.matches("MT-User1"));
  EXPECT_FALSE(p.matches("mt-user"));
}

TEST(NamePattern, MatchesExactlyTheNamesItCanGenerate) {
  const auto p = pattern("user{n}");
  EXPECT_TRUE(p.matches("user0"));
  EXPECT_TRUE(p.matches("user1"));
  EXPECT_TRUE(p.matches("user65535"));
  EXPECT_TRUE(p.matches("user18446744073709551615"));
  EXPECT_FALSE(p.matches("user18446744073709551616"));  // past uint64: never generated
  EXPECT_FALSE(p.matches("user"));
  EXPECT_FALSE(p.matches("user01"));  // expand() never writes leading zeros
  EXPECT_FALSE(p.matches("user-1"));
  EXPECT_FALSE(p.matches("user1x"));
  EXPECT_FALSE(p.matches("xuser1"));
}

TEST(NamePattern, AdjacentPlaceholdersTryEverySplit) {
  const auto p = pattern("u{tunnel}{session}x");
  EXPECT_TRUE(p.matches("u12x"));    // 1,2
  EXPECT_TRUE(p.matches("u105x"));   // 10,5 (1,05 would need a leading zero)
  EXPECT_TRUE(p.matches("u00x"));    // 0,0
  EXPECT_FALSE(p.matches("u1x"));    // needs two numbers
  EXPECT_FALSE(p.matches("u001x"));  // 0,01 and 00,1 both have a leading zero
  for (std::uint64_t t : {0, 7, 12}) {
    for (std::uint64_t s : {0, 3, 40}) EXPECT_TRUE(p.matches(p.expand({.tunnel = t, .session = s})));
  }
}

TEST(NamePattern, BadPatternsNameTheProblem) {
  EXPECT_EQ(NamePattern::parse("user{id}").error(),
            "user name pattern \"user{id}\": unknown placeholder {id} (known: {tunnel}, {session}, {n})");
  EXPECT_EQ(NamePattern::parse("user{n").error(), "user name pattern \"user{n\": unmatched { at offset 4");
  EXPECT_EQ(NamePattern::parse("user}").error(), "user name pattern \"user}\": unmatched } at offset 4");
  EXPECT_EQ(NamePattern::parse("").error(), "a user name pattern must not be empty");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
