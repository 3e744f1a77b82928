#include "storage.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "flod/dispatch/replay.h"
#include "flod/store/wal_reader.h"
#include "flod/store/wal_writer.h"

namespace flod::server {

// ShardLog over a store::WalWriter. After a write or sync failure (full disk, I/O error)
// the log refuses writes until the writer recovers; it retries at most once a second.
class WalShardLog final : public ShardLog {
 public:
  void Attach(std::unique_ptr<store::WalWriter> writer) { writer_ = std::move(writer); }
  store::WalWriter* writer() { return writer_.get(); }

  void Append(uint16_t type, std::string_view payload) override {
    writer_->Append(type, payload);  // a sticky failure surfaces at Flush
  }
  bool HasUnflushed() const override { return writer_->buffered_bytes() > 0; }
  std::string Flush(bool sync) override {
    const store::IoStatus status = sync ? writer_->Sync() : writer_->Flush();
    return status.ok() ? std::string() : status.ToString();
  }
  bool Writable() const override {
    if (writer_->Healthy()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_recovery_attempt_ < std::chrono::seconds(1)) return false;
    last_recovery_attempt_ = now;
    const store::IoStatus recovered = writer_->TryRecover();
    if (recovered.ok()) spdlog::warn("{}: write-ahead log writable again", writer_->shard_dir().string());
    return recovered.ok();
  }
  std::string FailureMessage() const override {
    return "storage unavailable, writes refused: " + writer_->status().ToString();
  }

 private:
  std::unique_ptr<store::WalWriter> writer_;  // mutable state lives in the writer
  mutable std::chrono::steady_clock::time_point last_recovery_attempt_{};
};

Storage::Storage(const ServerConfig& config, uint32_t shard_count)
    : config_(config), shard_count_(shard_count), logs_(shard_count, nullptr) {}

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
  auto log = std::make_unique<WalShardLog>();
  logs_[shard] = log.get();
  return log;
}

std::string Storage::Recover(uint32_t shard, dispatch::ShardContext& context) {
  if (ephemeral()) return {};
  const auto dir = data_dir_->ShardDir(shard);
  store::WalReader reader(dir, shard);
  uint64_t records = 0;
  while (auto record = reader.Next()) {
    if (!dispatch::Replay(context, record->type, record->payload)) {
      return "shard " + std::to_string(shard) + ": WAL record of type " +
             std::to_string(record->type) + " at " + store::ToString(record->position) +
             " cannot be applied; the data dir is damaged";
    }
    ++records;
  }
  if (const auto& problem = reader.problem()) {
    if (problem->kind != store::WalProblem::Kind::kTornTail) {
      return "shard " + std::to_string(shard) + ": " + problem->ToString() +
             "; refusing to start on a damaged write-ahead log";
    }
    spdlog::warn("shard {}: {}; truncating the torn tail", shard, problem->ToString());
    if (auto status = store::TruncateAt(problem->file, problem->offset); !status.ok()) {
      return "shard " + std::to_string(shard) + ": " + status.ToString();
    }
  }
  spdlog::info("shard {}: replayed {} WAL record(s)", shard, records);
  auto writer = store::WalWriter::Open(dir, shard, {.segment_bytes = config_.wal_segment_bytes});
  if (!writer) return "shard " + std::to_string(shard) + ": " + writer.status().ToString();
  logs_[shard]->Attach(std::move(*writer));
  return {};
}

void Storage::StartBackgroundSync() {
  if (config_.durability != Durability::kAsyncFlush) return;
  sync_thread_ = std::thread([this] {
    const auto period = std::chrono::milliseconds(std::max<uint32_t>(1, config_.fsync_interval_ms));
    std::vector<bool> failing(logs_.size(), false);  // log a failure once, not every period
    while (!stop_sync_.load()) {
      for (size_t i = 0; i < logs_.size(); ++i) {
        const store::IoStatus status = logs_[i]->writer()->SyncNow();
        if (!status.ok() && !failing[i]) {
          spdlog::error("shard {}: background fdatasync failed: {}", i, status.ToString());
        }
        failing[i] = !status.ok();
      }
      std::this_thread::sleep_for(period);
    }
  });
}

void Storage::StopBackgroundSync() {
  stop_sync_ = true;
  if (sync_thread_.joinable()) sync_thread_.join();
}

}  // namespace flod::server
