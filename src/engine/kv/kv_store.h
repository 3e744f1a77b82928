#pragma once
// The KV table of one shard: namespaces → ordered keys → entries, the per-shard version
// counter and an index of expiry times. Every mutation goes through Apply(), which is the
// only writer of this state for live writes and WAL replay alike. Reads never allocate:
// lookups take string_views (heterogeneous lookup).
//
// Expired entries stay in the table until ReclaimExpired() frees them; readers must use the
// *Live lookups, which compare the expiry with the time they are given. An entry is expired
// when now >= expire_at_ms (a 100 ms TTL lives exactly 100 ms).
//
// Not thread-safe: owned by one shard.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/kv/kv_changes.h"
#include "flod/core/result.h"

namespace flod::engine::kv {

// One version of a value. The current version lives inline in Entry; older ones in the ring.
struct StoredVersion {
  std::string value;
  uint64_t version = 0;
  int64_t written_ms = 0;
  ValueKind kind = ValueKind::kBytes;
};

// Previous versions of a key, newest overwriting the oldest once full.
class HistoryRing {
 public:
  explicit HistoryRing(uint32_t capacity) : capacity_(capacity) {}
  // Returns the evicted version's value buffer (empty until the ring is full) for reuse.
  std::string Push(StoredVersion version);
  size_t size() const { return items_.size(); }
  // i = 0 is the newest previous version.
  const StoredVersion& FromNewest(size_t i) const;

 private:
  std::vector<StoredVersion> items_;
  uint32_t capacity_;
  uint32_t oldest_ = 0;  // slot overwritten next once the ring is full
};

struct Entry {
  std::string value;
  uint64_t version = 0;
  int64_t written_ms = 0;
  int64_t expire_at_ms = 0;              // 0 = no expiry
  std::unique_ptr<HistoryRing> history;  // allocated on the second version only
  ValueKind kind = ValueKind::kBytes;

  bool IsLive(int64_t now_ms) const { return expire_at_ms == 0 || now_ms < expire_at_ms; }
};

using KeyMap = std::map<std::string, Entry, std::less<>>;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The keys of one namespace: ordered for scans, plus a hash index so that point lookups cost
// a couple of cache misses instead of a walk down a tree. The index views the map's own key
// strings and holds its iterators, both stable until the key is erased.
class Namespace {
 public:
  Namespace() = default;
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  KeyMap::iterator Find(std::string_view key);
  KeyMap::const_iterator Find(std::string_view key) const;
  // The entry of `key`, inserted empty when absent (second = true then).
  std::pair<KeyMap::iterator, bool> FindOrInsert(std::string_view key);
  void Erase(KeyMap::iterator it);

  const KeyMap& keys() const { return keys_; }
  KeyMap::iterator begin() { return keys_.begin(); }
  KeyMap::iterator end() { return keys_.end(); }
  KeyMap::const_iterator end() const { return keys_.end(); }

  std::string_view name;  // views the namespace table's own key

 private:
  KeyMap keys_;
  std::unordered_map<std::string_view, KeyMap::iterator, StringHash> index_;
};

class KvStore {
 public:
  // history_versions counts the current version too; 0 and 1 both keep no older versions.
  explicit KvStore(uint32_t history_versions);
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  // The only mutator of the table and the version counter.
  void Apply(const Change& change);

  // nullptr when the key is absent or expired at now_ms.
  const Entry* FindLive(std::string_view ns, std::string_view key, int64_t now_ms) const;
  const Namespace* FindNamespace(std::string_view ns) const;
  uint64_t last_version() const { return last_version_; }

  // Live keys in `ns` (every namespace when empty).
  size_t LiveSize(std::string_view ns, int64_t now_ms) const;
  // Live keys in `ns` (every namespace when empty) that have an expiry. Walks the expiry
  // index, so it costs O(keys with an expiry).
  size_t LiveExpiringSize(std::string_view ns, int64_t now_ms) const;
  // Frees up to `budget` entries expired at now_ms; returns how many.
  size_t ReclaimExpired(int64_t now_ms, size_t budget);

  // Visits every namespace as (name, Namespace); order unspecified.
  template <typename Visit>
  void ForEachNamespace(Visit&& visit) const {
    for (const auto& [name, space] : namespaces_) visit(std::string_view(name), space);
  }

 private:
  // Points at a map node, which std::map keeps stable until it is erased.
  struct ExpiryRef {
    int64_t at;
    Namespace* space;
    KeyMap::iterator it;
    bool operator<(const ExpiryRef& other) const;
  };

  void ApplySet(const SetChange& change);
  void ApplyDelete(std::string_view ns, std::string_view key);
  void ApplyExpire(std::string_view ns, std::string_view key, int64_t expire_at_ms);
  void ApplyClear(std::string_view ns);
  Namespace* FindMutable(std::string_view ns);
  void SetExpiry(Namespace& space, KeyMap::iterator it, int64_t expire_at_ms);
  // Erases one key (and its expiry reference), and its namespace once empty.
  void Erase(Namespace& space, KeyMap::iterator it);
  void EraseNamespace(Namespace& space);

  std::unordered_map<std::string, Namespace, StringHash, std::equal_to<>> namespaces_;
  std::set<ExpiryRef> expiry_;
  uint64_t last_version_ = 0;
  uint32_t history_capacity_;  // previous versions kept per key
};

}  // namespace flod::engine::kv
