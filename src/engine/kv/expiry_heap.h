#pragma once
// The entries that have an expiry, as a binary min-heap on expire_at_ms, for reclaiming them
// in expiry order. Each entry records its heap slot (Entry::heap_slot), so erasing or
// re-timing one costs O(log n) without a search; keys without a TTL cost nothing here.
//
// Holds pointers to entries owned by the store: the store reports every change to an
// entry's expiry and every move of its block. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/kv/entry.h"

namespace flod::engine::kv {

class Namespace;

class ExpiryHeap {
 public:
  struct Item {
    int64_t at;  // a copy of entry->expire_at_ms(), so sifting never reads the entry
    Entry* entry;
    Namespace* space;
  };

  // `entry` must have an expiry and not be in the heap.
  void Insert(Entry* entry, Namespace* space);
  void Erase(const Entry* entry);
  // After the entry's expire_at_ms changed (still != 0).
  void Update(Entry* entry);
  // After Entry::Reshape moved the block: points the entry's item at its new address.
  void Relocate(Entry* entry);
  void Clear() { items_.clear(); }

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const Item& top() const { return items_.front(); }
  // Items due at now_ms (at <= now_ms), of `space` only unless it is nullptr. Visits only
  // due items and their direct children.
  size_t CountDue(int64_t now_ms, const Namespace* space) const;

 private:
  void Put(size_t slot, const Item& item);
  void SiftUp(size_t slot);
  void SiftDown(size_t slot);
  size_t CountDueFrom(size_t slot, int64_t now_ms, const Namespace* space) const;

  std::vector<Item> items_;
};

}  // namespace flod::engine::kv
