// QueueEngine: time (Tick, NextDueMs) and durability (Replay, WriteSnapshot).

#include <type_traits>
#include <utility>

#include "engine/queue/queue_engine_state.h"
#include "flod/engine/queue/queue_engine.h"

namespace flod::engine {

using queue::Change;
using queue::DedupImage;
using queue::EnqueueChange;
using queue::MessageImage;
using queue::QueueImage;
using queue::StoredMessage;

namespace {

template <typename C>
std::pair<std::string_view, std::string_view> QueueOf(const C& change) {
  if constexpr (requires { change.head; }) {
    return {change.head.ns, change.head.name};
  } else {
    return {change.ns, change.name};
  }
}

// Records that may introduce a queue; the others only touch messages that already exist.
template <typename C>
constexpr bool kCreatesQueue = std::is_same_v<C, EnqueueChange> || std::is_same_v<C, QueueImage> ||
                               std::is_same_v<C, MessageImage> || std::is_same_v<C, DedupImage>;

}  // namespace

// ---- Time ---------------------------------------------------------------------------------

QueueTickResult QueueEngine::Tick(size_t budget) {
  State& s = *state_;
  const int64_t now = s.clock.NowMs();
  while (budget > 0 && !s.due.empty() && s.due.begin()->first <= now) {
    QueueSlot& slot = *s.due.begin()->second;
    size_t handled = slot.queue.Settle(now, budget);
    s.AfterChange(slot);
    if (handled == 0) break;  // cannot happen while the index is in step; never spin
    budget -= handled;
  }
  QueueTickResult result;
  result.more = !s.due.empty() && s.due.begin()->first <= now;
  result.woken.reserve(s.wakes.size());
  for (QueueSlot* slot : s.wakes) {
    result.woken.push_back({slot->queue.ns(), slot->queue.name()});
    slot->wake_listed = false;
  }
  s.wakes.clear();
  return result;
}

std::optional<int64_t> QueueEngine::NextDueMs() const {
  const State& s = *state_;
  std::optional<int64_t> next;
  if (!s.due.empty()) next = s.due.begin()->first;
  if (!s.wakes.empty() && (!next || s.wakes_since_ms < *next)) next = s.wakes_since_ms;
  return next;
}

// ---- Durability ---------------------------------------------------------------------------

bool QueueEngine::Replay(uint16_t type, std::string_view payload) {
  std::optional<Change> change = queue::DecodeChange(type, payload);
  if (!change) return false;
  State& s = *state_;
  return std::visit(
      [&s](const auto& c) {
        using C = std::decay_t<decltype(c)>;
        auto [ns, name] = QueueOf(c);
        QueueSlot* slot = kCreatesQueue<C> ? &s.FindOrCreate(ns, name) : s.Find(ns, name);
        if (slot == nullptr) return true;  // nothing of that queue exists to change
        bool applied = slot->queue.Apply(c);
        s.AfterChange(*slot);
        return applied;
      },
      *change);
}

void QueueEngine::WriteSnapshot(ChangeSink& changes) const {
  const State& s = *state_;
  const int64_t now = s.clock.NowMs();
  std::string buffer;
  auto emit = [&](const auto& change) {
    uint16_t type = queue::EncodeChange(change, buffer);
    changes.Append(type, buffer);
  };
  for (const auto& [ns, queues] : s.namespaces) {
    for (const auto& [name, slot] : queues) {
      const queue::MessageQueue& q = slot->queue;
      emit(QueueImage{ns, name, q.next_seq(), q.enqueued_total(), q.dequeued_total()});
      q.VisitAll([&](uint64_t seq, const StoredMessage& m) {
        emit(MessageImage{ns, name, seq, m.state, m.priority, m.enqueued_at_ms, m.due_ms,
                          m.delivery_count, m.max_retries, m.payload()});
      });
      // Expired keys no longer dedup anything, so they need not survive a restart.
      q.VisitDedup([&](std::string_view key, uint64_t seq, int64_t expires_at_ms) {
        if (expires_at_ms > now) emit(DedupImage{ns, name, key, seq, expires_at_ms});
      });
    }
  }
}

}  // namespace flod::engine
