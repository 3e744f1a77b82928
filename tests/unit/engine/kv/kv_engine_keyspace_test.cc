// Keyspace reads and the write variants Redis semantics need: key info (TTL/TYPE), counts,
// glob-filtered keys and scans, persist's answer, SET ... GET under a failed condition and
// JSON writes with NX / XX.

#include <algorithm>
#include <string>
#include <vector>

#include "kv_test_util.h"

namespace flod::engine::testing {
namespace {

class KvKeyspaceTest : public KvFixture {
 protected:
  std::vector<std::string> ScanAll(std::string_view pattern, uint32_t limit) {
    std::vector<std::string> keys;
    std::string after;
    while (true) {
      const ScanBody page = BodyOf<ScanBody>(kv_.Scan(
          kNs,
          KvScanOptions{.after = after, .limit = limit, .keys_only = true, .pattern = pattern}));
      for (const ScanItem& item : page.items) keys.push_back(item.key);
      EXPECT_LE(page.items.size(), limit);
      if (!page.has_more) return keys;
      after = page.cursor;
    }
  }
  Result JsonSet(std::string_view key, std::string_view path, std::string_view json,
                 JsonSetIf condition) {
    return kv_.JsonSet(kNs, key, path, json, sink_, condition);
  }
};

TEST_F(KvKeyspaceTest, KeyInfoGivesKindAndTimeLeft) {
  PutTtl("t", "v", 5'000);
  clock_.Advance(1'200);
  const KeyInfoBody info = BodyOf<KeyInfoBody>(kv_.KeyInfo(kNs, "t"));
  EXPECT_EQ(info.kind, ValueKind::kBytes);
  EXPECT_EQ(info.ttl_ms, 3'800);
  EXPECT_EQ(info.version, 1u);
}

TEST_F(KvKeyspaceTest, KeyInfoWithoutExpiryIsMinusOneAndMissingIsNotFound) {
  Incr("c", 1);
  const KeyInfoBody info = BodyOf<KeyInfoBody>(kv_.KeyInfo(kNs, "c"));
  EXPECT_EQ(info.kind, ValueKind::kCounter);
  EXPECT_EQ(info.ttl_ms, -1);
  EXPECT_EQ(kv_.KeyInfo(kNs, "nope").status, Status::kNotFound);
  PutTtl("gone", "v", 10);
  clock_.Advance(10);
  EXPECT_EQ(kv_.KeyInfo(kNs, "gone").status, Status::kNotFound);
}

TEST_F(KvKeyspaceTest, CountSeesLiveKeysAndThoseThatExpire) {
  Put("a", "1");
  PutTtl("b", "2", 100);
  PutTtl("c", "3", 1'000);
  kv_.Put("other", "x", "1", {}, sink_);
  KeyspaceBody count = BodyOf<KeyspaceBody>(kv_.Count(kNs));
  EXPECT_EQ(count.keys, 3u);
  EXPECT_EQ(count.expires, 2u);
  clock_.Advance(100);  // b expired but not reclaimed
  count = BodyOf<KeyspaceBody>(kv_.Count(kNs));
  EXPECT_EQ(count.keys, 2u);
  EXPECT_EQ(count.expires, 1u);
  EXPECT_EQ(BodyOf<KeyspaceBody>(kv_.Count("")).keys, 3u);  // every namespace
  EXPECT_EQ(BodyOf<KeyspaceBody>(kv_.Count("none")).keys, 0u);
}

TEST_F(KvKeyspaceTest, KeysFiltersByGlobInKeyOrder) {
  for (std::string key : {"user:2", "user:1", "order:1", "user:10", "usex"}) Put(key, "v");
  EXPECT_EQ(BodyOf<NameListBody>(kv_.Keys(kNs, "user:*")).names,
            (std::vector<std::string>{"user:1", "user:10", "user:2"}));
  EXPECT_EQ(BodyOf<NameListBody>(kv_.Keys(kNs, "*:1")).names,
            (std::vector<std::string>{"order:1", "user:1"}));
  EXPECT_EQ(BodyOf<NameListBody>(kv_.Keys(kNs, "us?r:?")).names,
            (std::vector<std::string>{"user:1", "user:2"}));
  EXPECT_EQ(BodyOf<NameListBody>(kv_.Keys(kNs, "*")).names.size(), 5u);
  EXPECT_TRUE(BodyOf<NameListBody>(kv_.Keys(kNs, "zzz*")).names.empty());
}

TEST_F(KvKeyspaceTest, KeysSkipsExpiredKeys) {
  Put("a", "v");
  PutTtl("b", "v", 5);
  clock_.Advance(5);
  EXPECT_EQ(BodyOf<NameListBody>(kv_.Keys(kNs, "*")).names, (std::vector<std::string>{"a"}));
}

TEST_F(KvKeyspaceTest, ScanWithPatternReturnsOnlyMatchesAndPagesWithoutSkipping) {
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    Put("k" + std::to_string(i), "v");
    Put("skip" + std::to_string(i), "v");
    if (i % 10 == 3) expected.push_back("k" + std::to_string(i));
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ScanAll("k*3", 2), expected);
  EXPECT_EQ(ScanAll("*", 7).size(), 100u);
}

TEST_F(KvKeyspaceTest, ScanLastPageReportsNoMoreWhenNoLaterKeyMatches) {
  Put("a1", "v");
  Put("a2", "v");
  Put("b1", "v");
  const ScanBody page = BodyOf<ScanBody>(
      kv_.Scan(kNs, KvScanOptions{.limit = 2, .keys_only = true, .pattern = "a*"}));
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_FALSE(page.has_more);
}

TEST_F(KvKeyspaceTest, ScanWithPrefixAndContradictingPatternFindsNothing) {
  Put("a1", "v");
  const ScanBody page =
      BodyOf<ScanBody>(kv_.Scan(kNs, KvScanOptions{.prefix = "a", .limit = 10, .pattern = "b*"}));
  EXPECT_TRUE(page.items.empty());
}

TEST_F(KvKeyspaceTest, PersistAnswersWhetherAnExpiryWasCleared) {
  PutTtl("t", "v", 1'000);
  Put("plain", "v");
  EXPECT_EQ(BodyOf<CountBody>(kv_.Persist(kNs, "t", std::nullopt, sink_)).count, 1u);
  EXPECT_EQ(BodyOf<KeyInfoBody>(kv_.KeyInfo(kNs, "t")).ttl_ms, -1);
  EXPECT_EQ(BodyOf<CountBody>(kv_.Persist(kNs, "t", std::nullopt, sink_)).count, 0u);
  EXPECT_EQ(BodyOf<CountBody>(kv_.Persist(kNs, "plain", std::nullopt, sink_)).count, 0u);
  EXPECT_EQ(kv_.Persist(kNs, "nope", std::nullopt, sink_).status, Status::kNotFound);
}

TEST_F(KvKeyspaceTest, PutWithReturnOldCarriesTheOldValueWhenItsConditionFails) {
  Put("k", "old");
  const size_t records = sink_.records.size();
  const Result failed = Put("k", "new", KvPutOptions{.if_not_exists = true, .return_old = true});
  EXPECT_EQ(failed.status, Status::kConflict);
  const PutOldValueBody old = BodyOf<PutOldValueBody>(failed);
  EXPECT_TRUE(old.had_old);
  EXPECT_EQ(old.old_value, "old");
  EXPECT_EQ(ValueIn(Get("k")), "old");
  EXPECT_EQ(sink_.records.size(), records);  // nothing written

  const Result missing = Put("m", "new", KvPutOptions{.if_exists = true, .return_old = true});
  EXPECT_EQ(missing.status, Status::kConflict);
  EXPECT_FALSE(BodyOf<PutOldValueBody>(missing).had_old);
}

TEST_F(KvKeyspaceTest, JsonSetNxAndXxOnTheRootTestTheKey) {
  EXPECT_EQ(JsonSet("d", "$", "{}", JsonSetIf::kExists).status, Status::kConflict);
  EXPECT_TRUE(JsonSet("d", "$", R"({"a":1})", JsonSetIf::kMissing).ok());
  EXPECT_EQ(JsonSet("d", "$", "{}", JsonSetIf::kMissing).status, Status::kConflict);
  EXPECT_TRUE(JsonSet("d", "$", R"({"a":2})", JsonSetIf::kExists).ok());
  EXPECT_EQ(ValueIn(kv_.JsonGet(kNs, "d", "$.a")), "2");
}

TEST_F(KvKeyspaceTest, JsonSetNxAndXxOnASubPathTestTheNode) {
  ASSERT_TRUE(JsonSet("d", "$", R"({"a":1})", JsonSetIf::kAlways).ok());
  EXPECT_EQ(JsonSet("d", "$.a", "5", JsonSetIf::kMissing).status, Status::kConflict);
  EXPECT_EQ(JsonSet("d", "$.b", "5", JsonSetIf::kExists).status, Status::kConflict);
  EXPECT_TRUE(JsonSet("d", "$.b", "5", JsonSetIf::kMissing).ok());
  EXPECT_TRUE(JsonSet("d", "$.a", "7", JsonSetIf::kExists).ok());
  EXPECT_EQ(ValueIn(kv_.JsonGet(kNs, "d", "$")), R"({"a":7,"b":5})");
}

}  // namespace
}  // namespace flod::engine::testing
