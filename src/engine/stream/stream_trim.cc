#include "stream_trim.h"

#include <algorithm>
#include <vector>

namespace flod::engine::stream {

void TrimLimits::AddMaxAge(uint64_t max_age_ms, int64_t now_ms) {
  const auto now = static_cast<uint64_t>(now_ms);
  if (now <= max_age_ms) return;  // nothing can be that old yet
  const StreamId bound{now - max_age_ms, 0};
  before = before ? std::max(*before, bound) : bound;
}

TrimLimits TrimLimits::FromRetention(const StreamRetention& retention, int64_t now_ms) {
  TrimLimits limits;
  if (retention.max_count != 0) limits.max_count = retention.max_count;
  if (retention.max_bytes != 0) limits.max_bytes = retention.max_bytes;
  if (retention.max_age_ms != 0) limits.AddMaxAge(retention.max_age_ms, now_ms);
  return limits;
}

TrimPlan PlanTrim(const Stream& stream, const TrimLimits& limits, size_t budget) {
  TrimPlan plan;
  plan.change.ns = stream.ns;
  plan.change.name = stream.name;
  uint64_t count = stream.count;
  uint64_t bytes = stream.bytes;
  std::vector<uint64_t> cut(stream.partitions.size(), 0);
  // Every limit is monotone along the merged log, so the first record no limit removes ends
  // the walk.
  MergedCursor cursor(stream.partitions, std::nullopt, StreamId{}, kMaxId);
  while (auto item = cursor.Next()) {
    const StoredRecord& record = *item->record;
    const bool goes = (limits.before && record.id < *limits.before) ||
                      (limits.max_count && count > *limits.max_count) ||
                      (limits.max_bytes && bytes > *limits.max_bytes);
    if (!goes || plan.removed == budget) {
      plan.new_first = record.id;
      plan.budget_hit = goes;
      break;
    }
    ++cut[item->partition];
    --count;
    bytes -= record.Bytes();
    ++plan.removed;
  }
  for (uint32_t p = 0; p < cut.size(); ++p) {
    if (cut[p] != 0) plan.change.cuts.emplace_back(p, cut[p]);
  }
  return plan;
}

}  // namespace flod::engine::stream
