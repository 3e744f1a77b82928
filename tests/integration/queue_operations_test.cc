// Every queue operation of the Flo binary protocol against the real flod, one connection.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "queue_test_support.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace queue;

class QueueOperationsTest : public FlodTest {
 protected:
  void SetUp() override {
    FlodTest::SetUp();
    client_ = Connect();
  }
  QueueCalls Queue(const std::string& name, const std::string& ns = "default") {
    return QueueCalls(*client_, name, ns);
  }
  std::unique_ptr<FloClient> client_;
};

TEST_F(QueueOperationsTest, EnqueueAnswersStrictlyIncreasingSeqs) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t first = tasks.Enqueue("a");
  const uint64_t second = tasks.Enqueue("b");
  EXPECT_GT(first, 0u);
  EXPECT_GT(second, first);
}

TEST_F(QueueOperationsTest, DequeueLeasesInPriorityThenSeqOrder) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t low = tasks.Enqueue("low", FloOptions().U8(kOptPriority, 9));
  const uint64_t plain = tasks.Enqueue("plain");
  const uint64_t urgent = tasks.Enqueue("urgent", FloOptions().U8(kOptPriority, 1));
  const std::vector<Message> got = tasks.Dequeue(10);
  EXPECT_EQ(SeqsOf(got), (std::vector<uint64_t>{plain, urgent, low}));
  EXPECT_EQ(got[0].payload, "plain");
  EXPECT_TRUE(tasks.Dequeue(10).empty());  // all leased
}

TEST_F(QueueOperationsTest, DelayedMessageIsInvisibleUntilDue) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t seq = tasks.Enqueue("later", FloOptions().U64(kOptDelayMs, 1'000));
  EXPECT_TRUE(tasks.Dequeue(1).empty());
  EXPECT_EQ(tasks.GetStats().delayed, 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1'300));
  EXPECT_EQ(SeqsOf(tasks.Dequeue(1)), std::vector<uint64_t>{seq});
}

TEST_F(QueueOperationsTest, DuplicateDedupKeyAnswersTheOriginalSeq) {
  QueueCalls tasks = Queue("tasks");
  const FloOptions dedup = FloOptions().Bytes(kOptDedupKey, "order-42");
  const uint64_t original = tasks.Enqueue("job", dedup);
  EXPECT_EQ(tasks.Enqueue("job again", dedup), original);
  EXPECT_EQ(tasks.GetStats().ready, 1u);
}

TEST_F(QueueOperationsTest, BatchEnqueueAnswersOneSeqPerMessage) {
  QueueCalls tasks = Queue("tasks");
  std::string value;
  PutU32(value, 3);
  for (std::string_view payload : {"x", "yy", "zzz"}) {
    PutU32(value, static_cast<uint32_t>(payload.size()));
    value += payload;
  }
  const std::string data = tasks.Call(kBatchEnqueue, value, FloOptions().U8(kOptPriority, 2)).data;
  ASSERT_EQ(data.size(), 4u + 3 * 8);
  EXPECT_EQ(U32At(data, 0), 3u);
  EXPECT_LT(U64At(data, 4), U64At(data, 12));
  EXPECT_LT(U64At(data, 12), U64At(data, 20));
  const std::vector<Message> got = tasks.Dequeue(10);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].payload, "zzz");
}

TEST_F(QueueOperationsTest, AckRemovesLeasedMessagesAndIsIdempotent) {
  QueueCalls tasks = Queue("tasks");
  tasks.Enqueue("a");
  tasks.Enqueue("b");
  const std::vector<uint64_t> seqs = SeqsOf(tasks.Dequeue(2));
  EXPECT_EQ(tasks.Ack(seqs), 2u);
  EXPECT_EQ(tasks.Ack(seqs), 0u);
  EXPECT_EQ(tasks.Ack({999'999}), 0u);
  const QueueCalls::Stats stats = tasks.GetStats();
  EXPECT_EQ(stats.ready + stats.in_flight, 0u);
}

TEST_F(QueueOperationsTest, NackReturnsTheMessageForAnotherDelivery) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t seq = tasks.Enqueue("retry me");
  ASSERT_EQ(SeqsOf(tasks.Dequeue(1)), std::vector<uint64_t>{seq});
  EXPECT_EQ(tasks.Nack({seq}), 1u);
  EXPECT_EQ(SeqsOf(tasks.Dequeue(1)), std::vector<uint64_t>{seq});
}

TEST_F(QueueOperationsTest, NackToDlqThenRequeueAndDelete) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t a = tasks.Enqueue("a");
  const uint64_t b = tasks.Enqueue("b");
  ASSERT_EQ(tasks.Dequeue(2).size(), 2u);
  EXPECT_EQ(tasks.Nack({a, b}, /*to_dlq=*/true), 2u);
  const std::vector<Message> dead = tasks.DlqList();
  EXPECT_EQ(SeqsOf(dead), (std::vector<uint64_t>{a, b}));
  EXPECT_EQ(dead[1].payload, "b");
  EXPECT_EQ(tasks.GetStats().dlq, 2u);

  EXPECT_EQ(tasks.DlqRequeue({a}), 1u);
  EXPECT_EQ(SeqsOf(tasks.Dequeue(5)), std::vector<uint64_t>{a});
  EXPECT_EQ(tasks.DlqDelete({b}), 1u);
  EXPECT_TRUE(tasks.DlqList().empty());
}

TEST_F(QueueOperationsTest, MessagePastItsMaxRetriesMovesToTheDlq) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t seq = tasks.Enqueue("poison", FloOptions().U8(kOptMaxRetries, 1));
  for (int delivery = 0; delivery < 2; ++delivery) {
    ASSERT_EQ(SeqsOf(tasks.Dequeue(1)), std::vector<uint64_t>{seq}) << "delivery " << delivery;
    EXPECT_EQ(tasks.Nack({seq}), 1u);
  }
  EXPECT_TRUE(tasks.Dequeue(1).empty());
  const std::vector<Message> dead = tasks.DlqList();
  ASSERT_EQ(SeqsOf(dead), std::vector<uint64_t>{seq});
  EXPECT_EQ(dead[0].payload, "poison");
}

TEST_F(QueueOperationsTest, DefaultMaxRetriesAllowsSixDeliveries) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t seq = tasks.Enqueue("flaky");
  for (int delivery = 0; delivery < 6; ++delivery) {
    ASSERT_EQ(SeqsOf(tasks.Dequeue(1)), std::vector<uint64_t>{seq}) << "delivery " << delivery;
    tasks.Nack({seq});
  }
  EXPECT_TRUE(tasks.Dequeue(1).empty());
  EXPECT_EQ(SeqsOf(tasks.DlqList()), std::vector<uint64_t>{seq});
}

TEST_F(QueueOperationsTest, TouchKeepsALeaseAlive) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t seq = tasks.Enqueue("slow job");
  ASSERT_EQ(tasks.Dequeue(1, /*visibility_ms=*/1'000).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(tasks.Touch({seq}, FloOptions().U32(kOptVisibilityMs, 5'000)), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(900));  // past the first lease
  EXPECT_TRUE(tasks.Dequeue(1).empty());
  EXPECT_EQ(tasks.GetStats().in_flight, 1u);
}

TEST_F(QueueOperationsTest, ExtendLeaseIsATouch) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t seq = tasks.Enqueue("job");
  ASSERT_EQ(tasks.Dequeue(1).size(), 1u);
  EXPECT_EQ(U32At(tasks.Call(kExtendLease, SeqList({seq})).data, 0), 1u);
  EXPECT_EQ(tasks.Touch({seq + 100}), 0u);  // unknown seqs are ignored
}

TEST_F(QueueOperationsTest, ExpiredLeaseMakesTheMessageVisibleAgain) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t seq = tasks.Enqueue("job");
  ASSERT_EQ(tasks.Dequeue(1, /*visibility_ms=*/800).size(), 1u);
  EXPECT_TRUE(tasks.Dequeue(1).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
  EXPECT_EQ(SeqsOf(tasks.Dequeue(1)), std::vector<uint64_t>{seq});
}

TEST_F(QueueOperationsTest, PeekShowsReadyMessagesWithoutLeasing) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t a = tasks.Enqueue("a");
  const uint64_t b = tasks.Enqueue("b");
  EXPECT_EQ(SeqsOf(tasks.Peek(5)), (std::vector<uint64_t>{a, b}));
  EXPECT_EQ(SeqsOf(tasks.Peek(1)), std::vector<uint64_t>{a});
  EXPECT_EQ(tasks.Dequeue(5).size(), 2u);  // peek took nothing
  EXPECT_TRUE(tasks.Peek(5).empty());
}

TEST_F(QueueOperationsTest, StatsCountEveryState) {
  QueueCalls tasks = Queue("tasks");
  tasks.Enqueue("ready");
  tasks.Enqueue("leased");
  tasks.Enqueue("delayed", FloOptions().U64(kOptDelayMs, 60'000));
  const uint64_t dead = tasks.Enqueue("dead");
  const std::vector<Message> got = tasks.Dequeue(3);  // "ready", "leased", "dead"
  ASSERT_EQ(got.size(), 3u);
  tasks.Nack({got[0].seq});  // back to ready
  tasks.Nack({dead}, /*to_dlq=*/true);
  const QueueCalls::Stats stats = tasks.GetStats();
  EXPECT_EQ(stats.ready, 1u);
  EXPECT_EQ(stats.in_flight, 1u);
  EXPECT_EQ(stats.delayed, 1u);
  EXPECT_EQ(stats.dlq, 1u);
  EXPECT_EQ(stats.enqueued_total, 4u);
  EXPECT_EQ(stats.dequeued_total, 3u);
}

TEST_F(QueueOperationsTest, PurgeDropsReadyAndDelayedButKeepsLeases) {
  QueueCalls tasks = Queue("tasks");
  const uint64_t leased = tasks.Enqueue("leased");
  ASSERT_EQ(tasks.Dequeue(1).size(), 1u);
  tasks.Enqueue("ready");
  tasks.Enqueue("delayed", FloOptions().U64(kOptDelayMs, 60'000));
  EXPECT_EQ(U32At(tasks.Call(kPurge, "").data, 0), 2u);
  const QueueCalls::Stats stats = tasks.GetStats();
  EXPECT_EQ(stats.ready + stats.delayed, 0u);
  EXPECT_EQ(stats.in_flight, 1u);
  EXPECT_EQ(tasks.Ack({leased}), 1u);
}

// Queues hash to different shards; the listing merges them, per namespace, sorted.
TEST_F(QueueOperationsTest, ListMergesEveryShardOfOneNamespace) {
  for (const char* name : {"orders", "emails", "billing", "audit", "zeta"}) {
    Queue(name).Enqueue("x");
  }
  Queue("hidden", "other").Enqueue("x");
  const FloReply reply = client_->Call(kList, "", "");
  ASSERT_EQ(reply.status, kStatusOk);
  std::vector<std::string> names;
  const uint32_t count = U32At(reply.data, 0);
  size_t offset = 4;
  for (uint32_t i = 0; i < count; ++i) {
    const uint16_t length = static_cast<uint8_t>(reply.data[offset]) |
                            static_cast<uint8_t>(reply.data[offset + 1]) << 8;
    names.push_back(reply.data.substr(offset + 2, length));
    offset += 2 + length;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"audit", "billing", "emails", "orders", "zeta"}));
  EXPECT_EQ(reply.data.substr(offset), std::string(3, '\0'));  // has_more 0, no cursor
}

TEST_F(QueueOperationsTest, NamespacesAreIndependent) {
  QueueCalls first = Queue("tasks", "app-a");
  QueueCalls second = Queue("tasks", "app-b");
  first.Enqueue("for a");
  EXPECT_TRUE(second.Dequeue(1).empty());
  const std::vector<Message> got = first.Dequeue(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "for a");
}

TEST_F(QueueOperationsTest, UnknownQueueAnswersEmptyNotAnError) {
  QueueCalls ghost = Queue("ghost");
  EXPECT_TRUE(ghost.Dequeue(1).empty());
  EXPECT_TRUE(ghost.Peek(1).empty());
  EXPECT_TRUE(ghost.DlqList().empty());
  EXPECT_EQ(ghost.GetStats().ready, 0u);
}

TEST_F(QueueOperationsTest, EmptyQueueNameIsABadRequest) {
  const FloReply reply = client_->Call(kEnqueue, "", "job");
  EXPECT_EQ(reply.status, kStatusBadRequest);
  EXPECT_FALSE(reply.data.empty());
  EXPECT_EQ(client_->Call(kDequeue, "", "").status, kStatusBadRequest);
}

TEST_F(QueueOperationsTest, MalformedSeqListIsABadRequestAndTheConnectionStays) {
  const FloReply reply = client_->Call(kComplete, "tasks", "101");  // decimal text, not a list
  EXPECT_EQ(reply.status, kStatusBadRequest);
  EXPECT_GT(Queue("tasks").Enqueue("still works"), 0u);
}

}  // namespace
}  // namespace flod::testing
