#pragma once
// The ready messages of one queue in dequeue order: priority (lower first), then seq.
//
// Per priority level, messages that become ready in seq order — fresh enqueues, the common
// case — are appended to a list in O(1) without allocating. The few that arrive out of order
// (nacked or expired messages coming back, DLQ requeues, delayed messages promoted after later
// enqueues) go to a small ordered map. A level's head is the smaller of the two heads. Levels
// exist only while they hold messages, kept in a vector sorted by priority (a queue uses few).
//
// Does not own the messages. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "engine/queue/stored_message.h"

namespace flod::engine::queue {

class ReadyIndex {
 public:
  ReadyIndex() = default;
  ReadyIndex(const ReadyIndex&) = delete;
  ReadyIndex& operator=(const ReadyIndex&) = delete;

  size_t size() const { return size_; }
  // Adds `message` by (priority, seq); it must not be in the index. Sets message.slot.
  void Insert(StoredMessage& message);
  // `message` must be in the index, with the priority it was inserted with.
  void Remove(StoredMessage& message);

  // fn(const StoredMessage&) for the first `limit` messages in dequeue order. fn must not
  // change the index.
  template <typename Fn>
  void Visit(size_t limit, Fn&& fn) const {
    for (const Level& level : levels_) {
      const StoredMessage* listed = level.in_order.front();
      auto other = level.out_of_order.begin();
      while (limit > 0 && (listed != nullptr || other != level.out_of_order.end())) {
        if (other == level.out_of_order.end() || (listed != nullptr && listed->seq < other->first)) {
          fn(*listed);
          listed = MessageList::Next(*listed);
        } else {
          fn(*other->second);
          ++other;
        }
        --limit;
      }
      if (limit == 0) return;
    }
  }

 private:
  // StoredMessage::slot of a ready message: where in its level it sits.
  static constexpr uint8_t kInOrder = 0;
  static constexpr uint8_t kOutOfOrder = 1;

  struct Level {
    uint8_t priority = 0;
    MessageList in_order;                              // seqs increasing
    std::map<uint64_t, StoredMessage*> out_of_order;  // by seq
  };

  // The first level with priority >= `priority`.
  std::vector<Level>::iterator LowerBound(uint8_t priority);

  std::vector<Level> levels_;  // by priority, none empty
  size_t size_ = 0;
};

}  // namespace flod::engine::queue
