#pragma once
// Helpers shared by the stream engine's operation files: argument checks, time, counts,
// record conversion and committing a change (apply, then log).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/core/expected.h"
#include "flod/core/result.h"
#include "flod/engine/stream/stream_engine.h"
#include "stream_changes.h"
#include "stream_store.h"

namespace flod::engine::stream {

// Wall-clock ms, never negative (ids are unsigned).
int64_t NowMs(const Clock& clock);

std::string FormatId(StreamId id);

// kBadRequest for an empty or over-long stream name or namespace.
std::optional<Result> CheckStreamName(std::string_view ns, std::string_view name);
// kBadRequest for an empty or over-long group or consumer name; `what` names it in the error.
std::optional<Result> CheckMemberName(std::string_view what, std::string_view value);

// 0 = the default; anything above the maximum is cut to it.
uint32_t ClampCount(uint32_t requested, const StreamConfig& config);

// The partition a key routes to: XXH3_64bits(key) modulo the partition count.
uint32_t PartitionOfKey(std::string_view key, uint32_t partitions);

StreamRecord ToRecord(const StoredRecord& record, uint32_t partition, uint32_t delivery_count,
                      bool with_content = true);

Result StreamNotFound(std::string_view name);
Result GroupNotFound(std::string_view group);
Result LogFailure();

// Applies a live change and logs it. False (nothing logged) only on an internal bug.
template <typename Change>
bool Commit(StreamStore& store, ChangeSink& changes, uint16_t type, Change& change) {
  const std::string payload = Encode(change);  // before Apply, which may move records out
  if (!store.Apply(change)) return false;
  changes.Append(type, payload);
  return true;
}

inline bool CommitGroup(StreamStore& store, ChangeSink& changes, uint16_t type, const GroupOp& op) {
  const std::string payload = Encode(op);
  if (!store.Apply(type, op)) return false;
  changes.Append(type, payload);
  return true;
}

}  // namespace flod::engine::stream
