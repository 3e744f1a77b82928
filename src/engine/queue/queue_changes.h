#pragma once
// WAL records of the queue engine: the effect of each mutation, never the request. Replay
// decodes a record into a Change and hands it to MessageQueue::Apply, the same primitive the
// live writes use.
//
// Record grammar (little-endian; str16 = [len:u16][bytes], str32 = [len:u32][bytes]).
// Every operation record starts with   head = ns:str16 name:str16 now_ms:i64
// where now_ms is the time of the operation: replay first applies the time transitions
// (delayed → ready, expired lease → ready or DLQ) up to now_ms, as the live call did.
//
//   enqueue      0x0201  head count:u32 { seq:u64 priority:u8 visible_at_ms:i64
//                        max_retries:u32 dedup_key:str16 dedup_expires_at_ms:i64
//                        payload:str32 }*count           seqs strictly increasing
//   lease        0x0202  head lease_until_ms:i64 count:u32 { seq:u64 delivery_count:u32 }*count
//   ack          0x0203  head count:u32 { seq:u64 }*count
//   nack         0x0204  head count:u32 { seq:u64 to_dlq:u8 visible_at_ms:i64 }*count
//   touch        0x0205  head lease_until_ms:i64 count:u32 { seq:u64 }*count
//   dlq requeue  0x0206  head count:u32 { seq:u64 }*count
//   dlq delete   0x0207  head count:u32 { seq:u64 }*count
//   purge        0x0208  head
//
// Compact forms, written in place of 0x0201-0x0203 and 0x0206-0x0207 (which are still read):
// var = LEB128 varint, varstr = [len:var][bytes], a time is var(time - now_ms) modulo 2^64.
//   chead = flags:u8 (0x01: ns follows) [ns:varstr] name:varstr now_ms:var
//   enqueue      0x0209  chead count:var { flags:u8 seq:var [priority:u8 if 0x01]
//                        [visible_at_ms:time if 0x02, else now_ms] [max_retries:var if 0x04]
//                        [dedup_key:varstr dedup_expires_at_ms:time if 0x08] payload:varstr }
//   lease        0x020A  chead lease_until_ms:time count:var { seq:var delivery_count:var }
//   seq list     0x020B  chead op:u8 (0 ack, 1 dlq requeue, 2 dlq delete) count:var { seq:var }
//
// Snapshot records (WriteSnapshot; no time transitions on replay):
//   queue        0x02F0  ns:str16 name:str16 next_seq:u64 enqueued_total:u64 dequeued_total:u64
//   message      0x02F1  ns:str16 name:str16 seq:u64 state:u8 priority:u8 enqueued_at_ms:i64
//                        due_ms:i64 delivery_count:u32 max_retries:u32 payload:str32
//                        state 0 ready, 1 delayed (due = visible_at), 2 leased (due = lease
//                        until), 3 DLQ (due = moved_at; DLQ order = record order)
//   dedup        0x02F2  ns:str16 name:str16 key:str16 seq:u64 expires_at_ms:i64
//
// A name is never empty. Every record must be consumed exactly: trailing bytes, unknown
// states or flags other than 0/1 make it undecodable.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace flod::engine::queue {

inline constexpr uint16_t kRecordEnqueue = 0x0201;
inline constexpr uint16_t kRecordLease = 0x0202;
inline constexpr uint16_t kRecordAck = 0x0203;
inline constexpr uint16_t kRecordNack = 0x0204;
inline constexpr uint16_t kRecordTouch = 0x0205;
inline constexpr uint16_t kRecordDlqRequeue = 0x0206;
inline constexpr uint16_t kRecordDlqDelete = 0x0207;
inline constexpr uint16_t kRecordPurge = 0x0208;
inline constexpr uint16_t kRecordEnqueueCompact = 0x0209;
inline constexpr uint16_t kRecordLeaseCompact = 0x020A;
inline constexpr uint16_t kRecordSeqListCompact = 0x020B;
inline constexpr uint16_t kRecordQueueImage = 0x02F0;
inline constexpr uint16_t kRecordMessageImage = 0x02F1;
inline constexpr uint16_t kRecordDedupImage = 0x02F2;

enum class MessageState : uint8_t { kReady = 0, kDelayed = 1, kLeased = 2, kDead = 3 };

// String views point into the caller's buffers (the request, or the record being replayed);
// a Change never outlives them.
struct QueueHead {
  std::string_view ns;
  std::string_view name;
  int64_t now_ms = 0;
};

struct NewMessage {
  uint64_t seq = 0;
  uint8_t priority = 0;
  int64_t visible_at_ms = 0;  // <= now_ms: ready at once
  uint32_t max_retries = 0;
  std::string_view dedup_key;  // empty = none
  int64_t dedup_expires_at_ms = 0;
  std::string_view payload;
};
struct EnqueueChange {
  QueueHead head;
  std::vector<NewMessage> messages;
};

struct LeasedMessage {
  uint64_t seq = 0;
  uint32_t delivery_count = 0;  // after this delivery
};
struct LeaseChange {
  QueueHead head;
  int64_t lease_until_ms = 0;
  std::vector<LeasedMessage> messages;
};

struct NackedMessage {
  uint64_t seq = 0;
  bool to_dlq = false;
  int64_t visible_at_ms = 0;  // when not to_dlq; <= now_ms: ready at once
};
struct NackChange {
  QueueHead head;
  std::vector<NackedMessage> messages;
};

struct TouchChange {
  QueueHead head;
  int64_t lease_until_ms = 0;
  std::vector<uint64_t> seqs;
};

// Operations whose effect is fully described by a list of seqs.
// The values are stored in seq-list records (0x020B).
enum class SeqOp : uint8_t { kAck = 0, kDlqRequeue = 1, kDlqDelete = 2 };
struct SeqListChange {
  SeqOp op = SeqOp::kAck;
  QueueHead head;
  std::vector<uint64_t> seqs;
};

struct PurgeChange {
  QueueHead head;
};

struct QueueImage {
  std::string_view ns;
  std::string_view name;
  uint64_t next_seq = 1;
  uint64_t enqueued_total = 0;
  uint64_t dequeued_total = 0;
};
struct MessageImage {
  std::string_view ns;
  std::string_view name;
  uint64_t seq = 0;
  MessageState state = MessageState::kReady;
  uint8_t priority = 0;
  int64_t enqueued_at_ms = 0;
  int64_t due_ms = 0;
  uint32_t delivery_count = 0;
  uint32_t max_retries = 0;
  std::string_view payload;
};
struct DedupImage {
  std::string_view ns;
  std::string_view name;
  std::string_view key;
  uint64_t seq = 0;
  int64_t expires_at_ms = 0;
};

using Change = std::variant<EnqueueChange, LeaseChange, NackChange, TouchChange, SeqListChange,
                            PurgeChange, QueueImage, MessageImage, DedupImage>;

// Replace `out` with the payload of the change and return its record type. The typed
// overloads spare live writes a copy into the variant.
uint16_t EncodeChange(const EnqueueChange& change, std::string& out);
uint16_t EncodeChange(const LeaseChange& change, std::string& out);
uint16_t EncodeChange(const NackChange& change, std::string& out);
uint16_t EncodeChange(const TouchChange& change, std::string& out);
uint16_t EncodeChange(const SeqListChange& change, std::string& out);
uint16_t EncodeChange(const PurgeChange& change, std::string& out);
uint16_t EncodeChange(const QueueImage& image, std::string& out);
uint16_t EncodeChange(const MessageImage& image, std::string& out);
uint16_t EncodeChange(const DedupImage& image, std::string& out);
uint16_t EncodeChange(const Change& change, std::string& out);

// Decodes a record; nullopt when the type is not a queue record or the payload is malformed.
// The Change's views point into `payload`.
std::optional<Change> DecodeChange(uint16_t type, std::string_view payload);

}  // namespace flod::engine::queue
