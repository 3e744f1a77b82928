#pragma once
// The queue engine of one shard: priority queues with delayed delivery, leases (visibility
// timeouts), delivery counts, max retries, a dead-letter queue (DLQ) per queue and dedup keys.
// Pure: no I/O, time from the injected clock. Semantics, defaults and the WAL record grammar
// are in docs/engines/queues.md.
//
// Time rules. A delayed message becomes ready when now >= visible_at; a lease expires when
// now >= lease_until, and the message becomes ready again (its delivery count keeps the
// delivery that expired) or, once its delivery count exceeds its max retries, moves to the
// DLQ. These transitions are applied lazily by every call that touches the queue and by
// Tick(); they write no WAL record, because every record carries the time of its operation
// and Replay() applies the same transitions up to that time before applying the record.
//
// Durability. Every call that changes state reports exactly one WAL record (types
// 0x0201..0x02FF) to the ChangeSink it is given, carrying the effect (assigned seqs, absolute
// visible_at / lease expiry times, delivery counts); calls that change nothing report none.
// Replay() applies a record through the same code path as the live write.
//
// Errors: kBadRequest for an empty queue name or oversized namespace/name/dedup key/payload.
// An unknown queue is never an error: reads answer empty bodies and zero counts.
//
// Not thread-safe: one instance per shard, used only from that shard's thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/core/result.h"

namespace flod::engine {

struct QueueConfig {
  uint32_t default_visibility_timeout_ms = 30'000;  // dequeue and touch without a timeout
  uint32_t max_dequeue_count = 100;                 // dequeue and peek answer at most this many
  uint32_t max_retries = 5;                         // DLQ once delivery_count > max_retries
  uint64_t dedup_window_ms = 300'000;               // 0 disables dedup keys
  uint32_t dlq_limit = 10'000;  // per queue, oldest evicted first; 0 = unbounded
  uint32_t default_dlq_list_limit = 100;
  uint32_t max_dlq_list_limit = 1'000;
};

struct EnqueueItem {
  std::string_view payload;
  uint8_t priority = 0;                 // lower value is delivered first
  uint64_t delay_ms = 0;                // invisible until now + delay_ms
  std::string_view dedup_key;           // empty = no dedup
  std::optional<uint32_t> max_retries;  // absent = QueueConfig::max_retries
};

struct NackOptions {
  uint64_t delay_ms = 0;  // ready again only after this delay
  bool to_dlq = false;    // straight to the DLQ whatever the delivery count
};

struct QueueName {
  std::string ns;
  std::string name;
  bool operator==(const QueueName&) const = default;
};

struct QueueTickResult {
  std::vector<QueueName> woken;  // queues that gained ready messages through time alone
  bool more = false;             // the budget ran out with due work left: call Tick again
};

class QueueEngine {
 public:
  explicit QueueEngine(const Clock& clock, QueueConfig config = {});
  ~QueueEngine();
  QueueEngine(const QueueEngine&) = delete;
  QueueEngine& operator=(const QueueEngine&) = delete;

  // ---- Producers -------------------------------------------------------------------------
  // Creates the queue on first use. SeqBody with the assigned seq, or the original seq when
  // item.dedup_key was seen within the dedup window (nothing is enqueued then).
  Result Enqueue(std::string_view ns, std::string_view name, const EnqueueItem& item,
                 ChangeSink& changes);
  // All items in one WAL record; SeqListBody in item order. A dedup key repeated inside the
  // batch maps to the seq of its first occurrence. An empty batch is kBadRequest.
  Result EnqueueBatch(std::string_view ns, std::string_view name,
                      std::span<const EnqueueItem> items, ChangeSink& changes);
  // EnqueueBatch answering CountBody: the queue's ready messages after it (Redis LPUSH).
  Result Push(std::string_view ns, std::string_view name, std::span<const EnqueueItem> items,
              ChangeSink& changes);

  // ---- Consumers (seqs lists: unknown or duplicate seqs are ignored) ---------------------
  // Leases up to `count` ready messages (0 = 1, capped at max_dequeue_count) in (priority,
  // seq) order until now + visibility_timeout_ms (0 = default) and raises their delivery
  // count. MessagesBody, empty when nothing is ready (the caller decides about blocking).
  Result Dequeue(std::string_view ns, std::string_view name, uint32_t count,
                 uint32_t visibility_timeout_ms, ChangeSink& changes);
  // Removes ready, delayed or leased messages (not DLQ ones). CountBody: messages removed.
  Result Ack(std::string_view ns, std::string_view name, std::span<const uint64_t> seqs,
             ChangeSink& changes);
  // Leased messages only: back to ready (after options.delay_ms), or to the DLQ when
  // options.to_dlq or their delivery count exceeds their max retries. CountBody.
  Result Nack(std::string_view ns, std::string_view name, std::span<const uint64_t> seqs,
              const NackOptions& options, ChangeSink& changes);
  // Leased messages only: the lease now ends at now + extend_ms (0 = default visibility).
  // CountBody: leases renewed.
  Result Touch(std::string_view ns, std::string_view name, std::span<const uint64_t> seqs,
               uint32_t extend_ms, ChangeSink& changes);

  // ---- Dead-letter queue -----------------------------------------------------------------
  // Oldest first; limit 0 = default, capped at max_dlq_list_limit. MessagesBody.
  Result DlqList(std::string_view ns, std::string_view name, uint32_t limit);
  // DLQ messages back to ready with delivery count 0. CountBody.
  Result DlqRequeue(std::string_view ns, std::string_view name, std::span<const uint64_t> seqs,
                    ChangeSink& changes);
  Result DlqDelete(std::string_view ns, std::string_view name, std::span<const uint64_t> seqs,
                   ChangeSink& changes);  // CountBody

  // ---- Inspection (apply due time transitions first, so they are not const) -------------
  // Ready messages in dequeue order without leasing them; count as for Dequeue.
  Result Peek(std::string_view ns, std::string_view name, uint32_t count);
  Result Stats(std::string_view ns, std::string_view name);  // QueueStatsBody
  // True once the queue was created (by its first enqueue); queues are never dropped.
  bool Exists(std::string_view ns, std::string_view name) const;
  Result List(std::string_view ns) const;  // NameListBody, sorted; queues are never dropped

  // ---- Administration --------------------------------------------------------------------
  // Removes every ready and delayed message; leased and DLQ messages stay. CountBody.
  Result Purge(std::string_view ns, std::string_view name, ChangeSink& changes);

  // ---- Time ------------------------------------------------------------------------------
  // Promotes due delayed messages and expires due leases, handling at most `budget`
  // messages. Reports the queues that gained ready messages since the last Tick through
  // time alone (including through the lazy transitions of other calls), so the server can
  // wake their blocked consumers. Writes no WAL record (see the time rules above).
  QueueTickResult Tick(size_t budget = 4096);
  // Earliest time at which Tick has work; a value <= now means "call Tick now". nullopt when
  // nothing is scheduled. Call it after each batch of requests to re-arm the timer.
  std::optional<int64_t> NextDueMs() const;

  // ---- Durability ------------------------------------------------------------------------
  // Applies one record that this engine reported earlier (or that WriteSnapshot wrote).
  // Returns false for a record it cannot decode or that contradicts the state (a reused
  // seq); the caller treats that as corruption.
  bool Replay(uint16_t type, std::string_view payload);
  // Emits records that rebuild the whole state (queues, counters, messages in every state,
  // DLQ order, live dedup keys) when replayed into an empty engine.
  void WriteSnapshot(ChangeSink& changes) const;

 private:
  // The work of EnqueueBatch and Push; the seq of each item goes to `seqs` when given.
  // CountBody with the queue's ready messages after the enqueue.
  Result AddMessages(std::string_view ns, std::string_view name, std::span<const EnqueueItem> items,
                     ChangeSink& changes, std::vector<uint64_t>* seqs);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace flod::engine
