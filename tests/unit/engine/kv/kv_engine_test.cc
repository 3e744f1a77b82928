// Reads of the KV engine: get, history, scan paging, size.

#include <algorithm>
#include <set>
#include <string>

#include "kv_test_util.h"

namespace flod::engine::testing {
namespace {

using KvReadTest = KvFixture;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%04d", i);
  return buf;
}

// ---- Get ------------------------------------------------------------------------------------

TEST_F(KvReadTest, GetOfMissingKeyIsNotFound) { EXPECT_EQ(Get("nope").status, Status::kNotFound); }

TEST_F(KvReadTest, GetAnswersVersionKindAndValue) {
  Put("k", std::string("bin\0ary", 7));
  const ValueBody& got = BodyOf<ValueBody>(Get("k"));
  EXPECT_EQ(got.version, 1u);
  EXPECT_EQ(got.kind, ValueKind::kBytes);
  EXPECT_EQ(got.value, std::string("bin\0ary", 7));
}

// ---- History --------------------------------------------------------------------------------

TEST_F(KvReadTest, HistoryListsNewestFirstWithWriteTimes) {
  Put("k", "v1");
  clock_.Advance(10);
  Put("k", "v2");
  clock_.Advance(10);
  Put("k", "v3");
  const HistoryBody& h = BodyOf<HistoryBody>(kv_.History(kNs, "k", 0));
  ASSERT_EQ(h.items.size(), 3u);
  EXPECT_EQ(h.items[0].value, "v3");
  EXPECT_EQ(h.items[0].version, 3u);
  EXPECT_EQ(h.items[0].timestamp_ms, clock_.NowMs());
  EXPECT_EQ(h.items[1].value, "v2");
  EXPECT_EQ(h.items[1].timestamp_ms, clock_.NowMs() - 10);
  EXPECT_EQ(h.items[2].value, "v1");
  EXPECT_EQ(h.items[2].version, 1u);
}

TEST_F(KvReadTest, HistoryRingKeepsTheConfiguredNumberOfVersions) {
  for (int i = 1; i <= 20; ++i) Put("k", "v" + std::to_string(i));
  const HistoryBody& h = BodyOf<HistoryBody>(kv_.History(kNs, "k", 0));
  ASSERT_EQ(h.items.size(), 8u);  // KvConfig default
  for (size_t i = 0; i < h.items.size(); ++i) {
    EXPECT_EQ(h.items[i].value, "v" + std::to_string(20 - i));
    EXPECT_EQ(h.items[i].version, 20 - i);
  }
}

TEST_F(KvReadTest, HistoryLimitCutsTheNewestFirstList) {
  for (int i = 1; i <= 5; ++i) Put("k", "v" + std::to_string(i));
  const HistoryBody& h = BodyOf<HistoryBody>(kv_.History(kNs, "k", 2));
  ASSERT_EQ(h.items.size(), 2u);
  EXPECT_EQ(h.items[0].value, "v5");
  EXPECT_EQ(h.items[1].value, "v4");
  EXPECT_EQ(BodyOf<HistoryBody>(kv_.History(kNs, "k", 100)).items.size(), 5u);
}

TEST_F(KvReadTest, HistoryOfMissingOrExpiredKeyIsNotFound) {
  EXPECT_EQ(kv_.History(kNs, "k", 0).status, Status::kNotFound);
  PutTtl("k", "v", 5);
  clock_.Advance(5);
  EXPECT_EQ(kv_.History(kNs, "k", 0).status, Status::kNotFound);
}

TEST_F(KvReadTest, HistoryStartsOverAfterDelete) {
  Put("k", "old");
  Delete("k");
  Put("k", "new");
  const HistoryBody& h = BodyOf<HistoryBody>(kv_.History(kNs, "k", 0));
  ASSERT_EQ(h.items.size(), 1u);
  EXPECT_EQ(h.items[0].value, "new");
}

TEST(KvHistoryConfigTest, HistoryOfOneKeepsOnlyTheCurrentVersion) {
  ManualClock clock;
  NullChangeSink sink;
  KvEngine kv(clock, KvConfig{1});
  kv.Put("ns", "k", "a", {}, sink);
  kv.Put("ns", "k", "b", {}, sink);
  const HistoryBody& h = BodyOf<HistoryBody>(kv.History("ns", "k", 0));
  ASSERT_EQ(h.items.size(), 1u);
  EXPECT_EQ(h.items[0].value, "b");
}

TEST(KvHistoryConfigTest, RingOfThreeEvictsOldestFirst) {
  ManualClock clock;
  NullChangeSink sink;
  KvEngine kv(clock, KvConfig{3});
  for (std::string v : {"a", "b", "c", "d", "e"}) kv.Put("ns", "k", v, {}, sink);
  const HistoryBody& h = BodyOf<HistoryBody>(kv.History("ns", "k", 0));
  ASSERT_EQ(h.items.size(), 3u);
  EXPECT_EQ(h.items[0].value, "e");
  EXPECT_EQ(h.items[1].value, "d");
  EXPECT_EQ(h.items[2].value, "c");
}

// ---- Scan -----------------------------------------------------------------------------------

TEST_F(KvReadTest, ScanReturnsPrefixedKeysInByteOrder) {
  for (std::string k : {"b2", "a1", "b1", "b10", "c"}) Put(k, "v-" + k);
  KvScanOptions options;
  options.prefix = "b";
  const ScanBody& body = BodyOf<ScanBody>(kv_.Scan(kNs, options));
  ASSERT_EQ(body.items.size(), 3u);
  EXPECT_EQ(body.items[0].key, "b1");
  EXPECT_EQ(body.items[1].key, "b10");
  EXPECT_EQ(body.items[2].key, "b2");
  EXPECT_EQ(body.items[2].value, "v-b2");
  EXPECT_FALSE(body.has_more);
  EXPECT_EQ(body.cursor, "b2");
}

TEST_F(KvReadTest, ScanKeysOnlyLeavesValuesEmpty) {
  Put("a", "value");
  KvScanOptions options;
  options.keys_only = true;
  const ScanBody& body = BodyOf<ScanBody>(kv_.Scan(kNs, options));
  ASSERT_EQ(body.items.size(), 1u);
  EXPECT_EQ(body.items[0].key, "a");
  EXPECT_TRUE(body.items[0].value.empty());
}

TEST_F(KvReadTest, ScanOfUnknownNamespaceIsEmpty) {
  const ScanBody& body = BodyOf<ScanBody>(kv_.Scan("nowhere", {}));
  EXPECT_TRUE(body.items.empty());
  EXPECT_FALSE(body.has_more);
  EXPECT_TRUE(body.cursor.empty());
}

TEST_F(KvReadTest, ScanNeverShowsExpiredKeys) {
  Put("a", "v");
  PutTtl("b", "v", 10);
  Put("c", "v");
  clock_.Advance(10);
  KvScanOptions options;
  options.limit = 2;
  const ScanBody& body = BodyOf<ScanBody>(kv_.Scan(kNs, options));
  ASSERT_EQ(body.items.size(), 2u);
  EXPECT_EQ(body.items[0].key, "a");
  EXPECT_EQ(body.items[1].key, "c");
  EXPECT_FALSE(body.has_more);
}

TEST_F(KvReadTest, ScanHasMoreOnlyWhenAnotherLiveKeyFollows) {
  Put("a", "v");
  Put("b", "v");
  PutTtl("c", "v", 1);
  clock_.Advance(1);
  KvScanOptions options;
  options.limit = 2;
  EXPECT_FALSE(BodyOf<ScanBody>(kv_.Scan(kNs, options)).has_more);
  options.limit = 1;
  EXPECT_TRUE(BodyOf<ScanBody>(kv_.Scan(kNs, options)).has_more);
}

TEST_F(KvReadTest, ScanPagingVisitsEveryKeyOnceDespiteChurn) {
  for (int i = 0; i < 500; i += 2) Put(Key(i), "v");  // even keys stay throughout
  Put("other", "v");
  std::vector<std::string> seen;
  KvScanOptions options;
  options.prefix = "key";
  options.limit = 7;
  std::string cursor;
  int page = 0;
  while (true) {
    options.after = cursor;
    ScanBody body = BodyOf<ScanBody>(kv_.Scan(kNs, options));
    ASSERT_LE(body.items.size(), 7u);
    for (const ScanItem& item : body.items) seen.push_back(item.key);
    // Churn between pages: odd keys come and go on both sides of the cursor.
    Put(Key(2 * page + 1), "v");
    Put(Key(499 - 2 * page), "v");
    Delete(Key(2 * (page / 2) + 1));
    ++page;
    if (!body.has_more) break;
    cursor = body.cursor;
  }
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());  // no repeat
  for (int i = 0; i < 500; i += 2) {
    EXPECT_TRUE(std::binary_search(seen.begin(), seen.end(), Key(i))) << Key(i);  // no skip
  }
  EXPECT_FALSE(std::binary_search(seen.begin(), seen.end(), std::string("other")));
}

TEST_F(KvReadTest, ScanCursorBeforeThePrefixStartsAtThePrefix) {
  Put("a", "v");
  Put("m1", "v");
  KvScanOptions options;
  options.prefix = "m";
  options.after = "a";
  const ScanBody& body = BodyOf<ScanBody>(kv_.Scan(kNs, options));
  ASSERT_EQ(body.items.size(), 1u);
  EXPECT_EQ(body.items[0].key, "m1");
}

TEST_F(KvReadTest, ScanLimitZeroMeansTheDefault) {
  for (int i = 0; i < 150; ++i) Put(Key(i), "v");
  KvScanOptions options;
  options.limit = 0;
  const ScanBody& body = BodyOf<ScanBody>(kv_.Scan(kNs, options));
  EXPECT_EQ(body.items.size(), 100u);
  EXPECT_TRUE(body.has_more);
}

// ---- Size -----------------------------------------------------------------------------------

TEST_F(KvReadTest, SizeCountsLiveKeysPerNamespaceOrAll) {
  kv_.Put("a", "k1", "v", {}, sink_);
  kv_.Put("a", "k2", "v", {}, sink_);
  KvPutOptions ttl;
  ttl.ttl_ms = 10;
  kv_.Put("b", "k1", "v", ttl, sink_);
  EXPECT_EQ(kv_.Size("a"), 2u);
  EXPECT_EQ(kv_.Size("b"), 1u);
  EXPECT_EQ(kv_.Size(""), 3u);
  clock_.Advance(10);
  EXPECT_EQ(kv_.Size("b"), 0u);
  EXPECT_EQ(kv_.Size(""), 2u);
  EXPECT_EQ(kv_.Size("missing"), 0u);
}

}  // namespace
}  // namespace flod::engine::testing
