#include "engine/kv/json_path.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flod::engine::kv {
namespace {

std::string Describe(const JsonPath& path) {
  std::string out;
  for (const PathToken& token : path) {
    out += token.is_index ? "[" + std::to_string(token.index) + "]" : "<" + token.name + ">";
  }
  return out;
}

std::string Parsed(std::string_view text) {
  std::optional<JsonPath> path = ParseJsonPath(text);
  return path ? Describe(*path) : "invalid";
}

TEST(JsonPathTest, RootFormsAreEmptyPaths) {
  EXPECT_EQ(Parsed(""), "");
  EXPECT_EQ(Parsed("$"), "");
}

TEST(JsonPathTest, ParsesDotBracketAndQuotedSegments) {
  EXPECT_EQ(Parsed("$.a.b"), "<a><b>");
  EXPECT_EQ(Parsed(".a"), "<a>");
  EXPECT_EQ(Parsed("a.b"), "<a><b>");
  EXPECT_EQ(Parsed("[3]"), "[3]");
  EXPECT_EQ(Parsed("$.a[0].b"), "<a>[0]<b>");
  EXPECT_EQ(Parsed("$[-2]"), "[-2]");
  EXPECT_EQ(Parsed("$['k.x']"), "<k.x>");
  EXPECT_EQ(Parsed(R"($["k[0]"])"), "<k[0]>");
  EXPECT_EQ(Parsed(R"($['it\'s'])"), "<it's>");
  EXPECT_EQ(Parsed("$['']"), "<>");
  EXPECT_EQ(Parsed("a b.c"), "<a b><c>");
}

TEST(JsonPathTest, RejectsMalformedPaths) {
  for (std::string_view bad : {"$.", "$..a", "$a", "a.", "[", "[]", "[1", "[+1]", "[1.5]", "['a",
                               "['a'x]", "$]", "a]b", "[99999999999999999999]"}) {
    EXPECT_EQ(Parsed(bad), "invalid") << bad;
  }
}

TEST(JsonPathTest, SelectWalksObjectsAndArrays) {
  nlohmann::json doc = nlohmann::json::parse(R"({"a":[{"b":1},{"b":2}]})");
  const nlohmann::json* node = SelectJson(doc, *ParseJsonPath("$.a[-1].b"));
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(*node, 2);
  EXPECT_EQ(SelectJson(doc, *ParseJsonPath("$.a[2]")), nullptr);
  EXPECT_EQ(SelectJson(doc, *ParseJsonPath("$.a.b")), nullptr);
  EXPECT_EQ(SelectJson(doc, *ParseJsonPath("$[0]")), nullptr);
  EXPECT_EQ(SelectJson(doc, *ParseJsonPath("$")), &doc);
}

TEST(JsonPathTest, SetCreatesMembersAndReplacesElementsOnly) {
  nlohmann::json doc = nlohmann::json::parse(R"({"a":[1,2]})");
  EXPECT_EQ(SetJsonAt(doc, *ParseJsonPath("$.b"), 3), JsonEdit::kDone);
  EXPECT_EQ(SetJsonAt(doc, *ParseJsonPath("$.a[-2]"), 9), JsonEdit::kDone);
  EXPECT_EQ(SetJsonAt(doc, *ParseJsonPath("$.a[2]"), 9), JsonEdit::kOutOfRange);
  EXPECT_EQ(SetJsonAt(doc, *ParseJsonPath("$.x.y"), 9), JsonEdit::kMissing);
  EXPECT_EQ(SetJsonAt(doc, *ParseJsonPath("$.a.y"), 9), JsonEdit::kMissing);
  EXPECT_EQ(SetJsonAt(doc, *ParseJsonPath("$.b[0]"), 9), JsonEdit::kMissing);
  EXPECT_EQ(doc.dump(), R"({"a":[9,2],"b":3})");
}

TEST(JsonPathTest, EraseRemovesMembersAndElements) {
  nlohmann::json doc = nlohmann::json::parse(R"({"a":[1,2,3],"b":{"c":1}})");
  EXPECT_EQ(EraseJsonAt(doc, *ParseJsonPath("$.a[1]")), JsonEdit::kDone);
  EXPECT_EQ(EraseJsonAt(doc, *ParseJsonPath("$.b.c")), JsonEdit::kDone);
  EXPECT_EQ(EraseJsonAt(doc, *ParseJsonPath("$.b.c")), JsonEdit::kMissing);
  EXPECT_EQ(EraseJsonAt(doc, *ParseJsonPath("$.a[5]")), JsonEdit::kMissing);
  EXPECT_EQ(doc.dump(), R"({"a":[1,3],"b":{}})");
}

}  // namespace
}  // namespace flod::engine::kv
