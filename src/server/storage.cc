#include "storage.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "flod/dispatch/replay.h"
#include "flod/store/file_names.h"
#include "flod/store/snapshot_reader.h"
#include "flod/store/wal_reader.h"
#include "flod/store/wal_writer.h"
#include "wal_shard_log.h"

namespace flod::server {

Storage::Storage(const ServerConfig& config, uint32_t shard_count)
    : config_(config),
      shard_count_(shard_count),
      logs_(shard_count, nullptr),
      syncer_(std::chrono::milliseconds(std::max<uint32_t>(1, config.fsync_interval_ms))) {}

Storage::~Storage() { StopBackgroundSync(); }

std::string Storage::Open() {
  if (ephemeral()) {
    spdlog::warn("durability is EPHEMERAL: nothing is written to disk; every write is lost "
                 "when flod stops");
    return {};
  }
  auto opened = store::DataDir::Open(config_.data_dir, shard_count_);
  if (!opened) return "cannot use data dir " + config_.data_dir + ": " + opened.status().ToString();
  data_dir_ = std::move(*opened);
  return {};
}

std::unique_ptr<ShardLog> Storage::LogFor(uint32_t shard) {
  if (ephemeral()) return std::make_unique<EphemeralLog>();
  auto log = std::make_unique<WalShardLog>(
      config_.durability == Durability::kAsyncFlush ? &syncer_ : nullptr);
  logs_[shard] = log.get();
  return log;
}

namespace {

std::string ShardPrefix(uint32_t shard) { return "shard " + std::to_string(shard) + ": "; }

struct LoadedSnapshot {
  store::WalPosition covered;  // where WAL replay starts
  uint64_t bytes = 0;          // the file's size; 0 when there was none
};

// Applies the newest valid snapshot.
std::string LoadSnapshot(const std::filesystem::path& dir, uint32_t shard,
                         dispatch::ShardContext& context, LoadedSnapshot& loaded) {
  auto search = store::FindNewestSnapshot(dir, shard);
  if (!search) return search.status().ToString();
  for (const auto& skipped : search->skipped) {
    spdlog::warn("{}ignoring snapshot {}: {}", ShardPrefix(shard), skipped.path.string(), skipped.reason);
  }
  if (!search->newest) return {};
  store::SnapshotReader& reader = *search->newest;
  while (auto record = reader.Next()) {
    if (!dispatch::Replay(context, record->type, record->payload)) {
      return "snapshot " + reader.path().string() + " holds a record of type " +
             std::to_string(record->type) + " that cannot be applied";
    }
  }
  if (!reader.status().ok()) return reader.status().ToString();
  loaded = {reader.covered(), store::FileBytesOrZero(reader.path())};
  spdlog::info("{}loaded snapshot {} ({} records, covers WAL up to {})", ShardPrefix(shard),
               reader.path().filename().string(), reader.record_count(),
               store::ToString(loaded.covered));
  return {};
}

// --repair: cuts the WAL at the damage, after saying exactly what is dropped.
std::string RepairAt(const std::filesystem::path& dir, const store::WalProblem& problem) {
  const uint64_t file_bytes = store::FileBytesOrZero(problem.file);
  spdlog::warn("repair: dropping {} bytes of {} from offset {}",
               file_bytes - std::min(file_bytes, problem.offset), problem.file.string(),
               problem.offset);
  auto segments = store::ListSegments(dir);
  if (!segments) return segments.status().ToString();
  for (const auto& later : *segments) {
    if (later.number <= problem.segment) continue;
    spdlog::warn("repair: dropping segment {} ({} bytes)", later.path.string(),
                 store::FileBytesOrZero(later.path));
  }
  const store::IoStatus cut = store::CutAt(problem);
  return cut.ok() ? std::string() : cut.ToString();
}

}  // namespace

std::string Storage::Recover(uint32_t shard, dispatch::ShardContext& context) {
  if (ephemeral()) return {};
  const auto dir = data_dir_->ShardDir(shard);
  LoadedSnapshot snapshot;
  if (auto error = LoadSnapshot(dir, shard, context, snapshot); !error.empty()) {
    return ShardPrefix(shard) + error;
  }
  store::WalReader reader(dir, shard, snapshot.covered);
  uint64_t records = 0;
  while (auto record = reader.Next()) {
    if (!dispatch::Replay(context, record->type, record->payload)) {
      return ShardPrefix(shard) + "WAL record of type " + std::to_string(record->type) + " at " +
             store::ToString(record->position) + " cannot be applied; the data dir is damaged";
    }
    ++records;
  }
  if (const auto& problem = reader.problem()) {
    if (auto error = HandleWalProblem(shard, dir, *problem); !error.empty()) return error;
  }
  spdlog::info("{}replayed {} WAL record(s)", ShardPrefix(shard), records);
  auto writer = store::WalWriter::Open(dir, shard,
                                      {.segment_bytes = config_.wal_segment_bytes,
                                       .zero_fill_bytes = config_.wal_zero_fill_bytes});
  if (!writer) return ShardPrefix(shard) + writer.status().ToString();
  logs_[shard]->Attach(std::move(*writer), snapshot.bytes);
  return {};
}

std::string Storage::HandleWalProblem(uint32_t shard, const std::filesystem::path& dir,
                                      const store::WalProblem& problem) {
  const bool torn = problem.kind == store::WalProblem::Kind::kTornTail;
  if (torn || problem.kind == store::WalProblem::Kind::kUnusedTail) {
    // An unused tail is the writer's own zero fill: nothing was lost, so no warning.
    spdlog::log(torn ? spdlog::level::warn : spdlog::level::debug, "{}{}; truncating the {}",
                ShardPrefix(shard), problem.ToString(), torn ? "torn tail" : "unused tail");
    const store::IoStatus cut = store::CutAt(problem);
    return cut.ok() ? std::string() : ShardPrefix(shard) + cut.ToString();
  }
  if (problem.kind == store::WalProblem::Kind::kCorruption && config_.repair) {
    spdlog::warn("{}{}", ShardPrefix(shard), problem.ToString());
    const std::string error = RepairAt(dir, problem);
    return error.empty() ? error : ShardPrefix(shard) + error;
  }
  return ShardPrefix(shard) + problem.ToString() +
         "; refusing to start on a damaged write-ahead log. Records before this point are "
         "intact; `flod --repair` truncates the log here (dropping what follows) and starts.";
}

void Storage::StartBackgroundSync() {
  if (config_.durability == Durability::kAsyncFlush) syncer_.Start(logs_);
}

void Storage::StopBackgroundSync() { syncer_.Stop(); }

}  // namespace flod::server
