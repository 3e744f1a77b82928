#include "flod/store/file_system.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <string>

namespace flod::store {
namespace {

constexpr size_t kZeroFillChunk = 1u << 20;

// pwrite of all of `data` at `offset`, looping on partial writes and EINTR.
IoStatus WriteAllAt(int fd, std::string_view data, uint64_t offset, const char* what,
                    const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoStatus::FromErrno(errno, what, path);
    }
    offset += static_cast<uint64_t>(n);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return IoStatus::Ok();
}

// fsync of a directory (its names) or fdatasync of a file (its data), through a read-only fd.
IoStatus OpenAndSync(const std::filesystem::path& path, bool directory) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return IoStatus::FromErrno(errno, directory ? "open directory" : "open", path);
  IoStatus status;
  if ((directory ? ::fsync(fd) : ::fdatasync(fd)) != 0) {
    status = IoStatus::FromErrno(errno, directory ? "fsync directory" : "fdatasync", path);
  }
  ::close(fd);
  return status;
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override { ::close(fd_); }
  PosixWritableFile(const PosixWritableFile&) = delete;
  PosixWritableFile& operator=(const PosixWritableFile&) = delete;

  IoStatus Append(std::string_view data) override {
    IoStatus status = WriteAllAt(fd_, data, offset_, "write", path_);
    if (!status.ok()) return status;
    offset_ += data.size();
    size_ = std::max(size_, offset_);
    return IoStatus::Ok();
  }

  IoStatus Overwrite(uint64_t offset, std::string_view data) override {
    return WriteAllAt(fd_, data, offset, "overwrite", path_);
  }

  IoStatus ZeroFill(uint64_t end) override {
    static const std::string zeros(kZeroFillChunk, '\0');
    while (size_ < end) {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(zeros.size(), end - size_));
      IoStatus status = WriteAllAt(fd_, std::string_view(zeros).substr(0, chunk), size_,
                                   "zero-fill", path_);
      if (!status.ok()) return status;
      size_ += chunk;
    }
    return IoStatus::Ok();
  }

  IoStatus Sync() override {
    if (::fdatasync(fd_) != 0) return IoStatus::FromErrno(errno, "fdatasync", path_);
    return IoStatus::Ok();
  }

  void DropCached(uint64_t end) override {
    // From the start each time: the kernel frees a large folio only when the range covers all
    // of it, so one that held an earlier end goes now; ranges already dropped cost little.
    const uint64_t whole_blocks = end & ~(kDropCachedAlignment - 1);
    if (whole_blocks == 0) return;  // a length of 0 would mean "to the end of the file"
    // Advice only: a failure changes nothing the caller relies on.
    (void)::posix_fadvise(fd_, 0, static_cast<off_t>(whole_blocks), POSIX_FADV_DONTNEED);
  }

  IoStatus Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return IoStatus::FromErrno(errno, "ftruncate", path_);
    }
    offset_ = size_ = size;
    return IoStatus::Ok();
  }

  const std::filesystem::path& path() const override { return path_; }

 private:
  std::filesystem::path path_;
  int fd_;
  uint64_t offset_ = 0;  // the append point
  uint64_t size_ = 0;    // the file's length: the append point, or past it after ZeroFill
};

class PosixFileSystemImpl final : public FileSystem {
 public:
  IoExpected<std::unique_ptr<WritableFile>> Create(const std::filesystem::path& file,
                                                   CreateMode mode) override {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    flags |= mode == CreateMode::kExclusive ? O_EXCL : O_TRUNC;
    int fd = ::open(file.c_str(), flags, 0644);
    if (fd < 0) return IoStatus::FromErrno(errno, "create", file);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(file, fd));
  }

  IoStatus SyncDir(const std::filesystem::path& dir) override { return OpenAndSync(dir, true); }

  IoStatus SyncFile(const std::filesystem::path& file) override {
    return OpenAndSync(file, false);
  }

  IoStatus Rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return IoStatus::FromErrno(errno, "rename " + from.string() + " to", to);
    }
    return IoStatus::Ok();
  }

  IoStatus Remove(const std::filesystem::path& file) override {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) {
      return IoStatus::FromErrno(errno, "remove", file);
    }
    return IoStatus::Ok();
  }
};

}  // namespace

FileSystem& PosixFileSystem() {
  static PosixFileSystemImpl instance;
  return instance;
}

IoStatus RemoveNumberedFiles(FileSystem& fs, const std::filesystem::path& dir,
                             const std::vector<NumberedFile>& files, uint64_t from, uint64_t to) {
  bool removed = false;
  for (const NumberedFile& file : files) {
    if (file.number < from || file.number >= to) continue;
    IoStatus status = fs.Remove(file.path);
    if (!status.ok()) return status;
    removed = true;
  }
  return removed ? fs.SyncDir(dir) : IoStatus::Ok();
}

}  // namespace flod::store
