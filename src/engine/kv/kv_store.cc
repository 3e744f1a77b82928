#include "engine/kv/kv_store.h"

#include <algorithm>
#include <functional>
#include <type_traits>
#include <utility>

namespace flod::engine::kv {

// ---- HistoryRing ----------------------------------------------------------------------------

std::string HistoryRing::Push(StoredVersion version) {
  if (items_.size() < capacity_) {
    items_.push_back(std::move(version));
    return {};
  }
  // Hand the evicted buffer back so the caller can reuse its capacity for the new value.
  std::string evicted = std::move(items_[oldest_].value);
  items_[oldest_] = std::move(version);
  oldest_ = (oldest_ + 1) % capacity_;
  return evicted;
}

const StoredVersion& HistoryRing::FromNewest(size_t i) const {
  // Until the ring is full oldest_ stays 0 and the newest item is the last one pushed.
  size_t newest = (oldest_ + items_.size() - 1) % items_.size();
  return items_[(newest + items_.size() - i) % items_.size()];
}

// ---- Namespace ------------------------------------------------------------------------------

KeyMap::iterator Namespace::Find(std::string_view key) {
  auto hit = index_.find(key);
  return hit == index_.end() ? keys_.end() : hit->second;
}

KeyMap::const_iterator Namespace::Find(std::string_view key) const {
  auto hit = index_.find(key);
  return hit == index_.end() ? keys_.end() : KeyMap::const_iterator(hit->second);
}

std::pair<KeyMap::iterator, bool> Namespace::FindOrInsert(std::string_view key) {
  auto hit = index_.find(key);
  if (hit != index_.end()) return {hit->second, false};
  auto it = keys_.emplace_hint(keys_.lower_bound(key), std::string(key), Entry{});
  index_.emplace(it->first, it);
  return {it, true};
}

void Namespace::Erase(KeyMap::iterator it) {
  index_.erase(std::string_view(it->first));
  keys_.erase(it);
}

// ---- KvStore --------------------------------------------------------------------------------

bool KvStore::ExpiryRef::operator<(const ExpiryRef& other) const {
  if (at != other.at) return at < other.at;
  std::less<const void*> before;
  if (space != other.space) return before(space, other.space);
  return before(&it->first, &other.it->first);
}

KvStore::KvStore(uint32_t history_versions)
    : history_capacity_(history_versions > 1 ? history_versions - 1 : 0) {}

void KvStore::Apply(const Change& change) {
  std::visit(
      [this](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, SetChange>) {
          ApplySet(c);
        } else if constexpr (std::is_same_v<T, DeleteChange>) {
          ApplyDelete(c.ns, c.key);
        } else if constexpr (std::is_same_v<T, ExpireChange>) {
          ApplyExpire(c.ns, c.key, c.expire_at_ms);
        } else if constexpr (std::is_same_v<T, ClearChange>) {
          ApplyClear(c.ns);
        } else {
          last_version_ = std::max(last_version_, c.version);
        }
      },
      change);
}

void KvStore::ApplySet(const SetChange& c) {
  Namespace* space = FindMutable(c.ns);
  if (space == nullptr) {
    auto created = namespaces_.try_emplace(std::string(c.ns)).first;
    created->second.name = created->first;
    space = &created->second;
  }
  auto [it, inserted] = space->FindOrInsert(c.key);
  Entry& e = it->second;
  if (!inserted && c.fresh) {
    e.history.reset();  // a recreated key does not inherit its old versions
  } else if (!inserted && history_capacity_ > 0) {
    if (!e.history) e.history = std::make_unique<HistoryRing>(history_capacity_);
    e.value = e.history->Push(StoredVersion{std::move(e.value), e.version, e.written_ms, e.kind});
  }
  e.value.assign(c.value.data(), c.value.size());
  e.version = c.version;
  e.written_ms = c.written_ms;
  e.kind = c.kind;
  SetExpiry(*space, it, c.expire_at_ms);
  last_version_ = std::max(last_version_, c.version);
}

void KvStore::ApplyDelete(std::string_view ns, std::string_view key) {
  Namespace* space = FindMutable(ns);
  if (space == nullptr) return;
  auto it = space->Find(key);
  if (it != space->end()) Erase(*space, it);
}

void KvStore::ApplyExpire(std::string_view ns, std::string_view key, int64_t expire_at_ms) {
  Namespace* space = FindMutable(ns);
  if (space == nullptr) return;
  auto it = space->Find(key);
  if (it != space->end()) SetExpiry(*space, it, expire_at_ms);
}

void KvStore::ApplyClear(std::string_view ns) {
  if (ns.empty()) {
    expiry_.clear();
    namespaces_.clear();
    return;
  }
  Namespace* space = FindMutable(ns);
  if (space == nullptr) return;
  for (auto it = space->begin(); it != space->end(); ++it) {
    if (it->second.expire_at_ms != 0) expiry_.erase(ExpiryRef{it->second.expire_at_ms, space, it});
  }
  EraseNamespace(*space);
}

const Namespace* KvStore::FindNamespace(std::string_view ns) const {
  auto it = namespaces_.find(ns);
  return it == namespaces_.end() ? nullptr : &it->second;
}

Namespace* KvStore::FindMutable(std::string_view ns) {
  auto it = namespaces_.find(ns);
  return it == namespaces_.end() ? nullptr : &it->second;
}

const Entry* KvStore::FindLive(std::string_view ns, std::string_view key, int64_t now_ms) const {
  const Namespace* space = FindNamespace(ns);
  if (space == nullptr) return nullptr;
  auto it = space->Find(key);
  if (it == space->end() || !it->second.IsLive(now_ms)) return nullptr;
  return &it->second;
}

void KvStore::SetExpiry(Namespace& space, KeyMap::iterator it, int64_t expire_at_ms) {
  Entry& e = it->second;
  if (e.expire_at_ms == expire_at_ms) return;
  if (e.expire_at_ms != 0) expiry_.erase(ExpiryRef{e.expire_at_ms, &space, it});
  if (expire_at_ms != 0) expiry_.insert(ExpiryRef{expire_at_ms, &space, it});
  e.expire_at_ms = expire_at_ms;
}

void KvStore::Erase(Namespace& space, KeyMap::iterator it) {
  if (it->second.expire_at_ms != 0) {
    expiry_.erase(ExpiryRef{it->second.expire_at_ms, &space, it});
  }
  space.Erase(it);
  if (space.keys().empty()) EraseNamespace(space);
}

void KvStore::EraseNamespace(Namespace& space) {
  auto it = namespaces_.find(space.name);
  if (it != namespaces_.end()) namespaces_.erase(it);
}

size_t KvStore::LiveSize(std::string_view ns, int64_t now_ms) const {
  const Namespace* only = nullptr;
  size_t total = 0;
  if (ns.empty()) {
    for (const auto& [name, space] : namespaces_) total += space.keys().size();
  } else {
    only = FindNamespace(ns);
    if (only == nullptr) return 0;
    total = only->keys().size();
  }
  // Only the expired-but-not-reclaimed prefix of the index is walked; ReclaimExpired keeps
  // it short.
  size_t expired = 0;
  for (auto it = expiry_.begin(); it != expiry_.end() && it->at <= now_ms; ++it) {
    if (only == nullptr || it->space == only) ++expired;
  }
  return total - expired;
}

size_t KvStore::LiveExpiringSize(std::string_view ns, int64_t now_ms) const {
  const Namespace* only = nullptr;
  if (!ns.empty()) {
    only = FindNamespace(ns);
    if (only == nullptr) return 0;
  }
  size_t count = 0;
  for (const ExpiryRef& ref : expiry_) {
    if (ref.at > now_ms && (only == nullptr || ref.space == only)) ++count;
  }
  return count;
}

size_t KvStore::ReclaimExpired(int64_t now_ms, size_t budget) {
  size_t freed = 0;
  while (freed < budget && !expiry_.empty() && expiry_.begin()->at <= now_ms) {
    ExpiryRef ref = *expiry_.begin();
    Erase(*ref.space, ref.it);
    ++freed;
  }
  return freed;
}

}  // namespace flod::engine::kv
