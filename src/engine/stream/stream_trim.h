#pragma once
// Working out which records a trim removes. Trim, retention and dry runs share it; the plan
// carries the TrimChange to log and apply.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "flod/core/stream_id.h"
#include "stream_changes.h"
#include "stream_store.h"

namespace flod::engine::stream {

// A record goes when any limit says so; records leave oldest first across all partitions.
struct TrimLimits {
  std::optional<StreamId> before;  // ids < before go
  std::optional<uint64_t> max_count;
  std::optional<uint64_t> max_bytes;

  // Records whose timestamp is older than now - max_age go.
  void AddMaxAge(uint64_t max_age_ms, int64_t now_ms);
  static TrimLimits FromRetention(const StreamRetention& retention, int64_t now_ms);
};

struct TrimPlan {
  TrimChange change;  // empty cuts when nothing goes
  uint64_t removed = 0;
  StreamId new_first;       // first record left, 0-0 when none
  bool budget_hit = false;  // stopped at the budget with more to remove
};

TrimPlan PlanTrim(const Stream& stream, const TrimLimits& limits, size_t budget);

}  // namespace flod::engine::stream
