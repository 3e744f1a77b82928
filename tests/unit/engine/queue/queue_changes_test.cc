// Queue WAL records: every change survives an encode/decode round trip field by field, and
// malformed payloads are refused.

#include "engine/queue/queue_changes.h"

#include <gtest/gtest.h>

#include <deque>
#include <limits>
#include <string>

#include "flod/core/bytes.h"

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
const NewMessage kFullMessage{7, 3, 5000, 2, "key", 9000, "payload"};

void ExpectFullMessage(const NewMessage& m) {
  EXPECT_EQ(m.seq, 7u);
  EXPECT_EQ(m.priority, 3);
  EXPECT_EQ(m.visible_at_ms, 5000);
  EXPECT_EQ(m.max_retries, 2u);
  EXPECT_EQ(m.dedup_key, "key");
  EXPECT_EQ(m.dedup_expires_at_ms, 9000);
  EXPECT_EQ(m.payload, "payload");
}

TEST_F(QueueChangesTest, EnqueueRoundTripsEveryField) {
  EnqueueChange in{kHead, {kFullMessage, {8, 0, 0, 5, "", 0, ""}}};
  EnqueueChange out = RoundTrip(in, kRecordEnqueueCompact);
  ExpectHead(out.head);
  ASSERT_EQ(out.messages.size(), 2u);
  ExpectFullMessage(out.messages[0]);
  EXPECT_EQ(out.messages[1].seq, 8u);
  EXPECT_TRUE(out.messages[1].payload.empty());
}

TEST_F(QueueChangesTest, LeaseNackAndTouchRoundTrip) {
  LeaseChange lease = RoundTrip(LeaseChange{kHead, 4000, {{1, 2}, {5, 1}}}, kRecordLeaseCompact);
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
  for (SeqOp op : {SeqOp::kAck, SeqOp::kDlqRequeue, SeqOp::kDlqDelete}) {
    SeqListChange out = RoundTrip(SeqListChange{op, kHead, {1, 2, 300}}, kRecordSeqListCompact);
    EXPECT_EQ(out.op, op);
    ExpectHead(out.head);
    EXPECT_EQ(out.seqs, (std::vector<uint64_t>{1, 2, 300}));
  }
  ExpectHead(RoundTrip(PurgeChange{kHead}, kRecordPurge).head);
}

// What LPUSH writes for a three-byte value: the first form took 77 bytes (with its header).
TEST_F(QueueChangesTest, APlainPushIsSmall) {
  const int64_t now = 1'800'000'000'000;
  EnqueueChange in{QueueHead{"default", "mylist", now}, {{70'000, 0, now, 3, "", 0, "xxx"}}};
  EnqueueChange out = RoundTrip(in, kRecordEnqueueCompact);
  // flags, name, now (6), count, message flags, seq (3), retries, payload
  EXPECT_EQ(payloads_.back().size(), 1u + 7 + 6 + 1 + 1 + 3 + 1 + 4);
  EXPECT_EQ(out.head.ns, "default");
  EXPECT_EQ(out.head.name, "mylist");
  EXPECT_EQ(out.head.now_ms, now);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].seq, 70'000u);
  EXPECT_EQ(out.messages[0].visible_at_ms, now);
  EXPECT_EQ(out.messages[0].max_retries, 3u);
  EXPECT_EQ(out.messages[0].payload, "xxx");
}

// Times are stored as offsets from now_ms; any pair, however far apart, comes back exactly.
TEST_F(QueueChangesTest, ExtremeTimesRoundTrip) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  for (int64_t now : {int64_t{0}, int64_t{-5}, kMax, kMin}) {
    const QueueHead head{"ns", "q", now};
    EnqueueChange enqueue = RoundTrip(
        EnqueueChange{head, {{1, 9, kMax, 7, "d", kMin, "p"}, {2, 0, kMin, 0, "", -1, ""}}},
        kRecordEnqueueCompact);
    EXPECT_EQ(enqueue.head.now_ms, now);
    ASSERT_EQ(enqueue.messages.size(), 2u);
    EXPECT_EQ(enqueue.messages[0].visible_at_ms, kMax);
    EXPECT_EQ(enqueue.messages[0].dedup_expires_at_ms, kMin);
    EXPECT_EQ(enqueue.messages[1].visible_at_ms, kMin);
    EXPECT_TRUE(enqueue.messages[1].dedup_key.empty());
    EXPECT_EQ(enqueue.messages[1].dedup_expires_at_ms, -1);
    EXPECT_EQ(RoundTrip(LeaseChange{head, kMin, {{1, 1}}}, kRecordLeaseCompact).lease_until_ms,
              kMin);
  }
}

// The head of the first forms (ns:str16 name:str16 now_ms:i64), holding kHead.
std::string FirstFormHead() {
  std::string head;
  ByteWriter w(head);
  w.Str16("ns");
  w.Str16("q");
  w.I64(1234);
  return head;
}

// The change `payload` (which it views) decodes to, or T{} after a failed expectation.
template <typename T>
T DecodeAs(uint16_t type, const std::string& payload) {
  std::optional<Change> decoded = DecodeChange(type, payload);
  EXPECT_TRUE(decoded && std::holds_alternative<T>(*decoded)) << type;
  return decoded && std::holds_alternative<T>(*decoded) ? std::get<T>(*decoded) : T{};
}

// Logs written before the compact forms keep replaying.
TEST_F(QueueChangesTest, TheFirstFormsAreStillRead) {
  std::string enqueue = FirstFormHead();
  ByteWriter e(enqueue);
  e.U32(1);
  e.U64(7);
  e.U8(3);
  e.I64(5000);
  e.U32(2);
  e.Str16("key");
  e.I64(9000);
  e.Str32("payload");
  const auto in = DecodeAs<EnqueueChange>(kRecordEnqueue, enqueue);
  ExpectHead(in.head);
  ASSERT_EQ(in.messages.size(), 1u);
  ExpectFullMessage(in.messages[0]);

  std::string lease = FirstFormHead();
  ByteWriter l(lease);
  l.I64(4000);
  l.U32(1);
  l.U64(5);
  l.U32(2);
  const auto leased = DecodeAs<LeaseChange>(kRecordLease, lease);
  ExpectHead(leased.head);
  EXPECT_EQ(leased.lease_until_ms, 4000);
  ASSERT_EQ(leased.messages.size(), 1u);
  EXPECT_EQ(leased.messages[0].seq, 5u);
  EXPECT_EQ(leased.messages[0].delivery_count, 2u);

  std::string seqs = FirstFormHead();
  ByteWriter w(seqs);
  w.U32(2);
  w.U64(1);
  w.U64(2);
  for (auto [op, type] :
       {std::pair{SeqOp::kAck, kRecordAck}, std::pair{SeqOp::kDlqRequeue, kRecordDlqRequeue},
        std::pair{SeqOp::kDlqDelete, kRecordDlqDelete}}) {
    const auto list = DecodeAs<SeqListChange>(type, seqs);
    EXPECT_EQ(list.op, op);
    ExpectHead(list.head);
    EXPECT_EQ(list.seqs, (std::vector<uint64_t>{1, 2}));
  }
}

TEST_F(QueueChangesTest, DamagedCompactRecordsAreRefused) {
  std::string enqueue;
  EncodeChange(EnqueueChange{kHead, {{7, 0, 1234, 0, "", 0, "p"}}}, enqueue);
  ASSERT_TRUE(DecodeChange(kRecordEnqueueCompact, enqueue).has_value());
  auto refused = [](uint16_t type, const std::string& payload) {
    return !DecodeChange(type, payload).has_value();
  };
  std::string bad_head = enqueue;
  bad_head[0] = '\x02';  // an unknown head flag
  EXPECT_TRUE(refused(kRecordEnqueueCompact, bad_head));
  // head: flags, ns (3), name (2), now (2), count; then the message's flags
  const size_t message_flags = 1 + 3 + 2 + 2 + 1;
  std::string bad_message = enqueue;
  bad_message[message_flags] = '\x10';  // an unknown message flag
  EXPECT_TRUE(refused(kRecordEnqueueCompact, bad_message));
  std::string huge_count = enqueue;
  huge_count[message_flags - 1] = '\x7f';  // more messages than bytes left
  EXPECT_TRUE(refused(kRecordEnqueueCompact, huge_count));

  std::string no_name;
  ByteWriter n(no_name);
  n.U8(0);
  n.VarStr("");
  n.Varint(1);
  n.Varint(0);
  EXPECT_TRUE(refused(kRecordLeaseCompact, no_name + std::string(1, '\0')));

  std::string seqs;
  EncodeChange(SeqListChange{SeqOp::kAck, kHead, {1}}, seqs);
  std::string bad_op = seqs;
  bad_op[message_flags - 1] = '\x03';  // the op sits where an enqueue's count would
  EXPECT_TRUE(refused(kRecordSeqListCompact, bad_op));
  std::string big_retries;
  ByteWriter b(big_retries);
  b.U8(0);
  b.VarStr("q");
  b.Varint(1);
  b.Varint(1);   // one message
  b.U8(0x04);    // with max_retries
  b.Varint(1);   // seq
  b.Varint(uint64_t{1} << 32);  // over u32
  b.VarStr("");
  EXPECT_TRUE(refused(kRecordEnqueueCompact, big_retries));
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
  EXPECT_FALSE(DecodeChange(kRecordEnqueueCompact, payload).has_value());
  EncodeChange(EnqueueChange{kHead, {{0, 0, 0, 0, "", 0, "a"}}}, payload);
  EXPECT_FALSE(DecodeChange(kRecordEnqueueCompact, payload).has_value());
}

TEST_F(QueueChangesTest, EveryTruncationIsRefused) {
  std::string enqueue;
  std::string lease;
  std::string seqs;
  EncodeChange(EnqueueChange{kHead, {kFullMessage}}, enqueue);
  EncodeChange(LeaseChange{kHead, 4000, {{1, 2}}}, lease);
  EncodeChange(SeqListChange{SeqOp::kAck, kHead, {1, 2}}, seqs);
  for (auto [type, payload] : {std::pair{kRecordEnqueueCompact, enqueue},
                               std::pair{kRecordLeaseCompact, lease},
                               std::pair{kRecordSeqListCompact, seqs}}) {
    for (size_t cut = 0; cut < payload.size(); ++cut) {
      EXPECT_FALSE(DecodeChange(type, payload.substr(0, cut)).has_value()) << type << " " << cut;
    }
    EXPECT_FALSE(DecodeChange(type, payload + "x").has_value()) << type;
  }
}

TEST_F(QueueChangesTest, UnknownTypesAreRefused) {
  std::string payload;
  uint16_t type = EncodeChange(PurgeChange{kHead}, payload);
  EXPECT_TRUE(DecodeChange(type, payload).has_value());
  EXPECT_FALSE(DecodeChange(0x020C, payload).has_value());
  EXPECT_FALSE(DecodeChange(0x0108, payload).has_value());
}

}  // namespace
}  // namespace flod::engine::queue
