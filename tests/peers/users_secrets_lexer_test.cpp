// The RouterOS script syntax under the secrets file: words, quotes, escapes, comments, line
// continuations, and the line/column every character came from.
#include <gtest/gtest.h>

#include "peers/users/secrets_lexer.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

std::vector<LogicalLine> lex_ok(std::string_view text) {
  auto r = lex_routeros(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : std::vector<LogicalLine>{};
}

TEST(SecretsLexer, SplitsKeyValueWordsAndKeepsColumns) {
  const auto lines = lex_ok("/ppp secret add name=MT-User password=StrongPass\n");
  ASSERT_EQ(lines.size(), 1u);
  const auto& w = lines[0].words;
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0].text, "/ppp");
  EXPECT_FALSE(w[0].has_value);
  EXPECT_EQ(w[3].key, "name");
  EXPECT_TRUE(w[3].has_value);
  EXPECT_EQ(w[3].text, "MT-User");
  EXPECT_EQ(w[3].start, (SourcePos{1, 17}));
  EXPECT_EQ(w[3].value_start, (SourcePos{1, 22}));
  EXPECT_EQ(w[4].key, "password");
  EXPECT_EQ(w[4].text, "StrongPass");
  EXPECT_EQ(w[4].pos_at(3), (SourcePos{1, 42}));
}

TEST(SecretsLexer, QuotedValuesKeepSpacesAndEscapes) {
  const auto lines = lex_ok(R"(name=user2 password="with space" comment="say \"hi\" \\ \$x\_y\41")");
  ASSERT_EQ(lines.size(), 1u);
  const auto& w = lines[0].words;
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1].text, "with space");
  EXPECT_TRUE(w[1].quoted);
  EXPECT_EQ(w[1].value_start, (SourcePos{1, 21}));  // the opening quote
  EXPECT_EQ(w[1].pos_at(1), (SourcePos{1, 23}));    // 'i' of "with"
  EXPECT_EQ(w[2].text, "say \"hi\" \\ $x yA");
}

TEST(SecretsLexer, EqualsInsideQuotesIsNotTheSeparator) {
  const auto lines = lex_ok(R"(password="a=b" comment=x=y)");
  ASSERT_EQ(lines[0].words.size(), 2u);
  EXPECT_EQ(lines[0].words[0].key, "password");
  EXPECT_EQ(lines[0].words[0].text, "a=b");
  EXPECT_EQ(lines[0].words[1].key, "comment");
  EXPECT_EQ(lines[0].words[1].text, "x=y");
}

TEST(SecretsLexer, CommentsAtWordStartOnlyAndOutsideQuotes) {
  const auto lines = lex_ok(
      "# a header comment\n"
      "   # indented comment\n"
      "name=a password=pa#ss # trailing comment\n"
      "name=b password=\"x # y\"\n");
  ASSERT_EQ(lines.size(), 2u);
  ASSERT_EQ(lines[0].words.size(), 2u);
  EXPECT_EQ(lines[0].words[1].text, "pa#ss");
  EXPECT_EQ(lines[0].words[0].start, (SourcePos{3, 1}));
  EXPECT_EQ(lines[1].words[1].text, "x # y");
}

TEST(SecretsLexer, BackslashContinuesTheLogicalLine) {
  const auto lines = lex_ok(
      "add name=x password=y \\\n"
      "    profile=default\n"
      "add name=z\n");
  ASSERT_EQ(lines.size(), 2u);
  ASSERT_EQ(lines[0].words.size(), 4u);
  EXPECT_EQ(lines[0].words[3].key, "profile");
  EXPECT_EQ(lines[0].words[3].start, (SourcePos{2, 5}));
  EXPECT_EQ(lines[1].words[1].text, "z");
}

TEST(SecretsLexer, ContinuationInsideAQuotedValueDropsTheBreakAndIndent) {
  const auto lines = lex_ok(
      "add name=x comment=\"a long \\\n"
      "    comment\" password=p\n");
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].words.size(), 4u);
  EXPECT_EQ(lines[0].words[2].text, "a long comment");
  EXPECT_EQ(lines[0].words[2].pos_at(7), (SourcePos{2, 5}));
  EXPECT_EQ(lines[0].words[3].text, "p");
}

TEST(SecretsLexer, CrLfAndByteOrderMarkAreIgnored) {
  const auto lines = lex_ok("\xEF\xBB\xBFname=a password=b\r\nname=c password=d\r\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].words[0].start, (SourcePos{1, 1}));
  EXPECT_EQ(lines[0].words[1].text, "b");
  EXPECT_EQ(lines[1].words[1].text, "d");
}

TEST(SecretsLexer, BracketsAreWordsOfTheirOwn) {
  const auto lines = lex_ok("set [find name=x] comment=y");
  ASSERT_EQ(lines[0].words.size(), 6u);
  EXPECT_EQ(lines[0].words[1].text, "[");
  EXPECT_EQ(lines[0].words[2].text, "find");
  EXPECT_EQ(lines[0].words[3].text, "x");
  EXPECT_EQ(lines[0].words[4].text, "]");
}

TEST(SecretsLexer, UnterminatedQuoteIsReportedAtTheQuote) {
  const auto r = lex_routeros("name=a\nname=b password=\"open\nname=c\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().pos, (SourcePos{2, 17}));
  EXPECT_NE(r.error().message.find("unterminated"), std::string::npos);
}

TEST(SecretsLexer, UnknownEscapeIsReportedAtTheBackslash) {
  const auto r = lex_routeros("name=a password=\"x\\qy\"");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().pos, (SourcePos{1, 19}));
  EXPECT_NE(r.error().message.find("unknown escape \\q"), std::string::npos) << r.error().message;
}

TEST(SecretsLexer, LowerCaseHexIsNotAnEscape) {
  // \a is the bell; \ab is bell then 'b'; \AB is 0xAB.
  const auto lines = lex_ok(R"(a="\ab" b="\AB")");
  EXPECT_EQ(lines[0].words[0].text, "\ab");
  EXPECT_EQ(lines[0].words[1].text, "\xAB");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
