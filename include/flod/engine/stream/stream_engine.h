#pragma once
// The stream engine of one shard: append-only logs of records named by (namespace, stream),
// split into partitions, with trimming, retention and consumer groups (pending-entry lists,
// ack/nack, redelivery on ack timeout, claims, dead letters). Pure: no I/O, time from the
// injected clock. Every mutation reports exactly one WAL record (types 0x0301..0x03FF, the
// effect: assigned ids, absolute times, cursor moves) to the ChangeSink it is given, and
// Replay() applies such a record through the same code path, so recovery reproduces records,
// ids, groups, cursors and pending lists exactly. docs/engines/streams.md has the semantics
// and the record grammar.
//
// Ids are (ms, seq), strictly increasing across the whole stream (every partition draws from
// one sequence), so a merged read of all partitions is ordered by id and one id is a position
// in the whole stream. Ranges are inclusive at both ends.
//
// Not thread-safe: one instance per shard, used only from that shard's thread. Views passed
// in are only read during the call.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/core/result.h"
#include "flod/core/stream_id.h"

namespace flod::engine {

namespace stream {
class StreamStore;
}  // namespace stream

struct StreamConfig {
  uint32_t default_read_count = 100;  // WIRE.md D22
  uint32_t max_read_count = 1000;
  uint32_t max_partitions = 1024;
  uint32_t default_ack_timeout_ms = 30'000;  // groups created without an explicit timeout
  uint32_t default_max_deliver = 10;         // deliveries before an entry is dead-lettered
};

// Limits enforced by Maintain(); 0 = unlimited.
struct StreamRetention {
  uint64_t max_count = 0;
  uint64_t max_age_ms = 0;  // by the id's timestamp
  uint64_t max_bytes = 0;   // payload + partition key + header bytes
};

struct StreamCreateOptions {
  uint32_t partitions = 1;
  StreamRetention retention;
};

using StreamHeaders = std::vector<std::pair<std::string, std::string>>;

struct StreamEntry {
  std::string payload;
  StreamHeaders headers;
};

struct StreamAppendOptions {
  std::optional<uint32_t> partition;  // wins over partition_key
  std::string_view partition_key;     // hashed to a partition and stored with the record
  // An explicit id (Redis XADD <ms>-<seq>) for a single-entry append; it must be greater than
  // the stream's last id. With id_auto_sequence only id->ms is used (XADD <ms>-*).
  std::optional<StreamId> id;
  bool id_auto_sequence = false;
};

struct StreamReadOptions {
  std::optional<StreamId> start;  // inclusive; default: the beginning
  std::optional<StreamId> end;    // inclusive; default: the end
  bool tail = false;              // nothing yet: answers only the position after the last id
  std::optional<uint32_t> partition;
  std::string_view partition_key;  // read the partition this key hashes to
  uint32_t count = 0;              // 0 = default; capped at max_read_count
  bool reverse = false;            // newest first (XREVRANGE); same inclusive bounds
};

// Every given criterion applies; a record goes when any of them says so.
struct StreamTrimOptions {
  std::optional<uint64_t> max_count;
  std::optional<StreamId> before;  // drop ids < before
  std::optional<uint64_t> max_age_ms;
  std::optional<uint64_t> max_bytes;
  bool dry_run = false;  // report what would go, change nothing
};

struct GroupCreateOptions {
  // The group delivers records after this id; default: from the beginning. `at_end` ("$")
  // starts after the stream's current last id instead.
  std::optional<StreamId> start_after;
  bool at_end = false;
  std::optional<uint32_t> ack_timeout_ms;  // 0 = never redeliver by timeout (Redis groups)
  std::optional<uint32_t> max_deliver;     // 0 = unlimited
};

struct GroupReadOptions {
  uint32_t count = 0;   // 0 = default; capped at max_read_count
  bool no_ack = false;  // at-most-once: delivered records are not tracked
};

struct GroupClaimOptions {
  std::string_view consumer;  // the new owner (joined if needed)
  uint64_t min_idle_ms = 0;
  std::vector<StreamId> ids;  // XCLAIM; empty = scan the pending list (XAUTOCLAIM)
  StreamId scan_start;        // XAUTOCLAIM start (inclusive)
  uint32_t count = 0;         // XAUTOCLAIM claims at most this many; 0 = 100
  bool just_id = false;       // JUSTID: no delivery count bump, records carry only ids
};

struct GroupPendingOptions {
  std::string_view consumer;  // empty = every consumer
  StreamId start;
  StreamId end{UINT64_MAX, UINT64_MAX};
  uint32_t count = 0;  // 0 = 100
  uint64_t min_idle_ms = 0;
};

// A group with entries deliverable now (redelivery due) that no read has taken yet.
struct StreamWake {
  std::string ns;
  std::string stream;
  std::string group;
};

struct StreamMaintenanceReport {
  uint64_t trimmed = 0;        // records removed by retention
  uint64_t dead_lettered = 0;  // pending entries moved past max_deliver
  std::vector<StreamWake> wakes;
  bool more = false;  // the budget ran out: call again soon
};

class StreamEngine {
 public:
  explicit StreamEngine(const Clock& clock, StreamConfig config = {});
  ~StreamEngine();
  StreamEngine(const StreamEngine&) = delete;
  StreamEngine& operator=(const StreamEngine&) = delete;

  // ---- Streams ---------------------------------------------------------------------------
  // kConflict when it exists, kBadRequest for a partition count outside 1..max_partitions.
  Result Create(std::string_view ns, std::string_view name, const StreamCreateOptions& options,
                ChangeSink& changes);
  // CountBody{1} when deleted, {0} when missing. A stream holding records needs `force`
  // (kConflict otherwise). Its groups go with it.
  Result Delete(std::string_view ns, std::string_view name, bool force, ChangeSink& changes);
  // Stream names of `ns` after `after`, sorted, at most `limit` (0 = 100).
  Result List(std::string_view ns, std::string_view after, uint32_t limit) const;
  Result Info(std::string_view ns, std::string_view name) const;  // StreamInfoBody | kNotFound
  bool Exists(std::string_view ns, std::string_view name) const;

  // Creates the stream on first use (1 partition, no retention). StreamAppendBody.
  Result Append(std::string_view ns, std::string_view name, StreamEntry entry,
                const StreamAppendOptions& options, ChangeSink& changes);
  Result AppendBatch(std::string_view ns, std::string_view name, std::vector<StreamEntry> entries,
                     const StreamAppendOptions& options, ChangeSink& changes);
  Result Read(std::string_view ns, std::string_view name,
              const StreamReadOptions& options) const;  // RecordsBody | kNotFound
  Result Trim(std::string_view ns, std::string_view name, const StreamTrimOptions& options,
              ChangeSink& changes);  // TrimBody | kNotFound | kBadRequest (no criterion)

  // ---- Consumer groups -------------------------------------------------------------------
  // Groups are scoped to one stream. Join and GroupRead create a missing stream and group
  // (from the beginning, default settings); the other calls answer kNotFound for them.
  Result GroupCreate(std::string_view ns, std::string_view name, std::string_view group,
                     const GroupCreateOptions& options, ChangeSink& changes);  // kConflict
  Result GroupDelete(std::string_view ns, std::string_view name, std::string_view group,
                     ChangeSink& changes);  // CountBody{1|0}
  Result GroupJoin(std::string_view ns, std::string_view name, std::string_view group,
                   std::string_view consumer, ChangeSink& changes);  // CountBody{1 if new}
  // CountBody{entries it held}. They become deliverable again now, or are forgotten with
  // `drop_pending` (Redis XGROUP DELCONSUMER).
  Result GroupLeave(std::string_view ns, std::string_view name, std::string_view group,
                    std::string_view consumer, bool drop_pending, ChangeSink& changes);
  // Moves the cursor (XGROUP SETID); nullopt = after the last id ("$").
  Result GroupSetCursor(std::string_view ns, std::string_view name, std::string_view group,
                        std::optional<StreamId> last_delivered, ChangeSink& changes);
  // Delivers first the entries whose redelivery is due (ack timeout or nack delay passed),
  // dead-lettering those past max_deliver, then records never delivered to the group. Each
  // delivered entry joins this consumer's pending list. RecordsBody with delivery counts;
  // no records = nothing deliverable now (the caller may block).
  Result GroupRead(std::string_view ns, std::string_view name, std::string_view group,
                   std::string_view consumer, const GroupReadOptions& options, ChangeSink& changes);
  // The consumer's own pending records from `start` (XREADGROUP with an id); changes nothing.
  Result GroupHistory(std::string_view ns, std::string_view name, std::string_view group,
                      std::string_view consumer, StreamId start, uint32_t count) const;
  // Ack/nack/touch act on the group's pending list whoever holds the entry; unknown ids are
  // ignored. CountBody with how many entries were affected.
  Result GroupAck(std::string_view ns, std::string_view name, std::string_view group,
                  std::span<const StreamId> ids, ChangeSink& changes);
  Result GroupNack(std::string_view ns, std::string_view name, std::string_view group,
                   std::span<const StreamId> ids, uint32_t redelivery_delay_ms,
                   ChangeSink& changes);
  // Resets the idle clock of held entries; the redelivery deadline becomes now + extend_ms
  // (default: the group's ack timeout).
  Result GroupTouch(std::string_view ns, std::string_view name, std::string_view group,
                    std::span<const StreamId> ids, std::optional<uint32_t> extend_ms,
                    ChangeSink& changes);
  // Moves entries idle for at least min_idle_ms to options.consumer. RecordsBody: the claimed
  // records, `next` = XAUTOCLAIM cursor (0-0 when the scan is complete), `deleted` = entries
  // dropped because their records were trimmed.
  Result GroupClaim(std::string_view ns, std::string_view name, std::string_view group,
                    const GroupClaimOptions& options, ChangeSink& changes);
  Result GroupPending(std::string_view ns, std::string_view name, std::string_view group,
                      const GroupPendingOptions& options) const;  // PendingBody
  // One group, or every group of the stream when `group` is empty. GroupInfoBody.
  Result DescribeGroups(std::string_view ns, std::string_view name, std::string_view group) const;
  // Dead-lettered records from `start`; RecordsBody (delivery counts; trimmed ones in `deleted`).
  Result GroupDeadLetters(std::string_view ns, std::string_view name, std::string_view group,
                          StreamId start, uint32_t count) const;
  // Forgets dead letters (all of them when `ids` is empty). CountBody.
  Result GroupDeadLetterPurge(std::string_view ns, std::string_view name, std::string_view group,
                              std::span<const StreamId> ids, ChangeSink& changes);

  // ---- Maintenance -----------------------------------------------------------------------
  // Bounded: touches at most `budget` records or pending entries. Applies retention, dead-
  // letters due entries past max_deliver and reports each group whose redelivery became due
  // (once per due entry). Logs what it changes.
  StreamMaintenanceReport Maintain(size_t budget, ChangeSink& changes);
  // When Maintain next has work (retention or a redelivery coming due); nullopt = none.
  std::optional<int64_t> NextDueMs() const;

  // Applies one record that this engine reported earlier. Returns false for a record it
  // cannot decode or that contradicts the current state (the caller treats it as corruption).
  bool Replay(uint16_t type, std::string_view payload);
  // Emits records that rebuild the whole state when replayed into an empty engine.
  void WriteSnapshot(ChangeSink& out) const;

 private:
  const Clock& clock_;
  StreamConfig config_;
  std::unique_ptr<stream::StreamStore> store_;
};

}  // namespace flod::engine
