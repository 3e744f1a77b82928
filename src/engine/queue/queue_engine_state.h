#pragma once
// The private state of QueueEngine, shared by its source files (queue_engine.cc for the
// operations, queue_engine_durability.cc for Replay, WriteSnapshot and Tick).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/queue/message_queue.h"
#include "engine/queue/queue_changes.h"
#include "flod/engine/queue/queue_engine.h"

namespace flod::engine {

// A queue plus the engine's bookkeeping about it.
struct QueueSlot {
  QueueSlot(std::string ns, std::string name, uint32_t dlq_limit)
      : queue(std::move(ns), std::move(name), dlq_limit) {}
  queue::MessageQueue queue;
  std::optional<int64_t> scheduled_due;  // its key in State::due, if any
  bool wake_listed = false;              // already in State::wakes
};

struct QueueEngine::State {
  State(const Clock& c, QueueConfig cfg) : clock(c), config(cfg) {}

  const Clock& clock;
  QueueConfig config;
  // namespace → name → queue; ordered for listings, heterogeneous lookup by string_view.
  // Queues are never removed, so QueueSlot pointers stay valid for the engine's life.
  using Queues = std::map<std::string, std::unique_ptr<QueueSlot>, std::less<>>;
  std::map<std::string, Queues, std::less<>> namespaces;
  // (earliest due time, queue): what Tick must visit, soonest first.
  std::set<std::pair<int64_t, QueueSlot*>> due;
  // Queues that gained ready messages through time alone since the last Tick.
  std::vector<QueueSlot*> wakes;
  int64_t wakes_since_ms = 0;
  std::string scratch;  // record encoding buffer, reused
  std::vector<queue::NewMessage> new_messages;  // an enqueue's change, its capacity reused
  std::vector<queue::LeasedMessage> leased_messages;  // a dequeue's change, likewise

  QueueSlot* Find(std::string_view ns, std::string_view name) const;
  QueueSlot& FindOrCreate(std::string_view ns, std::string_view name);
  // An existing queue settled to the current time (stored in now_ms); nullptr when absent.
  QueueSlot* Open(std::string_view ns, std::string_view name, int64_t& now_ms);

  // Keeps the due index and the wake list in step with a queue after any change to it.
  void AfterChange(QueueSlot& slot);

  // Applies a live change, reports its record, and updates the bookkeeping. False when the
  // queue rejected the change (then nothing is reported).
  template <typename C>
  bool Commit(QueueSlot& slot, const C& change, ChangeSink& changes) {
    bool applied = slot.queue.Apply(change);
    AfterChange(slot);
    if (!applied) return false;
    uint16_t type = queue::EncodeChange(change, scratch);
    changes.Append(type, scratch);
    return true;
  }

  uint32_t DequeueCount(uint32_t count) const;  // 0 → 1, capped
  uint32_t Visibility(uint32_t ms) const;       // 0 → default

  // Ack, DLQ requeue and DLQ delete: one record listing the seqs that qualify.
  Result ApplySeqList(queue::SeqOp op, std::string_view ns, std::string_view name,
                      std::span<const uint64_t> seqs, ChangeSink& changes);
};

}  // namespace flod::engine
