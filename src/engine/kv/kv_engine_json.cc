// KvEngine: JSON documents. A document is stored as compact JSON text with kind kJson; a
// kBytes value that parses as JSON counts as a document too (it becomes kJson once written
// through these ops). Sub-path writes keep the key's TTL, like any in-place edit.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "engine/kv/json_doc.h"
#include "engine/kv/json_path.h"
#include "engine/kv/kv_engine_state.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine {
namespace {

Result Fail(Status status, std::string_view message) {
  return Result::Error(status, std::string(message));
}

Result BadPath() { return Fail(Status::kBadRequest, "invalid JSON path"); }
Result KeyNotFound() { return Fail(Status::kNotFound, "key not found"); }
Result PathNotFound() { return Fail(Status::kNotFound, "path not found"); }
Result NotADocument() { return Fail(Status::kWrongType, kv::kMsgWrongType); }

// Parses the stored value as a document; false for counters and text that is not JSON.
bool LoadDocument(const kv::Entry& entry, nlohmann::json& doc) {
  return entry.kind() != ValueKind::kCounter && kv::ParseJsonDocument(entry.value(), doc);
}

// NX / XX of a JSON write, on the key (root path) or on the addressed node.
std::optional<Result> CheckCondition(JsonSetIf condition, bool exists, bool root) {
  if (condition == JsonSetIf::kMissing && exists) {
    return Fail(Status::kConflict, root ? kv::kMsgKeyExists : "path exists");
  }
  if (condition == JsonSetIf::kExists && !exists) {
    return Fail(Status::kConflict, root ? kv::kMsgKeyMissing : "path does not exist");
  }
  return std::nullopt;
}

bool IsDocument(const kv::Entry& entry) {
  return entry.kind() == ValueKind::kJson ||
         (entry.kind() == ValueKind::kBytes && kv::IsJsonDocument(entry.value()));
}

}  // namespace

Result KvEngine::JsonGet(std::string_view ns, std::string_view key, std::string_view path) const {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  std::optional<kv::JsonPath> tokens = kv::ParseJsonPath(path);
  if (!tokens) return BadPath();
  const kv::Entry* entry = state_->FindLive(ns, key);
  if (entry == nullptr) return KeyNotFound();
  if (tokens->empty() && entry->kind() == ValueKind::kJson) {
    return Result::Ok(ValueBody{entry->version(), ValueKind::kJson, std::string(entry->value())});
  }
  nlohmann::json doc;
  if (!LoadDocument(*entry, doc)) return NotADocument();
  const nlohmann::json* node = kv::SelectJson(doc, *tokens);
  if (node == nullptr) return PathNotFound();
  return Result::Ok(ValueBody{entry->version(), ValueKind::kJson, kv::DumpJson(*node)});
}

Result KvEngine::JsonSet(std::string_view ns, std::string_view key, std::string_view path,
                         std::string_view json, ChangeSink& changes, JsonSetIf condition) {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  std::optional<kv::JsonPath> tokens = kv::ParseJsonPath(path);
  if (!tokens) return BadPath();
  nlohmann::json value;
  if (!kv::ParseJsonDocument(json, value)) return Fail(Status::kBadRequest, "invalid JSON");
  State& s = *state_;
  int64_t now = s.Now();
  const kv::Entry* entry = s.store.FindLive(ns, key, now);

  std::string text;
  if (tokens->empty()) {
    if (entry != nullptr && !IsDocument(*entry)) return NotADocument();
    if (auto failed = CheckCondition(condition, entry != nullptr, true)) return std::move(*failed);
    text = kv::DumpJson(value);
  } else {
    if (entry == nullptr) return KeyNotFound();
    // The stored document is within the depth limit; the new node lands at path depth.
    if (tokens->size() + kv::JsonNestingDepth(json) > kv::kMaxJsonDepth) {
      return Fail(Status::kBadRequest, "JSON document would nest too deep");
    }
    nlohmann::json doc;
    if (!LoadDocument(*entry, doc)) return NotADocument();
    const bool node_exists = kv::SelectJson(doc, *tokens) != nullptr;
    if (auto failed = CheckCondition(condition, node_exists, false)) return std::move(*failed);
    switch (kv::SetJsonAt(doc, *tokens, std::move(value))) {
      case kv::JsonEdit::kDone:
        break;
      case kv::JsonEdit::kMissing:
        return PathNotFound();
      case kv::JsonEdit::kOutOfRange:
        return Fail(Status::kBadRequest, "array index out of range");
    }
    text = kv::DumpJson(doc);
  }
  uint64_t version = s.store.last_version() + 1;
  bool fresh = entry == nullptr;
  int64_t expire_at = fresh ? 0 : entry->expire_at_ms();
  s.Commit(kv::SetChange{ns, key, text, ValueKind::kJson, fresh, version, expire_at, now}, changes);
  return Result::Ok(VersionBody{version});
}

Result KvEngine::JsonDel(std::string_view ns, std::string_view key, std::string_view path,
                         ChangeSink& changes) {
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  std::optional<kv::JsonPath> tokens = kv::ParseJsonPath(path);
  if (!tokens) return BadPath();
  State& s = *state_;
  int64_t now = s.Now();
  const kv::Entry* entry = s.store.FindLive(ns, key, now);
  if (entry == nullptr) return KeyNotFound();
  if (tokens->empty()) {
    if (!IsDocument(*entry)) return NotADocument();
    s.Commit(kv::DeleteChange{ns, key}, changes);
    return Result::Ok(VersionBody{0});
  }
  nlohmann::json doc;
  if (!LoadDocument(*entry, doc)) return NotADocument();
  if (kv::EraseJsonAt(doc, *tokens) != kv::JsonEdit::kDone) return PathNotFound();
  std::string text = kv::DumpJson(doc);
  uint64_t version = s.store.last_version() + 1;
  s.Commit(
      kv::SetChange{ns, key, text, ValueKind::kJson, false, version, entry->expire_at_ms(), now},
      changes);
  return Result::Ok(VersionBody{version});
}

}  // namespace flod::engine
