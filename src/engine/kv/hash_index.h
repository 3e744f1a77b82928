#pragma once
// Point-lookup index of one namespace: entries by key in an open-addressing table of 8-byte
// slots (Robin Hood linear probing). A slot packs the entry pointer with its probe distance and
// 8 bits of the key's hash (tagged_pointer.h), so a lookup compares key bytes only on a tag
// match. Deletion shifts the following run back one slot: no tombstones, and a lookup stops at
// the first slot that sits closer to its home than the probe has come.
//
// The table grows by half when it would pass 7/8 full and shrinks when under 1/8; slot homes are
// mapped with a multiply (not a mask) so the capacity need not be a power of two, which keeps
// the memory per key between 9 and 14 bytes. Rehashing reads each entry's key again (the
// slot keeps too few hash bits to place it).
//
// Owns neither the entries nor their keys. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/kv/entry.h"

namespace flod::engine::kv {

// The hash every KV index uses for keys (XXH3, 64 bits).
uint64_t HashKey(std::string_view key);

class HashIndex {
 public:
  HashIndex() = default;
  HashIndex(const HashIndex&) = delete;
  HashIndex& operator=(const HashIndex&) = delete;

  // `hash` is always HashKey(key) of the key concerned.
  Entry* Find(std::string_view key, uint64_t hash) const;
  // The key of `entry` must be absent.
  void Insert(Entry* entry, uint64_t hash);
  // Removes the entry with this key; false when there is none.
  bool Erase(std::string_view key, uint64_t hash);
  // Points the slot of `old_entry` at `new_entry` (same key and hash). Matches the slot by
  // pointer: `old_entry` is never read.
  void Replace(const Entry* old_entry, Entry* new_entry, uint64_t hash);

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  size_t MemoryBytes() const { return capacity_ * sizeof(uint64_t); }

  // Visits every entry; order unspecified. `visit` must not change the index.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (slots_[i] != 0) visit(EntryAt(i));
    }
  }

 private:
  Entry* EntryAt(size_t i) const;
  size_t Home(uint64_t hash) const;
  // Index of the slot holding `key`, or capacity_ when absent.
  size_t FindSlot(std::string_view key, uint64_t hash) const;
  uint64_t Place(uint64_t slot, size_t home);
  void Rehash(size_t capacity);

  std::unique_ptr<uint64_t[]> slots_;  // 0 = empty
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace flod::engine::kv
