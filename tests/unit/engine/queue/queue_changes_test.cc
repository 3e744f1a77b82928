// Queue WAL records: every change survives an encode/decode round trip field by field, and
// malformed payloads are refused.

#include "engine/queue/queue_changes.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace flod::engine::queue {
namespace {

// Decoded changes view the payload they came from, so every payload lives as long as the test.
class QueueChangesTest : public ::testing::Test {
 protected:
  template <typename T>
  T RoundTrip(const T& change, uint16_t expected_type) {
    std::string& payload = payloads_.emplace_back();
    EXPECT_EQ(EncodeChange(Change(change), payload), expected_type);
    std::optional<Change> decoded = DecodeChange(expected_type, payload);
    EXPECT_TRUE(decoded && std::holds_alternative<T>(*decoded));
    return decoded && std::holds_alternative<T>(*decoded) ? std::get<T>(*decoded) : T{};
  }

  std::deque<std::string> payloads_;
};

void ExpectHead(const QueueHead& head) {
  EXPECT_EQ(head.ns, "ns");
  EXPECT_EQ(head.name, "q");
  EXPECT_EQ(head.now_ms, 1234);
}

const QueueHead kHead{"ns", "q", 1234};

TEST_F(QueueChangesTest, EnqueueRoundTripsEveryField) {
  EnqueueChange in{kHead, {{7, 3, 5000, 2, "key", 9000, "payload"}, {8, 0, 0, 5, "", 0, ""}}};
  EnqueueChange out = RoundTrip(in, kRecordEnqueue);
  ExpectHead(out.head);
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(out.messages[0].seq, 7u);
  EXPECT_EQ(out.messages[0].priority, 3);
  EXPECT_EQ(out.messages[0].visible_at_ms, 5000);
  EXPECT_EQ(out.messages[0].max_retries, 2u);
  EXPECT_EQ(out.messages[0].dedup_key, "key");
  EXPECT_EQ(out.messages[0].dedup_expires_at_ms, 9000);
  EXPECT_EQ(out.messages[0].payload, "payload");
  EXPECT_EQ(out.messages[1].seq, 8u);
  EXPECT_TRUE(out.messages[1].payload.empty());
}

TEST_F(QueueChangesTest, LeaseNackAndTouchRoundTrip) {
  LeaseChange lease = RoundTrip(LeaseChange{kHead, 4000, {{1, 2}, {5, 1}}}, kRecordLease);
  ExpectHead(lease.head);
  EXPECT_EQ(lease.lease_until_ms, 4000);
  ASSERT_EQ(lease.messages.size(), 2u);
  EXPECT_EQ(lease.messages[1].seq, 5u);
  EXPECT_EQ(lease.messages[1].delivery_count, 1u);

  NackChange nack = RoundTrip(NackChange{kHead, {{3, true, 0}, {4, false, 7000}}}, kRecordNack);
  ASSERT_EQ(nack.messages.size(), 2u);
  EXPECT_TRUE(nack.messages[0].to_dlq);
  EXPECT_FALSE(nack.messages[1].to_dlq);
  EXPECT_EQ(nack.messages[1].visible_at_ms, 7000);

  TouchChange touch = RoundTrip(TouchChange{kHead, 8000, {9, 10}}, kRecordTouch);
  EXPECT_EQ(touch.lease_until_ms, 8000);
  EXPECT_EQ(touch.seqs, (std::vector<uint64_t>{9, 10}));
}

TEST_F(QueueChangesTest, SeqListRecordsKeepTheirOperation) {
  for (auto [op, type] :
       {std::pair{SeqOp::kAck, kRecordAck}, std::pair{SeqOp::kDlqRequeue, kRecordDlqRequeue},
        std::pair{SeqOp::kDlqDelete, kRecordDlqDelete}}) {
    SeqListChange out = RoundTrip(SeqListChange{op, kHead, {1, 2, 3}}, type);
    EXPECT_EQ(out.op, op);
    ExpectHead(out.head);
    EXPECT_EQ(out.seqs, (std::vector<uint64_t>{1, 2, 3}));
  }
  ExpectHead(RoundTrip(PurgeChange{kHead}, kRecordPurge).head);
}

TEST_F(QueueChangesTest, SnapshotImagesRoundTrip) {
  QueueImage queue = RoundTrip(QueueImage{"ns", "q", 42, 100, 90}, kRecordQueueImage);
  EXPECT_EQ(queue.next_seq, 42u);
  EXPECT_EQ(queue.enqueued_total, 100u);
  EXPECT_EQ(queue.dequeued_total, 90u);

  MessageImage message =
      RoundTrip(MessageImage{"ns", "q", 5, MessageState::kLeased, 4, 111, 222, 3, 6, "body"},
                kRecordMessageImage);
  EXPECT_EQ(message.seq, 5u);
  EXPECT_EQ(message.state, MessageState::kLeased);
  EXPECT_EQ(message.priority, 4);
  EXPECT_EQ(message.enqueued_at_ms, 111);
  EXPECT_EQ(message.due_ms, 222);
  EXPECT_EQ(message.delivery_count, 3u);
  EXPECT_EQ(message.max_retries, 6u);
  EXPECT_EQ(message.payload, "body");

  DedupImage dedup = RoundTrip(DedupImage{"ns", "q", "k", 5, 999}, kRecordDedupImage);
  EXPECT_EQ(dedup.key, "k");
  EXPECT_EQ(dedup.seq, 5u);
  EXPECT_EQ(dedup.expires_at_ms, 999);
}

TEST_F(QueueChangesTest, EnqueueSeqsMustBeNonZeroAndIncreasing) {
  std::string payload;
  EncodeChange(EnqueueChange{kHead, {{5, 0, 0, 0, "", 0, "a"}, {5, 0, 0, 0, "", 0, "b"}}}, payload);
  EXPECT_FALSE(DecodeChange(kRecordEnqueue, payload).has_value());
  EncodeChange(EnqueueChange{kHead, {{0, 0, 0, 0, "", 0, "a"}}}, payload);
  EXPECT_FALSE(DecodeChange(kRecordEnqueue, payload).has_value());
}

TEST_F(QueueChangesTest, EveryTruncationIsRefused) {
  std::string payload;
  EncodeChange(EnqueueChange{kHead, {{7, 3, 5000, 2, "key", 9000, "payload"}}}, payload);
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    EXPECT_FALSE(DecodeChange(kRecordEnqueue, payload.substr(0, cut)).has_value()) << cut;
  }
  EXPECT_FALSE(DecodeChange(kRecordEnqueue, payload + "x").has_value());
}

TEST_F(QueueChangesTest, UnknownTypesAreRefused) {
  std::string payload;
  uint16_t type = EncodeChange(PurgeChange{kHead}, payload);
  EXPECT_TRUE(DecodeChange(type, payload).has_value());
  EXPECT_FALSE(DecodeChange(0x0209, payload).has_value());
  EXPECT_FALSE(DecodeChange(0x0108, payload).has_value());
}

}  // namespace
}  // namespace flod::engine::queue
