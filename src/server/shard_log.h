#pragma once
// The write-ahead log as one shard sees it: engines append records during a loop turn; the
// shard flushes them once at the end of the turn (group commit) before releasing replies.

#include <memory>
#include <string>

#include "flod/core/change_sink.h"
#include "flod/server/config.h"
#include "flod/store/wal_format.h"

namespace flod::server {

class ShardLog : public ChangeSink {
 public:
  // Records appended since the last Flush.
  virtual bool HasUnflushed() const = 0;
  // Writes every appended record with one write(2), then fdatasync()s when `sync`.
  // Returns an error message, empty on success.
  virtual std::string Flush(bool sync) = 0;
  // At shutdown: Flush(sync = true), then the segment sheds the zeros kept ahead of its
  // records and the next segment made ahead goes, so a clean stop leaves a log that ends at
  // its last record.
  virtual std::string Close() = 0;
  // False while the log cannot take writes (after a failed write or sync); mutating
  // requests are refused with this message instead of being applied.
  virtual bool Writable() const = 0;
  virtual std::string FailureMessage() const = 0;

  // Snapshots (see snapshotter.h). Bytes appended since the last snapshot point.
  virtual uint64_t BytesSinceSnapshot() const = 0;
  // Size of the newest snapshot on disk (0: none), which sets when the next one is due.
  virtual uint64_t SnapshotBytes() const = 0;
  // Syncs every record appended so far and makes this the new snapshot point: `covered` is
  // the WAL position a snapshot of the current state covers. Returns an error message.
  virtual std::string BeginSnapshot(store::WalPosition& covered) = 0;
  // After snapshot `snapshot_id`, covering `covered`, is on disk: removes the WAL segments
  // and older snapshots it made redundant. Called in the snapshot's child process, because
  // removing a full segment takes milliseconds (15-19 ms for 64 MiB on ext4) that would
  // otherwise stall every request of the shard. Returns an error message.
  virtual std::string RemoveCovered(const store::WalPosition& covered, uint64_t snapshot_id) = 0;
  // Shard thread, once snapshot `snapshot_id` is on disk: notes its size.
  virtual void NoteSnapshot(uint64_t snapshot_id) = 0;
};

// No WAL at all (durability = ephemeral).
class EphemeralLog final : public ShardLog {
 public:
  void Append(uint16_t, std::string_view) override {}
  bool HasUnflushed() const override { return false; }
  std::string Flush(bool) override { return {}; }
  std::string Close() override { return {}; }
  bool Writable() const override { return true; }
  std::string FailureMessage() const override { return {}; }
  uint64_t BytesSinceSnapshot() const override { return 0; }
  uint64_t SnapshotBytes() const override { return 0; }
  std::string BeginSnapshot(store::WalPosition&) override { return "ephemeral: no snapshots"; }
  std::string RemoveCovered(const store::WalPosition&, uint64_t) override { return {}; }
  void NoteSnapshot(uint64_t) override {}
};

}  // namespace flod::server
