#include "flod/store/data_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "file_reader.h"
#include "flod/store/file_names.h"
#include "flod/store/file_system.h"

namespace flod::store {
namespace {

// Opens and locks <root>/LOCK, then records our pid in it for whoever is refused next.
IoExpected<int> LockDataDir(const std::filesystem::path& root) {
  const std::filesystem::path path = root / kLockFileName;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoStatus::FromErrno(errno, "open", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char pid[32] = {};
    ssize_t n = ::pread(fd, pid, sizeof(pid) - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) return IoStatus::FromErrno(err, "lock", path);
    std::string holder(pid, n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return IoStatus::Busy(
        "data dir " + root.string() + " is in use by another flod process" +
        (holder.empty() ? std::string(" (pid not recorded)") : " (pid " + holder + ")"));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    IoStatus status = IoStatus::FromErrno(errno, "write pid to", path);
    ::close(fd);
    return status;
  }
  return fd;
}

std::optional<uint64_t> ParseNumber(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

// key=value lines; blank lines and lines starting with '#' are ignored.
IoExpected<std::map<std::string, uint64_t, std::less<>>> ParseSystemFile(
    const std::filesystem::path& path, std::string_view text) {
  std::map<std::string, uint64_t, std::less<>> values;
  int line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const size_t equals = line.find('=');
    auto value =
        equals == std::string_view::npos ? std::nullopt : ParseNumber(line.substr(equals + 1));
    if (!value) {
      return IoStatus::Corruption(path.string() + " line " + std::to_string(line_number) +
                                  ": expected key=number, found \"" + std::string(line) + "\"");
    }
    values.emplace(std::string(line.substr(0, equals)), *value);
  }
  return values;
}

IoStatus CheckSystemFile(const std::filesystem::path& root, uint32_t shard_count) {
  const std::filesystem::path path = root / kSystemFileName;
  auto text = ReadWholeFile(path);
  if (!text) return text.status();
  auto values = ParseSystemFile(path, *text);
  if (!values) return values.status();
  for (std::string_view key : {"format_version", "shard_count"}) {
    if (values->find(key) == values->end()) {
      return IoStatus::Corruption(path.string() + " has no " + std::string(key) + " line");
    }
  }
  const uint64_t version = values->find("format_version")->second;
  if (version != kDataDirFormatVersion) {
    return IoStatus::Incompatible(
        "data dir " + root.string() + " has format_version=" + std::to_string(version) +
        ", this flod reads format_version=" + std::to_string(kDataDirFormatVersion) +
        "; use a matching flod or a fresh data dir");
  }
  const uint64_t created_with = values->find("shard_count")->second;
  if (created_with != shard_count) {
    return IoStatus::Incompatible("data dir " + root.string() + " was created with " +
                                  std::to_string(created_with) + " shards; start with --shards " +
                                  std::to_string(created_with) + " or use a fresh data dir");
  }
  return IoStatus::Ok();
}

// A data dir that has shard directories but lost its SYSTEM file cannot say how it was made.
IoStatus CheckNoShardDirs(const std::filesystem::path& root) {
  std::error_code error;
  for (std::filesystem::directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().filename().string().starts_with("shard-")) {
      return IoStatus::Incompatible("data dir " + root.string() +
                                    " has shard directories but no SYSTEM file; restore it "
                                    "or use a fresh data dir");
    }
  }
  if (error) return IoStatus::FromErrno(error.value(), "list directory", root);
  return IoStatus::Ok();
}

// Written to a temporary name and renamed, so SYSTEM is either absent or whole.
IoStatus WriteSystemFile(const std::filesystem::path& root, uint32_t shard_count) {
  FileSystem& fs = PosixFileSystem();
  const std::filesystem::path temp = root / "SYSTEM.tmp";
  auto file = fs.Create(temp, CreateMode::kTruncate);
  if (!file) return file.status();
  const std::string text = "format_version=" + std::to_string(kDataDirFormatVersion) +
                           "\nshard_count=" + std::to_string(shard_count) + "\n";
  IoStatus status = (*file)->Append(text);
  if (status.ok()) status = (*file)->Sync();
  file->reset();
  if (status.ok()) status = fs.Rename(temp, root / kSystemFileName);
  if (status.ok()) status = fs.SyncDir(root);
  return status;
}

IoStatus PrepareLayout(const std::filesystem::path& root, uint32_t shard_count) {
  std::error_code error;
  if (std::filesystem::exists(root / kSystemFileName, error)) {
    IoStatus status = CheckSystemFile(root, shard_count);
    if (!status.ok()) return status;
  } else {
    IoStatus status = CheckNoShardDirs(root);
    if (status.ok()) status = WriteSystemFile(root, shard_count);
    if (!status.ok()) return status;
  }
  bool created = false;
  for (uint32_t shard = 0; shard < shard_count; ++shard) {
    const std::filesystem::path dir = root / ShardDirName(shard);
    created |= std::filesystem::create_directory(dir, error);
    if (error) return IoStatus::FromErrno(error.value(), "create directory", dir);
  }
  return created ? PosixFileSystem().SyncDir(root) : IoStatus::Ok();
}

}  // namespace

IoExpected<std::unique_ptr<DataDir>> DataDir::Open(std::filesystem::path root,
                                                   uint32_t shard_count) {
  if (shard_count == 0) return IoStatus::InvalidArgument("shard count must be at least 1");
  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) return IoStatus::FromErrno(error.value(), "create directory", root);
  auto lock = LockDataDir(root);
  if (!lock) return lock.status();
  std::unique_ptr<DataDir> dir(new DataDir(std::move(root), shard_count, *lock));
  IoStatus status = PrepareLayout(dir->root_, shard_count);
  if (!status.ok()) return status;  // unlocks
  return dir;
}

DataDir::DataDir(std::filesystem::path root, uint32_t shard_count, int lock_fd)
    : root_(std::move(root)), shard_count_(shard_count), lock_fd_(lock_fd) {}

DataDir::~DataDir() { ::close(lock_fd_); }

std::filesystem::path DataDir::ShardDir(uint32_t shard) const {
  return root_ / ShardDirName(shard);
}

}  // namespace flod::store
