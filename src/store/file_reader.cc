#include "file_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace flod::store {
namespace {

constexpr size_t kReadChunk = 1u << 20;

IoStatus PreadFully(int fd, uint64_t offset, char* out, size_t n,
                    const std::filesystem::path& file) {
  while (n > 0) {
    ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return IoStatus::FromErrno(errno, "read", file);
    }
    if (got == 0) {
      return IoStatus::Corruption(file.string() + ": unexpected end of file at offset " +
                                  std::to_string(offset));
    }
    out += got;
    offset += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
  return IoStatus::Ok();
}

IoExpected<std::pair<int, uint64_t>> OpenForRead(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoStatus::FromErrno(errno, "open", file);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    IoStatus status = IoStatus::FromErrno(errno, "stat", file);
    ::close(fd);
    return status;
  }
  return std::pair<int, uint64_t>(fd, static_cast<uint64_t>(info.st_size));
}

}  // namespace

IoExpected<std::string> ReadWholeFile(const std::filesystem::path& file) {
  auto opened = OpenForRead(file);
  if (!opened) return opened.status();
  auto [fd, size] = *opened;
  std::string data(size, '\0');
  IoStatus status = PreadFully(fd, 0, data.data(), data.size(), file);
  ::close(fd);
  if (!status.ok()) return status;
  return data;
}

IoExpected<SequentialFile> SequentialFile::Open(const std::filesystem::path& file) {
  auto opened = OpenForRead(file);
  if (!opened) return opened.status();
  return SequentialFile(file, opened->first, opened->second);
}

SequentialFile::SequentialFile(std::filesystem::path path, int fd, uint64_t size)
    : path_(std::move(path)), fd_(fd), size_(size) {}

SequentialFile::~SequentialFile() {
  if (fd_ >= 0) ::close(fd_);
}

SequentialFile::SequentialFile(SequentialFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      position_(other.position_),
      buffer_(std::move(other.buffer_)),
      buffered_pos_(other.buffered_pos_) {}

SequentialFile& SequentialFile::operator=(SequentialFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    position_ = other.position_;
    buffer_ = std::move(other.buffer_);
    buffered_pos_ = other.buffered_pos_;
  }
  return *this;
}

IoStatus SequentialFile::Fill() {
  const uint64_t file_offset = position_ + (buffer_.size() - buffered_pos_);
  const size_t want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, size_ - file_offset));
  buffer_.erase(0, buffered_pos_);
  buffered_pos_ = 0;
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + want);
  return PreadFully(fd_, file_offset, buffer_.data() + old_size, want, path_);
}

IoStatus SequentialFile::Read(size_t n, std::string& out) {
  if (n > size_ - position_) {
    return IoStatus::Corruption(path_.string() + ": unexpected end of file at offset " +
                                std::to_string(size_));
  }
  out.clear();
  const size_t buffered = buffer_.size() - buffered_pos_;
  if (n > kReadChunk && n > buffered) {  // large payloads bypass the buffer
    out.assign(buffer_, buffered_pos_, buffered);
    buffer_.clear();
    buffered_pos_ = 0;
    out.resize(n);
    IoStatus status =
        PreadFully(fd_, position_ + buffered, out.data() + buffered, n - buffered, path_);
    if (status.ok()) position_ += n;
    return status;
  }
  while (buffer_.size() - buffered_pos_ < n) {
    IoStatus status = Fill();
    if (!status.ok()) return status;
  }
  out.assign(buffer_, buffered_pos_, n);
  buffered_pos_ += n;
  position_ += n;
  return IoStatus::Ok();
}

IoStatus SequentialFile::ReadAt(uint64_t offset, size_t n, std::string& out) const {
  if (offset > size_ || n > size_ - offset) {
    return IoStatus::Corruption(path_.string() + ": unexpected end of file at offset " +
                                std::to_string(size_));
  }
  out.resize(n);
  return PreadFully(fd_, offset, out.data(), n, path_);
}

}  // namespace flod::store
