#include "wal_shard_log.h"

#include <spdlog/spdlog.h>

#include "flod/store/file_names.h"
#include "flod/store/snapshot_writer.h"

namespace flod::server {

void WalShardLog::Append(uint16_t type, std::string_view payload) {
  writer_->Append(type, payload);  // a sticky failure surfaces at Flush
}

std::string WalShardLog::Flush(bool sync) {
  const bool writes = writer_->buffered_bytes() > 0;
  const bool was_healthy = writer_->Healthy();
  const store::IoStatus status = sync ? writer_->Sync() : writer_->Flush();
  if (!status.ok()) {
    // The write that fails counts as an attempt: the first retry comes a second later, so
    // the requests right behind it are refused rather than racing a half-freed disk.
    if (was_healthy) last_recovery_attempt_ = std::chrono::steady_clock::now();
    return status.ToString();
  }
  if (writes && !sync && syncer_ != nullptr) syncer_->Written();
  return {};
}

std::string WalShardLog::Close() {
  const store::IoStatus status = writer_->Close();
  return status.ok() ? std::string() : status.ToString();
}

bool WalShardLog::Writable() const {
  if (writer_->Healthy()) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_recovery_attempt_ < std::chrono::seconds(1)) return false;
  last_recovery_attempt_ = now;
  const store::IoStatus recovered = writer_->TryRecover();
  if (recovered.ok()) {
    spdlog::warn("{}: write-ahead log writable again", writer_->shard_dir().string());
  }
  return recovered.ok();
}

std::string WalShardLog::FailureMessage() const {
  return "storage unavailable, writes refused: " + writer_->status().ToString();
}

std::string WalShardLog::BeginSnapshot(store::WalPosition& covered) {
  // Positions read right after a successful Sync never move, even through TryRecover.
  if (const store::IoStatus synced = writer_->Sync(); !synced.ok()) return synced.ToString();
  covered = writer_->position();
  writer_->Mark();
  return {};
}

std::string WalShardLog::RemoveCovered(const store::WalPosition& covered, uint64_t snapshot_id) {
  if (const auto status = writer_->DeleteSegmentsBefore(covered.segment); !status.ok()) {
    return status.ToString();
  }
  const auto status =
      store::DeleteSnapshotsBefore(writer_->shard_dir(), snapshot_id, &writer_->file_system());
  return status.ok() ? std::string() : status.ToString();
}

void WalShardLog::NoteSnapshot(uint64_t snapshot_id) {
  // A snapshot is never empty: 0 means its size could not be read, and the last one stands.
  const auto snapshot = writer_->shard_dir() / store::SnapshotFileName(snapshot_id);
  if (const uint64_t size = store::FileBytesOrZero(snapshot); size > 0) snapshot_bytes_ = size;
}

}  // namespace flod::server
