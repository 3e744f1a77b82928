// Plain writes of the KV engine: versions, preconditions, TTL, incr, touch, delete, clear.

#include <limits>

#include "engine/kv/kv_changes.h"
#include "flod/core/limits.h"
#include "kv_test_util.h"

namespace flod::engine::testing {
namespace {

using KvWriteTest = KvFixture;

KvPutOptions Nx() {
  KvPutOptions o;
  o.if_not_exists = true;
  return o;
}
KvPutOptions Xx() {
  KvPutOptions o;
  o.if_exists = true;
  return o;
}
KvPutOptions Cas(uint64_t version) {
  KvPutOptions o;
  o.cas_version = version;
  return o;
}

// ---- Versions -------------------------------------------------------------------------------

TEST_F(KvWriteTest, EveryWriteTakesTheNextShardVersion) {
  EXPECT_EQ(VersionIn(Put("a", "1")), 1u);
  EXPECT_EQ(VersionIn(Put("b", "1")), 2u);
  EXPECT_EQ(VersionIn(Put("a", "2")), 3u);
  const ValueBody& got = BodyOf<ValueBody>(Get("a"));
  EXPECT_EQ(got.version, 3u);
  EXPECT_EQ(got.value, "2");
  EXPECT_EQ(got.kind, ValueKind::kBytes);
}

TEST_F(KvWriteTest, VersionsNeverRepeatAcrossDeleteAndRecreate) {
  uint64_t first = VersionIn(Put("k", "v"));
  ASSERT_TRUE(Delete("k").ok());
  uint64_t second = VersionIn(Put("k", "v"));
  EXPECT_GT(second, first);
}

TEST_F(KvWriteTest, EachWriteReportsOneRecord) {
  Put("k", "v");
  Incr("n", 1);
  Touch("k", 100);
  Delete("k");
  EXPECT_EQ(sink_.records.size(), 4u);
}

// ---- PutMany (MSET) ---------------------------------------------------------------------

class KvPutManyTest : public KvFixture {
 protected:
  Result PutMany(std::vector<std::string> keys, std::vector<std::string> values) {
    return kv_.PutMany(kNs, keys, values, sink_);
  }
};

TEST_F(KvPutManyTest, WritesEveryPairAsOneRecord) {
  Put("b", "old");
  sink_.records.clear();
  EXPECT_EQ(BodyOf<CountBody>(PutMany({"a", "b", "c"}, {"1", "2", "3"})).count, 3u);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].type, kv::kRecordSetMany);
  EXPECT_EQ(ValueIn(Get("a")), "1");
  EXPECT_EQ(ValueIn(Get("b")), "2");
  EXPECT_EQ(ValueIn(Get("c")), "3");
  // Versions follow the pairs' order; "b" keeps its history, the new keys start one.
  EXPECT_EQ(BodyOf<ValueBody>(Get("a")).version, 2u);
  EXPECT_EQ(BodyOf<ValueBody>(Get("c")).version, 4u);
  EXPECT_EQ(BodyOf<HistoryBody>(kv_.History(kNs, "b", 0)).items.size(), 2u);
  EXPECT_EQ(BodyOf<HistoryBody>(kv_.History(kNs, "a", 0)).items.size(), 1u);
}

TEST_F(KvPutManyTest, AKeyNamedTwiceTakesItsLastValueAndOneVersion) {
  EXPECT_EQ(BodyOf<CountBody>(PutMany({"k", "x", "k", "k"}, {"1", "x", "2", "3"})).count, 4u);
  EXPECT_EQ(ValueIn(Get("k")), "3");
  EXPECT_EQ(BodyOf<HistoryBody>(kv_.History(kNs, "k", 0)).items.size(), 1u);
  EXPECT_EQ(BodyOf<ValueBody>(Get("x")).version, 1u);
  EXPECT_EQ(BodyOf<ValueBody>(Get("k")).version, 2u);
}

TEST_F(KvPutManyTest, ManyDuplicatesAreFoundBeyondThePairwiseLimit) {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i) {
    keys.push_back("key:" + std::to_string(i % 50));
    values.push_back(std::to_string(i));
  }
  EXPECT_EQ(BodyOf<CountBody>(PutMany(keys, values)).count, 200u);
  EXPECT_EQ(kv_.Size(kNs), 50u);
  EXPECT_EQ(ValueIn(Get("key:7")), "157");
  EXPECT_EQ(BodyOf<ValueBody>(Get("key:49")).version, 50u);
}

TEST_F(KvPutManyTest, ClearsTtlsAndReplacesCountersAndJson) {
  PutTtl("t", "v", 100);
  Incr("n", 5);
  kv_.JsonSet(kNs, "j", "$", "{}", sink_);
  PutMany({"t", "n", "j"}, {"a", "b", "c"});
  clock_.Advance(200);
  EXPECT_EQ(ValueIn(Get("t")), "a");
  EXPECT_EQ(BodyOf<ValueBody>(Get("n")).kind, ValueKind::kBytes);
  EXPECT_EQ(BodyOf<ValueBody>(Get("j")).kind, ValueKind::kBytes);
}

TEST_F(KvPutManyTest, ExpiredKeysStartOver) {
  PutTtl("k", "old", 100);
  clock_.Advance(100);
  PutMany({"k"}, {"new"});
  EXPECT_EQ(BodyOf<HistoryBody>(kv_.History(kNs, "k", 0)).items.size(), 1u);
}

TEST_F(KvPutManyTest, AnInvalidPairWritesNothing) {
  EXPECT_EQ(PutMany({"a", ""}, {"1", "2"}).status, Status::kBadRequest);
  EXPECT_EQ(PutMany({"a", "b"}, {"1"}).status, Status::kBadRequest);
  EXPECT_EQ(PutMany({"a", std::string(kMaxKeyBytes + 1, 'k')}, {"1", "2"}).status,
            Status::kBadRequest);
  EXPECT_EQ(PutMany({"a", "_sys:b"}, {"1", "2"}).status, Status::kUnauthorized);
  EXPECT_EQ(Get("a").status, Status::kNotFound);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(BodyOf<CountBody>(PutMany({}, {})).count, 0u);
  EXPECT_TRUE(sink_.records.empty());
}

// ---- Preconditions --------------------------------------------------------------------------

TEST_F(KvWriteTest, NxConflictsWhenTheKeyExists) {
  EXPECT_EQ(VersionIn(Put("k", "v", Nx())), 1u);
  Result again = Put("k", "w", Nx());
  EXPECT_EQ(again.status, Status::kConflict);
  EXPECT_EQ(again.message, "key exists");
  EXPECT_EQ(ValueIn(Get("k")), "v");
}

TEST_F(KvWriteTest, XxConflictsWhenTheKeyIsMissing) {
  Result missing = Put("k", "v", Xx());
  EXPECT_EQ(missing.status, Status::kConflict);
  EXPECT_EQ(missing.message, "key does not exist");
  Put("k", "v");
  EXPECT_TRUE(Put("k", "w", Xx()).ok());
  EXPECT_EQ(ValueIn(Get("k")), "w");
}

TEST_F(KvWriteTest, NxAndXxTogetherAlwaysConflict) {
  KvPutOptions both = Nx();
  both.if_exists = true;
  EXPECT_EQ(Put("k", "v", both).status, Status::kConflict);
  Put("k", "v");
  EXPECT_EQ(Put("k", "v", both).status, Status::kConflict);
  EXPECT_EQ(sink_.records.size(), 1u);
}

TEST_F(KvWriteTest, CasFailsAfterConcurrentPut) {
  uint64_t seen = VersionIn(Put("k", "v1"));
  Put("k", "other writer");
  Result cas = Put("k", "v2", Cas(seen));
  EXPECT_EQ(cas.status, Status::kConflict);
  EXPECT_EQ(cas.message, "version mismatch");
  EXPECT_EQ(ValueIn(Get("k")), "other writer");
}

TEST_F(KvWriteTest, CasSucceedsOnTheCurrentVersion) {
  uint64_t seen = VersionIn(Put("k", "v1"));
  EXPECT_GT(VersionIn(Put("k", "v2", Cas(seen))), seen);
}

TEST_F(KvWriteTest, CasZeroMeansTheKeyMustNotExist) {
  EXPECT_TRUE(Put("k", "v", Cas(0)).ok());
  EXPECT_EQ(Put("k", "v", Cas(0)).status, Status::kConflict);
  EXPECT_EQ(Put("missing", "v", Cas(5)).status, Status::kConflict);
}

TEST_F(KvWriteTest, ReturnOldAnswersThePreviousValue) {
  KvPutOptions old;
  old.return_old = true;
  const PutOldValueBody& first = BodyOf<PutOldValueBody>(Put("k", "a", old));
  EXPECT_FALSE(first.had_old);
  EXPECT_EQ(first.version, 1u);
  const PutOldValueBody& second = BodyOf<PutOldValueBody>(Put("k", "b", old));
  EXPECT_TRUE(second.had_old);
  EXPECT_EQ(second.old_value, "a");
  EXPECT_EQ(second.old_kind, ValueKind::kBytes);
  EXPECT_EQ(second.version, 2u);
}

TEST_F(KvWriteTest, CounterKindNeedsEightBytesAndJsonKindNeedsJson) {
  KvPutOptions counter;
  counter.kind = ValueKind::kCounter;
  EXPECT_EQ(Put("c", "123", counter).status, Status::kBadRequest);
  EXPECT_TRUE(Put("c", CounterBytes(5), counter).ok());
  KvPutOptions json;
  json.kind = ValueKind::kJson;
  EXPECT_EQ(Put("j", "{oops", json).status, Status::kBadRequest);
  EXPECT_TRUE(Put("j", R"({"a":1})", json).ok());
}

// ---- Reserved prefixes and namespaces -------------------------------------------------------

TEST_F(KvWriteTest, ReservedPrefixesAreUnauthorizedForEveryOp) {
  for (std::string_view key : {"_action:x", "_worker:x", "_sys:x", "_internal:x", "_flo:x"}) {
    EXPECT_EQ(Put(key, "v").status, Status::kUnauthorized) << key;
    EXPECT_EQ(Get(key).status, Status::kUnauthorized) << key;
    EXPECT_EQ(kv_.Exists(kNs, key).status, Status::kUnauthorized) << key;
    EXPECT_EQ(Delete(key).status, Status::kUnauthorized) << key;
    EXPECT_EQ(Incr(key, 1).status, Status::kUnauthorized) << key;
    EXPECT_EQ(Touch(key, 0).status, Status::kUnauthorized) << key;
    EXPECT_EQ(kv_.History(kNs, key, 0).status, Status::kUnauthorized) << key;
    EXPECT_EQ(kv_.JsonGet(kNs, key, "$").status, Status::kUnauthorized) << key;
    EXPECT_EQ(kv_.JsonSet(kNs, key, "$", "1", sink_).status, Status::kUnauthorized) << key;
    EXPECT_EQ(kv_.JsonDel(kNs, key, "$", sink_).status, Status::kUnauthorized) << key;
  }
  EXPECT_TRUE(Put("_actionable", "v").ok());  // only the full prefix with its colon is reserved
  EXPECT_TRUE(sink_.records.size() == 1);
}

TEST_F(KvWriteTest, EmptyAndOversizedKeysAreBadRequests) {
  EXPECT_EQ(Put("", "v").status, Status::kBadRequest);
  EXPECT_EQ(Put(std::string(70'000, 'k'), "v").status, Status::kBadRequest);
  EXPECT_EQ(kv_.Put(std::string(300, 'n'), "k", "v", {}, sink_).status, Status::kBadRequest);
}

TEST_F(KvWriteTest, NamespacesAreIsolated) {
  kv_.Put("a", "k", "in a", {}, sink_);
  kv_.Put("b", "k", "in b", {}, sink_);
  EXPECT_EQ(ValueIn(kv_.Get("a", "k")), "in a");
  EXPECT_EQ(ValueIn(kv_.Get("b", "k")), "in b");
  EXPECT_EQ(kv_.Get("c", "k").status, Status::kNotFound);
  ASSERT_TRUE(kv_.Delete("a", "k", std::nullopt, sink_).ok());
  EXPECT_EQ(kv_.Get("a", "k").status, Status::kNotFound);
  EXPECT_EQ(ValueIn(kv_.Get("b", "k")), "in b");
  EXPECT_EQ(kv_.Size("a"), 0u);
  EXPECT_EQ(kv_.Size("b"), 1u);
}

// ---- TTL ------------------------------------------------------------------------------------

TEST_F(KvWriteTest, TtlExpiresExactlyAtTheBoundary) {
  PutTtl("k", "v", 100);
  clock_.Advance(99);
  EXPECT_TRUE(Get("k").ok());
  EXPECT_EQ(kv_.VersionOf(kNs, "k"), 1u);
  clock_.Advance(1);
  EXPECT_EQ(Get("k").status, Status::kNotFound);
  EXPECT_FALSE(BodyOf<ExistsBody>(kv_.Exists(kNs, "k")).present);
  EXPECT_EQ(kv_.VersionOf(kNs, "k"), 0u);
  EXPECT_EQ(kv_.Size(kNs), 0u);
}

TEST_F(KvWriteTest, PutWithoutTtlClearsTheExpiry) {
  PutTtl("k", "v", 100);
  Put("k", "w");
  clock_.Advance(1000);
  EXPECT_EQ(ValueIn(Get("k")), "w");
}

TEST_F(KvWriteTest, KeepTtlKeepsTheCurrentExpiry) {
  PutTtl("k", "v", 100);
  clock_.Advance(50);
  KvPutOptions keep;
  keep.keep_ttl = true;
  Put("k", "w", keep);
  clock_.Advance(49);
  EXPECT_EQ(ValueIn(Get("k")), "w");
  clock_.Advance(1);
  EXPECT_EQ(Get("k").status, Status::kNotFound);
}

TEST_F(KvWriteTest, ExpiredKeyCountsAsMissingForWrites) {
  PutTtl("k", "v", 10);
  clock_.Advance(10);
  EXPECT_TRUE(Put("k", "new", Nx()).ok());
  EXPECT_EQ(Delete("gone").status, Status::kNotFound);
  EXPECT_EQ(BodyOf<HistoryBody>(kv_.History(kNs, "k", 0)).items.size(), 1u);
}

// ---- Delete ---------------------------------------------------------------------------------

TEST_F(KvWriteTest, DeleteOfMissingKeyIsNotFound) {
  EXPECT_EQ(Delete("k").status, Status::kNotFound);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(KvWriteTest, DeleteIfMatchConflictsOnMismatchOrMissingKey) {
  uint64_t v = VersionIn(Put("k", "v"));
  EXPECT_EQ(Delete("k", v + 1).status, Status::kConflict);
  EXPECT_TRUE(Get("k").ok());
  EXPECT_TRUE(Delete("k", v).ok());
  EXPECT_EQ(Delete("k", v).status, Status::kConflict);
}

TEST_F(KvWriteTest, ExistsAnswersVersionZeroWhenAbsent) {
  const ExistsBody& absent = BodyOf<ExistsBody>(kv_.Exists(kNs, "k"));
  EXPECT_FALSE(absent.present);
  EXPECT_EQ(absent.version, 0u);
  uint64_t v = VersionIn(Put("k", "v"));
  const ExistsBody& present = BodyOf<ExistsBody>(kv_.Exists(kNs, "k"));
  EXPECT_TRUE(present.present);
  EXPECT_EQ(present.version, v);
}

// ---- Incr -----------------------------------------------------------------------------------

TEST_F(KvWriteTest, IncrOnMissingKeyStartsAtZero) {
  const CounterBody& body = BodyOf<CounterBody>(Incr("n", 5));
  EXPECT_EQ(body.value, 5);
  EXPECT_EQ(body.version, 1u);
  const ValueBody& got = BodyOf<ValueBody>(Get("n"));
  EXPECT_EQ(got.kind, ValueKind::kCounter);
  EXPECT_EQ(got.value, CounterBytes(5));
}

TEST_F(KvWriteTest, IncrAddsToACounter) {
  Incr("n", 5);
  EXPECT_EQ(BodyOf<CounterBody>(Incr("n", -7)).value, -2);
  EXPECT_EQ(BodyOf<CounterBody>(Incr("n", 0)).version, 3u);
}

TEST_F(KvWriteTest, IncrReadsDecimalText) {
  Put("n", "41");
  EXPECT_EQ(BodyOf<CounterBody>(Incr("n", 1)).value, 42);
  Put("neg", "-9223372036854775807");
  EXPECT_EQ(BodyOf<CounterBody>(Incr("neg", -1)).value, std::numeric_limits<int64_t>::min());
  Put("eight", "12345678");  // 8 bytes, but decimal text wins
  EXPECT_EQ(BodyOf<CounterBody>(Incr("eight", 1)).value, 12345679);
}

TEST_F(KvWriteTest, IncrReadsEightLittleEndianBytes) {
  Put("n", CounterBytes(1000));
  EXPECT_EQ(BodyOf<CounterBody>(Incr("n", 1)).value, 1001);
}

TEST_F(KvWriteTest, IncrRejectsValuesThatAreNotIntegers) {
  for (std::string_view bad :
       {"abc", "", " 1", "1 ", "+1", "01", "-0", "1.5", "9223372036854775808", "0x10"}) {
    Put("n", bad);
    Result r = Incr("n", 1);
    EXPECT_EQ(r.status, Status::kNotInteger) << bad;
    EXPECT_EQ(r.message, "value is not an integer or out of range");
  }
}

TEST_F(KvWriteTest, IncrOverflowIsNotInteger) {
  Incr("n", std::numeric_limits<int64_t>::max());
  Result r = Incr("n", 1);
  EXPECT_EQ(r.status, Status::kNotInteger);
  EXPECT_EQ(r.message, "increment or decrement would overflow");
  EXPECT_EQ(BodyOf<ValueBody>(Get("n")).value, CounterBytes(std::numeric_limits<int64_t>::max()));
}

TEST_F(KvWriteTest, IncrOnJsonIsWrongType) {
  kv_.JsonSet(kNs, "doc", "$", "1", sink_);
  EXPECT_EQ(Incr("doc", 1).status, Status::kWrongType);
}

TEST_F(KvWriteTest, IncrKeepsTheTtl) {
  PutTtl("n", "1", 100);
  clock_.Advance(60);
  Incr("n", 1);
  clock_.Advance(39);
  EXPECT_TRUE(Get("n").ok());
  clock_.Advance(1);
  EXPECT_EQ(Get("n").status, Status::kNotFound);
}

// ---- Touch ----------------------------------------------------------------------------------

TEST_F(KvWriteTest, TouchSetsANewTtlWithoutANewVersion) {
  uint64_t v = VersionIn(Put("k", "v"));
  ASSERT_TRUE(Touch("k", 100).ok());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(Touch("k", 100).body));
  EXPECT_EQ(kv_.VersionOf(kNs, "k"), v);
  clock_.Advance(100);
  EXPECT_EQ(Get("k").status, Status::kNotFound);
}

TEST_F(KvWriteTest, TouchWithZeroTtlPersists) {
  PutTtl("k", "v", 100);
  ASSERT_TRUE(Touch("k", 0).ok());
  clock_.Advance(1'000'000);
  EXPECT_TRUE(Get("k").ok());
}

TEST_F(KvWriteTest, TouchOfMissingKeyIsNotFoundAndMismatchConflicts) {
  EXPECT_EQ(Touch("k", 10).status, Status::kNotFound);
  EXPECT_EQ(Touch("k", 10, 1).status, Status::kNotFound);
  uint64_t v = VersionIn(Put("k", "v"));
  EXPECT_EQ(Touch("k", 10, v + 1).status, Status::kConflict);
  EXPECT_TRUE(Touch("k", 10, v).ok());
}

TEST_F(KvWriteTest, HugeTtlSaturatesInsteadOfOverflowing) {
  PutTtl("k", "v", std::numeric_limits<uint64_t>::max());
  clock_.Advance(1'000'000'000);
  EXPECT_TRUE(Get("k").ok());
}

// ---- Clear ----------------------------------------------------------------------------------

TEST_F(KvWriteTest, ClearOneNamespaceLeavesTheOthers) {
  kv_.Put("a", "k1", "v", {}, sink_);
  kv_.Put("a", "k2", "v", {}, sink_);
  kv_.Put("b", "k1", "v", {}, sink_);
  size_t before = sink_.records.size();
  ASSERT_TRUE(kv_.Clear("a", sink_).ok());
  EXPECT_EQ(sink_.records.size(), before + 1);
  EXPECT_EQ(kv_.Size("a"), 0u);
  EXPECT_EQ(kv_.Size("b"), 1u);
  EXPECT_EQ(kv_.Size(""), 1u);
}

TEST_F(KvWriteTest, ClearWithEmptyNamespaceRemovesEverything) {
  kv_.Put("a", "k", "v", {}, sink_);
  KvPutOptions ttl;
  ttl.ttl_ms = 50;
  kv_.Put("b", "k", "v", ttl, sink_);
  ASSERT_TRUE(kv_.Clear("", sink_).ok());
  EXPECT_EQ(kv_.Size(""), 0u);
  clock_.Advance(100);
  EXPECT_EQ(kv_.ReclaimExpired(10), 0u);  // the expiry index was cleared too
  EXPECT_GT(VersionIn(kv_.Put("a", "k", "v", {}, sink_)), 2u);
}

}  // namespace
}  // namespace flod::engine::testing
