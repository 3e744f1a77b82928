#include "engine/queue/message_queue.h"

#include <algorithm>

namespace flod::engine::queue {

MessageQueue::MessageQueue(std::string ns, std::string name, uint32_t dlq_limit)
    : ns_(std::move(ns)), name_(std::move(name)), dlq_limit_(dlq_limit) {}

QueueCounts MessageQueue::counts() const {
  return {ready_.size(), delayed_.size(), leases_.size(), dlq_.size()};
}

// ---- Time ---------------------------------------------------------------------------------

size_t MessageQueue::Settle(int64_t now_ms, size_t budget) {
  size_t handled = 0;
  bool readied = false;
  // Promotions and expiries do not interact (only expiries feed the DLQ), so handling all
  // promotions first keeps expiries in (lease_until, seq) order, which is all that matters.
  while (handled < budget && !delayed_.empty() && delayed_.begin()->first <= now_ms) {
    uint64_t seq = delayed_.begin()->second;
    Move(seq, *FindMutable(seq), MessageState::kReady, 0);
    readied = true;
    ++handled;
  }
  while (handled < budget && !leases_.empty() && leases_.begin()->first <= now_ms) {
    auto [lease_until, seq] = *leases_.begin();
    StoredMessage& message = *FindMutable(seq);
    if (message.delivery_count > message.max_retries) {
      // moved_at is the expiry, not the time we noticed it, so it does not depend on when
      // (live, Tick, or replay) the expiry is handled.
      Move(seq, message, MessageState::kDead, lease_until);
    } else {
      Move(seq, message, MessageState::kReady, 0);
      readied = true;
    }
    ++handled;
  }
  if (readied && !readied_at_) readied_at_ = now_ms;
  return handled;
}

std::optional<int64_t> MessageQueue::NextDueMs() const {
  std::optional<int64_t> due;
  if (!delayed_.empty()) due = delayed_.begin()->first;
  if (!leases_.empty() && (!due || leases_.begin()->first < *due)) due = leases_.begin()->first;
  return due;
}

std::optional<int64_t> MessageQueue::TakeReadiedAt() { return std::exchange(readied_at_, {}); }

// ---- Apply --------------------------------------------------------------------------------

bool MessageQueue::Apply(const EnqueueChange& change) {
  const int64_t now = change.head.now_ms;
  if (!change.messages.empty() && change.messages.front().seq < next_seq_) return false;
  Settle(now);
  for (const NewMessage& m : change.messages) {
    StoredMessage& message = messages_[m.seq];
    message.payload.assign(m.payload);
    message.enqueued_at_ms = now;
    message.priority = m.priority;
    message.max_retries = m.max_retries;
    message.delivery_count = 0;
    if (m.visible_at_ms > now) {
      message.state = MessageState::kDelayed;
      message.due_ms = m.visible_at_ms;
    }
    Attach(m.seq, message);
    next_seq_ = m.seq + 1;
    ++enqueued_total_;
    if (!m.dedup_key.empty()) RememberDedup(m.dedup_key, m.seq, m.dedup_expires_at_ms);
  }
  return true;
}

bool MessageQueue::Apply(const LeaseChange& change) {
  Settle(change.head.now_ms);
  for (const LeasedMessage& m : change.messages) {
    StoredMessage* message = FindMutable(m.seq);
    if (message == nullptr || message->state == MessageState::kDead) continue;
    message->delivery_count = m.delivery_count;
    Move(m.seq, *message, MessageState::kLeased, change.lease_until_ms);
    ++dequeued_total_;
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
      Move(m.seq, *message, MessageState::kDead, now);
    } else if (m.visible_at_ms > now) {
      Move(m.seq, *message, MessageState::kDelayed, m.visible_at_ms);
    } else {
      Move(m.seq, *message, MessageState::kReady, 0);
    }
  }
  return true;
}

bool MessageQueue::Apply(const TouchChange& change) {
  Settle(change.head.now_ms);
  for (uint64_t seq : change.seqs) {
    StoredMessage* message = FindMutable(seq);
    if (message == nullptr || message->state != MessageState::kLeased) continue;
    Move(seq, *message, MessageState::kLeased, change.lease_until_ms);
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
        if (!dead) Erase(seq, *message);
        break;
      case SeqOp::kDlqRequeue:
        if (dead) {
          message->delivery_count = 0;
          Move(seq, *message, MessageState::kReady, 0);
        }
        break;
      case SeqOp::kDlqDelete:
        if (dead) Erase(seq, *message);
        break;
    }
  }
  return true;
}

bool MessageQueue::Apply(const PurgeChange& change) {
  Settle(change.head.now_ms);
  for (const auto& [priority, seq] : ready_) messages_.erase(seq);
  for (const auto& [due, seq] : delayed_) messages_.erase(seq);
  ready_.clear();
  delayed_.clear();
  return true;
}

bool MessageQueue::Apply(const QueueImage& image) {
  next_seq_ = std::max(next_seq_, image.next_seq);
  enqueued_total_ = image.enqueued_total;
  dequeued_total_ = image.dequeued_total;
  return true;
}

bool MessageQueue::Apply(const MessageImage& image) {
  auto [it, inserted] = messages_.try_emplace(image.seq);
  if (!inserted) return false;
  StoredMessage& message = it->second;
  message.payload.assign(image.payload);
  message.enqueued_at_ms = image.enqueued_at_ms;
  message.due_ms = image.state == MessageState::kReady ? 0 : image.due_ms;
  message.delivery_count = image.delivery_count;
  message.max_retries = image.max_retries;
  message.priority = image.priority;
  message.state = image.state;
  Attach(image.seq, message);
  next_seq_ = std::max(next_seq_, image.seq + 1);
  return true;
}

bool MessageQueue::Apply(const DedupImage& image) {
  RememberDedup(image.key, image.seq, image.expires_at_ms);
  return true;
}

// ---- Reads --------------------------------------------------------------------------------

const StoredMessage* MessageQueue::Find(uint64_t seq) const {
  auto it = messages_.find(seq);
  return it == messages_.end() ? nullptr : &it->second;
}

StoredMessage* MessageQueue::FindMutable(uint64_t seq) {
  auto it = messages_.find(seq);
  return it == messages_.end() ? nullptr : &it->second;
}

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

void MessageQueue::Move(uint64_t seq, StoredMessage& message, MessageState state, int64_t due_ms) {
  Detach(seq, message);
  message.state = state;
  message.due_ms = due_ms;
  Attach(seq, message);
}

void MessageQueue::Detach(uint64_t seq, const StoredMessage& message) {
  switch (message.state) {
    case MessageState::kReady:
      ready_.erase({message.priority, seq});
      break;
    case MessageState::kDelayed:
      delayed_.erase({message.due_ms, seq});
      break;
    case MessageState::kLeased:
      leases_.erase({message.due_ms, seq});
      break;
    case MessageState::kDead:
      dlq_.erase(message.dlq_order);
      break;
  }
}

void MessageQueue::Attach(uint64_t seq, StoredMessage& message) {
  switch (message.state) {
    case MessageState::kReady:
      ready_.emplace(message.priority, seq);
      break;
    case MessageState::kDelayed:
      delayed_.emplace(message.due_ms, seq);
      break;
    case MessageState::kLeased:
      leases_.emplace(message.due_ms, seq);
      break;
    case MessageState::kDead:
      message.dlq_order = next_dlq_order_++;
      dlq_.emplace(message.dlq_order, seq);
      if (dlq_limit_ > 0 && dlq_.size() > dlq_limit_) {
        // The new entry is last and the limit is at least 1, so this is never `message`.
        auto oldest = dlq_.begin();
        messages_.erase(oldest->second);
        dlq_.erase(oldest);
      }
      break;
  }
}

void MessageQueue::Erase(uint64_t seq, const StoredMessage& message) {
  Detach(seq, message);
  messages_.erase(seq);
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
