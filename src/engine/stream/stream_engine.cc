// Stream lifecycle, append, read and trim. Group operations live in stream_engine_groups.cc,
// maintenance, replay and snapshots in stream_engine_maintenance.cc.

#include "flod/engine/stream/stream_engine.h"

#include <algorithm>

#include "stream_common.h"
#include "stream_trim.h"

namespace flod::engine {

using stream::kMaxId;
using stream::StoredRecord;
using stream::Stream;
namespace record_type = stream::record_type;

namespace {

constexpr uint32_t kDefaultListLimit = 100;

// The next id after `last` at wall time `now_ms`: a later millisecond starts at sequence 0,
// otherwise (same ms, or the clock went back) the last ms is kept and the sequence grows.
std::optional<StreamId> NextId(StreamId last, int64_t now_ms) {
  const auto now = static_cast<uint64_t>(now_ms);
  if (now > last.ms) return StreamId{now, 0};
  return stream::Successor(last);
}

// Redis XADD semantics for an explicit id (<ms>-<seq>, or <ms>-* with auto_sequence).
Expected<StreamId> ExplicitId(StreamId last, StreamId wanted, bool auto_sequence) {
  if (auto_sequence) {
    if (wanted.ms < last.ms || (wanted.ms == last.ms && last.seq == UINT64_MAX)) {
      return Result::Error(Status::kBadRequest, "id " + std::to_string(wanted.ms) +
                                                    "-* is not greater than the stream's last id " +
                                                    stream::FormatId(last));
    }
    // A fresh stream has last id 0-0, so <0>-* gives 0-1 and never the reserved 0-0.
    wanted.seq = wanted.ms == last.ms ? last.seq + 1 : 0;
    return wanted;
  }
  if (wanted == StreamId{}) {
    return Result::Error(Status::kBadRequest, "id must be greater than 0-0");
  }
  if (!(last < wanted)) {
    return Result::Error(Status::kBadRequest, "id " + stream::FormatId(wanted) +
                                                  " is not greater than the stream's last id " +
                                                  stream::FormatId(last));
  }
  return wanted;
}

// Which partition a read or append addresses: the explicit one, the key's, or (reads) all.
Expected<std::optional<uint32_t>> ChoosePartition(std::optional<uint32_t> partition,
                                                  std::string_view key, uint32_t partitions) {
  if (partition) {
    if (*partition >= partitions) {
      return Result::Error(Status::kBadRequest, "partition " + std::to_string(*partition) +
                                                    " out of range (stream has " +
                                                    std::to_string(partitions) + ")");
    }
    return std::optional<uint32_t>(*partition);
  }
  if (!key.empty()) return std::optional<uint32_t>(stream::PartitionOfKey(key, partitions));
  return std::optional<uint32_t>();
}

}  // namespace

StreamEngine::StreamEngine(const Clock& clock, StreamConfig config)
    : clock_(clock), config_(config), store_(std::make_unique<stream::StreamStore>()) {}

StreamEngine::~StreamEngine() = default;

Result StreamEngine::Create(std::string_view ns, std::string_view name,
                            const StreamCreateOptions& options, ChangeSink& changes) {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  if (options.partitions == 0 || options.partitions > config_.max_partitions) {
    return Result::Error(Status::kBadRequest, "partition count must be between 1 and " +
                                                  std::to_string(config_.max_partitions));
  }
  if (store_->Find(ns, name) != nullptr) {
    return Result::Error(Status::kConflict, "stream '" + std::string(name) + "' already exists");
  }
  stream::CreateChange change{std::string(ns), std::string(name), options.partitions,
                              options.retention};
  if (!stream::Commit(*store_, changes, record_type::kCreate, change)) return stream::LogFailure();
  return Result::Ok();
}

Result StreamEngine::Delete(std::string_view ns, std::string_view name, bool force,
                            ChangeSink& changes) {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  const Stream* existing = store_->Find(ns, name);
  if (existing == nullptr) return Result::Ok(CountBody{0});
  if (existing->count > 0 && !force) {
    return Result::Error(Status::kConflict, "stream '" + std::string(name) + "' holds " +
                                                std::to_string(existing->count) +
                                                " records; delete it with force");
  }
  stream::DeleteChange change{std::string(ns), std::string(name)};
  if (!stream::Commit(*store_, changes, record_type::kDelete, change)) return stream::LogFailure();
  return Result::Ok(CountBody{1});
}

Result StreamEngine::List(std::string_view ns, std::string_view after, uint32_t limit) const {
  const std::string prefix = stream::StreamStore::Key(ns, "");
  const auto& streams = store_->streams();
  auto it = after.empty() ? streams.lower_bound(prefix)
                          : streams.upper_bound(stream::StreamStore::Key(ns, after));
  NameListBody body;
  const uint32_t wanted = limit == 0 ? kDefaultListLimit : limit;
  for (; it != streams.end() && body.names.size() < wanted; ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    body.names.push_back(it->second->name);
  }
  return Result::Ok(std::move(body));
}

Result StreamEngine::Info(std::string_view ns, std::string_view name) const {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  const Stream* s = store_->Find(ns, name);
  if (s == nullptr) return stream::StreamNotFound(name);
  StreamInfoBody body;
  body.first = s->FirstId().value_or(StreamId{});
  body.last = s->last_id;
  body.count = s->count;
  body.bytes = s->bytes;
  body.partition_count = static_cast<uint32_t>(s->partitions.size());
  body.max_count = s->retention.max_count;
  body.max_age_ms = s->retention.max_age_ms;
  body.max_bytes = s->retention.max_bytes;
  body.group_count = s->groups.size();
  return Result::Ok(std::move(body));
}

bool StreamEngine::Exists(std::string_view ns, std::string_view name) const {
  return store_->Find(ns, name) != nullptr;
}

Result StreamEngine::Append(std::string_view ns, std::string_view name, StreamEntry entry,
                            const StreamAppendOptions& options, ChangeSink& changes) {
  std::vector<StreamEntry> entries;
  entries.push_back(std::move(entry));
  return AppendBatch(ns, name, std::move(entries), options, changes);
}

Result StreamEngine::AppendBatch(std::string_view ns, std::string_view name,
                                 std::vector<StreamEntry> entries,
                                 const StreamAppendOptions& options, ChangeSink& changes) {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  if (entries.empty()) return Result::Error(Status::kBadRequest, "nothing to append");
  if (options.id && entries.size() != 1) {
    return Result::Error(Status::kBadRequest, "an explicit id needs a single record");
  }
  const Stream* existing = store_->Find(ns, name);
  const auto partitions = static_cast<uint32_t>(existing ? existing->partitions.size() : 1);
  auto chosen = ChoosePartition(options.partition, options.partition_key, partitions);
  if (!chosen) return chosen.error();

  stream::AppendChange change{std::string(ns), std::string(name), chosen->value_or(0), {}};
  StreamId last = existing ? existing->last_id : StreamId{};
  const int64_t now = stream::NowMs(clock_);
  StreamAppendBody body;
  body.partition = change.partition;
  for (StreamEntry& entry : entries) {
    std::optional<StreamId> id;
    if (options.id) {
      auto explicit_id = ExplicitId(last, *options.id, options.id_auto_sequence);
      if (!explicit_id) return explicit_id.error();
      id = *explicit_id;
    } else {
      id = NextId(last, now);
    }
    if (!id) return Result::Error(Status::kBadRequest, "the stream's id space is exhausted");
    last = *id;
    body.ids.push_back(*id);
    change.records.push_back(StoredRecord{*id, std::string(options.partition_key),
                                          std::move(entry.payload), std::move(entry.headers)});
  }
  if (!stream::Commit(*store_, changes, record_type::kAppendCompact, change)) {
    return stream::LogFailure();
  }
  return Result::Ok(std::move(body));
}

Result StreamEngine::Read(std::string_view ns, std::string_view name,
                          const StreamReadOptions& options) const {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  const Stream* s = store_->Find(ns, name);
  if (s == nullptr) return stream::StreamNotFound(name);
  auto only = ChoosePartition(options.partition, options.partition_key,
                              static_cast<uint32_t>(s->partitions.size()));
  if (!only) return only.error();
  RecordsBody body;
  if (options.tail) {
    body.next = stream::Successor(s->last_id).value_or(kMaxId);
    return Result::Ok(std::move(body));
  }
  const StreamId low = options.start.value_or(StreamId{});
  const StreamId high = options.end.value_or(kMaxId);
  const uint32_t count = stream::ClampCount(options.count, config_);
  stream::MergedCursor cursor(s->partitions, *only, low, high, options.reverse);
  while (body.records.size() < count) {
    auto item = cursor.Next();
    if (!item) break;
    body.records.push_back(stream::ToRecord(*item->record, item->partition, 0));
  }
  if (body.records.empty()) {
    body.next = options.reverse ? high : low;
  } else if (options.reverse) {
    body.next = stream::Predecessor(body.records.back().id);
  } else {
    body.next = stream::Successor(body.records.back().id).value_or(kMaxId);
  }
  return Result::Ok(std::move(body));
}

Result StreamEngine::Trim(std::string_view ns, std::string_view name,
                          const StreamTrimOptions& options, ChangeSink& changes) {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  if (!options.max_count && !options.before && !options.max_age_ms && !options.max_bytes) {
    return Result::Error(Status::kBadRequest,
                         "trim needs max count, before id, max age or max bytes");
  }
  const Stream* s = store_->Find(ns, name);
  if (s == nullptr) return stream::StreamNotFound(name);
  stream::TrimLimits limits;
  limits.before = options.before;
  limits.max_count = options.max_count;
  limits.max_bytes = options.max_bytes;
  if (options.max_age_ms) limits.AddMaxAge(*options.max_age_ms, stream::NowMs(clock_));
  stream::TrimPlan plan = stream::PlanTrim(*s, limits, SIZE_MAX);
  TrimBody body{plan.removed, plan.new_first};
  if (options.dry_run || plan.removed == 0) return Result::Ok(body);
  if (!stream::Commit(*store_, changes, record_type::kTrim, plan.change)) {
    return stream::LogFailure();
  }
  return Result::Ok(body);
}

}  // namespace flod::engine
