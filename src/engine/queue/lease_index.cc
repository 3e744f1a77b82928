#include "engine/queue/lease_index.h"

namespace flod::engine::queue {

LeaseIndex::Run* LeaseIndex::RunFor(int64_t timeout_ms) {
  Run* empty = nullptr;
  for (Run& run : runs_) {
    if (run.timeout_ms == timeout_ms) return &run;
    if (empty == nullptr && run.list.empty()) empty = &run;
  }
  if (empty == nullptr && runs_.size() < kMaxRuns) empty = &runs_.emplace_back();
  if (empty != nullptr) empty->timeout_ms = timeout_ms;
  return empty;
}

void LeaseIndex::Insert(StoredMessage& message, int64_t timeout_ms) {
  ++size_;
  if (Run* run = RunFor(timeout_ms)) {
    const StoredMessage* last = run->list.back();
    if (last == nullptr || KeyOf(*last) < KeyOf(message)) {
      run->list.PushBack(message);
      message.slot = static_cast<uint8_t>(run - runs_.data());
      return;
    }
  }
  others_.emplace(KeyOf(message), &message);
  message.slot = kOther;
}

void LeaseIndex::Remove(StoredMessage& message) {
  --size_;
  if (message.slot == kOther) {
    others_.erase(KeyOf(message));
  } else {
    runs_[message.slot].list.Remove(message);
  }
}

StoredMessage* LeaseIndex::First() const {
  StoredMessage* first = others_.empty() ? nullptr : others_.begin()->second;
  for (const Run& run : runs_) {
    StoredMessage* head = run.list.front();
    if (head != nullptr && (first == nullptr || KeyOf(*head) < KeyOf(*first))) first = head;
  }
  return first;
}

}  // namespace flod::engine::queue
