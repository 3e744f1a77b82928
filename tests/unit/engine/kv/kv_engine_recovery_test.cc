// Replay, snapshots and reclaiming: a recording sink captures a live engine's records;
// replaying them (or its snapshot) into a fresh engine must answer every read the same.

#include <string>
#include <vector>

#include "kv_test_util.h"

namespace flod::engine::testing {
namespace {

const std::vector<std::string> kNamespaces = {"default", "other", "wiped"};

std::vector<ScanItem> ScanAll(const KvEngine& kv, std::string_view ns) {
  std::vector<ScanItem> all;
  KvScanOptions options;
  options.limit = 3;
  std::string cursor;
  while (true) {
    options.after = cursor;
    ScanBody page = BodyOf<ScanBody>(kv.Scan(ns, options));
    all.insert(all.end(), page.items.begin(), page.items.end());
    if (!page.has_more) return all;
    cursor = page.cursor;
  }
}

void ExpectSameAnswers(const KvEngine& want, const KvEngine& got) {
  EXPECT_EQ(want.Size(""), got.Size(""));
  for (const std::string& ns : kNamespaces) {
    std::vector<ScanItem> want_items = ScanAll(want, ns);
    std::vector<ScanItem> got_items = ScanAll(got, ns);
    ASSERT_EQ(want_items.size(), got_items.size()) << ns;
    for (size_t i = 0; i < want_items.size(); ++i) {
      const std::string& key = want_items[i].key;
      EXPECT_EQ(key, got_items[i].key);
      EXPECT_EQ(want_items[i].value, got_items[i].value) << key;
      EXPECT_EQ(want_items[i].kind, got_items[i].kind) << key;
      EXPECT_EQ(want.VersionOf(ns, key), got.VersionOf(ns, key)) << key;
      const ValueBody& a = BodyOf<ValueBody>(want.Get(ns, key));
      const ValueBody& b = BodyOf<ValueBody>(got.Get(ns, key));
      EXPECT_EQ(a.version, b.version) << key;
      EXPECT_EQ(a.value, b.value) << key;
      HistoryBody ha = BodyOf<HistoryBody>(want.History(ns, key, 0));
      HistoryBody hb = BodyOf<HistoryBody>(got.History(ns, key, 0));
      ASSERT_EQ(ha.items.size(), hb.items.size()) << key;
      for (size_t j = 0; j < ha.items.size(); ++j) {
        EXPECT_EQ(ha.items[j].version, hb.items[j].version) << key;
        EXPECT_EQ(ha.items[j].timestamp_ms, hb.items[j].timestamp_ms) << key;
        EXPECT_EQ(ha.items[j].value, hb.items[j].value) << key;
      }
    }
  }
}

class KvRecoveryTest : public KvFixture {
 protected:
  // Exercises every record type, expiry, reclaiming and recreation of expired keys.
  void RunWorkload() {
    for (int i = 0; i < 12; ++i) Put("hot", "v" + std::to_string(i));  // overflows the ring
    PutTtl("short", "s", 100);
    PutTtl("reborn", "old", 100);
    PutTtl("touched", "t", 100);
    Touch("touched", 0);
    Incr("count", 5);
    Incr("count", -2);
    kv_.JsonSet(kNs, "doc", "$", R"({"a":[1,2,3]})", sink_);
    kv_.JsonSet(kNs, "doc", "$.b", "true", sink_);
    kv_.JsonDel(kNs, "doc", "$.a[0]", sink_);
    Put("deleted", "d");
    Delete("deleted");
    kv_.Put("other", "k", "in other", {}, sink_);
    const std::vector<std::string> pairs_keys = {"m1", "hot", "m1"};
    const std::vector<std::string> pairs_values = {"first", "from mset", "last"};
    kv_.PutMany(kNs, pairs_keys, pairs_values, sink_);
    kv_.PutMany("other", pairs_keys, pairs_values, sink_);
    kv_.Put("wiped", "k", "gone soon", {}, sink_);
    kv_.Clear("wiped", sink_);
    uint64_t txn = BodyOf<TxnBeginBody>(kv_.TxnBegin(kNs, 0)).txn_id;
    kv_.TxnPut(txn, kNs, "t1", "x", {});
    kv_.TxnIncr(txn, kNs, "count", 10);
    kv_.TxnDelete(txn, kNs, "hot");
    kv_.TxnPut(txn, kNs, "hot", "after delete", {});
    ASSERT_TRUE(kv_.TxnCommit(txn, kNs, sink_).ok());
    clock_.Advance(100);
    EXPECT_EQ(kv_.ReclaimExpired(1), 1u);  // frees one of the two expired keys, unlogged
    Put("reborn", "new");                  // an expired key starts over
    Put("last", "z");
    Delete("last");  // the highest version now belongs to no live key
  }
};

TEST_F(KvRecoveryTest, ReplayRebuildsTheSameState) {
  RunWorkload();
  KvEngine replayed(clock_);
  ReplayAll(replayed, sink_.records);
  ExpectSameAnswers(kv_, replayed);
  EXPECT_EQ(ValueIn(replayed.Get(kNs, "reborn")), "new");
  EXPECT_EQ(BodyOf<HistoryBody>(replayed.History(kNs, "reborn", 0)).items.size(), 1u);
  EXPECT_EQ(replayed.Get(kNs, "short").status, Status::kNotFound);
  NullChangeSink ignore;
  EXPECT_EQ(VersionIn(kv_.Put(kNs, "next", "v", {}, ignore)),
            VersionIn(replayed.Put(kNs, "next", "v", {}, ignore)));
}

TEST_F(KvRecoveryTest, ReplayIgnoresTheClockAndReachesTheSameExpiry) {
  PutTtl("k", "v", 100);
  ManualClock later(clock_.NowMs() + 5000);
  KvEngine replayed(later);
  ReplayAll(replayed, sink_.records);
  EXPECT_EQ(replayed.Get(kNs, "k").status, Status::kNotFound);
  ManualClock same(clock_.NowMs() + 99);
  KvEngine replayed_early(same);
  ReplayAll(replayed_early, sink_.records);
  EXPECT_TRUE(replayed_early.Get(kNs, "k").ok());
}

TEST_F(KvRecoveryTest, SnapshotRoundTripRebuildsTheSameState) {
  RunWorkload();
  RecordingSink snapshot;
  kv_.WriteSnapshot(snapshot);
  KvEngine restored(clock_);
  ReplayAll(restored, snapshot.records);
  ExpectSameAnswers(kv_, restored);
  NullChangeSink ignore;
  EXPECT_EQ(VersionIn(kv_.Put(kNs, "next", "v", {}, ignore)),
            VersionIn(restored.Put(kNs, "next", "v", {}, ignore)));
}

TEST_F(KvRecoveryTest, SnapshotThenLaterRecordsRebuildTheSameState) {
  Put("a", "1");
  PutTtl("b", "2", 500);
  RecordingSink snapshot;
  kv_.WriteSnapshot(snapshot);
  size_t covered = sink_.records.size();
  RunWorkload();
  KvEngine restored(clock_);
  ReplayAll(restored, snapshot.records);
  ReplayAll(restored, std::vector<Record>(sink_.records.begin() + covered, sink_.records.end()));
  ExpectSameAnswers(kv_, restored);
}

TEST_F(KvRecoveryTest, SnapshotOfAnEmptyEngineKeepsOnlyTheCounter) {
  Put("a", "1");
  Delete("a");
  RecordingSink snapshot;
  kv_.WriteSnapshot(snapshot);
  ASSERT_EQ(snapshot.records.size(), 1u);
  KvEngine restored(clock_);
  ReplayAll(restored, snapshot.records);
  NullChangeSink ignore;
  EXPECT_EQ(VersionIn(restored.Put(kNs, "a", "v", {}, ignore)), 2u);
}

TEST_F(KvRecoveryTest, TruncatedRecordsAreRefused) {
  RunWorkload();
  RecordingSink snapshot;
  kv_.WriteSnapshot(snapshot);
  std::vector<Record> all = sink_.records;
  all.insert(all.end(), snapshot.records.begin(), snapshot.records.end());
  KvEngine target(clock_);
  for (const Record& record : all) {
    for (size_t cut = 0; cut < record.payload.size(); ++cut) {
      EXPECT_FALSE(target.Replay(record.type, std::string_view(record.payload).substr(0, cut)))
          << "type " << record.type << " cut at " << cut;
    }
    EXPECT_FALSE(target.Replay(record.type, record.payload + "x")) << "type " << record.type;
  }
  EXPECT_EQ(target.Size(""), 0u);
}

TEST_F(KvRecoveryTest, UnknownTypesAndBadFieldsAreRefused) {
  Put("k", "v");
  const Record set = sink_.records.back();
  KvEngine target(clock_);
  EXPECT_FALSE(target.Replay(0x01FF, set.payload));
  EXPECT_FALSE(target.Replay(0x0201, set.payload));
  // set (compact, default namespace, no expiry): flags, key [1]["k"], version varint, ...
  std::string bad_flags = set.payload;
  bad_flags[0] = static_cast<char>(bad_flags[0] | 0x08);
  EXPECT_FALSE(target.Replay(set.type, bad_flags));
  std::string bad_kind = set.payload;
  bad_kind[0] = static_cast<char>(bad_kind[0] | 0x30);
  EXPECT_FALSE(target.Replay(set.type, bad_kind));
  std::string zero_version = set.payload;
  ASSERT_EQ(zero_version[3], 1) << "the first put's version fits one varint byte";
  zero_version[3] = 0;
  EXPECT_FALSE(target.Replay(set.type, zero_version));
  std::string long_value = set.payload;
  long_value[long_value.size() - 2] = 0x7F;  // value length far beyond the record
  EXPECT_FALSE(target.Replay(set.type, long_value));
  EXPECT_EQ(target.Size(""), 0u);
  EXPECT_TRUE(target.Replay(set.type, set.payload));
}

TEST_F(KvRecoveryTest, CorruptBatchAppliesNothing) {
  uint64_t txn = BodyOf<TxnBeginBody>(kv_.TxnBegin(kNs, 0)).txn_id;
  kv_.TxnPut(txn, kNs, "a", "1", {});
  kv_.TxnPut(txn, kNs, "b", "2", {});
  ASSERT_TRUE(kv_.TxnCommit(txn, kNs, sink_).ok());
  const Record batch = sink_.records.back();
  KvEngine target(clock_);
  std::string lying_count = batch.payload;
  lying_count[0] = 3;
  EXPECT_FALSE(target.Replay(batch.type, lying_count));
  std::string huge_count = batch.payload;
  huge_count[3] = 0x7F;
  EXPECT_FALSE(target.Replay(batch.type, huge_count));
  std::string bad_member_type = batch.payload;
  size_t second_member = 4 + 2 + 4 + (batch.payload.size() - 4) / 2 - 6;
  bad_member_type[second_member] = 0x04;  // a nested batch is not a member
  EXPECT_FALSE(target.Replay(batch.type, bad_member_type));
  EXPECT_EQ(target.Size(""), 0u);
  EXPECT_TRUE(target.Replay(batch.type, batch.payload));
  EXPECT_EQ(target.Size(""), 2u);
}

// ---- ReclaimExpired -------------------------------------------------------------------------

TEST_F(KvRecoveryTest, ReclaimFreesExpiredKeysEarliestFirstWithinBudget) {
  PutTtl("late", "v", 300);
  PutTtl("early", "v", 100);
  PutTtl("middle", "v", 200);
  Put("forever", "v");
  size_t records = sink_.records.size();
  clock_.Advance(250);
  EXPECT_EQ(kv_.ReclaimExpired(1), 1u);
  EXPECT_EQ(kv_.ReclaimExpired(10), 1u);
  EXPECT_EQ(kv_.ReclaimExpired(10), 0u);
  EXPECT_EQ(kv_.Size(kNs), 2u);
  EXPECT_TRUE(Get("late").ok());
  EXPECT_EQ(sink_.records.size(), records);  // reclaiming logs nothing
  clock_.Advance(50);
  EXPECT_EQ(kv_.ReclaimExpired(10), 1u);
  EXPECT_EQ(kv_.Size(kNs), 1u);
}

TEST_F(KvRecoveryTest, ReclaimFollowsTtlChanges) {
  PutTtl("extended", "v", 100);
  PutTtl("persisted", "v", 100);
  PutTtl("rewritten", "v", 100);
  Touch("extended", 1000);
  Touch("persisted", 0);
  Put("rewritten", "no ttl");
  clock_.Advance(500);
  EXPECT_EQ(kv_.ReclaimExpired(10), 0u);
  EXPECT_EQ(kv_.Size(kNs), 3u);
  clock_.Advance(500);
  EXPECT_EQ(kv_.ReclaimExpired(10), 1u);
  EXPECT_EQ(Get("extended").status, Status::kNotFound);
}

TEST_F(KvRecoveryTest, ReclaimedKeyCanBeRecreated) {
  PutTtl("k", "v", 10);
  clock_.Advance(10);
  ASSERT_EQ(kv_.ReclaimExpired(10), 1u);
  EXPECT_EQ(VersionIn(Put("k", "again")), 2u);
  EXPECT_EQ(kv_.Size(""), 1u);
}

}  // namespace
}  // namespace flod::engine::testing
