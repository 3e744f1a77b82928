#pragma once

#include <chrono>
#include <memory>

#include "flod/store/wal_writer.h"
#include "shard_log.h"
#include "wal_syncer.h"

namespace flod::server {

// ShardLog over a store::WalWriter (one per shard, used on the shard's thread; the background
// WalSyncer calls writer()->SyncNow()). After a write or sync failure (full disk, I/O error)
// the log refuses writes until the writer recovers, retrying at most once a second.
class WalShardLog final : public ShardLog {
 public:
  // `syncer` (async_flush) is told about every write, so it syncs; null in sync mode.
  explicit WalShardLog(WalSyncer* syncer) : syncer_(syncer) {}
  // `snapshot_bytes`: size of the snapshot recovery loaded (0: none).
  void Attach(std::unique_ptr<store::WalWriter> writer, uint64_t snapshot_bytes) {
    writer_ = std::move(writer);
    snapshot_bytes_ = snapshot_bytes;
  }
  store::WalWriter* writer() { return writer_.get(); }

  void Append(uint16_t type, std::string_view payload) override;
  bool HasUnflushed() const override { return writer_->buffered_bytes() > 0; }
  std::string Flush(bool sync) override;
  std::string Close() override;
  bool Writable() const override;
  std::string FailureMessage() const override;
  uint64_t BytesSinceSnapshot() const override { return writer_->BytesSinceMark(); }
  uint64_t SnapshotBytes() const override { return snapshot_bytes_; }
  std::string BeginSnapshot(store::WalPosition& covered) override;
  std::string RemoveCovered(const store::WalPosition& covered, uint64_t snapshot_id) override;
  void NoteSnapshot(uint64_t snapshot_id) override;

 private:
  WalSyncer* const syncer_;
  std::unique_ptr<store::WalWriter> writer_;  // mutable state lives in the writer
  uint64_t snapshot_bytes_ = 0;
  mutable std::chrono::steady_clock::time_point last_recovery_attempt_{};
};

}  // namespace flod::server
