#include "engine/queue/ready_index.h"

#include <algorithm>

namespace flod::engine::queue {

std::vector<ReadyIndex::Level>::iterator ReadyIndex::LowerBound(uint8_t priority) {
  return std::lower_bound(levels_.begin(), levels_.end(), priority,
                          [](const Level& level, uint8_t p) { return level.priority < p; });
}

void ReadyIndex::Insert(StoredMessage& message) {
  auto level = LowerBound(message.priority);
  if (level == levels_.end() || level->priority != message.priority) {
    level = levels_.insert(level, Level{});
    level->priority = message.priority;
  }
  const StoredMessage* last = level->in_order.back();
  if (last == nullptr || last->seq < message.seq) {
    level->in_order.PushBack(message);
    message.slot = kInOrder;
  } else {
    level->out_of_order.emplace(message.seq, &message);
    message.slot = kOutOfOrder;
  }
  ++size_;
}

void ReadyIndex::Remove(StoredMessage& message) {
  auto level = LowerBound(message.priority);
  if (message.slot == kInOrder) {
    level->in_order.Remove(message);
  } else {
    level->out_of_order.erase(message.seq);
  }
  --size_;
  if (level->in_order.empty() && level->out_of_order.empty()) levels_.erase(level);
}

}  // namespace flod::engine::queue
