#include "engine/kv/kv_store.h"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

namespace flod::engine::kv {

Namespace::~Namespace() {
  // The indexes free only their own memory; the entries are freed here, once.
  for (const Entry* entry : order_) Entry::Destroy(const_cast<Entry*>(entry));
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

void KvStore::ApplySet(const SetChange& c) { ApplySet(c, Locate(c.ns, c.key)); }

KvStore::KeySlot KvStore::Locate(std::string_view ns, std::string_view key) const {
  KeySlot slot{FindMutable(ns), HashKey(key), nullptr};
  if (slot.space != nullptr) slot.entry = slot.space->index_.Find(key, slot.hash);
  return slot;
}

const Entry* KvStore::KeySlot::Live(int64_t now_ms) const {
  return entry != nullptr && entry->IsLive(now_ms) ? entry : nullptr;
}

void KvStore::ApplySet(const SetChange& c, const KeySlot& slot) {
  Namespace& space = slot.space != nullptr ? *slot.space : FindOrCreate(c.ns);
  const uint64_t hash = slot.hash;
  Entry* entry = slot.entry;
  last_version_ = std::max(last_version_, c.version);
  if (entry == nullptr) {
    entry = Entry::Create(c.key, c.value, c.kind, c.version, c.written_ms, c.expire_at_ms);
    space.index_.Insert(entry, hash);
    space.order_.Insert(entry);
    if (c.expire_at_ms != 0) {
      expiry_.Insert(entry, &space);
      ++space.expiring_;
    }
    return;
  }
  HistoryRing* ring = entry->history();
  if (c.fresh) {
    HistoryRing::Destroy(ring);  // a recreated key does not inherit its old versions
    ring = nullptr;
  } else if (history_capacity_ > 0) {
    ring = HistoryRing::Push(ring, history_capacity_, entry->version(), entry->written_ms(),
                             entry->kind(), entry->value());
  }
  entry = Relayout(space, entry, hash, ring, c.expire_at_ms, static_cast<uint32_t>(c.value.size()));
  entry->SetValue(c.value, c.kind, c.version, c.written_ms);
}

void KvStore::ApplyDelete(std::string_view ns, std::string_view key) {
  Namespace* space = FindMutable(ns);
  if (space == nullptr) return;
  uint64_t hash = HashKey(key);
  Entry* entry = space->index_.Find(key, hash);
  if (entry != nullptr) Erase(*space, entry, hash);
}

void KvStore::ApplyExpire(std::string_view ns, std::string_view key, int64_t expire_at_ms) {
  Namespace* space = FindMutable(ns);
  if (space == nullptr) return;
  uint64_t hash = HashKey(key);
  Entry* entry = space->index_.Find(key, hash);
  if (entry == nullptr || entry->expire_at_ms() == expire_at_ms) return;
  Relayout(*space, entry, hash, entry->history(), expire_at_ms,
           static_cast<uint32_t>(entry->value().size()));
}

void KvStore::ApplyClear(std::string_view ns) {
  if (ns.empty()) {
    expiry_.Clear();
    last_found_ = nullptr;
    namespaces_.clear();
    return;
  }
  Namespace* space = FindMutable(ns);
  if (space == nullptr) return;
  if (space->expiring_ != 0) {
    for (const Entry* entry : space->order_) {
      if (entry->expire_at_ms() != 0) expiry_.Erase(entry);
    }
  }
  EraseNamespace(space);
}

Entry* KvStore::Relayout(Namespace& space, Entry* entry, uint64_t hash, HistoryRing* ring,
                         int64_t expire_at_ms, uint32_t value_size) {
  const int64_t had_expiry = entry->expire_at_ms();
  if (had_expiry != 0 && expire_at_ms == 0) {
    expiry_.Erase(entry);
    --space.expiring_;
  }
  uint8_t sections =
      (ring != nullptr ? kHistorySection : 0) | (expire_at_ms != 0 ? kExpirySection : 0);
  Entry* moved = Entry::Reshape(entry, sections, value_size);
  if (moved != entry) {
    space.index_.Replace(entry, moved, hash);
    space.order_.Replace(entry, moved);
    if (had_expiry != 0 && expire_at_ms != 0) expiry_.Relocate(moved);
    Entry::ReleaseMoved(entry);
  }
  if (ring != nullptr) moved->set_history(ring);
  if (expire_at_ms != 0) {
    moved->set_expire_at_ms(expire_at_ms);
    if (had_expiry == 0) {
      expiry_.Insert(moved, &space);
      ++space.expiring_;
    } else if (had_expiry != expire_at_ms) {
      expiry_.Update(moved);
    }
  }
  return moved;
}

void KvStore::Erase(Namespace& space, Entry* entry, uint64_t hash) {
  if (entry->expire_at_ms() != 0) {
    expiry_.Erase(entry);
    --space.expiring_;
  }
  space.index_.Erase(entry->key(), hash);
  space.order_.Erase(entry);
  Entry::Destroy(entry);
  if (space.size() == 0) EraseNamespace(&space);
}

Namespace* KvStore::FindMutable(std::string_view ns) const {
  if (last_found_ != nullptr && last_found_->name() == ns) return last_found_;
  auto it = namespaces_.find(ns);
  if (it == namespaces_.end()) return nullptr;
  last_found_ = it->second.get();
  return last_found_;
}

Namespace& KvStore::FindOrCreate(std::string_view ns) {
  if (Namespace* space = FindMutable(ns)) return *space;
  auto space = std::make_unique<Namespace>(ns);
  last_found_ = space.get();
  namespaces_.emplace(space->name(), std::move(space));
  return *last_found_;
}

void KvStore::EraseNamespace(Namespace* space) {
  if (last_found_ == space) last_found_ = nullptr;
  namespaces_.erase(namespaces_.find(space->name()));
}

const Entry* KvStore::FindLive(std::string_view ns, std::string_view key, int64_t now_ms) const {
  return Locate(ns, key).Live(now_ms);
}

size_t KvStore::LiveSize(std::string_view ns, int64_t now_ms) const {
  if (ns.empty()) {
    size_t total = 0;
    for (const auto& [name, space] : namespaces_) total += space->size();
    return total - expiry_.CountDue(now_ms, nullptr);
  }
  const Namespace* space = FindMutable(ns);
  if (space == nullptr) return 0;
  if (space->expiring_ == 0) return space->size();
  return space->size() - expiry_.CountDue(now_ms, space);
}

size_t KvStore::LiveExpiringSize(std::string_view ns, int64_t now_ms) const {
  if (ns.empty()) return expiry_.size() - expiry_.CountDue(now_ms, nullptr);
  const Namespace* space = FindMutable(ns);
  if (space == nullptr || space->expiring_ == 0) return 0;
  return space->expiring_ - expiry_.CountDue(now_ms, space);
}

size_t KvStore::ReclaimExpired(int64_t now_ms, size_t budget) {
  size_t freed = 0;
  while (freed < budget && !expiry_.empty() && expiry_.top().at <= now_ms) {
    ExpiryHeap::Item due = expiry_.top();
    Erase(*due.space, due.entry, HashKey(due.entry->key()));
    ++freed;
  }
  return freed;
}

}  // namespace flod::engine::kv
