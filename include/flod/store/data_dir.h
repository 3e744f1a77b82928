#pragma once
// The data directory of one flod process:
//   <data_dir>/LOCK       flock()ed for the life of the process; holds the owner's pid
//   <data_dir>/SYSTEM     text, written once on first start:
//                           format_version=1
//                           shard_count=4
//   <data_dir>/shard-<N>/ one per shard: WAL segments and snapshots (file_names.h)
// Opening checks SYSTEM against this process's settings and refuses to go on when they
// differ, because shards split the keyspace by hash and a different shard count would look
// for keys in the wrong place. The ephemeral durability mode uses no DataDir at all.

#include <cstdint>
#include <filesystem>
#include <memory>

#include "flod/store/io_status.h"

namespace flod::store {

inline constexpr uint32_t kDataDirFormatVersion = 1;

// Owns the lock; not thread-safe, but its accessors are const and may be shared.
class DataDir {
 public:
  // Creates the layout on first use. Errors: kBusy when another process (or another DataDir
  // in this one) holds the lock, naming the holder's pid when recorded; kIncompatible when
  // SYSTEM names another shard count or format version, or shard directories exist without
  // a SYSTEM file; kCorruption for an unreadable SYSTEM file; kIoError otherwise.
  static IoExpected<std::unique_ptr<DataDir>> Open(std::filesystem::path root,
                                                   uint32_t shard_count);
  // Releases the lock.
  ~DataDir();
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;

  const std::filesystem::path& root() const { return root_; }
  uint32_t shard_count() const { return shard_count_; }
  std::filesystem::path ShardDir(uint32_t shard) const;

 private:
  DataDir(std::filesystem::path root, uint32_t shard_count, int lock_fd);

  std::filesystem::path root_;
  uint32_t shard_count_;
  int lock_fd_;
};

}  // namespace flod::store
