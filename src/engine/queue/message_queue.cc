#include "engine/queue/message_queue.h"

#include <algorithm>
#include <vector>

namespace flod::engine::queue {

MessageQueue::MessageQueue(std::string ns, std::string name, uint32_t dlq_limit)
    : ns_(std::move(ns)), name_(std::move(name)), dlq_limit_(dlq_limit) {}

MessageQueue::~MessageQueue() { messages_.ForEach(StoredMessage::Destroy); }

QueueCounts MessageQueue::counts() const {
  return {ready_.size(), delayed_.size(), leases_.size(), dlq_.size()};
}

namespace {

// lease_until - now without overflow (times are client-influenced): the lease's timeout.
int64_t LeaseTimeout(int64_t lease_until_ms, int64_t now_ms) {
  return static_cast<int64_t>(static_cast<uint64_t>(lease_until_ms) -
                              static_cast<uint64_t>(now_ms));
}

bool BySeq(const LeasedMessage& a, const LeasedMessage& b) { return a.seq < b.seq; }

}  // namespace

// ---- Time ---------------------------------------------------------------------------------

size_t MessageQueue::Settle(int64_t now_ms, size_t budget) {
  size_t handled = 0;
  bool readied = false;
  // Promotions and expiries do not interact (only expiries feed the DLQ), so handling all
  // promotions first keeps expiries in (lease_until, seq) order, which is all that matters.
  while (handled < budget && !delayed_.empty() && delayed_.begin()->first.first <= now_ms) {
    Move(*delayed_.begin()->second, MessageState::kReady, 0);
    readied = true;
    ++handled;
  }
  while (handled < budget) {
    StoredMessage* message = leases_.First();
    if (message == nullptr || message->due_ms > now_ms) break;
    if (message->delivery_count > message->max_retries) {
      // moved_at is the expiry, not the time we noticed it, so it does not depend on when
      // (live, Tick, or replay) the expiry is handled.
      Move(*message, MessageState::kDead, message->due_ms);
    } else {
      Move(*message, MessageState::kReady, 0);
      readied = true;
    }
    ++handled;
  }
  if (readied && !readied_at_) readied_at_ = now_ms;
  return handled;
}

std::optional<int64_t> MessageQueue::NextDueMs() const {
  std::optional<int64_t> due;
  if (!delayed_.empty()) due = delayed_.begin()->first.first;
  if (const StoredMessage* lease = leases_.First(); lease != nullptr && (!due || lease->due_ms < *due)) {
    due = lease->due_ms;
  }
  return due;
}

std::optional<int64_t> MessageQueue::TakeReadiedAt() { return std::exchange(readied_at_, {}); }

// ---- Apply --------------------------------------------------------------------------------

bool MessageQueue::Apply(const EnqueueChange& change) {
  const int64_t now = change.head.now_ms;
  if (!change.messages.empty() && change.messages.front().seq < next_seq_) return false;
  Settle(now);
  for (const NewMessage& m : change.messages) {
    StoredMessage* message = StoredMessage::Create(m.seq, m.payload);
    if (!messages_.Insert(message)) {
      StoredMessage::Destroy(message);
      return false;
    }
    message->enqueued_at_ms = now;
    message->priority = m.priority;
    message->max_retries = m.max_retries;
    if (m.visible_at_ms > now) {
      message->state = MessageState::kDelayed;
      message->due_ms = m.visible_at_ms;
    }
    Attach(*message, kRestoredLease);
    next_seq_ = m.seq + 1;
    ++enqueued_total_;
    if (!m.dedup_key.empty()) RememberDedup(m.dedup_key, m.seq, m.dedup_expires_at_ms);
  }
  return true;
}

bool MessageQueue::Apply(const LeaseChange& change) {
  Settle(change.head.now_ms);
  const int64_t timeout = LeaseTimeout(change.lease_until_ms, change.head.now_ms);
  auto lease = [&](const LeasedMessage& m) {
    StoredMessage* message = FindMutable(m.seq);
    if (message == nullptr || message->state == MessageState::kDead) return;
    message->delivery_count = m.delivery_count;
    Move(*message, MessageState::kLeased, change.lease_until_ms, timeout);
    ++dequeued_total_;
  };
  // A dequeue lists messages in (priority, seq) order. Leasing them in seq order keeps their
  // common lease run in order when several priorities were taken at once.
  if (std::is_sorted(change.messages.begin(), change.messages.end(), BySeq)) {
    for (const LeasedMessage& m : change.messages) lease(m);
  } else {
    std::vector<LeasedMessage> sorted = change.messages;
    std::stable_sort(sorted.begin(), sorted.end(), BySeq);
    for (const LeasedMessage& m : sorted) lease(m);
  }
  return true;
}

bool MessageQueue::Apply(const NackChange& change) {
  const int64_t now = change.head.now_ms;
  Settle(now);
  for (const NackedMessage& m : change.messages) {
    StoredMessage* message = FindMutable(m.seq);
    if (message == nullptr || message->state != MessageState::kLeased) continue;
    if (m.to_dlq) {
      Move(*message, MessageState::kDead, now);
    } else if (m.visible_at_ms > now) {
      Move(*message, MessageState::kDelayed, m.visible_at_ms);
    } else {
      Move(*message, MessageState::kReady, 0);
    }
  }
  return true;
}

bool MessageQueue::Apply(const TouchChange& change) {
  Settle(change.head.now_ms);
  const int64_t timeout = LeaseTimeout(change.lease_until_ms, change.head.now_ms);
  for (uint64_t seq : change.seqs) {
    StoredMessage* message = FindMutable(seq);
    if (message == nullptr || message->state != MessageState::kLeased) continue;
    Move(*message, MessageState::kLeased, change.lease_until_ms, timeout);
  }
  return true;
}

bool MessageQueue::Apply(const SeqListChange& change) {
  Settle(change.head.now_ms);
  for (uint64_t seq : change.seqs) {
    StoredMessage* message = FindMutable(seq);
    if (message == nullptr) continue;
    const bool dead = message->state == MessageState::kDead;
    switch (change.op) {
      case SeqOp::kAck:
        if (!dead) Erase(*message);
        break;
      case SeqOp::kDlqRequeue:
        if (dead) {
          message->delivery_count = 0;
          Move(*message, MessageState::kReady, 0);
        }
        break;
      case SeqOp::kDlqDelete:
        if (dead) Erase(*message);
        break;
    }
  }
  return true;
}

bool MessageQueue::Apply(const PurgeChange& change) {
  Settle(change.head.now_ms);
  std::vector<StoredMessage*> purged;
  purged.reserve(ready_.size() + delayed_.size());
  ready_.Visit(kUnbounded, [&](const StoredMessage& m) { purged.push_back(FindMutable(m.seq)); });
  for (const auto& [due, message] : delayed_) purged.push_back(message);
  for (StoredMessage* message : purged) Erase(*message);
  return true;
}

bool MessageQueue::Apply(const QueueImage& image) {
  next_seq_ = std::max(next_seq_, image.next_seq);
  enqueued_total_ = image.enqueued_total;
  dequeued_total_ = image.dequeued_total;
  return true;
}

bool MessageQueue::Apply(const MessageImage& image) {
  StoredMessage* message = StoredMessage::Create(image.seq, image.payload);
  if (!messages_.Insert(message)) {
    StoredMessage::Destroy(message);
    return false;
  }
  message->enqueued_at_ms = image.enqueued_at_ms;
  message->due_ms = image.state == MessageState::kReady ? 0 : image.due_ms;
  message->delivery_count = image.delivery_count;
  message->max_retries = image.max_retries;
  message->priority = image.priority;
  message->state = image.state;
  Attach(*message, kRestoredLease);
  next_seq_ = std::max(next_seq_, image.seq + 1);
  return true;
}

bool MessageQueue::Apply(const DedupImage& image) {
  RememberDedup(image.key, image.seq, image.expires_at_ms);
  return true;
}

// ---- Reads --------------------------------------------------------------------------------

const StoredMessage* MessageQueue::Find(uint64_t seq) const { return messages_.Find(seq); }

std::optional<uint64_t> MessageQueue::FindDedup(std::string_view key, int64_t now_ms) const {
  auto it = dedup_.find(key);
  if (it == dedup_.end() || it->second.expires_at_ms <= now_ms) return std::nullopt;
  return it->second.seq;
}

void MessageQueue::PruneDedup(int64_t now_ms, size_t budget) {
  while (budget > 0 && !dedup_expiry_.empty() && dedup_expiry_.begin()->first <= now_ms) {
    auto node = dedup_expiry_.extract(dedup_expiry_.begin());
    dedup_.erase(dedup_.find(node.value().second));
    --budget;
  }
}

// ---- Index maintenance --------------------------------------------------------------------

void MessageQueue::Move(StoredMessage& message, MessageState state, int64_t due_ms,
                        int64_t lease_timeout_ms) {
  Detach(message);
  message.state = state;
  message.due_ms = due_ms;
  Attach(message, lease_timeout_ms);
}

void MessageQueue::Detach(StoredMessage& message) {
  switch (message.state) {
    case MessageState::kReady:
      ready_.Remove(message);
      break;
    case MessageState::kDelayed:
      delayed_.erase({message.due_ms, message.seq});
      break;
    case MessageState::kLeased:
      leases_.Remove(message);
      break;
    case MessageState::kDead:
      dlq_.Remove(message);
      break;
  }
}

void MessageQueue::Attach(StoredMessage& message, int64_t lease_timeout_ms) {
  switch (message.state) {
    case MessageState::kReady:
      ready_.Insert(message);
      break;
    case MessageState::kDelayed:
      delayed_.emplace(TimeKey{message.due_ms, message.seq}, &message);
      break;
    case MessageState::kLeased:
      leases_.Insert(message, lease_timeout_ms);
      break;
    case MessageState::kDead:
      dlq_.PushBack(message);
      // The new entry is last and the limit is at least 1, so this never evicts `message`.
      if (dlq_limit_ > 0 && dlq_.size() > dlq_limit_) Erase(*dlq_.front());
      break;
  }
}

void MessageQueue::Erase(StoredMessage& message) {
  Detach(message);
  messages_.Remove(message.seq);
  StoredMessage::Destroy(&message);
}

void MessageQueue::RememberDedup(std::string_view key, uint64_t seq, int64_t expires_at_ms) {
  auto it = dedup_.find(key);
  if (it == dedup_.end()) {
    it = dedup_.emplace(std::string(key), DedupEntry{}).first;
  } else {
    dedup_expiry_.erase({it->second.expires_at_ms, it->first});
  }
  it->second = {seq, expires_at_ms};
  dedup_expiry_.emplace(expires_at_ms, it->first);
}

}  // namespace flod::engine::queue
