#include "engine/kv/hash_index.h"

#include <algorithm>
#include <utility>

#include "engine/kv/tagged_pointer.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace flod::engine::kv {
namespace {

__extension__ using Uint128 = unsigned __int128;

constexpr size_t kMinCapacity = 8;
constexpr uint32_t kMaxDistance = 255;  // what the 8 distance bits of a slot can record

// The seed is the address of this anchor: fixed for the life of the process, different in
// every run (ASLR), so that keys cannot be crafted offline to collide in the table.
const char kSeedAnchor = 0;

// Tag bits of a slot: probe distance (high byte) and 8 bits of the hash (low byte).
uint16_t MakeTag(uint32_t distance, uint64_t hash) {
  return static_cast<uint16_t>((distance << 8) | (hash & 0xFF));
}

uint32_t DistanceOf(uint64_t slot) { return TagOf(slot) >> 8; }

uint64_t WithDistance(uint64_t slot, uint32_t distance) {
  return WithTag(slot, static_cast<uint16_t>((distance << 8) | (TagOf(slot) & 0xFF)));
}

}  // namespace

uint64_t HashKey(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), reinterpret_cast<uintptr_t>(&kSeedAnchor));
}

Entry* HashIndex::EntryAt(size_t i) const { return PointerOf<Entry>(slots_[i]); }

size_t HashIndex::Home(uint64_t hash) const {
  // The high bits of the hash pick the home; the tag keeps low bits, so the two stay apart.
  return static_cast<size_t>((static_cast<Uint128>(hash) * capacity_) >> 64);
}

size_t HashIndex::FindSlot(std::string_view key, uint64_t hash) const {
  if (size_ == 0) return capacity_;
  size_t i = Home(hash);
  for (uint32_t distance = 0;; ++distance) {
    uint64_t slot = slots_[i];
    // Robin Hood order: a run never holds an entry closer to its home than the probe so far.
    if (slot == 0 || DistanceOf(slot) < distance) return capacity_;
    if (TagOf(slot) == MakeTag(distance, hash) && EntryAt(i)->key() == key) return i;
    if (++i == capacity_) i = 0;
  }
}

Entry* HashIndex::Find(std::string_view key, uint64_t hash) const {
  size_t i = FindSlot(key, hash);
  return i == capacity_ ? nullptr : EntryAt(i);
}

// Robin Hood placement: whoever is further from home keeps the slot. Returns 0 once every
// entry has a slot, or the displaced slot whose distance no longer fits its 8 bits.
uint64_t HashIndex::Place(uint64_t slot, size_t home) {
  size_t i = home;
  for (;;) {
    uint64_t& here = slots_[i];
    if (here == 0) {
      here = slot;
      return 0;
    }
    if (DistanceOf(here) < DistanceOf(slot)) std::swap(here, slot);
    if (DistanceOf(slot) == kMaxDistance) return slot;
    slot = WithDistance(slot, DistanceOf(slot) + 1);
    if (++i == capacity_) i = 0;
  }
}

void HashIndex::Insert(Entry* entry, uint64_t hash) {
  if ((size_ + 1) * 8 > capacity_ * 7) {
    Rehash(std::max(kMinCapacity, capacity_ + capacity_ / 2));
  }
  uint64_t pending = Place(PackPointer(entry, MakeTag(0, hash)), Home(hash));
  while (pending != 0) {
    // A run outgrew what a slot can record: spread the table wider and place the leftover.
    Rehash(capacity_ * 2);
    Entry* left_over = PointerOf<Entry>(pending);
    uint64_t left_hash = HashKey(left_over->key());
    pending = Place(PackPointer(left_over, MakeTag(0, left_hash)), Home(left_hash));
  }
  ++size_;
}

bool HashIndex::Erase(std::string_view key, uint64_t hash) {
  size_t i = FindSlot(key, hash);
  if (i == capacity_) return false;
  // Backward shift: pull the rest of the run one slot closer to home.
  for (;;) {
    size_t next = i + 1 == capacity_ ? 0 : i + 1;
    uint64_t slot = slots_[next];
    if (slot == 0 || DistanceOf(slot) == 0) {
      slots_[i] = 0;
      break;
    }
    slots_[i] = WithDistance(slot, DistanceOf(slot) - 1);
    i = next;
  }
  --size_;
  if (size_ == 0) {
    slots_.reset();
    capacity_ = 0;
  } else if (capacity_ > kMinCapacity && size_ * 8 < capacity_) {
    Rehash(std::max(kMinCapacity, size_ * 2));
  }
  return true;
}

void HashIndex::Replace(const Entry* old_entry, Entry* new_entry, uint64_t hash) {
  if (size_ == 0) std::abort();  // the caller broke the contract
  size_t i = Home(hash);
  while ((slots_[i] & kPointerMask) != reinterpret_cast<uintptr_t>(old_entry)) {
    if (slots_[i] == 0) std::abort();
    if (++i == capacity_) i = 0;
  }
  slots_[i] = PackPointer(new_entry, TagOf(slots_[i]));
}

void HashIndex::Rehash(size_t capacity) {
  std::unique_ptr<uint64_t[]> old = std::move(slots_);
  const size_t old_capacity = capacity_;
  for (;; capacity *= 2) {
    slots_ = std::make_unique<uint64_t[]>(capacity);  // zeroed: every slot empty
    capacity_ = capacity;
    bool placed = true;
    for (size_t i = 0; i < old_capacity && placed; ++i) {
      // Entries sit at random addresses: fetch a few ahead to overlap the cache misses.
      if (i + 8 < old_capacity && old[i + 8] != 0) {
        __builtin_prefetch(PointerOf<Entry>(old[i + 8]));
      }
      if (old[i] == 0) continue;
      Entry* entry = PointerOf<Entry>(old[i]);
      uint64_t hash = HashKey(entry->key());
      placed = Place(PackPointer(entry, MakeTag(0, hash)), Home(hash)) == 0;
    }
    if (placed) return;
  }
}

}  // namespace flod::engine::kv
