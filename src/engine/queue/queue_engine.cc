#include "flod/engine/queue/queue_engine.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "engine/queue/queue_engine_state.h"
#include "flod/core/limits.h"

namespace flod::engine {

using queue::EnqueueChange;
using queue::LeaseChange;
using queue::MessageQueue;
using queue::MessageState;
using queue::NackChange;
using queue::PurgeChange;
using queue::QueueHead;
using queue::SeqListChange;
using queue::SeqOp;
using queue::StoredMessage;
using queue::TouchChange;

namespace {

// Absolute times are "now + a client-given duration"; a huge duration must not wrap around.
int64_t AddMs(int64_t now_ms, uint64_t delta_ms) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (now_ms >= 0 && delta_ms > static_cast<uint64_t>(kMax - now_ms)) return kMax;
  return now_ms + static_cast<int64_t>(std::min<uint64_t>(delta_ms, kMax));
}

// Seq lists from clients may repeat seqs; effects are recorded once per message, in seq order.
std::vector<uint64_t> SortedUnique(std::span<const uint64_t> seqs) {
  std::vector<uint64_t> out(seqs.begin(), seqs.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

QueueMessage ToQueueMessage(uint64_t seq, const StoredMessage& m) {
  QueueMessage out;
  out.seq = seq;
  out.payload.assign(m.payload());
  out.enqueued_at_ms = m.enqueued_at_ms;
  out.delivery_count = m.delivery_count;
  out.priority = m.priority;
  if (m.state == MessageState::kDead) out.dlq_at_ms = m.due_ms;
  return out;
}

Result CheckName(std::string_view ns, std::string_view name) {
  if (name.empty()) return Result::Error(Status::kBadRequest, "queue name is required");
  if (ns.size() > kMaxNamespaceBytes) {
    return Result::Error(Status::kBadRequest, "namespace too long");
  }
  if (name.size() > kMaxKeyBytes) {
    return Result::Error(Status::kBadRequest, "queue name too long");
  }
  return Result::Ok();
}

Result CheckItem(const EnqueueItem& item) {
  if (item.dedup_key.size() > kMaxKeyBytes) {
    return Result::Error(Status::kBadRequest, "dedup key too long");
  }
  if (item.payload.size() > kMaxValueBytes) {
    return Result::Error(Status::kBadRequest, "payload too large");
  }
  return Result::Ok();
}

}  // namespace

// ---- State --------------------------------------------------------------------------------

QueueSlot* QueueEngine::State::Find(std::string_view ns, std::string_view name) const {
  auto ns_it = namespaces.find(ns);
  if (ns_it == namespaces.end()) return nullptr;
  auto it = ns_it->second.find(name);
  return it == ns_it->second.end() ? nullptr : it->second.get();
}

QueueSlot& QueueEngine::State::FindOrCreate(std::string_view ns, std::string_view name) {
  auto ns_it = namespaces.find(ns);
  if (ns_it == namespaces.end()) ns_it = namespaces.emplace(std::string(ns), Queues{}).first;
  Queues& queues = ns_it->second;
  auto it = queues.find(name);
  if (it == queues.end()) {
    auto slot = std::make_unique<QueueSlot>(std::string(ns), std::string(name), config.dlq_limit);
    it = queues.emplace(std::string(name), std::move(slot)).first;
  }
  return *it->second;
}

QueueSlot* QueueEngine::State::Open(std::string_view ns, std::string_view name, int64_t& now_ms) {
  QueueSlot* slot = Find(ns, name);
  if (slot == nullptr) return nullptr;
  now_ms = clock.NowMs();
  slot->queue.Settle(now_ms);
  return slot;
}

void QueueEngine::State::AfterChange(QueueSlot& slot) {
  std::optional<int64_t> next = slot.queue.NextDueMs();
  if (next != slot.scheduled_due) {
    if (slot.scheduled_due) due.erase({*slot.scheduled_due, &slot});
    if (next) due.emplace(*next, &slot);
    slot.scheduled_due = next;
  }
  std::optional<int64_t> readied = slot.queue.TakeReadiedAt();
  if (readied && !slot.wake_listed) {
    if (wakes.empty()) wakes_since_ms = *readied;
    wakes.push_back(&slot);
    slot.wake_listed = true;
  }
}

uint32_t QueueEngine::State::DequeueCount(uint32_t count) const {
  return std::min(count == 0 ? 1 : count, std::max<uint32_t>(config.max_dequeue_count, 1));
}

uint32_t QueueEngine::State::Visibility(uint32_t ms) const {
  return ms == 0 ? config.default_visibility_timeout_ms : ms;
}

Result QueueEngine::State::ApplySeqList(SeqOp op, std::string_view ns, std::string_view name,
                                        std::span<const uint64_t> seqs, ChangeSink& changes) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  int64_t now = 0;
  QueueSlot* slot = Open(ns, name, now);
  if (slot == nullptr) return Result::Ok(CountBody{});
  SeqListChange change{op, QueueHead{ns, name, now}, {}};
  const bool wants_dead = op != SeqOp::kAck;
  for (uint64_t seq : SortedUnique(seqs)) {
    const StoredMessage* m = slot->queue.Find(seq);
    if (m != nullptr && (m->state == MessageState::kDead) == wants_dead) {
      change.seqs.push_back(seq);
    }
  }
  if (!change.seqs.empty()) Commit(*slot, change, changes);
  AfterChange(*slot);
  return Result::Ok(CountBody{change.seqs.size()});
}

QueueEngine::QueueEngine(const Clock& clock, QueueConfig config)
    : state_(std::make_unique<State>(clock, config)) {}

QueueEngine::~QueueEngine() = default;

// ---- Producers ----------------------------------------------------------------------------

Result QueueEngine::Enqueue(std::string_view ns, std::string_view name, const EnqueueItem& item,
                            ChangeSink& changes) {
  Result result = EnqueueBatch(ns, name, std::span<const EnqueueItem>(&item, 1), changes);
  if (!result.ok()) return result;
  return Result::Ok(SeqBody{std::get<SeqListBody>(result.body).seqs.front()});
}

Result QueueEngine::EnqueueBatch(std::string_view ns, std::string_view name,
                                 std::span<const EnqueueItem> items, ChangeSink& changes) {
  SeqListBody body;
  body.seqs.reserve(items.size());
  if (Result r = AddMessages(ns, name, items, changes, &body.seqs); !r.ok()) return r;
  return Result::Ok(std::move(body));
}

Result QueueEngine::Push(std::string_view ns, std::string_view name,
                         std::span<const EnqueueItem> items, ChangeSink& changes) {
  return AddMessages(ns, name, items, changes, nullptr);
}

Result QueueEngine::AddMessages(std::string_view ns, std::string_view name,
                                std::span<const EnqueueItem> items, ChangeSink& changes,
                                std::vector<uint64_t>* seqs) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  if (items.empty()) return Result::Error(Status::kBadRequest, "batch is empty");
  for (const EnqueueItem& item : items) {
    if (Result r = CheckItem(item); !r.ok()) return r;
  }
  State& s = *state_;
  const int64_t now = s.clock.NowMs();
  QueueSlot& slot = s.FindOrCreate(ns, name);
  MessageQueue& q = slot.queue;
  q.Settle(now);
  const bool dedup = s.config.dedup_window_ms > 0;
  const int64_t dedup_expires = AddMs(now, s.config.dedup_window_ms);

  EnqueueChange change{QueueHead{ns, name, now}, std::move(s.new_messages)};
  change.messages.clear();
  std::map<std::string_view, uint64_t> batch_keys;  // dedup keys first seen in this batch
  uint64_t next_seq = q.next_seq();
  for (const EnqueueItem& item : items) {
    const bool keyed = dedup && !item.dedup_key.empty();
    if (keyed) {
      std::optional<uint64_t> seen = q.FindDedup(item.dedup_key, now);
      auto in_batch = batch_keys.find(item.dedup_key);
      if (!seen && in_batch != batch_keys.end()) seen = in_batch->second;
      if (seen) {
        if (seqs != nullptr) seqs->push_back(*seen);
        continue;
      }
      batch_keys.emplace(item.dedup_key, next_seq);
    }
    change.messages.push_back({next_seq, item.priority, AddMs(now, item.delay_ms),
                               item.max_retries.value_or(s.config.max_retries),
                               keyed ? item.dedup_key : std::string_view(),
                               keyed ? dedup_expires : 0, item.payload});
    if (seqs != nullptr) seqs->push_back(next_seq);
    ++next_seq;
  }
  if (dedup) q.PruneDedup(now, 2);  // two per enqueue: expired keys cannot pile up
  const bool any_new = !change.messages.empty();
  const bool committed = !any_new || s.Commit(slot, change, changes);
  if (!any_new) s.AfterChange(slot);  // Commit keeps the bookkeeping in step otherwise
  s.new_messages = std::move(change.messages);
  if (!committed) return Result::Error(Status::kInternal, "queue state rejected an enqueue");
  return Result::Ok(CountBody{q.counts().ready});  // settled to now above, so current
}

// ---- Consumers ----------------------------------------------------------------------------

Result QueueEngine::Dequeue(std::string_view ns, std::string_view name, uint32_t count,
                            uint32_t visibility_timeout_ms, ChangeSink& changes) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  State& s = *state_;
  int64_t now = 0;
  QueueSlot* slot = s.Open(ns, name, now);
  if (slot == nullptr) return Result::Ok(MessagesBody{});
  MessageQueue& q = slot->queue;
  LeaseChange change{QueueHead{ns, name, now}, AddMs(now, s.Visibility(visibility_timeout_ms)),
                     std::move(s.leased_messages)};
  change.messages.clear();
  q.VisitReady(s.DequeueCount(count), [&](uint64_t seq, const StoredMessage& m) {
    change.messages.push_back({seq, m.delivery_count + 1});
  });
  MessagesBody body;
  if (!change.messages.empty()) {
    s.Commit(*slot, change, changes);
    body.messages.reserve(change.messages.size());
    for (const queue::LeasedMessage& leased : change.messages) {
      body.messages.push_back(ToQueueMessage(leased.seq, *q.Find(leased.seq)));
    }
  }
  s.AfterChange(*slot);
  s.leased_messages = std::move(change.messages);
  return Result::Ok(std::move(body));
}

Result QueueEngine::Ack(std::string_view ns, std::string_view name, std::span<const uint64_t> seqs,
                        ChangeSink& changes) {
  return state_->ApplySeqList(SeqOp::kAck, ns, name, seqs, changes);
}

Result QueueEngine::Nack(std::string_view ns, std::string_view name, std::span<const uint64_t> seqs,
                         const NackOptions& options, ChangeSink& changes) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  State& s = *state_;
  int64_t now = 0;
  QueueSlot* slot = s.Open(ns, name, now);
  if (slot == nullptr) return Result::Ok(CountBody{});
  NackChange change{QueueHead{ns, name, now}, {}};
  const int64_t visible_at = AddMs(now, options.delay_ms);
  for (uint64_t seq : SortedUnique(seqs)) {
    const StoredMessage* m = slot->queue.Find(seq);
    if (m == nullptr || m->state != MessageState::kLeased) continue;
    const bool to_dlq = options.to_dlq || m->delivery_count > m->max_retries;
    change.messages.push_back({seq, to_dlq, visible_at});
  }
  if (!change.messages.empty()) s.Commit(*slot, change, changes);
  s.AfterChange(*slot);
  return Result::Ok(CountBody{change.messages.size()});
}

Result QueueEngine::Touch(std::string_view ns, std::string_view name,
                          std::span<const uint64_t> seqs, uint32_t extend_ms, ChangeSink& changes) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  State& s = *state_;
  int64_t now = 0;
  QueueSlot* slot = s.Open(ns, name, now);
  if (slot == nullptr) return Result::Ok(CountBody{});
  TouchChange change{QueueHead{ns, name, now}, AddMs(now, s.Visibility(extend_ms)), {}};
  for (uint64_t seq : SortedUnique(seqs)) {
    const StoredMessage* m = slot->queue.Find(seq);
    if (m != nullptr && m->state == MessageState::kLeased) change.seqs.push_back(seq);
  }
  if (!change.seqs.empty()) s.Commit(*slot, change, changes);
  s.AfterChange(*slot);
  return Result::Ok(CountBody{change.seqs.size()});
}

// ---- Dead-letter queue --------------------------------------------------------------------

Result QueueEngine::DlqList(std::string_view ns, std::string_view name, uint32_t limit) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  State& s = *state_;
  int64_t now = 0;
  QueueSlot* slot = s.Open(ns, name, now);
  MessagesBody body;
  if (slot == nullptr) return Result::Ok(std::move(body));
  if (limit == 0) limit = s.config.default_dlq_list_limit;
  limit = std::min(limit, s.config.max_dlq_list_limit);
  slot->queue.VisitDead(limit, [&](uint64_t seq, const StoredMessage& m) {
    body.messages.push_back(ToQueueMessage(seq, m));
  });
  s.AfterChange(*slot);
  return Result::Ok(std::move(body));
}

Result QueueEngine::DlqRequeue(std::string_view ns, std::string_view name,
                               std::span<const uint64_t> seqs, ChangeSink& changes) {
  return state_->ApplySeqList(SeqOp::kDlqRequeue, ns, name, seqs, changes);
}

Result QueueEngine::DlqDelete(std::string_view ns, std::string_view name,
                              std::span<const uint64_t> seqs, ChangeSink& changes) {
  return state_->ApplySeqList(SeqOp::kDlqDelete, ns, name, seqs, changes);
}

// ---- Inspection ---------------------------------------------------------------------------

Result QueueEngine::Peek(std::string_view ns, std::string_view name, uint32_t count) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  State& s = *state_;
  int64_t now = 0;
  QueueSlot* slot = s.Open(ns, name, now);
  MessagesBody body;
  if (slot == nullptr) return Result::Ok(std::move(body));
  slot->queue.VisitReady(s.DequeueCount(count), [&](uint64_t seq, const StoredMessage& m) {
    body.messages.push_back(ToQueueMessage(seq, m));
  });
  s.AfterChange(*slot);
  return Result::Ok(std::move(body));
}

bool QueueEngine::Exists(std::string_view ns, std::string_view name) const {
  return state_->Find(ns, name) != nullptr;
}

Result QueueEngine::Stats(std::string_view ns, std::string_view name) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  State& s = *state_;
  int64_t now = 0;
  QueueSlot* slot = s.Open(ns, name, now);
  if (slot == nullptr) return Result::Ok(QueueStatsBody{});
  const queue::QueueCounts counts = slot->queue.counts();
  QueueStatsBody body;
  body.ready = counts.ready;
  body.in_flight = counts.leased;
  body.delayed = counts.delayed;
  body.dlq = counts.dead;
  body.enqueued_total = slot->queue.enqueued_total();
  body.dequeued_total = slot->queue.dequeued_total();
  s.AfterChange(*slot);
  return Result::Ok(body);
}

Result QueueEngine::List(std::string_view ns) const {
  NameListBody body;
  auto it = state_->namespaces.find(ns);
  if (it != state_->namespaces.end()) {
    body.names.reserve(it->second.size());
    for (const auto& [name, slot] : it->second) body.names.push_back(name);
  }
  return Result::Ok(std::move(body));
}

// ---- Administration -----------------------------------------------------------------------

Result QueueEngine::Purge(std::string_view ns, std::string_view name, ChangeSink& changes) {
  if (Result r = CheckName(ns, name); !r.ok()) return r;
  State& s = *state_;
  int64_t now = 0;
  QueueSlot* slot = s.Open(ns, name, now);
  if (slot == nullptr) return Result::Ok(CountBody{});
  const queue::QueueCounts counts = slot->queue.counts();
  const uint64_t purged = counts.ready + counts.delayed;
  if (purged > 0) s.Commit(*slot, PurgeChange{QueueHead{ns, name, now}}, changes);
  s.AfterChange(*slot);
  return Result::Ok(CountBody{purged});
}

}  // namespace flod::engine
