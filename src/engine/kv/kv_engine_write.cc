// KvEngine: plain writes. Each one judges the request with kv_rules.h against the live state
// and commits exactly one WAL record (PutMany's holds several sets), or fails without
// touching anything.

#include <algorithm>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>

#include "engine/kv/kv_engine_state.h"
#include "flod/core/limits.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine {
namespace {

Result Fail(Status status, std::string_view message) {
  return Result::Error(status, std::string(message));
}

// Up to this many keys, duplicates are found by comparing every pair; beyond, with a set.
constexpr size_t kLinearDedupKeys = 32;

// The index of each distinct key's last occurrence in `keys`, in ascending order.
void LastOccurrences(std::span<const std::string> keys, std::vector<size_t>& out) {
  out.clear();
  if (keys.size() <= kLinearDedupKeys) {
    for (size_t i = 0; i < keys.size(); ++i) {
      bool named_again = false;
      for (size_t j = i + 1; j < keys.size() && !named_again; ++j) named_again = keys[j] == keys[i];
      if (!named_again) out.push_back(i);
    }
    return;
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(keys.size());
  for (size_t i = keys.size(); i-- > 0;) {
    if (seen.insert(keys[i]).second) out.push_back(i);
  }
  std::reverse(out.begin(), out.end());
}

}  // namespace

Result KvEngine::Put(std::string_view ns, std::string_view key, std::string_view value,
                     const KvPutOptions& options, ChangeSink& changes) {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  if (auto error = kv::CheckValue(value, options.kind)) return std::move(*error);
  State& s = *state_;
  int64_t now = s.Now();
  const kv::KvStore::KeySlot slot = s.store.Locate(ns, key);
  const kv::Entry* entry = slot.Live(now);
  kv::KeyState current = kv::StateOf(entry);
  PutOldValueBody old;
  if (options.return_old && entry != nullptr) {
    old.had_old = true;
    old.old_kind = entry->kind();
    old.old_value = entry->value();
  }
  if (auto error = kv::CheckPutPreconditions(current, options)) {
    if (options.return_old) error->body = std::move(old);
    return std::move(*error);
  }
  uint64_t version = s.store.last_version() + 1;
  int64_t expire_at = kv::ExpiryOfPut(current, options, now);
  s.CommitSet(kv::SetChange{ns, key, value, options.kind, !current.live, version, expire_at, now},
              slot, changes);
  if (!options.return_old) return Result::Ok(VersionBody{version});
  old.version = version;
  return Result::Ok(std::move(old));
}

Result KvEngine::PutMany(std::string_view ns, std::span<const std::string> keys,
                         std::span<const std::string> values, ChangeSink& changes) {
  if (keys.size() != values.size()) {
    return Fail(Status::kBadRequest, "each key needs exactly one value");
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (auto error = kv::CheckKey(ns, keys[i])) return std::move(*error);
    if (auto error = kv::CheckValue(values[i], ValueKind::kBytes)) return std::move(*error);
  }
  if (keys.empty()) return Result::Ok(CountBody{0});
  State& s = *state_;
  const int64_t now = s.Now();
  LastOccurrences(keys, s.picked);
  s.sets.clear();
  uint64_t version = s.store.last_version();
  for (size_t i : s.picked) {
    const bool fresh = s.store.FindLive(ns, keys[i], now) == nullptr;
    s.sets.push_back(
        kv::SetChange{ns, keys[i], values[i], ValueKind::kBytes, fresh, ++version, 0, now});
  }
  s.CommitSets(changes);
  return Result::Ok(CountBody{keys.size()});
}

Result KvEngine::Delete(std::string_view ns, std::string_view key, std::optional<uint64_t> if_match,
                        ChangeSink& changes) {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) {
    // A conditional delete of a missing key failed its condition; a plain one found nothing.
    if (if_match) return Fail(Status::kConflict, kv::kMsgKeyMissing);
    return Fail(Status::kNotFound, "key not found");
  }
  if (if_match && *if_match != entry->version()) {
    return Fail(Status::kConflict, kv::kMsgVersionMismatch);
  }
  state_->Commit(kv::DeleteChange{ns, key}, changes);
  return Result::Ok();
}

Result KvEngine::Incr(std::string_view ns, std::string_view key, int64_t delta,
                      ChangeSink& changes) {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  State& s = *state_;
  int64_t now = s.Now();
  const kv::KvStore::KeySlot slot = s.store.Locate(ns, key);
  kv::KeyState current = kv::StateOf(slot.Live(now));
  Expected<int64_t> sum = kv::Increment(current, delta);
  if (!sum) return std::move(sum.error());

  uint64_t version = s.store.last_version() + 1;
  int64_t expire_at = current.live ? current.expire_at_ms : 0;  // incr keeps the TTL
  kv::CounterBytes counter = kv::EncodeCounter(*sum);
  s.CommitSet(kv::SetChange{ns, key, counter.view(), ValueKind::kCounter, !current.live, version,
                            expire_at, now},
              slot, changes);
  return Result::Ok(CounterBody{version, *sum});
}

Result KvEngine::Touch(std::string_view ns, std::string_view key, uint64_t ttl_ms,
                       std::optional<uint64_t> if_match, ChangeSink& changes) {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  State& s = *state_;
  int64_t now = s.Now();
  const kv::Entry* entry = s.store.FindLive(ns, key, now);
  if (entry == nullptr) return Fail(Status::kNotFound, "key not found");
  if (if_match && *if_match != entry->version()) {
    return Fail(Status::kConflict, kv::kMsgVersionMismatch);
  }
  int64_t expire_at = kv::ExpiryAfter(now, ttl_ms);
  // The version stays: a TTL is metadata, not a new value. Nothing changes, nothing is logged.
  if (expire_at != entry->expire_at_ms()) s.Commit(kv::ExpireChange{ns, key, expire_at}, changes);
  return Result::Ok();
}

Result KvEngine::Persist(std::string_view ns, std::string_view key,
                         std::optional<uint64_t> if_match, ChangeSink& changes) {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  const bool had_expiry = entry != nullptr && entry->expire_at_ms() != 0;
  Result result = Touch(ns, key, 0, if_match, changes);
  if (!result.ok()) return result;
  return Result::Ok(CountBody{had_expiry ? 1u : 0u});
}

Result KvEngine::Clear(std::string_view ns, ChangeSink& changes) {
  if (ns.size() > kMaxNamespaceBytes) return Fail(Status::kBadRequest, "namespace is too long");
  state_->Commit(kv::ClearChange{ns}, changes);
  return Result::Ok();
}

}  // namespace flod::engine
