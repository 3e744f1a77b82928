#pragma once
// The outcome of one operation: a Status, an error message, and a typed body that each
// codec encodes in its own wire form.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "flod/core/status.h"
#include "flod/core/stream_id.h"

namespace flod {

// How a stored value was written; codecs render counters and JSON differently
// (binary: 8-byte little-endian counter; RESP: decimal text, WRONGTYPE for JSON on GET).
enum class ValueKind : uint8_t { kBytes, kCounter, kJson };

struct TextBody { std::string text; };                 // ping → "PONG"
struct VersionBody { uint64_t version = 0; };           // put, json set/del
struct ValueBody {                                      // get, json get
  uint64_t version = 0;
  ValueKind kind = ValueKind::kBytes;
  std::string value;  // a counter is its 8-byte little-endian form
};
struct CounterBody { uint64_t version = 0; int64_t value = 0; };   // incr
struct ExistsBody { uint64_t version = 0; bool present = false; };
struct MGetItem {
  bool found = false;
  std::string key;
  uint64_t version = 0;
  ValueKind kind = ValueKind::kBytes;
  std::string value;
};
struct MGetBody { std::vector<MGetItem> items; };
struct ScanItem {
  std::string key;
  ValueKind kind = ValueKind::kBytes;
  std::string value;  // empty with keys_only
};
struct ScanBody {
  std::vector<ScanItem> items;
  bool has_more = false;
  std::string cursor;  // opaque position after the last item; codecs add their own framing
};
struct HistoryItem {
  uint64_t version = 0;
  int64_t timestamp_ms = 0;
  std::string value;
};
struct HistoryBody { std::vector<HistoryItem> items; };  // newest first
struct TxnBeginBody { uint64_t txn_id = 0; uint64_t pinned_hash = 0; };
struct TxnCommitBody { uint64_t commit_index = 0; uint16_t op_count = 0; };
struct PutOldValueBody {                                 // put with return_old
  uint64_t version = 0;
  bool had_old = false;
  ValueKind old_kind = ValueKind::kBytes;
  std::string old_value;
};
struct KeyInfoBody {                                     // kv key info (RESP TTL, PTTL, TYPE)
  uint64_t version = 0;
  ValueKind kind = ValueKind::kBytes;
  int64_t ttl_ms = -1;  // time left, -1 = no expiry
};
struct KeyspaceBody {                                    // kv count (RESP DBSIZE, INFO keyspace)
  uint64_t keys = 0;
  uint64_t expires = 0;  // keys with a time to live
};


// ---- Queues ----
struct SeqBody { uint64_t seq = 0; };                    // enqueue
struct SeqListBody { std::vector<uint64_t> seqs; };      // batch enqueue
struct QueueMessage {
  uint64_t seq = 0;
  std::string payload;
  int64_t enqueued_at_ms = 0;
  uint32_t delivery_count = 0;
  uint8_t priority = 0;
  int64_t dlq_at_ms = 0;  // DLQ listings: when the message entered the DLQ
};
struct MessagesBody { std::vector<QueueMessage> messages; };  // dequeue, peek, DLQ list
struct QueueStatsBody {
  uint64_t ready = 0;
  uint64_t in_flight = 0;
  uint64_t delayed = 0;
  uint64_t dlq = 0;
  uint64_t enqueued_total = 0;
  uint64_t dequeued_total = 0;
};
struct CountBody { uint64_t count = 0; };                // acked/purged/trimmed/… counts
struct NameListBody { std::vector<std::string> names; }; // queue/stream listings

// ---- Streams ----
struct StreamAppendBody { std::vector<StreamId> ids; uint32_t partition = 0; };
struct StreamRecord {
  StreamId id;
  uint32_t partition = 0;
  std::string key;       // partition key, empty when none
  std::string payload;
  std::vector<std::pair<std::string, std::string>> headers;
  uint32_t delivery_count = 0;  // group reads
};
struct RecordsBody {
  std::vector<StreamRecord> records;
  // Where a follow-up read resumes (inclusive): forward reads and group claims give the next
  // start (a tail read gives the id after the stream's last one), reverse reads the next end.
  StreamId next;
  std::vector<StreamId> deleted;  // pending/dead-letter ids whose records were trimmed away
};
struct StreamInfoBody {
  StreamId first;
  StreamId last;
  uint64_t count = 0;
  uint64_t bytes = 0;
  uint32_t partition_count = 1;
  uint64_t max_count = 0;   // retention, 0 = unlimited
  uint64_t max_age_ms = 0;
  uint64_t max_bytes = 0;
  uint64_t group_count = 0;
};
struct TrimBody { uint64_t deleted = 0; StreamId new_first; };
struct PendingEntry {
  StreamId id;
  std::string consumer;
  int64_t idle_ms = 0;
  uint32_t delivery_count = 0;
};
struct PendingBody {
  std::vector<PendingEntry> entries;
  // Summary of the whole group's pending list (XPENDING without a range).
  uint64_t total = 0;
  StreamId min_id;
  StreamId max_id;
  std::vector<std::pair<std::string, uint64_t>> per_consumer;  // consumers holding entries
};
struct GroupConsumerInfo {
  std::string name;
  uint64_t pending = 0;
  int64_t idle_ms = 0;  // since the consumer last joined, read or claimed something
};
struct GroupInfo {
  std::string name;
  std::vector<std::string> consumers;
  uint64_t pending = 0;
  StreamId last_delivered;
  uint64_t dead_letters = 0;
  uint32_t ack_timeout_ms = 0;  // 0 = never redelivered automatically
  uint32_t max_deliver = 0;     // 0 = unlimited
  std::vector<GroupConsumerInfo> consumer_details;
};
struct GroupInfoBody { std::vector<GroupInfo> groups; };

using ResultBody = std::variant<std::monostate, TextBody, VersionBody, ValueBody, CounterBody,
                                ExistsBody, MGetBody, ScanBody, HistoryBody, TxnBeginBody,
                                TxnCommitBody, PutOldValueBody, SeqBody, SeqListBody,
                                MessagesBody, QueueStatsBody, CountBody, NameListBody,
                                StreamAppendBody, RecordsBody, StreamInfoBody, TrimBody,
                                PendingBody, GroupInfoBody, KeyInfoBody, KeyspaceBody>;

struct Result {
  Status status = Status::kOk;
  std::string message;  // human-readable, for errors; ≤ 400 bytes
  ResultBody body;

  bool ok() const { return status == Status::kOk; }

  static Result Ok() { return {}; }
  template <typename Body>
  static Result Ok(Body body) {
    Result r;
    r.body = std::move(body);
    return r;
  }
  static Result Error(Status status, std::string message) {
    Result r;
    r.status = status;
    r.message = std::move(message);
    return r;
  }
  static Result Pending() { return Error(Status::kPending, {}); }
};

}  // namespace flod
