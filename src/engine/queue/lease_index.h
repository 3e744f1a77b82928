#pragma once
// The leased messages of one queue in expiry order: (lease_until, seq).
//
// Leases are mostly taken with one of a few visibility timeouts, and for one timeout the lease
// ends grow with time, so each lease is appended in O(1) to the run (a list already in expiry
// order) of its timeout. A lease that does not extend its run — the clock stepped back, a
// batch leased out of seq order, more distinct timeouts than runs — goes to an ordered map
// instead. The earliest lease is the smallest of the run heads and the map head.
//
// Does not own the messages. Not thread-safe.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "engine/queue/stored_message.h"

namespace flod::engine::queue {

class LeaseIndex {
 public:
  LeaseIndex() = default;
  LeaseIndex(const LeaseIndex&) = delete;
  LeaseIndex& operator=(const LeaseIndex&) = delete;

  size_t size() const { return size_; }
  // Adds `message` by (due_ms, seq); it must not be in the index. `timeout_ms` (lease end
  // minus the time the lease was taken, or any fixed tag for leases of unknown origin)
  // picks its run. Sets message.slot.
  void Insert(StoredMessage& message, int64_t timeout_ms);
  // `message` must be in the index, with the due_ms it was inserted with.
  void Remove(StoredMessage& message);
  // The lease that ends first; nullptr when there is none.
  StoredMessage* First() const;

  // fn(const StoredMessage&) for every lease in expiry order (sorts a copy: for snapshots).
  template <typename Fn>
  void VisitInOrder(Fn&& fn) const {
    std::vector<const StoredMessage*> all;
    all.reserve(size_);
    for (const Run& run : runs_) {
      for (const StoredMessage* m = run.list.front(); m != nullptr; m = MessageList::Next(*m)) {
        all.push_back(m);
      }
    }
    for (const auto& [key, message] : others_) all.push_back(message);
    std::sort(all.begin(), all.end(), [](const StoredMessage* a, const StoredMessage* b) {
      return KeyOf(*a) < KeyOf(*b);
    });
    for (const StoredMessage* message : all) fn(*message);
  }

 private:
  using Key = std::pair<int64_t, uint64_t>;  // (lease_until, seq)
  static Key KeyOf(const StoredMessage& message) { return {message.due_ms, message.seq}; }

  // Runs are few so that First() stays a short scan; empty runs are reused for new timeouts.
  static constexpr size_t kMaxRuns = 8;
  // StoredMessage::slot of a lease in others_; smaller values are run indexes.
  static constexpr uint8_t kOther = 0xFF;

  struct Run {
    int64_t timeout_ms = 0;
    MessageList list;
  };

  // The run for `timeout_ms`, claiming an empty one if needed; nullptr when all are taken.
  Run* RunFor(int64_t timeout_ms);

  std::vector<Run> runs_;
  std::map<Key, StoredMessage*> others_;
  size_t size_ = 0;
};

}  // namespace flod::engine::queue
