#pragma once
// Writes one shard's snapshot: the engines' state as records (the WAL record format) plus
// the WAL position it covers, so recovery = newest valid snapshot + WAL records after it.
//
// Atomic on disk: everything goes to <shard dir>/snap.tmp; Commit writes the trailer,
// fdatasyncs, renames to snap-<16 hex>.snap and fsyncs the directory. Written pages are
// synced and dropped from the page cache every 8 MiB and at the end. A crash at any point
// leaves either no new snapshot or a whole one; a leftover snap.tmp is never read and the
// next SnapshotWriter overwrites it.
//
// Not thread-safe; typically run by the shard that owns the state (or a thread it hands a
// frozen copy to). Only one SnapshotWriter per shard directory at a time (snap.tmp is shared).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "flod/store/file_system.h"
#include "flod/store/io_status.h"
#include "flod/store/wal_format.h"

namespace flod::store {

struct SnapshotInfo {
  uint64_t id = 0;
  std::filesystem::path path;
  uint64_t record_count = 0;
};

class SnapshotWriter {
 public:
  // `covered`: every WAL record before this position is reflected in the snapshot. Read it
  // from WalWriter::position() right after a successful WalWriter::Sync(). The new snapshot
  // is numbered one past the highest snapshot file in `shard_dir`.
  static IoExpected<std::unique_ptr<SnapshotWriter>> Create(std::filesystem::path shard_dir,
                                                            uint32_t shard, WalPosition covered,
                                                            FileSystem* file_system = nullptr);
  // Removes snap.tmp unless Commit succeeded.
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // Buffers one record, writing the buffer out once it passes 1 MiB. kInvalidArgument for
  // type 0 or a payload over kMaxRecordBytes; an I/O failure makes Commit fail too.
  IoStatus Add(uint16_t type, std::string_view payload);
  // Finishes the file and publishes it. The writer is spent afterwards, whatever the result.
  IoExpected<SnapshotInfo> Commit();

 private:
  SnapshotWriter(std::filesystem::path shard_dir, uint64_t id, FileSystem& file_system);
  IoStatus WriteBuffer();
  IoStatus SyncAndDrop();  // fdatasync, then the written pages leave the page cache

  const std::filesystem::path dir_;
  const uint64_t id_;
  FileSystem& file_system_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
  uint64_t record_count_ = 0;
  uint64_t body_bytes_ = 0;
  uint32_t body_crc_ = 0;
  uint64_t written_bytes_ = 0;  // handed to the file so far
  uint64_t dropped_bytes_ = 0;  // synced and dropped from the page cache
  IoStatus failure_;
  bool spent_ = false;      // Commit was called
  bool committed_ = false;  // ... and succeeded
};

// Removes snapshot files numbered below `id` (older snapshots), then syncs the directory.
IoStatus DeleteSnapshotsBefore(const std::filesystem::path& shard_dir, uint64_t id,
                               FileSystem* file_system = nullptr);

}  // namespace flod::store
