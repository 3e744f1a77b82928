#pragma once
// The KV table of one shard: namespaces → entries, the per-shard version counter and an
// index of expiry times. Every mutation goes through Apply(), which is the only writer of
// this state for live writes and WAL replay alike. Reads never allocate.
//
// Storage (docs/engines/kv.md, "Storage layout"): each entry is one heap block (entry.h);
// a namespace finds it by key through a hash index (hash_index.h) and keeps it in byte order
// in a B+tree (key_tree.h) for scans; entries with an expiry are also in a min-heap
// (expiry_heap.h).
//
// Expired entries stay in the table until ReclaimExpired() frees them; readers must use the
// *Live lookups, which compare the expiry with the time they are given. An entry is expired
// when now >= expire_at_ms (a 100 ms TTL lives exactly 100 ms).
//
// Pointers and iterators handed out stay valid until the next Apply or ReclaimExpired.
// Not thread-safe: owned by one shard.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/kv/entry.h"
#include "engine/kv/expiry_heap.h"
#include "engine/kv/hash_index.h"
#include "engine/kv/key_tree.h"
#include "engine/kv/kv_changes.h"

namespace flod::engine::kv {

// The keys of one namespace, indexed twice over the same entries: by hash for point lookups
// and in byte order for scans. Owns its entries.
class Namespace {
 public:
  explicit Namespace(std::string_view name) : name_(name) {}
  ~Namespace();
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  const std::string& name() const { return name_; }
  // Entries stored, expired ones not yet reclaimed included.
  size_t size() const { return order_.size(); }
  size_t expiring() const { return expiring_; }  // entries with an expiry
  const Entry* Find(std::string_view key) const { return index_.Find(key, HashKey(key)); }
  // Every entry in key byte order (LowerBound / UpperBound to seek).
  const KeyTree& entries() const { return order_; }
  // Bytes held by the two indexes (not the entries).
  size_t IndexBytes() const { return index_.MemoryBytes() + order_.MemoryBytes(); }

 private:
  friend class KvStore;

  HashIndex index_;
  KeyTree order_;
  std::string name_;
  size_t expiring_ = 0;
};

class KvStore {
 public:
  // history_versions counts the current version too; 0 and 1 both keep no older versions.
  explicit KvStore(uint32_t history_versions);
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  // The only mutator of the table and the version counter. The change's strings must not
  // view memory of this store.
  void Apply(const Change& change);

  // nullptr when the key is absent or expired at now_ms.
  const Entry* FindLive(std::string_view ns, std::string_view key, int64_t now_ms) const;

  // Where a key is, found once for a check and the set that follows it (Put, Incr), so the
  // set does not hash and probe the key again. Valid until the next Apply.
  struct KeySlot {
    Namespace* space = nullptr;  // nullptr: the namespace does not exist yet
    uint64_t hash = 0;
    Entry* entry = nullptr;      // live or expired; nullptr when absent
    // The entry when it is live at now_ms, else nullptr (as FindLive).
    const Entry* Live(int64_t now_ms) const;
  };
  KeySlot Locate(std::string_view ns, std::string_view key) const;
  // Apply() of a set whose key `slot` located (nothing applied since).
  void ApplySet(const SetChange& change, const KeySlot& slot);
  const Namespace* FindNamespace(std::string_view ns) const { return FindMutable(ns); }
  uint64_t last_version() const { return last_version_; }

  // Live keys in `ns` (every namespace when empty).
  size_t LiveSize(std::string_view ns, int64_t now_ms) const;
  // Live keys in `ns` (every namespace when empty) that have an expiry. Walks the due part
  // of the expiry index only.
  size_t LiveExpiringSize(std::string_view ns, int64_t now_ms) const;
  // Frees up to `budget` entries expired at now_ms, earliest expiry first; returns how many.
  size_t ReclaimExpired(int64_t now_ms, size_t budget);

  // Visits every namespace as (name, Namespace); order unspecified.
  template <typename Visit>
  void ForEachNamespace(Visit&& visit) const {
    for (const auto& [name, space] : namespaces_) visit(name, *space);
  }

 private:
  void ApplySet(const SetChange& change);
  void ApplyDelete(std::string_view ns, std::string_view key);
  void ApplyExpire(std::string_view ns, std::string_view key, int64_t expire_at_ms);
  void ApplyClear(std::string_view ns);
  Namespace* FindMutable(std::string_view ns) const;
  Namespace& FindOrCreate(std::string_view ns);
  // Gives `entry` the sections its history ring and expiry need and room for value_size
  // bytes, keeping the hash index, the tree and the expiry heap pointed at it. Returns the
  // entry, which may have moved.
  Entry* Relayout(Namespace& space, Entry* entry, uint64_t hash, HistoryRing* ring,
                  int64_t expire_at_ms, uint32_t value_size);
  // Erases one key (and its expiry), and its namespace once empty.
  void Erase(Namespace& space, Entry* entry, uint64_t hash);
  void EraseNamespace(Namespace* space);

  // Keys view each namespace's own name.
  std::unordered_map<std::string_view, std::unique_ptr<Namespace>> namespaces_;
  // The namespace found last: most traffic goes to one ("default"), which then costs a
  // string compare instead of a second hash per operation.
  mutable Namespace* last_found_ = nullptr;
  ExpiryHeap expiry_;
  uint64_t last_version_ = 0;
  uint32_t history_capacity_;  // previous versions kept per key
};

}  // namespace flod::engine::kv
