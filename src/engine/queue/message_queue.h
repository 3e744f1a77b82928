#pragma once
// One queue: its messages and the indexes that order them. Every mutation goes through
// Apply(), the only writer of this state for live writes and WAL replay alike; the engine
// decides what to change, MessageQueue only applies it.
//
//   messages_  seq → message       SeqIndex: a ring over the dense seq window, O(1)
//   ready_     (priority, seq)     ReadyIndex: per priority an in-order list + a small map
//   delayed_   (visible_at, seq)   ordered map (delays are the uncommon case)
//   leases_    (lease_until, seq)  LeaseIndex: a run per visibility timeout + a small map
//   dlq_       oldest first        intrusive list (eviction and listing order)
//
// Each message is one heap block (StoredMessage, payload inline) owned here, and sits in
// exactly one index besides messages_, the one of its state. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/queue/lease_index.h"
#include "engine/queue/queue_changes.h"
#include "engine/queue/ready_index.h"
#include "engine/queue/seq_index.h"
#include "engine/queue/stored_message.h"

namespace flod::engine::queue {

inline constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

struct QueueCounts {
  uint64_t ready = 0;
  uint64_t delayed = 0;
  uint64_t leased = 0;
  uint64_t dead = 0;
};

class MessageQueue {
 public:
  // dlq_limit: DLQ capacity, oldest evicted first; 0 = unbounded.
  MessageQueue(std::string ns, std::string name, uint32_t dlq_limit);
  ~MessageQueue();
  MessageQueue(const MessageQueue&) = delete;
  MessageQueue& operator=(const MessageQueue&) = delete;

  const std::string& ns() const { return ns_; }
  const std::string& name() const { return name_; }
  uint64_t next_seq() const { return next_seq_; }
  uint64_t enqueued_total() const { return enqueued_total_; }
  uint64_t dequeued_total() const { return dequeued_total_; }
  QueueCounts counts() const;

  // ---- Time ------------------------------------------------------------------------------
  // Promotes delayed messages with visible_at <= now and expires leases with lease_until <=
  // now (→ ready, or → DLQ with moved_at = lease_until once delivery_count > max_retries),
  // handling at most `budget` messages, in (time, seq) order. Returns how many it handled.
  // Settling in steps reaches the same state as settling once, which is what lets replay
  // settle only at record times.
  size_t Settle(int64_t now_ms, size_t budget = kUnbounded);
  // Earliest visible_at or lease_until still pending; nullopt when none.
  std::optional<int64_t> NextDueMs() const;
  // The time of the first Settle that made messages ready since the last call, then resets.
  std::optional<int64_t> TakeReadiedAt();

  // ---- Apply (live and replay). Operation changes settle to head.now_ms first. ------------
  // False when the change contradicts the state (reused seq, duplicate image); seqs that
  // are unknown or in the wrong state are skipped.
  bool Apply(const EnqueueChange& change);
  bool Apply(const LeaseChange& change);
  bool Apply(const NackChange& change);
  bool Apply(const TouchChange& change);
  bool Apply(const SeqListChange& change);
  bool Apply(const PurgeChange& change);
  bool Apply(const QueueImage& image);
  bool Apply(const MessageImage& image);
  bool Apply(const DedupImage& image);

  // ---- Reads -----------------------------------------------------------------------------
  const StoredMessage* Find(uint64_t seq) const;
  // The seq a live dedup key maps to (expires_at > now).
  std::optional<uint64_t> FindDedup(std::string_view key, int64_t now_ms) const;
  // Frees up to `budget` expired dedup keys (memory only; lookups already ignore them).
  void PruneDedup(int64_t now_ms, size_t budget);

  // fn(seq, message) in dequeue order / DLQ order, at most `limit` messages.
  template <typename Fn>
  void VisitReady(size_t limit, Fn&& fn) const {
    ready_.Visit(limit, [&](const StoredMessage& m) { fn(m.seq, m); });
  }
  template <typename Fn>
  void VisitDead(size_t limit, Fn&& fn) const {
    for (const StoredMessage* m = dlq_.front(); m != nullptr && limit > 0; --limit) {
      fn(m->seq, *m);
      m = MessageList::Next(*m);
    }
  }
  // fn(seq, message) for every message: ready, delayed and leased ones by index order, then
  // the DLQ oldest first (the order a snapshot must keep).
  template <typename Fn>
  void VisitAll(Fn&& fn) const {
    VisitReady(kUnbounded, fn);
    for (const auto& [due, m] : delayed_) fn(m->seq, *m);
    leases_.VisitInOrder([&](const StoredMessage& m) { fn(m.seq, m); });
    VisitDead(kUnbounded, fn);
  }
  // fn(key, seq, expires_at_ms) for every remembered dedup key.
  template <typename Fn>
  void VisitDedup(Fn&& fn) const {
    for (const auto& [key, entry] : dedup_) {
      fn(std::string_view(key), entry.seq, entry.expires_at_ms);
    }
  }

 private:
  struct DedupEntry {
    uint64_t seq = 0;
    int64_t expires_at_ms = 0;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using TimeKey = std::pair<int64_t, uint64_t>;
  // The lease run tag of leases whose timeout is unknown (restored from a snapshot).
  static constexpr int64_t kRestoredLease = std::numeric_limits<int64_t>::min();

  StoredMessage* FindMutable(uint64_t seq) { return messages_.Find(seq); }
  // Moves a message into `state` (due as for StoredMessage::due_ms), keeping the indexes
  // in step. Entering the DLQ may evict its oldest message (never this one). For leases,
  // lease_timeout_ms (due - now) picks the lease run.
  void Move(StoredMessage& message, MessageState state, int64_t due_ms,
            int64_t lease_timeout_ms = kRestoredLease);
  void Detach(StoredMessage& message);
  void Attach(StoredMessage& message, int64_t lease_timeout_ms);
  void Erase(StoredMessage& message);
  void RememberDedup(std::string_view key, uint64_t seq, int64_t expires_at_ms);

  std::string ns_;
  std::string name_;
  uint32_t dlq_limit_;
  uint64_t next_seq_ = 1;
  uint64_t enqueued_total_ = 0;
  uint64_t dequeued_total_ = 0;
  std::optional<int64_t> readied_at_;

  SeqIndex messages_;  // owns the blocks
  ReadyIndex ready_;
  std::map<TimeKey, StoredMessage*> delayed_;
  LeaseIndex leases_;
  MessageList dlq_;

  std::unordered_map<std::string, DedupEntry, StringHash, std::equal_to<>> dedup_;
  // (expires_at, key) in expiry order; the key views dedup_'s key, whose node is stable.
  std::set<std::pair<int64_t, std::string_view>> dedup_expiry_;
};

}  // namespace flod::engine::queue
