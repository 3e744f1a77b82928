#pragma once
// Finds and reads back the newest valid snapshot of a shard (see snapshot_writer.h).
//
// A snapshot is checked in full before it is offered: header, every record's checksum, the
// record count and body checksum in the trailer. So recovery never starts applying a
// snapshot that turns out to be damaged half way; the price is reading the file twice.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flod/store/io_status.h"
#include "flod/store/wal_format.h"

namespace flod::store {

class SequentialFile;

struct SnapshotRecord {
  uint16_t type = 0;
  std::string_view payload;  // valid until the next call to SnapshotReader::Next
};

// Not thread-safe; move-only.
class SnapshotReader {
 public:
  // Checks `file` in full. kCorruption (message naming the file and what is wrong) for a
  // damaged, unfinished or foreign file; kIoError when it cannot be read.
  static IoExpected<SnapshotReader> Open(const std::filesystem::path& file, uint32_t shard);
  ~SnapshotReader();
  SnapshotReader(SnapshotReader&& other) noexcept;
  SnapshotReader& operator=(SnapshotReader&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }
  // Every WAL record before this position is reflected in the snapshot.
  WalPosition covered() const { return covered_; }
  uint64_t record_count() const { return record_count_; }

  // The next record, or nullopt at the end or on a read error (then status() is not OK).
  std::optional<SnapshotRecord> Next();
  const IoStatus& status() const { return status_; }

 private:
  SnapshotReader() = default;

  std::filesystem::path path_;
  WalPosition covered_;
  uint64_t record_count_ = 0;
  uint64_t body_end_ = 0;
  std::unique_ptr<SequentialFile> file_;
  std::string header_scratch_;
  std::string payload_;
  IoStatus status_;
};

struct SkippedSnapshot {
  std::filesystem::path path;
  std::string reason;
};

struct SnapshotSearch {
  std::optional<SnapshotReader> newest;  // nullopt when no valid snapshot exists
  std::vector<SkippedSnapshot> skipped;  // newer snapshots that failed their checks
};

// Tries snapshot files from the highest number down and stops at the first valid one.
// snap.tmp and other names are ignored. Fails only when the directory cannot be listed.
IoExpected<SnapshotSearch> FindNewestSnapshot(const std::filesystem::path& shard_dir,
                                              uint32_t shard);

}  // namespace flod::store
