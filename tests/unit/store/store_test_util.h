#pragma once
// Helpers for store tests: byte-level sabotage of files on disk (to play a crash or a bad
// disk) and a FileSystem whose writes and syncs fail on demand.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flod/store/file_system.h"
#include "flod/store/wal_reader.h"

namespace flod::store::testing {

std::string ReadFileBytes(const std::filesystem::path& file);
void WriteFileBytes(const std::filesystem::path& file, std::string_view bytes);
uint64_t FileSize(const std::filesystem::path& file);

// Adds `delta` to the byte at `offset`, as a flipped bit on disk would change it.
void IncrementByte(const std::filesystem::path& file, uint64_t offset, int delta = 1);
// Drops the last `bytes` bytes, as a crash before the write finished would.
void ShrinkFile(const std::filesystem::path& file, uint64_t bytes);
void AppendToFile(const std::filesystem::path& file, std::string_view bytes);
void OverwriteAt(const std::filesystem::path& file, uint64_t offset, std::string_view bytes);

// Everything a WalReader yields from `start` on, and what stopped it.
struct WalContents {
  std::vector<uint16_t> types;
  std::vector<std::string> payloads;
  std::vector<WalPosition> positions;
  std::optional<WalProblem> problem;
};
WalContents ReadWal(const std::filesystem::path& shard_dir, uint32_t shard, WalPosition start = {});

// Wraps the POSIX file system. Tests set the fault knobs between calls on the owner thread.
class FaultyFileSystem final : public FileSystem {
 public:
  // Bytes that may still be written before writes fail with ENOSPC; a write that crosses
  // the limit writes the part that fits, then fails. Negative: no limit.
  int64_t write_budget = -1;
  // How many of the next fdatasyncs fail with EIO.
  int failing_syncs = 0;
  // How many of the next file creations fail with ENOSPC.
  int failing_creates = 0;
  // How many of the next removals fail with EACCES (as in a directory made read-only).
  int failing_removes = 0;
  // How many of the next zero fills fail with ENOSPC, writing nothing.
  int failing_zero_fills = 0;
  // How many of the next overwrites (a segment header rewritten in place) fail with EIO.
  int failing_overwrites = 0;

  // Counts, for checking which calls reach the file system.
  std::atomic<int> appends{0};
  std::atomic<int> syncs{0};
  std::atomic<int> zero_fills{0};
  std::atomic<int> overwrites{0};
  std::atomic<int> file_syncs{0};  // SyncFile calls
  // The end passed by the last DropCached call.
  std::atomic<uint64_t> dropped_until{0};

  IoExpected<std::unique_ptr<WritableFile>> Create(const std::filesystem::path& file,
                                                   CreateMode mode) override;
  IoStatus SyncDir(const std::filesystem::path& dir) override;
  IoStatus SyncFile(const std::filesystem::path& file) override;
  IoStatus Rename(const std::filesystem::path& from, const std::filesystem::path& to) override;
  IoStatus Remove(const std::filesystem::path& file) override;
};

}  // namespace flod::store::testing
