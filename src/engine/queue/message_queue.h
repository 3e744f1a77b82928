#pragma once
// One queue: its messages and the ordered indexes that make every operation O(log n).
// Every mutation goes through Apply(), the only writer of this state for live writes and WAL
// replay alike; the engine decides what to change, MessageQueue only applies it.
//
//   ready_    (priority, seq)       dequeue order
//   delayed_  (visible_at, seq)     promotion order
//   leases_   (lease_until, seq)    expiry order
//   dlq_      dlq_order → seq       oldest first (eviction and listing order)
//
// Each message sits in exactly one index, the one of its state. Not thread-safe.

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

#include "engine/queue/queue_changes.h"

namespace flod::engine::queue {

inline constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

struct StoredMessage {
  std::string payload;
  int64_t enqueued_at_ms = 0;
  int64_t due_ms = 0;      // delayed: visible_at; leased: lease until; DLQ: moved_at
  uint64_t dlq_order = 0;  // DLQ only
  uint32_t delivery_count = 0;
  uint32_t max_retries = 0;
  uint8_t priority = 0;
  MessageState state = MessageState::kReady;
};

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
    for (auto it = ready_.begin(); it != ready_.end() && limit > 0; ++it, --limit) {
      fn(it->second, messages_.at(it->second));
    }
  }
  template <typename Fn>
  void VisitDead(size_t limit, Fn&& fn) const {
    for (auto it = dlq_.begin(); it != dlq_.end() && limit > 0; ++it, --limit) {
      fn(it->second, messages_.at(it->second));
    }
  }
  // fn(seq, message) for every message: ready, delayed and leased ones by index order, then
  // the DLQ oldest first (the order a snapshot must keep).
  template <typename Fn>
  void VisitAll(Fn&& fn) const {
    for (const auto& [priority, seq] : ready_) fn(seq, messages_.at(seq));
    for (const auto& [due, seq] : delayed_) fn(seq, messages_.at(seq));
    for (const auto& [due, seq] : leases_) fn(seq, messages_.at(seq));
    for (const auto& [order, seq] : dlq_) fn(seq, messages_.at(seq));
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

  StoredMessage* FindMutable(uint64_t seq);
  // Moves a message into `state` (due as for StoredMessage::due_ms), keeping the indexes
  // in step. Entering the DLQ may evict its oldest message (never this one).
  void Move(uint64_t seq, StoredMessage& message, MessageState state, int64_t due_ms);
  void Detach(uint64_t seq, const StoredMessage& message);
  void Attach(uint64_t seq, StoredMessage& message);
  void Erase(uint64_t seq, const StoredMessage& message);
  void RememberDedup(std::string_view key, uint64_t seq, int64_t expires_at_ms);

  std::string ns_;
  std::string name_;
  uint32_t dlq_limit_;
  uint64_t next_seq_ = 1;
  uint64_t enqueued_total_ = 0;
  uint64_t dequeued_total_ = 0;
  uint64_t next_dlq_order_ = 0;
  std::optional<int64_t> readied_at_;

  std::unordered_map<uint64_t, StoredMessage> messages_;
  std::set<std::pair<uint8_t, uint64_t>> ready_;
  std::set<TimeKey> delayed_;
  std::set<TimeKey> leases_;
  std::map<uint64_t, uint64_t> dlq_;

  std::unordered_map<std::string, DedupEntry, StringHash, std::equal_to<>> dedup_;
  // (expires_at, key) in expiry order; the key views dedup_'s key, whose node is stable.
  std::set<std::pair<int64_t, std::string_view>> dedup_expiry_;
};

}  // namespace flod::engine::queue
