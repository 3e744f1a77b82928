#pragma once
// The write side of the store's file I/O behind a small interface, so tests can make a write
// fail with ENOSPC or an fdatasync fail with EIO. Production code uses PosixFileSystem().
// Reads do not go through here: recovery reads files directly.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "flod/store/file_names.h"
#include "flod/store/io_status.h"

namespace flod::store {

// A file opened for writing at an explicit append point (pwrite), closed on destruction.
// Thread-safety: Append, ZeroFill, Truncate and destruction on one owner thread; Sync,
// DropCached and Overwrite may run on one other thread at the same time as Append (fdatasync,
// fadvise and pwrite on one fd are safe together).
class WritableFile {
 public:
  // The largest page-cache folio on x86-64 (a PMD). DONTNEED writes back any dirty folio its
  // range touches, so a range ending inside the folio that appends are dirtying would write
  // that folio out again on every call; one ending on this boundary touches only synced ones.
  static constexpr uint64_t kDropCachedAlignment = 2u << 20;

  virtual ~WritableFile() = default;

  // Writes all of `data` at the append point, looping on partial writes and EINTR. On failure
  // part of `data` may be on disk; the append point is then unknown until Truncate.
  virtual IoStatus Append(std::string_view data) = 0;
  // Writes `data` over bytes appended before, at `offset`, leaving the append point where it
  // is (a segment header rewritten in place). On failure part of `data` may be on disk.
  virtual IoStatus Overwrite(uint64_t offset, std::string_view data) = 0;
  // fdatasync: every byte appended before the call is durable when it returns OK.
  virtual IoStatus Sync() = 0;
  // A hint after a Sync: bytes before `end` are durable and only recovery reads them again,
  // so the OS may free their page-cache pages (posix_fadvise DONTNEED) for reuse. Whole
  // kDropCachedAlignment blocks only: the block holding `end` stays, as the next appends write
  // into it, and goes with a later call that passes it.
  virtual void DropCached(uint64_t end) = 0;
  // Writes zeros from the end of the file up to `end` (nothing if the file is that long),
  // leaving the append point where it is. Appends that then overwrite the zeros change no
  // file size and allocate no blocks, so their fdatasync writes data and no metadata.
  virtual IoStatus ZeroFill(uint64_t end) = 0;
  // Cuts the file to `size` bytes and moves the append point there.
  virtual IoStatus Truncate(uint64_t size) = 0;
  virtual const std::filesystem::path& path() const = 0;
};

enum class CreateMode : uint8_t {
  kExclusive,  // fail if the file exists
  kTruncate,   // create, or empty an existing file
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual IoExpected<std::unique_ptr<WritableFile>> Create(const std::filesystem::path& file,
                                                           CreateMode mode) = 0;
  // fsync of a directory, so that created, renamed and removed names in it are durable.
  virtual IoStatus SyncDir(const std::filesystem::path& dir) = 0;
  // fdatasync of an existing file that nothing here has open for writing.
  virtual IoStatus SyncFile(const std::filesystem::path& file) = 0;
  // rename(2): atomic replacement of `to`.
  virtual IoStatus Rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // unlink(2); a missing file is not an error.
  virtual IoStatus Remove(const std::filesystem::path& file) = 0;
};

// The real thing; stateless and shared by the whole process.
FileSystem& PosixFileSystem();

// Removes those of `files` (a listing of `dir`) numbered in [from, to), then syncs `dir` if
// any went, so the removals are durable. Stops at the first failure.
IoStatus RemoveNumberedFiles(FileSystem& fs, const std::filesystem::path& dir,
                             const std::vector<NumberedFile>& files, uint64_t from, uint64_t to);

}  // namespace flod::store
