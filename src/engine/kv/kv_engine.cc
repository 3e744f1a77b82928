// KvEngine: construction and the read operations. Writes live in kv_engine_write.cc.

#include "flod/engine/kv/kv_engine.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "engine/kv/kv_engine_state.h"
#include "flod/core/glob.h"
#include "flod/core/limits.h"

namespace flod::engine {
namespace {

Result KeyNotFound() { return Result::Error(Status::kNotFound, "key not found"); }

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.substr(0, prefix.size()) == prefix;
}

// The keys a scan visits start with the longer of the caller's prefix and the pattern's
// literal prefix; nullopt when the two contradict each other, so that nothing can match.
std::optional<std::string> ScanPrefix(std::string_view prefix, std::string_view pattern) {
  std::string literal = GlobLiteralPrefix(pattern);
  if (literal.size() <= prefix.size()) {
    if (!HasPrefix(prefix, literal)) return std::nullopt;
    return std::string(prefix);
  }
  if (!HasPrefix(literal, prefix)) return std::nullopt;
  return literal;
}

}  // namespace

KvEngine::KvEngine(const Clock& clock, KvConfig config)
    : state_(std::make_unique<State>(clock, config)) {}

KvEngine::~KvEngine() = default;

Result KvEngine::Get(std::string_view ns, std::string_view key) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return KeyNotFound();
  return Result::Ok(ValueBody{entry->version(), entry->kind(), std::string(entry->value())});
}

Result KvEngine::Exists(std::string_view ns, std::string_view key) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return Result::Ok(ExistsBody{0, false});
  return Result::Ok(ExistsBody{entry->version(), true});
}

Result KvEngine::History(std::string_view ns, std::string_view key, uint32_t limit) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return KeyNotFound();
  const kv::HistoryRing* history = entry->history();
  size_t count = 1 + (history != nullptr ? history->size() : 0);
  if (limit != 0) count = std::min<size_t>(count, limit);
  HistoryBody body;
  body.items.reserve(count);
  body.items.push_back(
      HistoryItem{entry->version(), entry->written_ms(), std::string(entry->value())});
  for (size_t i = 0; i + 1 < count; ++i) {
    const kv::PastVersion& past = history->FromNewest(i);
    body.items.push_back(HistoryItem{past.version(), past.written_ms(), std::string(past.value())});
  }
  return Result::Ok(std::move(body));
}

Result KvEngine::Scan(std::string_view ns, const KvScanOptions& options) const {
  ScanBody body;
  const kv::Namespace* space = state_->store.FindNamespace(ns);
  std::optional<std::string> prefix = ScanPrefix(options.prefix, options.pattern);
  if (space == nullptr || !prefix) return Result::Ok(std::move(body));
  uint32_t limit = options.limit == 0 ? kDefaultScanLimit : std::min(options.limit, kMaxScanLimit);
  int64_t now = state_->Now();
  // Resume strictly after the cursor, unless the cursor sorts before the prefix's range.
  const kv::KeyTree& keys = space->entries();
  auto it = !options.after.empty() && options.after >= *prefix ? keys.UpperBound(options.after)
                                                               : keys.LowerBound(*prefix);
  for (; it != keys.end() && HasPrefix((*it)->key(), *prefix); ++it) {
    const kv::Entry& entry = **it;
    if (!entry.IsLive(now)) continue;
    if (!options.pattern.empty() && !GlobMatch(options.pattern, entry.key())) continue;
    if (body.items.size() == limit) {
      body.has_more = true;
      break;
    }
    body.items.push_back(ScanItem{std::string(entry.key()), entry.kind(),
                                  options.keys_only ? std::string() : std::string(entry.value())});
  }
  if (!body.items.empty()) body.cursor = body.items.back().key;
  return Result::Ok(std::move(body));
}

Result KvEngine::Keys(std::string_view ns, std::string_view pattern) const {
  NameListBody body;
  const kv::Namespace* space = state_->store.FindNamespace(ns);
  std::optional<std::string> prefix = ScanPrefix({}, pattern);
  if (space == nullptr || !prefix) return Result::Ok(std::move(body));
  int64_t now = state_->Now();
  const kv::KeyTree& keys = space->entries();
  for (auto it = keys.LowerBound(*prefix); it != keys.end() && HasPrefix((*it)->key(), *prefix);
       ++it) {
    const kv::Entry& entry = **it;
    if (entry.IsLive(now) && GlobMatch(pattern, entry.key())) {
      body.names.emplace_back(entry.key());
    }
  }
  return Result::Ok(std::move(body));
}

Result KvEngine::KeyInfo(std::string_view ns, std::string_view key) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return KeyNotFound();
  int64_t ttl = entry->expire_at_ms() == 0 ? -1 : entry->expire_at_ms() - state_->Now();
  return Result::Ok(KeyInfoBody{entry->version(), entry->kind(), ttl});
}

Result KvEngine::Count(std::string_view ns) const {
  int64_t now = state_->Now();
  return Result::Ok(
      KeyspaceBody{state_->store.LiveSize(ns, now), state_->store.LiveExpiringSize(ns, now)});
}

uint64_t KvEngine::VersionOf(std::string_view ns, std::string_view key) const {
  const kv::Entry* entry = state_->FindLive(ns, key);
  return entry == nullptr ? 0 : entry->version();
}

size_t KvEngine::Size(std::string_view ns) const {
  return state_->store.LiveSize(ns, state_->Now());
}

}  // namespace flod::engine
