// KvEngine: construction and the read operations. Writes live in kv_engine_write.cc.

#include "flod/engine/kv/kv_engine.h"

#include <algorithm>
#include <utility>

#include "engine/kv/kv_engine_state.h"
#include "flod/core/limits.h"

namespace flod::engine {
namespace {

Result KeyNotFound() { return Result::Error(Status::kNotFound, "key not found"); }

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.substr(0, prefix.size()) == prefix;
}

}  // namespace

KvEngine::KvEngine(const Clock& clock, KvConfig config)
    : state_(std::make_unique<State>(clock, config)) {}

KvEngine::~KvEngine() = default;

Result KvEngine::Get(std::string_view ns, std::string_view key) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return KeyNotFound();
  return Result::Ok(ValueBody{entry->version, entry->kind, entry->value});
}

Result KvEngine::Exists(std::string_view ns, std::string_view key) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return Result::Ok(ExistsBody{0, false});
  return Result::Ok(ExistsBody{entry->version, true});
}

Result KvEngine::History(std::string_view ns, std::string_view key, uint32_t limit) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return KeyNotFound();
  size_t older = entry->history ? entry->history->size() : 0;
  size_t count = 1 + older;
  if (limit != 0) count = std::min<size_t>(count, limit);
  HistoryBody body;
  body.items.reserve(count);
  body.items.push_back(HistoryItem{entry->version, entry->written_ms, entry->value});
  for (size_t i = 0; i + 1 < count; ++i) {
    const kv::StoredVersion& past = entry->history->FromNewest(i);
    body.items.push_back(HistoryItem{past.version, past.written_ms, past.value});
  }
  return Result::Ok(std::move(body));
}

Result KvEngine::Scan(std::string_view ns, const KvScanOptions& options) const {
  ScanBody body;
  const kv::Namespace* space = state_->store.FindNamespace(ns);
  if (space == nullptr) return Result::Ok(std::move(body));
  uint32_t limit = options.limit == 0 ? kDefaultScanLimit : std::min(options.limit, kMaxScanLimit);
  int64_t now = state_->Now();
  // Resume strictly after the cursor, unless the cursor sorts before the prefix's range.
  auto it = !options.after.empty() && options.after >= options.prefix
                ? space->keys().upper_bound(options.after)
                : space->keys().lower_bound(options.prefix);
  for (; it != space->keys().end() && HasPrefix(it->first, options.prefix); ++it) {
    if (!it->second.IsLive(now)) continue;
    if (body.items.size() == limit) {
      body.has_more = true;
      break;
    }
    const kv::Entry& entry = it->second;
    body.items.push_back(
        ScanItem{it->first, entry.kind, options.keys_only ? std::string() : entry.value});
  }
  if (!body.items.empty()) body.cursor = body.items.back().key;
  return Result::Ok(std::move(body));
}

uint64_t KvEngine::VersionOf(std::string_view ns, std::string_view key) const {
  const kv::Entry* entry = state_->FindLive(ns, key);
  return entry == nullptr ? 0 : entry->version;
}

size_t KvEngine::Size(std::string_view ns) const {
  return state_->store.LiveSize(ns, state_->Now());
}

}  // namespace flod::engine
