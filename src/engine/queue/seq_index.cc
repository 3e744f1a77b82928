#include "engine/queue/seq_index.h"

#include <algorithm>
#include <bit>

namespace flod::engine::queue {

namespace {

constexpr size_t kMinCapacity = 16;

// Outliers are rare: skip hashing while there are none.
StoredMessage* MessageOrNull(const std::unordered_map<uint64_t, StoredMessage*>& map,
                             uint64_t seq) {
  if (map.empty()) return nullptr;
  auto it = map.find(seq);
  return it == map.end() ? nullptr : it->second;
}

}  // namespace

StoredMessage* SeqIndex::Find(uint64_t seq) const {
  if (seq >= base_ && seq - base_ < size_) {
    if (StoredMessage* message = At(seq - base_)) return message;
  }
  return MessageOrNull(outliers_, seq);
}

bool SeqIndex::Insert(StoredMessage* message) {
  const uint64_t seq = message->seq;
  if (MessageOrNull(outliers_, seq) != nullptr) return false;
  if (size_ == 0) {
    base_ = seq;
  } else if (seq < base_) {
    return outliers_.emplace(seq, message).second;
  } else if (seq - base_ < size_) {
    StoredMessage*& slot = At(seq - base_);
    if (slot != nullptr) return false;
    slot = message;
    ++window_live_;
    return true;
  } else if (seq - base_ >= MaxSpan(window_live_ + 1)) {
    // Far beyond the window: keeping both would leave it mostly empty.
    MoveWindowToOutliers();
    base_ = seq;
  }
  while (base_ + size_ < seq) PushBack(nullptr);
  PushBack(message);
  ++window_live_;
  return true;
}

StoredMessage* SeqIndex::Remove(uint64_t seq) {
  if (seq >= base_ && seq - base_ < size_) {
    StoredMessage*& slot = At(seq - base_);
    if (StoredMessage* message = slot) {
      slot = nullptr;
      --window_live_;
      Trim();
      return message;
    }
  }
  if (outliers_.empty()) return nullptr;
  auto it = outliers_.find(seq);
  if (it == outliers_.end()) return nullptr;
  StoredMessage* message = it->second;
  outliers_.erase(it);
  return message;
}

void SeqIndex::PushBack(StoredMessage* message) {
  if (size_ == capacity_) Reallocate(std::max(kMinCapacity, capacity_ * 2));
  ++size_;
  At(size_ - 1) = message;
}

void SeqIndex::PopFront() {
  head_ = (head_ + 1) & (capacity_ - 1);
  --size_;
  ++base_;
}

void SeqIndex::Trim() {
  while (size_ > 0 && At(0) == nullptr) PopFront();
  while (size_ > 0 && At(size_ - 1) == nullptr) --size_;
  while (size_ > MaxSpan(window_live_)) {
    outliers_.emplace(base_, At(0));
    --window_live_;
    PopFront();
    while (size_ > 0 && At(0) == nullptr) PopFront();
  }
  // Give memory back after a backlog drained; the hysteresis (shrink at 1/8 to at most 1/4)
  // keeps a queue that oscillates around one size from reallocating.
  if (capacity_ > kMinCapacity && size_ * 8 <= capacity_) {
    Reallocate(std::max(kMinCapacity, std::bit_ceil(size_ * 2)));
  }
}

void SeqIndex::MoveWindowToOutliers() {
  for (size_t i = 0; i < size_; ++i) {
    if (StoredMessage* message = At(i)) outliers_.emplace(base_ + i, message);
  }
  size_ = 0;
  head_ = 0;
  window_live_ = 0;
}

void SeqIndex::Reallocate(size_t capacity) {
  auto slots = std::make_unique<StoredMessage*[]>(capacity);
  for (size_t i = 0; i < size_; ++i) slots[i] = At(i);
  slots_ = std::move(slots);
  capacity_ = capacity;
  head_ = 0;
}

}  // namespace flod::engine::queue
