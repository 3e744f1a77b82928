#pragma once
// Read helpers for recovery: whole files for WAL segments (a segment is bounded by the
// rotation size), buffered sequential reads for snapshots (which can be far larger).

#include <cstdint>
#include <filesystem>
#include <string>

#include "flod/store/io_status.h"

namespace flod::store {

IoExpected<std::string> ReadWholeFile(const std::filesystem::path& file);

// A read-only file read front to back through a buffer. Move-only; closes on destruction.
class SequentialFile {
 public:
  static IoExpected<SequentialFile> Open(const std::filesystem::path& file);
  ~SequentialFile();
  SequentialFile(SequentialFile&& other) noexcept;
  SequentialFile& operator=(SequentialFile&& other) noexcept;

  uint64_t size() const { return size_; }
  uint64_t position() const { return position_; }
  const std::filesystem::path& path() const { return path_; }

  // Replaces `out` with the next `n` bytes. A read past the end is a Corruption naming the
  // offset; `n` must already be checked against a limit by the caller.
  IoStatus Read(size_t n, std::string& out);
  // Reads `n` bytes at `offset` without moving the sequential position.
  IoStatus ReadAt(uint64_t offset, size_t n, std::string& out) const;

 private:
  SequentialFile(std::filesystem::path path, int fd, uint64_t size);
  IoStatus Fill();

  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t position_ = 0;  // next byte Read returns
  std::string buffer_;     // bytes from position_ - buffered_pos_ on
  size_t buffered_pos_ = 0;
};

}  // namespace flod::store
