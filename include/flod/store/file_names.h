#pragma once
// Names of the files in a data dir, listings of a shard directory and their sizes:
//   <data_dir>/LOCK, <data_dir>/SYSTEM, <data_dir>/shard-<N>/   (N in decimal)
//   <shard dir>/wal-<16 hex digits>.log     WAL segment, numbered from 1
//   <shard dir>/snap-<16 hex digits>.snap   snapshot, numbered from 1
//   <shard dir>/snap.tmp                    snapshot being written; never read

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flod/store/io_status.h"

namespace flod::store {

inline constexpr std::string_view kLockFileName = "LOCK";
inline constexpr std::string_view kSystemFileName = "SYSTEM";
inline constexpr std::string_view kSnapshotTempName = "snap.tmp";

std::string ShardDirName(uint32_t shard);       // "shard-3"
std::string SegmentFileName(uint64_t segment);  // "wal-000000000000002a.log"
std::string SnapshotFileName(uint64_t id);      // "snap-0000000000000007.snap"

// The number in a segment or snapshot file name; nullopt for any other name.
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);
std::optional<uint64_t> ParseSnapshotFileName(std::string_view name);

struct NumberedFile {
  uint64_t number = 0;
  std::filesystem::path path;
};

// Segment or snapshot files of `dir`, ascending by number. A missing directory lists as empty.
IoExpected<std::vector<NumberedFile>> ListSegments(const std::filesystem::path& dir);
IoExpected<std::vector<NumberedFile>> ListSnapshots(const std::filesystem::path& dir);

// A file's size in bytes, or 0 when it cannot be read (missing, no permission): for messages
// and sizing rules that have no use for the error.
uint64_t FileBytesOrZero(const std::filesystem::path& file);

}  // namespace flod::store
