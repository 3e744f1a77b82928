#include "flod/core/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace flod {
namespace {

TEST(GlobTest, StarMatchesAnyRunIncludingEmpty) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("user:*", "user:"));
  EXPECT_TRUE(GlobMatch("user:*", "user:42"));
  EXPECT_TRUE(GlobMatch("*:42", "user:42"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXXbYY"));
  EXPECT_FALSE(GlobMatch("user:*", "use"));
}

TEST(GlobTest, QuestionMarkMatchesExactlyOneByte) {
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_TRUE(GlobMatch("h?llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_FALSE(GlobMatch("h?llo", "heello"));
}

TEST(GlobTest, SetsRangesAndNegation) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h[b-a]llo", "hallo"));  // a reversed range is the same range
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("k[0-9][0-9]", "k42"));
}

TEST(GlobTest, BackslashMakesSpecialBytesLiteral) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "aXb"));
  EXPECT_TRUE(GlobMatch("a\\?", "a?"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("\\[x]", "[x]"));
}

TEST(GlobTest, UnterminatedSetRunsToTheEnd) {
  EXPECT_TRUE(GlobMatch("a[bc", "ab"));
  EXPECT_FALSE(GlobMatch("a[bc", "ad"));
}

TEST(GlobTest, BinaryBytesMatchThemselves) {
  const std::string key("a\0\r\nb", 5);
  EXPECT_TRUE(GlobMatch("a*b", key));
  EXPECT_TRUE(GlobMatch(std::string("a\0*", 3), key));
  EXPECT_FALSE(GlobMatch("a?b", key));
}

TEST(GlobTest, NocaseFoldsAsciiLetters) {
  EXPECT_FALSE(GlobMatch("SAVE", "save"));
  EXPECT_TRUE(GlobMatch("SAVE", "save", /*nocase=*/true));
  EXPECT_TRUE(GlobMatch("max*", "MAXMEMORY", true));
  EXPECT_TRUE(GlobMatch("[A-C]x", "bx", true));
}

TEST(GlobTest, ManyStarsStayCheapOnLongMisses) {
  const std::string text(10'000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*", text));
}

TEST(GlobTest, LiteralPrefixStopsAtTheFirstWildcard) {
  EXPECT_EQ(GlobLiteralPrefix("user:*"), "user:");
  EXPECT_EQ(GlobLiteralPrefix("user:?x"), "user:");
  EXPECT_EQ(GlobLiteralPrefix("user:[ab]"), "user:");
  EXPECT_EQ(GlobLiteralPrefix("plain"), "plain");
  EXPECT_EQ(GlobLiteralPrefix("a\\*b*"), "a*b");
  EXPECT_EQ(GlobLiteralPrefix("*"), "");
}

}  // namespace
}  // namespace flod
