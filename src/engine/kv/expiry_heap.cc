#include "engine/kv/expiry_heap.h"

namespace flod::engine::kv {

void ExpiryHeap::Put(size_t slot, const Item& item) {
  items_[slot] = item;
  item.entry->set_heap_slot(static_cast<uint32_t>(slot));
}

void ExpiryHeap::SiftUp(size_t slot) {
  Item item = items_[slot];
  while (slot > 0) {
    size_t parent = (slot - 1) / 2;
    if (items_[parent].at <= item.at) break;
    Put(slot, items_[parent]);
    slot = parent;
  }
  Put(slot, item);
}

void ExpiryHeap::SiftDown(size_t slot) {
  Item item = items_[slot];
  for (;;) {
    size_t child = 2 * slot + 1;
    if (child >= items_.size()) break;
    if (child + 1 < items_.size() && items_[child + 1].at < items_[child].at) ++child;
    if (item.at <= items_[child].at) break;
    Put(slot, items_[child]);
    slot = child;
  }
  Put(slot, item);
}

void ExpiryHeap::Insert(Entry* entry, Namespace* space) {
  items_.push_back(Item{entry->expire_at_ms(), entry, space});
  SiftUp(items_.size() - 1);
}

void ExpiryHeap::Erase(const Entry* entry) {
  size_t slot = entry->heap_slot();
  Item last = items_.back();
  items_.pop_back();
  if (slot == items_.size()) return;  // it was the last item
  Put(slot, last);
  SiftUp(slot);
  SiftDown(last.entry->heap_slot());
}

void ExpiryHeap::Update(Entry* entry) {
  size_t slot = entry->heap_slot();
  items_[slot].at = entry->expire_at_ms();
  SiftUp(slot);
  SiftDown(entry->heap_slot());
}

void ExpiryHeap::Relocate(Entry* entry) { items_[entry->heap_slot()].entry = entry; }

size_t ExpiryHeap::CountDue(int64_t now_ms, const Namespace* space) const {
  return CountDueFrom(0, now_ms, space);
}

size_t ExpiryHeap::CountDueFrom(size_t slot, int64_t now_ms, const Namespace* space) const {
  // Children expire no earlier than their parent: a subtree whose root is not due is skipped.
  if (slot >= items_.size() || items_[slot].at > now_ms) return 0;
  size_t own = space == nullptr || items_[slot].space == space ? 1 : 0;
  return own + CountDueFrom(2 * slot + 1, now_ms, space) +
         CountDueFrom(2 * slot + 2, now_ms, space);
}

}  // namespace flod::engine::kv
