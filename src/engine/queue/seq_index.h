#pragma once
// seq → message for one queue, without rehashing.
//
// Seqs are handed out densely and in increasing order, so the live ones mostly fill a window
// [base, base + size) kept in a ring of pointers: a lookup is an index, adding the next seq or
// dropping one at either end is O(1), and growing the ring copies pointers (no per-entry
// allocation, no rehash). The window is trimmed to its first and last live entries and kept
// at least about half full: when it gets sparser, its oldest entries move to a small hash map
// of outliers, so a message that stays for long (a DLQ entry, a forgotten lease) costs one
// map entry instead of pinning the window. Seqs below the window also go there.
//
// Does not own the messages. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "engine/queue/stored_message.h"

namespace flod::engine::queue {

class SeqIndex {
 public:
  SeqIndex() = default;
  SeqIndex(const SeqIndex&) = delete;
  SeqIndex& operator=(const SeqIndex&) = delete;

  size_t size() const { return window_live_ + outliers_.size(); }
  StoredMessage* Find(uint64_t seq) const;
  // Indexes `message` under message->seq. False (and nothing changes) when that seq is present.
  bool Insert(StoredMessage* message);
  // The message that was indexed under `seq`, now unindexed; nullptr when there was none.
  StoredMessage* Remove(uint64_t seq);

  // fn(StoredMessage*) for every message, in no particular order. fn must not change the index.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < size_; ++i) {
      if (StoredMessage* message = At(i)) fn(message);
    }
    for (const auto& [seq, message] : outliers_) fn(message);
  }

  // For tests: how many entries sit in the window and in the outlier map.
  size_t window_size() const { return size_; }
  size_t outlier_count() const { return outliers_.size(); }

 private:
  // The window may span at most this many seqs for `live` entries in it.
  static size_t MaxSpan(size_t live) { return 2 * live + 32; }

  StoredMessage*& At(size_t i) const { return slots_[(head_ + i) & (capacity_ - 1)]; }
  void PushBack(StoredMessage* message);
  void PopFront();
  // Drops empty slots at both ends, then moves old entries out until the window is dense.
  void Trim();
  void MoveWindowToOutliers();
  void Reallocate(size_t capacity);

  // Ring of capacity_ (a power of two, or 0) slots; window entry i is slot (head_ + i) & mask.
  std::unique_ptr<StoredMessage*[]> slots_;
  size_t capacity_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;  // window length; entry i holds seq base_ + i or nullptr
  uint64_t base_ = 0;
  size_t window_live_ = 0;
  std::unordered_map<uint64_t, StoredMessage*> outliers_;
};

}  // namespace flod::engine::queue
