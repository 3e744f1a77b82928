// QueueEngine semantics: ordering, delays, dedup, leases, retries, DLQ, inspection, time.

#include "flod/engine/queue/queue_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "unit/engine/queue/queue_test_fixture.h"

namespace flod::engine::testing {
namespace {

using Seqs = std::vector<uint64_t>;

class QueueEngineTest : public QueueTest {
 protected:
  Result Nack(Seqs seqs, NackOptions options = {}) {
    return engine_->Nack("app", "jobs", seqs, options, sink_);
  }
  Result Ack(Seqs seqs) { return engine_->Ack("app", "jobs", seqs, sink_); }
};

// ---- Producers ----------------------------------------------------------------------------

TEST_F(QueueEngineTest, SeqsStartAtOneAndIncreasePerQueue) {
  EXPECT_EQ(Put("a"), 1u);
  EXPECT_EQ(Put("b"), 2u);
  EXPECT_EQ(Put("x", 0, 0, {}, "other"), 1u);
  EXPECT_EQ(Put("c"), 3u);
}

TEST_F(QueueEngineTest, DequeueTakesLowestPriorityValueFirstThenOldestSeq) {
  uint64_t low_a = Put("low-a", 9);
  uint64_t urgent_a = Put("urgent-a", 1);
  uint64_t low_b = Put("low-b", 9);
  uint64_t urgent_b = Put("urgent-b", 1);
  uint64_t top = Put("top", 0);
  EXPECT_EQ(SeqsOf(Take(10)), (Seqs{top, urgent_a, urgent_b, low_a, low_b}));
}

TEST_F(QueueEngineTest, DequeuedMessageCarriesPayloadPriorityAndEnqueueTime) {
  Put("hello", 7);
  auto messages = MessagesOf(Take());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].payload, "hello");
  EXPECT_EQ(messages[0].priority, 7);
  EXPECT_EQ(messages[0].enqueued_at_ms, kStart);
  EXPECT_EQ(messages[0].delivery_count, 1u);
}

TEST_F(QueueEngineTest, DelayedMessageBecomesVisibleExactlyAtItsDueTime) {
  uint64_t seq = Put("later", 0, 5'000);
  EXPECT_EQ(StatsOf().delayed, 1u);
  clock_.Advance(4'999);
  EXPECT_TRUE(SeqsOf(Take()).empty());
  clock_.Advance(1);
  EXPECT_EQ(SeqsOf(Take()), (Seqs{seq}));
}

TEST_F(QueueEngineTest, PromotedDelayedMessageKeepsPriorityOrder) {
  uint64_t delayed_urgent = Put("delayed-urgent", 0, 100);
  uint64_t ready_low = Put("ready-low", 5);
  clock_.Advance(100);
  EXPECT_EQ(SeqsOf(Take(2)), (Seqs{delayed_urgent, ready_low}));
}

TEST_F(QueueEngineTest, DuplicateDedupKeyInsideWindowReturnsOriginalSeqAndEnqueuesNothing) {
  uint64_t first = Put("one", 0, 0, "order-17");
  size_t records = sink_.records.size();
  clock_.Advance(config_.dedup_window_ms - 1);
  EXPECT_EQ(Put("two", 0, 0, "order-17"), first);
  EXPECT_EQ(sink_.records.size(), records);
  EXPECT_EQ(StatsOf().ready, 1u);
  EXPECT_EQ(StatsOf().enqueued_total, 1u);
}

TEST_F(QueueEngineTest, DedupKeyAfterWindowEnqueuesNewMessage) {
  uint64_t first = Put("one", 0, 0, "order-17");
  clock_.Advance(config_.dedup_window_ms);
  uint64_t second = Put("two", 0, 0, "order-17");
  EXPECT_GT(second, first);
  EXPECT_EQ(StatsOf().ready, 2u);
  EXPECT_EQ(Put("three", 0, 0, "order-17"), second);  // the new message opened a new window
}

TEST_F(QueueEngineTest, DedupWindowOutlivesTheMessage) {
  uint64_t first = Put("one", 0, 0, "k");
  Take();
  EXPECT_EQ(CountOf(Ack({first})), 1u);
  EXPECT_EQ(Put("again", 0, 0, "k"), first);
  EXPECT_EQ(StatsOf().ready, 0u);
}

TEST_F(QueueEngineTest, DedupWindowIsConfigurableAndZeroDisablesIt) {
  config_.dedup_window_ms = 1'000;
  Reset(config_);
  uint64_t first = Put("one", 0, 0, "k");
  clock_.Advance(1'000);
  EXPECT_NE(Put("two", 0, 0, "k"), first);

  config_.dedup_window_ms = 0;
  Reset(config_);
  EXPECT_NE(Put("a", 0, 0, "k"), Put("b", 0, 0, "k"));
}

TEST_F(QueueEngineTest, DedupKeysAreScopedToTheirQueue) {
  uint64_t a = Put("a", 0, 0, "k", "jobs");
  uint64_t b = Put("b", 0, 0, "k", "mail");
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 1u);
  EXPECT_EQ(StatsOf("mail").ready, 1u);
}

TEST_F(QueueEngineTest, BatchEnqueueAssignsSeqsInItemOrderInOneRecord) {
  Put("first");
  std::vector<EnqueueItem> items = {{"a", 3}, {"b", 0, 0, "dup"}, {"c", 0, 0, "dup"}, {"d"}};
  size_t records = sink_.records.size();
  Result r = engine_->EnqueueBatch("app", "jobs", items, sink_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<SeqListBody>(r.body).seqs, (Seqs{2, 3, 3, 4}));
  EXPECT_EQ(sink_.records.size(), records + 1);
  EXPECT_EQ(StatsOf().ready, 4u);
  EXPECT_EQ(SeqsOf(Take(10)), (Seqs{1, 3, 4, 2}));
}

TEST_F(QueueEngineTest, PushAnswersTheReadyCountAfterItsBatchInOneRecord) {
  Put("ready");
  Put("delayed", 0, 5'000);
  Put("leased");
  Take();  // leases "ready", the oldest
  std::vector<EnqueueItem> items = {
      {"a"}, {"b", 0, 0, "dup"}, {"c", 0, 0, "dup"}, {"later", 0, 100}};
  size_t records = sink_.records.size();
  Result r = engine_->Push("app", "jobs", items, sink_);
  ASSERT_TRUE(r.ok());
  // "leased" plus a and b: c repeats b's dedup key, "later" and "delayed" are not ready yet.
  EXPECT_EQ(std::get<CountBody>(r.body).count, 3u);
  EXPECT_EQ(sink_.records.size(), records + 1);
  EXPECT_EQ(StatsOf().ready, 3u);
  EXPECT_EQ(StatsOf().delayed, 2u);
}

TEST_F(QueueEngineTest, PushCountsMessagesThatBecameReadySinceTheLastLook) {
  Put("delayed", 0, 100);
  clock_.Advance(100);
  Result r = engine_->Push("app", "jobs", std::vector<EnqueueItem>{{"now"}}, sink_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<CountBody>(r.body).count, 2u);
}

TEST_F(QueueEngineTest, PushOfAKnownDedupKeyWritesNothingAndAnswersTheCount) {
  Put("one", 0, 0, "order-17");
  size_t records = sink_.records.size();
  Result r =
      engine_->Push("app", "jobs", std::vector<EnqueueItem>{{"two", 0, 0, "order-17"}}, sink_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<CountBody>(r.body).count, 1u);
  EXPECT_EQ(sink_.records.size(), records);
}

TEST_F(QueueEngineTest, InvalidEnqueuesAreBadRequests) {
  EXPECT_EQ(engine_->Enqueue("app", "", EnqueueItem{"x"}, sink_).status, Status::kBadRequest);
  EXPECT_EQ(engine_->EnqueueBatch("app", "jobs", {}, sink_).status, Status::kBadRequest);
  EXPECT_EQ(engine_->Push("app", "jobs", {}, sink_).status, Status::kBadRequest);
  EXPECT_EQ(engine_->Push("app", "", std::vector<EnqueueItem>{{"x"}}, sink_).status,
            Status::kBadRequest);
  std::string long_key(70'000, 'k');
  EXPECT_EQ(engine_->Enqueue("app", "jobs", EnqueueItem{"x", 0, 0, long_key}, sink_).status,
            Status::kBadRequest);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_TRUE(std::get<NameListBody>(engine_->List("app").body).names.empty());
}

// ---- Dequeue and leases -------------------------------------------------------------------

TEST_F(QueueEngineTest, DequeueCountDefaultsToOneAndIsCappedAtTheMaximum) {
  for (int i = 0; i < 150; ++i) Put("m");
  EXPECT_EQ(MessagesOf(Take(0)).size(), 1u);
  EXPECT_EQ(MessagesOf(Take(1'000)).size(), 100u);
  EXPECT_EQ(MessagesOf(Take(1'000)).size(), 49u);
  EXPECT_TRUE(MessagesOf(Take(1'000)).empty());
}

TEST_F(QueueEngineTest, DequeueOfEmptyOrUnknownQueueAnswersNoMessages) {
  EXPECT_TRUE(Take().ok());
  EXPECT_TRUE(MessagesOf(Take()).empty());
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_TRUE(std::get<NameListBody>(engine_->List("app").body).names.empty());
}

TEST_F(QueueEngineTest, LeasedMessageIsInvisibleUntilItsLeaseExpires) {
  uint64_t seq = Put("job");
  EXPECT_EQ(SeqsOf(Take(1, 10'000)), (Seqs{seq}));
  EXPECT_EQ(StatsOf().in_flight, 1u);
  clock_.Advance(9'999);
  EXPECT_TRUE(SeqsOf(Take()).empty());
  clock_.Advance(1);
  auto again = MessagesOf(Take());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].seq, seq);
  EXPECT_EQ(again[0].delivery_count, 2u);
}

TEST_F(QueueEngineTest, DefaultVisibilityTimeoutIsThirtySeconds) {
  Put("job");
  Take();
  clock_.Advance(29'999);
  EXPECT_EQ(StatsOf().in_flight, 1u);
  clock_.Advance(1);
  EXPECT_EQ(StatsOf().ready, 1u);
}

// ---- Ack, nack, touch ---------------------------------------------------------------------

TEST_F(QueueEngineTest, AckRemovesMessagesAndIsIdempotent) {
  uint64_t a = Put("a");
  uint64_t b = Put("b");
  Take(2);
  EXPECT_EQ(CountOf(Ack({a, b, a, 999})), 2u);
  size_t records = sink_.records.size();
  EXPECT_EQ(CountOf(Ack({a, b})), 0u);
  EXPECT_EQ(sink_.records.size(), records);
  QueueStatsBody stats = StatsOf();
  EXPECT_EQ(stats.in_flight + stats.ready, 0u);
}

TEST_F(QueueEngineTest, AckAfterLeaseExpiryStillRemovesTheMessage) {
  uint64_t seq = Put("slow");
  Take(1, 1'000);
  clock_.Advance(5'000);
  EXPECT_EQ(CountOf(Ack({seq})), 1u);
  EXPECT_TRUE(SeqsOf(Take()).empty());
}

TEST_F(QueueEngineTest, NackReturnsMessageToReadyAtOnce) {
  uint64_t seq = Put("job");
  Take();
  EXPECT_EQ(CountOf(Nack({seq})), 1u);
  auto again = MessagesOf(Take());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery_count, 2u);
}

TEST_F(QueueEngineTest, NackWithDelayHidesMessageUntilTheDelayPasses) {
  uint64_t seq = Put("job");
  Take();
  Nack({seq}, {.delay_ms = 2'000});
  EXPECT_EQ(StatsOf().delayed, 1u);
  clock_.Advance(1'999);
  EXPECT_TRUE(SeqsOf(Take()).empty());
  clock_.Advance(1);
  EXPECT_EQ(SeqsOf(Take()), (Seqs{seq}));
}

TEST_F(QueueEngineTest, NackToDlqMovesMessageStraightToTheDlq) {
  uint64_t seq = Put("poison");
  Take();
  clock_.Advance(10);
  Nack({seq}, {.to_dlq = true});
  auto dead = MessagesOf(engine_->DlqList("app", "jobs", 0));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].seq, seq);
  EXPECT_EQ(dead[0].delivery_count, 1u);
  EXPECT_EQ(dead[0].dlq_at_ms, kStart + 10);
  EXPECT_EQ(StatsOf().dlq, 1u);
}

TEST_F(QueueEngineTest, NackIgnoresMessagesThatAreNotLeased) {
  uint64_t ready = Put("ready");
  EXPECT_EQ(CountOf(Nack({ready, 12345})), 0u);
  EXPECT_EQ(sink_.records.size(), 1u);
}

TEST_F(QueueEngineTest, NackAfterMaxRetriesMovesMessageToDlq) {
  config_.max_retries = 2;
  Reset(config_);
  uint64_t seq = Put("flaky");
  for (uint32_t delivery = 1; delivery <= 2; ++delivery) {
    ASSERT_EQ(MessagesOf(Take())[0].delivery_count, delivery);
    Nack({seq});
    EXPECT_EQ(StatsOf().ready, 1u);
  }
  ASSERT_EQ(MessagesOf(Take())[0].delivery_count, 3u);
  Nack({seq});
  EXPECT_EQ(StatsOf().ready, 0u);
  EXPECT_EQ(SeqsOf(engine_->DlqList("app", "jobs", 0)), (Seqs{seq}));
}

TEST_F(QueueEngineTest, LeaseExpiryAfterMaxRetriesMovesMessageToDlqAtExpiryTime) {
  config_.max_retries = 1;
  Reset(config_);
  uint64_t seq = Put("stuck");
  Take(1, 1'000);
  clock_.Advance(1'000);
  Take(1, 1'000);  // second delivery
  clock_.Advance(5'000);
  EXPECT_TRUE(SeqsOf(Take()).empty());
  auto dead = MessagesOf(engine_->DlqList("app", "jobs", 0));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].seq, seq);
  EXPECT_EQ(dead[0].delivery_count, 2u);
  EXPECT_EQ(dead[0].dlq_at_ms, kStart + 2'000);
}

TEST_F(QueueEngineTest, DefaultMaxRetriesAllowsSixDeliveries) {
  uint64_t seq = Put("job");
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(SeqsOf(Take()), (Seqs{seq})) << "delivery " << i + 1;
    Nack({seq});
  }
  EXPECT_EQ(StatsOf().dlq, 1u);
}

TEST_F(QueueEngineTest, PerMessageMaxRetriesOverridesTheEngineDefault) {
  EnqueueItem item{"strict"};
  item.max_retries = 0;
  uint64_t seq = std::get<SeqBody>(engine_->Enqueue("app", "jobs", item, sink_).body).seq;
  Take();
  Nack({seq});
  EXPECT_EQ(StatsOf().dlq, 1u);
}

TEST_F(QueueEngineTest, TouchRenewsTheLeaseFromNow) {
  uint64_t seq = Put("long");
  Take(1, 1'000);
  clock_.Advance(900);
  EXPECT_EQ(CountOf(engine_->Touch("app", "jobs", Seqs{seq}, 5'000, sink_)), 1u);
  clock_.Advance(4'999);
  EXPECT_EQ(StatsOf().in_flight, 1u);
  clock_.Advance(1);
  EXPECT_EQ(StatsOf().ready, 1u);
}

TEST_F(QueueEngineTest, TouchWithoutDurationUsesDefaultVisibility) {
  uint64_t seq = Put("long");
  Take(1, 1'000);
  engine_->Touch("app", "jobs", Seqs{seq}, 0, sink_);
  clock_.Advance(29'999);
  EXPECT_EQ(StatsOf().in_flight, 1u);
  clock_.Advance(1);
  EXPECT_EQ(StatsOf().in_flight, 0u);
}

TEST_F(QueueEngineTest, TouchIgnoresMessagesThatAreNotLeased) {
  uint64_t expired = Put("lease expires");
  uint64_t never_leased = Put("never leased");
  Take(1, 100);
  clock_.Advance(100);
  EXPECT_EQ(CountOf(engine_->Touch("app", "jobs", Seqs{expired, never_leased}, 0, sink_)), 0u);
}

// ---- Dead-letter queue --------------------------------------------------------------------

TEST_F(QueueEngineTest, DlqListsOldestFirstAndHonoursTheLimit) {
  Seqs seqs = {Put("a"), Put("b"), Put("c")};
  Take(3);
  Nack({seqs[2]}, {.to_dlq = true});
  Nack({seqs[0]}, {.to_dlq = true});
  Nack({seqs[1]}, {.to_dlq = true});
  EXPECT_EQ(SeqsOf(engine_->DlqList("app", "jobs", 0)), (Seqs{seqs[2], seqs[0], seqs[1]}));
  EXPECT_EQ(SeqsOf(engine_->DlqList("app", "jobs", 2)), (Seqs{seqs[2], seqs[0]}));
}

TEST_F(QueueEngineTest, DlqRequeueMakesMessageReadyWithFreshDeliveryCount) {
  uint64_t seq = Put("retry-me");
  Take();
  Nack({seq}, {.to_dlq = true});
  EXPECT_EQ(CountOf(engine_->DlqRequeue("app", "jobs", Seqs{seq, 77}, sink_)), 1u);
  EXPECT_EQ(StatsOf().dlq, 0u);
  auto again = MessagesOf(Take());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery_count, 1u);
}

TEST_F(QueueEngineTest, DlqDeleteRemovesOnlyDlqMessages) {
  uint64_t dead = Put("dead");
  uint64_t ready = Put("ready");
  Take();
  Nack({dead}, {.to_dlq = true});
  EXPECT_EQ(CountOf(engine_->DlqDelete("app", "jobs", Seqs{dead, ready}, sink_)), 1u);
  EXPECT_EQ(StatsOf().dlq, 0u);
  EXPECT_EQ(StatsOf().ready, 1u);
}

TEST_F(QueueEngineTest, AckDoesNotTouchDlqMessages) {
  uint64_t seq = Put("dead");
  Take();
  Nack({seq}, {.to_dlq = true});
  EXPECT_EQ(CountOf(Ack({seq})), 0u);
  EXPECT_EQ(StatsOf().dlq, 1u);
}

TEST_F(QueueEngineTest, FullDlqEvictsItsOldestEntry) {
  config_.dlq_limit = 2;
  Reset(config_);
  Seqs seqs = {Put("a"), Put("b"), Put("c")};
  Take(3);
  for (uint64_t seq : seqs) Nack({seq}, {.to_dlq = true});
  EXPECT_EQ(SeqsOf(engine_->DlqList("app", "jobs", 0)), (Seqs{seqs[1], seqs[2]}));
  EXPECT_EQ(CountOf(engine_->DlqRequeue("app", "jobs", Seqs{seqs[0]}, sink_)), 0u);
}

// ---- Inspection and administration --------------------------------------------------------

TEST_F(QueueEngineTest, PeekShowsReadyMessagesInOrderWithoutLeasing) {
  uint64_t b = Put("b", 2);
  uint64_t a = Put("a", 1);
  Put("hidden", 0, 1'000);
  size_t records = sink_.records.size();
  EXPECT_EQ(SeqsOf(engine_->Peek("app", "jobs", 10)), (Seqs{a, b}));
  EXPECT_EQ(SeqsOf(engine_->Peek("app", "jobs", 0)), (Seqs{a}));
  EXPECT_EQ(sink_.records.size(), records);
  EXPECT_EQ(MessagesOf(engine_->Peek("app", "jobs", 1))[0].delivery_count, 0u);
  EXPECT_EQ(SeqsOf(Take(10)), (Seqs{a, b}));
}

TEST_F(QueueEngineTest, StatsCountEveryState) {
  Seqs seqs = {Put("a"), Put("b"), Put("c"), Put("d")};
  Put("later", 0, 60'000);
  Take(3);
  Ack({seqs[0]});
  Nack({seqs[1]}, {.to_dlq = true});
  QueueStatsBody stats = StatsOf();
  EXPECT_EQ(stats.ready, 1u);
  EXPECT_EQ(stats.in_flight, 1u);
  EXPECT_EQ(stats.delayed, 1u);
  EXPECT_EQ(stats.dlq, 1u);
  EXPECT_EQ(stats.enqueued_total, 5u);
  EXPECT_EQ(stats.dequeued_total, 3u);
}

TEST_F(QueueEngineTest, PurgeRemovesReadyAndDelayedButKeepsLeasedAndDlq) {
  Seqs seqs = {Put("leased"), Put("dead"), Put("ready"), Put("ready2")};
  Put("delayed", 0, 10'000);
  Take(2);
  Nack({seqs[1]}, {.to_dlq = true});
  EXPECT_EQ(CountOf(engine_->Purge("app", "jobs", sink_)), 3u);
  QueueStatsBody stats = StatsOf();
  EXPECT_EQ(stats.ready + stats.delayed, 0u);
  EXPECT_EQ(stats.in_flight, 1u);
  EXPECT_EQ(stats.dlq, 1u);
  EXPECT_EQ(CountOf(Ack({seqs[0]})), 1u);
  EXPECT_EQ(Put("after"), 6u);  // seqs are never reused
}

TEST_F(QueueEngineTest, ListNamesTheQueuesOfOneNamespaceSorted) {
  Put("x", 0, 0, {}, "zeta");
  Put("x", 0, 0, {}, "alpha");
  Put("x", 0, 0, {}, "other", "elsewhere");
  auto names = std::get<NameListBody>(engine_->List("app").body).names;
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "zeta"}));
}

TEST_F(QueueEngineTest, NamespacesAreIsolated) {
  uint64_t a = Put("in-a", 0, 0, "k", "jobs", "a");
  uint64_t b = Put("in-b", 0, 0, "k", "jobs", "b");
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 1u);
  auto taken = MessagesOf(Take(10, 0, "jobs", "a"));
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].payload, "in-a");
  EXPECT_EQ(CountOf(engine_->Nack("b", "jobs", Seqs{1}, {}, sink_)), 0u);  // leased in a only
  EXPECT_EQ(CountOf(engine_->Ack("b", "jobs", Seqs{1}, sink_)), 1u);
  EXPECT_EQ(StatsOf("jobs", "b").ready, 0u);
  EXPECT_EQ(StatsOf("jobs", "a").in_flight, 1u);
}

TEST_F(QueueEngineTest, EveryMutationReportsOneRecordAndReadsNone) {
  uint64_t seq = Put("a");
  EXPECT_EQ(sink_.records.size(), 1u);
  Take();
  engine_->Touch("app", "jobs", Seqs{seq}, 0, sink_);
  Nack({seq});
  Take();
  Nack({seq}, {.to_dlq = true});
  engine_->DlqRequeue("app", "jobs", Seqs{seq}, sink_);
  Put("b", 0, 5'000);
  engine_->Purge("app", "jobs", sink_);
  EXPECT_EQ(sink_.records.size(), 9u);
  engine_->Peek("app", "jobs", 10);
  engine_->Stats("app", "jobs");
  engine_->DlqList("app", "jobs", 10);
  clock_.Advance(60'000);
  engine_->Tick();
  EXPECT_EQ(sink_.records.size(), 9u);
  for (const auto& record : sink_.records) {
    EXPECT_GE(record.type, 0x0201);
    EXPECT_LE(record.type, 0x02FF);
  }
}

// ---- Time ---------------------------------------------------------------------------------

TEST_F(QueueEngineTest, NextDueTimeIsTheEarliestDelayOrLeaseExpiry) {
  EXPECT_FALSE(engine_->NextDueMs().has_value());
  Put("delayed", 0, 8'000);
  EXPECT_EQ(engine_->NextDueMs(), kStart + 8'000);
  Put("ready", 0, 0, {}, "mail");
  Take(1, 3'000, "mail");
  EXPECT_EQ(engine_->NextDueMs(), kStart + 3'000);
  engine_->Ack("app", "mail", Seqs{1}, sink_);
  EXPECT_EQ(engine_->NextDueMs(), kStart + 8'000);
}

TEST_F(QueueEngineTest, TickReportsQueuesWokenByDelaysAndLeaseExpiry) {
  Put("delayed", 0, 1'000, {}, "jobs");
  Put("leased", 0, 0, {}, "mail");
  Take(1, 2'000, "mail");
  Put("idle", 0, 0, {}, "idle");
  clock_.Advance(999);
  EXPECT_TRUE(engine_->Tick().woken.empty());
  clock_.Advance(1);
  EXPECT_EQ(engine_->Tick().woken, (std::vector<QueueName>{{"app", "jobs"}}));
  clock_.Advance(1'000);
  QueueTickResult tick = engine_->Tick();
  EXPECT_EQ(tick.woken, (std::vector<QueueName>{{"app", "mail"}}));
  EXPECT_FALSE(tick.more);
  EXPECT_FALSE(engine_->NextDueMs().has_value());
  EXPECT_EQ(StatsOf("mail").ready, 1u);
}

TEST_F(QueueEngineTest, TickReportsWakesCausedByLazyTransitionsInReads) {
  Put("delayed", 0, 1'000);
  clock_.Advance(1'000);
  EXPECT_EQ(StatsOf().ready, 1u);  // the read promoted the message
  ASSERT_TRUE(engine_->NextDueMs().has_value());
  EXPECT_LE(*engine_->NextDueMs(), clock_.NowMs());
  EXPECT_EQ(engine_->Tick().woken, (std::vector<QueueName>{{"app", "jobs"}}));
  EXPECT_TRUE(engine_->Tick().woken.empty());
  EXPECT_FALSE(engine_->NextDueMs().has_value());
}

TEST_F(QueueEngineTest, TickWorkIsBoundedByItsBudget) {
  for (int i = 0; i < 10; ++i) Put("m", 0, 100);
  clock_.Advance(100);
  QueueTickResult first = engine_->Tick(4);
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.woken.size(), 1u);
  EXPECT_LE(*engine_->NextDueMs(), clock_.NowMs());
  EXPECT_TRUE(engine_->Tick(4).more);
  EXPECT_FALSE(engine_->Tick(4).more);
  EXPECT_EQ(StatsOf().ready, 10u);
}

TEST_F(QueueEngineTest, LargeQueueKeepsOrderAndReleasesAckedMessages) {
  constexpr int kMessages = 100'000;
  NullChangeSink null_sink;
  for (int i = 0; i < kMessages; ++i) {
    EnqueueItem item{"payload", static_cast<uint8_t>(i % 4)};
    engine_->Enqueue("app", "big", item, null_sink);
  }
  uint8_t last_priority = 0;
  int taken = 0;
  while (true) {
    const auto messages = MessagesOf(engine_->Dequeue("app", "big", 100, 0, null_sink));
    if (messages.empty()) break;
    Seqs seqs;
    for (const QueueMessage& m : messages) {
      ASSERT_GE(m.priority, last_priority);
      last_priority = m.priority;
      seqs.push_back(m.seq);
    }
    taken += static_cast<int>(messages.size());
    engine_->Ack("app", "big", seqs, null_sink);
  }
  EXPECT_EQ(taken, kMessages);
  QueueStatsBody stats = StatsOf("big");
  EXPECT_EQ(stats.ready + stats.in_flight, 0u);
  EXPECT_EQ(stats.dequeued_total, static_cast<uint64_t>(kMessages));
}

}  // namespace
}  // namespace flod::engine::testing
