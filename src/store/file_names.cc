#include "flod/store/file_names.h"

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace flod::store {
namespace {

std::string NumberedName(std::string_view prefix, uint64_t number, std::string_view suffix) {
  char digits[17];
  std::snprintf(digits, sizeof(digits), "%016llx", static_cast<unsigned long long>(number));
  return std::string(prefix) + digits + std::string(suffix);
}

std::optional<uint64_t> ParseNumbered(std::string_view name, std::string_view prefix,
                                      std::string_view suffix) {
  constexpr size_t kDigits = 16;
  if (name.size() != prefix.size() + kDigits + suffix.size()) return std::nullopt;
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
  uint64_t value = 0;
  for (char c : name.substr(prefix.size(), kDigits)) {
    uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint64_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

template <typename Parse>
IoExpected<std::vector<NumberedFile>> ListNumbered(const std::filesystem::path& dir, Parse parse) {
  std::vector<NumberedFile> files;
  std::error_code error;
  std::filesystem::directory_iterator it(dir, error);
  if (error == std::errc::no_such_file_or_directory) return files;
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (auto number = parse(it->path().filename().string())) {
      files.push_back({*number, it->path()});
    }
  }
  if (error) return IoStatus::FromErrno(error.value(), "list directory", dir);
  std::sort(files.begin(), files.end(),
            [](const NumberedFile& a, const NumberedFile& b) { return a.number < b.number; });
  return files;
}

}  // namespace

std::string ShardDirName(uint32_t shard) { return "shard-" + std::to_string(shard); }

std::string SegmentFileName(uint64_t segment) { return NumberedName("wal-", segment, ".log"); }

std::string SnapshotFileName(uint64_t id) { return NumberedName("snap-", id, ".snap"); }

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  return ParseNumbered(name, "wal-", ".log");
}

std::optional<uint64_t> ParseSnapshotFileName(std::string_view name) {
  return ParseNumbered(name, "snap-", ".snap");
}

IoExpected<std::vector<NumberedFile>> ListSegments(const std::filesystem::path& dir) {
  return ListNumbered(dir, ParseSegmentFileName);
}

IoExpected<std::vector<NumberedFile>> ListSnapshots(const std::filesystem::path& dir) {
  return ListNumbered(dir, ParseSnapshotFileName);
}

uint64_t FileBytesOrZero(const std::filesystem::path& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  return error ? 0 : size;
}

}  // namespace flod::store
