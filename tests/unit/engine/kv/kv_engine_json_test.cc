// JSON documents in the KV engine: get/set/del on every path form and the type rules.

#include "kv_test_util.h"

namespace flod::engine::testing {
namespace {

class KvJsonTest : public KvFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Set("doc", "$", R"({"a":{"b":[10,{"c":"x"},30]},"k.dot":1,"n":null})").ok());
  }
  Result Set(std::string_view key, std::string_view path, std::string_view json) {
    return kv_.JsonSet(kNs, key, path, json, sink_);
  }
  Result JsonGet(std::string_view key, std::string_view path) const {
    return kv_.JsonGet(kNs, key, path);
  }
  Result Del(std::string_view key, std::string_view path) {
    return kv_.JsonDel(kNs, key, path, sink_);
  }
  std::string Text(std::string_view key, std::string_view path) const {
    return ValueIn(JsonGet(key, path));
  }
};

TEST_F(KvJsonTest, GetSelectsEveryPathForm) {
  EXPECT_EQ(Text("doc", "$.a.b[0]"), "10");
  EXPECT_EQ(Text("doc", "a.b[2]"), "30");
  EXPECT_EQ(Text("doc", ".a.b[1].c"), "\"x\"");
  EXPECT_EQ(Text("doc", "$.a.b[-1]"), "30");
  EXPECT_EQ(Text("doc", "$.a.b[-3]"), "10");
  EXPECT_EQ(Text("doc", "$['k.dot']"), "1");
  EXPECT_EQ(Text("doc", R"($["a"]["b"][1]["c"])"), "\"x\"");
  EXPECT_EQ(Text("doc", "$.n"), "null");
  EXPECT_EQ(Text("doc", "$.a"), R"({"b":[10,{"c":"x"},30]})");
}

TEST_F(KvJsonTest, GetOfTheRootAnswersTheWholeDocumentAsJson) {
  const ValueBody& root = BodyOf<ValueBody>(JsonGet("doc", "$"));
  EXPECT_EQ(root.kind, ValueKind::kJson);
  EXPECT_EQ(root.version, 1u);
  EXPECT_EQ(root.value, R"({"a":{"b":[10,{"c":"x"},30]},"k.dot":1,"n":null})");
  EXPECT_EQ(ValueIn(JsonGet("doc", "")), root.value);
  const ValueBody& plain = BodyOf<ValueBody>(Get("doc"));
  EXPECT_EQ(plain.kind, ValueKind::kJson);
}

TEST_F(KvJsonTest, GetOfMissingKeyOrPathIsNotFound) {
  EXPECT_EQ(JsonGet("nope", "$").status, Status::kNotFound);
  EXPECT_EQ(JsonGet("doc", "$.zzz").status, Status::kNotFound);
  EXPECT_EQ(JsonGet("doc", "$.a.b[3]").status, Status::kNotFound);
  EXPECT_EQ(JsonGet("doc", "$.a.b[-4]").status, Status::kNotFound);
  EXPECT_EQ(JsonGet("doc", "$.a[0]").status, Status::kNotFound);   // index into an object
  EXPECT_EQ(JsonGet("doc", "$.a.b.c").status, Status::kNotFound);  // member of an array
}

TEST_F(KvJsonTest, BadPathIsBadRequest) {
  for (std::string_view bad : {"$.", "$..a", "$a", "$[", "$[x]", "$['a'", "$[1", "a[]", "$.a]"}) {
    EXPECT_EQ(JsonGet("doc", bad).status, Status::kBadRequest) << bad;
    EXPECT_EQ(Set("doc", bad, "1").status, Status::kBadRequest) << bad;
    EXPECT_EQ(Del("doc", bad).status, Status::kBadRequest) << bad;
  }
}

TEST_F(KvJsonTest, SetCreatesAndReplacesMembers) {
  uint64_t v = VersionIn(Set("doc", "$.a.new", R"([1,2])"));
  EXPECT_EQ(v, 2u);
  EXPECT_EQ(Text("doc", "$.a.new[1]"), "2");
  Set("doc", "$['k.dot']", R"("replaced")");
  EXPECT_EQ(Text("doc", "$['k.dot']"), "\"replaced\"");
  EXPECT_EQ(BodyOf<ValueBody>(Get("doc")).version, 3u);
}

TEST_F(KvJsonTest, SetReplacesArrayElementsButNeverAppends) {
  ASSERT_TRUE(Set("doc", "$.a.b[0]", "11").ok());
  ASSERT_TRUE(Set("doc", "$.a.b[-1]", "33").ok());
  EXPECT_EQ(Text("doc", "$.a.b"), R"([11,{"c":"x"},33])");
  EXPECT_EQ(Set("doc", "$.a.b[3]", "1").status, Status::kBadRequest);
  EXPECT_EQ(Set("doc", "$.a.b[-4]", "1").status, Status::kBadRequest);
}

TEST_F(KvJsonTest, SetNeedsTheKeyAndTheParentForASubPath) {
  EXPECT_EQ(Set("nope", "$.a", "1").status, Status::kNotFound);
  EXPECT_EQ(Set("doc", "$.missing.child", "1").status, Status::kNotFound);
  EXPECT_EQ(Set("doc", "$.a.b.member", "1").status, Status::kNotFound);
}

TEST_F(KvJsonTest, SetRootCreatesOrReplacesTheDocument) {
  EXPECT_TRUE(Set("fresh", "$", R"({"x":1})").ok());
  EXPECT_EQ(Text("fresh", "$.x"), "1");
  EXPECT_TRUE(Set("fresh", "", "[1, 2]").ok());
  EXPECT_EQ(Text("fresh", "$"), "[1,2]");
}

TEST_F(KvJsonTest, SetRejectsBadJson) {
  EXPECT_EQ(Set("doc", "$.a", "{nope").status, Status::kBadRequest);
  EXPECT_EQ(Set("new", "$", "").status, Status::kBadRequest);
  EXPECT_EQ(Set("new", "$", std::string(600, '[') + std::string(600, ']')).status,
            Status::kBadRequest);
}

TEST_F(KvJsonTest, BytesThatParseAsJsonCountAsADocument) {
  Put("raw", R"({"n":1})");
  EXPECT_EQ(Text("raw", "$.n"), "1");
  ASSERT_TRUE(Set("raw", "$.m", "2").ok());
  const ValueBody& got = BodyOf<ValueBody>(Get("raw"));
  EXPECT_EQ(got.kind, ValueKind::kJson);
  EXPECT_EQ(got.value, R"({"m":2,"n":1})");
}

TEST_F(KvJsonTest, CountersAndUnparsableBytesAreWrongType) {
  Incr("counter", 1);
  Put("text", "not json");
  for (std::string_view key : {"counter", "text"}) {
    EXPECT_EQ(JsonGet(key, "$").status, Status::kWrongType) << key;
    EXPECT_EQ(Set(key, "$.a", "1").status, Status::kWrongType) << key;
    EXPECT_EQ(Set(key, "$", "1").status, Status::kWrongType) << key;
    EXPECT_EQ(Del(key, "$.a").status, Status::kWrongType) << key;
    EXPECT_EQ(Del(key, "$").status, Status::kWrongType) << key;
  }
}

TEST_F(KvJsonTest, SubPathWritesKeepTheTtl) {
  kv_.Touch(kNs, "doc", 100, std::nullopt, sink_);
  Set("doc", "$.a.x", "1");
  Del("doc", "$.n");
  clock_.Advance(99);
  EXPECT_TRUE(Get("doc").ok());
  clock_.Advance(1);
  EXPECT_EQ(Get("doc").status, Status::kNotFound);
}

TEST_F(KvJsonTest, DelRemovesMembersAndElements) {
  uint64_t v = VersionIn(Del("doc", "$.a.b[1]"));
  EXPECT_EQ(v, 2u);
  EXPECT_EQ(Text("doc", "$.a.b"), "[10,30]");
  ASSERT_TRUE(Del("doc", "['k.dot']").ok());
  EXPECT_EQ(JsonGet("doc", "$['k.dot']").status, Status::kNotFound);
  ASSERT_TRUE(Del("doc", "$.a.b[-1]").ok());
  EXPECT_EQ(Text("doc", "$.a.b"), "[10]");
}

TEST_F(KvJsonTest, DelOfMissingPathOrKeyIsNotFound) {
  EXPECT_EQ(Del("doc", "$.zzz").status, Status::kNotFound);
  EXPECT_EQ(Del("doc", "$.a.b[7]").status, Status::kNotFound);
  EXPECT_EQ(Del("nope", "$").status, Status::kNotFound);
  EXPECT_EQ(Del("nope", "$.a").status, Status::kNotFound);
}

TEST_F(KvJsonTest, DelOfTheRootDeletesTheKey) {
  const Result r = Del("doc", "$");
  EXPECT_EQ(VersionIn(r), 0u);
  EXPECT_EQ(Get("doc").status, Status::kNotFound);
}

}  // namespace
}  // namespace flod::engine::testing
