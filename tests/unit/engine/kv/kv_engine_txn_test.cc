// Per-shard transactions: buffering, read-your-writes, atomic commit, caps, rollback.

#include <set>

#include "flod/core/limits.h"
#include "kv_test_util.h"

namespace flod::engine::testing {
namespace {

class KvTxnTest : public KvFixture {
 protected:
  uint64_t Begin(uint64_t pinned_hash = 77) {
    return BodyOf<TxnBeginBody>(kv_.TxnBegin(kNs, pinned_hash)).txn_id;
  }
  Result TxnPut(uint64_t txn, std::string_view key, std::string_view value,
                KvPutOptions options = {}) {
    return kv_.TxnPut(txn, kNs, key, value, options);
  }
  Result Commit(uint64_t txn) { return kv_.TxnCommit(txn, kNs, sink_); }
};

TEST_F(KvTxnTest, BeginEchoesThePinnedHashWithUniqueIds) {
  const TxnBeginBody first = BodyOf<TxnBeginBody>(kv_.TxnBegin(kNs, 1234));
  const TxnBeginBody second = BodyOf<TxnBeginBody>(kv_.TxnBegin(kNs, 1234));
  EXPECT_EQ(first.pinned_hash, 1234u);
  EXPECT_NE(first.txn_id, second.txn_id);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(KvTxnTest, BufferedOpsAnswerAtOnceAndChangeNothing) {
  Put("n", "5");
  uint64_t txn = Begin();
  EXPECT_EQ(VersionIn(TxnPut(txn, "k", "v")), 0u);
  const CounterBody& incr = BodyOf<CounterBody>(kv_.TxnIncr(txn, kNs, "n", 3));
  EXPECT_EQ(incr.version, 0u);
  EXPECT_EQ(incr.value, 3);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(kv_.TxnDelete(txn, kNs, "x").body));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(kv_.TxnTouch(txn, kNs, "n", 10).body));
  EXPECT_EQ(Get("k").status, Status::kNotFound);
  EXPECT_EQ(ValueIn(Get("n")), "5");
  EXPECT_EQ(sink_.records.size(), 1u);
}

TEST_F(KvTxnTest, ReadsSeeTheTransactionsOwnWrites) {
  Put("a", "committed");
  Put("gone", "v");
  uint64_t txn = Begin();
  TxnPut(txn, "a", "buffered");
  kv_.TxnDelete(txn, kNs, "gone");
  kv_.TxnIncr(txn, kNs, "n", 4);
  kv_.TxnIncr(txn, kNs, "n", 4);
  const ValueBody& a = BodyOf<ValueBody>(kv_.TxnGet(txn, kNs, "a"));
  EXPECT_EQ(a.value, "buffered");
  EXPECT_EQ(a.version, 0u);
  EXPECT_EQ(kv_.TxnGet(txn, kNs, "gone").status, Status::kNotFound);
  EXPECT_FALSE(BodyOf<ExistsBody>(kv_.TxnExists(txn, kNs, "gone")).present);
  EXPECT_EQ(ValueIn(kv_.TxnGet(txn, kNs, "n")), CounterBytes(8));
  const ExistsBody& n = BodyOf<ExistsBody>(kv_.TxnExists(txn, kNs, "n"));
  EXPECT_TRUE(n.present);
  EXPECT_EQ(n.version, 0u);
  // Keys the transaction did not touch show their committed version.
  Put("other", "v");
  EXPECT_EQ(BodyOf<ExistsBody>(kv_.TxnExists(txn, kNs, "other")).version, 3u);
  EXPECT_EQ(ValueIn(Get("a")), "committed");
}

TEST_F(KvTxnTest, CommitAppliesEverythingAsOneRecord) {
  Put("n", CounterBytes(1), [] {
    KvPutOptions o;
    o.kind = ValueKind::kCounter;
    return o;
  }());
  Put("old", "v");
  size_t before = sink_.records.size();
  uint64_t txn = Begin();
  TxnPut(txn, "a", "1");
  TxnPut(txn, "b", "2");
  kv_.TxnIncr(txn, kNs, "n", 9);
  kv_.TxnDelete(txn, kNs, "old");
  kv_.TxnTouch(txn, kNs, "a", 50);
  const TxnCommitBody& body = BodyOf<TxnCommitBody>(Commit(txn));
  EXPECT_EQ(body.op_count, 5u);
  EXPECT_EQ(body.commit_index, 5u);  // versions 3, 4, 5 for a, b, n
  ASSERT_EQ(sink_.records.size(), before + 1);
  EXPECT_EQ(sink_.records.back().type, 0x0104);
  EXPECT_EQ(BodyOf<ValueBody>(Get("a")).version, 3u);
  EXPECT_EQ(BodyOf<ValueBody>(Get("b")).version, 4u);
  EXPECT_EQ(ValueIn(Get("n")), CounterBytes(10));
  EXPECT_EQ(Get("old").status, Status::kNotFound);
  clock_.Advance(50);
  EXPECT_EQ(Get("a").status, Status::kNotFound);
  EXPECT_TRUE(Get("b").ok());
}

TEST_F(KvTxnTest, CommitEndsTheTransaction) {
  uint64_t txn = Begin();
  TxnPut(txn, "a", "1");
  ASSERT_TRUE(Commit(txn).ok());
  EXPECT_EQ(Commit(txn).status, Status::kNotFound);
  EXPECT_EQ(TxnPut(txn, "a", "2").status, Status::kNotFound);
}

TEST_F(KvTxnTest, ConflictLeavesNothingApplied) {
  uint64_t seen = VersionIn(Put("k", "v1"));
  uint64_t txn = Begin();
  TxnPut(txn, "a", "1");
  KvPutOptions cas;
  cas.cas_version = seen;
  TxnPut(txn, "k", "v2", cas);
  Put("k", "concurrent");  // another client wins the race
  size_t before = sink_.records.size();
  uint64_t counter_before = kv_.VersionOf(kNs, "k");
  Result r = Commit(txn);
  EXPECT_EQ(r.status, Status::kConflict);
  EXPECT_EQ(r.message, "version mismatch");
  EXPECT_EQ(Get("a").status, Status::kNotFound);
  EXPECT_EQ(ValueIn(Get("k")), "concurrent");
  EXPECT_EQ(sink_.records.size(), before);
  EXPECT_EQ(VersionIn(Put("z", "v")), counter_before + 1);  // no version was consumed
  EXPECT_EQ(Commit(txn).status, Status::kNotFound);
}

TEST_F(KvTxnTest, CommitChecksEveryRuleInOrder) {
  Put("text", "abc");
  uint64_t nx = Begin();
  KvPutOptions only_new;
  only_new.if_not_exists = true;
  TxnPut(nx, "k", "1");
  TxnPut(nx, "k", "2", only_new);  // sees the first put of the same transaction
  EXPECT_EQ(Commit(nx).status, Status::kConflict);

  uint64_t touch = Begin();
  kv_.TxnTouch(touch, kNs, "missing", 10);
  EXPECT_EQ(Commit(touch).status, Status::kNotFound);

  uint64_t incr = Begin();
  kv_.TxnIncr(incr, kNs, "text", 1);
  EXPECT_EQ(Commit(incr).status, Status::kNotInteger);

  uint64_t xx = Begin();
  KvPutOptions only_existing;
  only_existing.if_exists = true;
  TxnPut(xx, "fresh", "1");
  TxnPut(xx, "fresh", "2", only_existing);
  EXPECT_TRUE(Commit(xx).ok());
  EXPECT_EQ(ValueIn(Get("fresh")), "2");
  EXPECT_EQ(BodyOf<HistoryBody>(kv_.History(kNs, "fresh", 0)).items.size(), 2u);
}

TEST_F(KvTxnTest, EmptyCommitReportsTheCurrentCounterAndNoRecord) {
  Put("a", "v");
  uint64_t txn = Begin();
  kv_.TxnDelete(txn, kNs, "missing");
  size_t before = sink_.records.size();
  const TxnCommitBody& body = BodyOf<TxnCommitBody>(Commit(txn));
  EXPECT_EQ(body.commit_index, 1u);
  EXPECT_EQ(body.op_count, 1u);
  EXPECT_EQ(sink_.records.size(), before);
}

TEST_F(KvTxnTest, UnknownTransactionIsNotFound) {
  EXPECT_EQ(TxnPut(999, "k", "v").status, Status::kNotFound);
  EXPECT_EQ(kv_.TxnGet(999, kNs, "k").status, Status::kNotFound);
  EXPECT_EQ(kv_.TxnExists(999, kNs, "k").status, Status::kNotFound);
  EXPECT_EQ(kv_.TxnIncr(999, kNs, "k", 1).status, Status::kNotFound);
  EXPECT_EQ(Commit(999).status, Status::kNotFound);
  EXPECT_EQ(kv_.TxnRollback(999, kNs).status, Status::kNotFound);
}

TEST_F(KvTxnTest, OtherNamespaceIsBadRequest) {
  uint64_t txn = Begin();
  EXPECT_EQ(kv_.TxnPut(txn, "elsewhere", "k", "v", {}).status, Status::kBadRequest);
  EXPECT_EQ(kv_.TxnGet(txn, "elsewhere", "k").status, Status::kBadRequest);
  EXPECT_EQ(kv_.TxnCommit(txn, "elsewhere", sink_).status, Status::kBadRequest);
  EXPECT_EQ(kv_.TxnRollback(txn, "elsewhere").status, Status::kBadRequest);
  EXPECT_TRUE(Commit(txn).ok());  // still open in its own namespace
}

TEST_F(KvTxnTest, BadValuesAreRefusedWhenBuffered) {
  uint64_t txn = Begin();
  KvPutOptions counter;
  counter.kind = ValueKind::kCounter;
  EXPECT_EQ(TxnPut(txn, "c", "not 8 bytes", counter).status, Status::kBadRequest);
  EXPECT_EQ(TxnPut(999, "c", "not 8 bytes", counter).status, Status::kNotFound);
  EXPECT_TRUE(Commit(txn).ok());
  EXPECT_EQ(Get("c").status, Status::kNotFound);
}

TEST_F(KvTxnTest, ReservedKeysAreUnauthorizedInsideTransactions) {
  uint64_t txn = Begin();
  EXPECT_EQ(TxnPut(txn, "_sys:x", "v").status, Status::kUnauthorized);
  EXPECT_EQ(kv_.TxnGet(txn, kNs, "_flo:x").status, Status::kUnauthorized);
}

TEST_F(KvTxnTest, OpCountIsCapped) {
  uint64_t txn = Begin();
  for (uint32_t i = 0; i < kMaxTxnOps; ++i) {
    ASSERT_TRUE(kv_.TxnIncr(txn, kNs, "n", 1).ok()) << i;
  }
  EXPECT_EQ(kv_.TxnIncr(txn, kNs, "n", 1).status, Status::kBadRequest);
  EXPECT_EQ(BodyOf<CounterBody>(kv_.Incr(kNs, "n", 0, sink_)).value, 0);
  ASSERT_TRUE(Commit(txn).ok());
  EXPECT_EQ(BodyOf<CounterBody>(kv_.Incr(kNs, "n", 0, sink_)).value, 256);
}

TEST_F(KvTxnTest, BufferedBytesAreCapped) {
  uint64_t txn = Begin();
  std::string half(kMaxTxnBytes / 2, 'x');
  ASSERT_TRUE(TxnPut(txn, "a", half).ok());
  EXPECT_EQ(TxnPut(txn, "b", half).status, Status::kBadRequest);  // keys tip it over
  EXPECT_TRUE(TxnPut(txn, "b", "small").ok());
}

TEST_F(KvTxnTest, RollbackDiscardsEverything) {
  uint64_t txn = Begin();
  TxnPut(txn, "a", "1");
  ASSERT_TRUE(kv_.TxnRollback(txn, kNs).ok());
  EXPECT_EQ(Get("a").status, Status::kNotFound);
  EXPECT_EQ(Commit(txn).status, Status::kNotFound);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(KvTxnTest, IdleTransactionsAreDroppedByReclaim) {
  uint64_t idle = Begin();
  uint64_t busy = Begin();
  clock_.Advance(40'000);
  TxnPut(busy, "k", "v");
  clock_.Advance(20'001);
  kv_.ReclaimExpired(10);
  EXPECT_EQ(Commit(idle).status, Status::kNotFound);
  EXPECT_TRUE(Commit(busy).ok());
}

TEST_F(KvTxnTest, CommitUsesTheClockAtCommitForTtls) {
  uint64_t txn = Begin();
  KvPutOptions ttl;
  ttl.ttl_ms = 100;
  TxnPut(txn, "k", "v", ttl);
  clock_.Advance(1000);
  ASSERT_TRUE(Commit(txn).ok());
  clock_.Advance(99);
  EXPECT_TRUE(Get("k").ok());
  clock_.Advance(1);
  EXPECT_EQ(Get("k").status, Status::kNotFound);
}

}  // namespace
}  // namespace flod::engine::testing
