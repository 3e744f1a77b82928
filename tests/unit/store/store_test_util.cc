#include "store_test_util.h"

#include <errno.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace flod::store::testing {

std::string ReadFileBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << file;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFileBytes(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << "cannot write " << file;
}

uint64_t FileSize(const std::filesystem::path& file) { return std::filesystem::file_size(file); }

void IncrementByte(const std::filesystem::path& file, uint64_t offset, int delta) {
  std::string bytes = ReadFileBytes(file);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] = static_cast<char>(bytes[offset] + delta);
  WriteFileBytes(file, bytes);
}

void ShrinkFile(const std::filesystem::path& file, uint64_t bytes) {
  std::filesystem::resize_file(file, FileSize(file) - bytes);
}

void AppendToFile(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void OverwriteAt(const std::filesystem::path& file, uint64_t offset, std::string_view bytes) {
  std::string content = ReadFileBytes(file);
  ASSERT_LE(offset + bytes.size(), content.size());
  std::copy(bytes.begin(), bytes.end(), content.begin() + static_cast<std::ptrdiff_t>(offset));
  WriteFileBytes(file, content);
}

WalContents ReadWal(const std::filesystem::path& shard_dir, uint32_t shard, WalPosition start) {
  WalContents contents;
  WalReader reader(shard_dir, shard, start);
  while (auto record = reader.Next()) {
    contents.types.push_back(record->type);
    contents.payloads.emplace_back(record->payload);
    contents.positions.push_back(record->position);
  }
  contents.problem = reader.problem();
  return contents;
}

namespace {

class FaultyFile final : public WritableFile {
 public:
  FaultyFile(std::unique_ptr<WritableFile> base, FaultyFileSystem& owner)
      : base_(std::move(base)), owner_(owner) {}

  IoStatus Append(std::string_view data) override {
    ++owner_.appends;
    if (owner_.write_budget < 0) return base_->Append(data);
    const auto fits = std::min<uint64_t>(data.size(), static_cast<uint64_t>(owner_.write_budget));
    IoStatus status = base_->Append(data.substr(0, fits));
    owner_.write_budget -= static_cast<int64_t>(fits);
    if (!status.ok() || fits == data.size()) return status;
    return IoStatus::FromErrno(ENOSPC, "write", path());
  }

  IoStatus Overwrite(uint64_t offset, std::string_view data) override {
    ++owner_.overwrites;
    if (owner_.failing_overwrites > 0) {
      --owner_.failing_overwrites;
      return IoStatus::FromErrno(EIO, "overwrite", path());
    }
    return base_->Overwrite(offset, data);
  }

  IoStatus Sync() override {
    ++owner_.syncs;
    if (owner_.failing_syncs > 0) {
      --owner_.failing_syncs;
      return IoStatus::FromErrno(EIO, "fdatasync", path());
    }
    return base_->Sync();
  }

  void DropCached(uint64_t end) override {
    owner_.dropped_until = end;
    base_->DropCached(end);
  }

  IoStatus ZeroFill(uint64_t end) override {
    ++owner_.zero_fills;
    if (owner_.failing_zero_fills > 0) {
      --owner_.failing_zero_fills;
      return IoStatus::FromErrno(ENOSPC, "zero-fill", path());
    }
    return base_->ZeroFill(end);
  }
  IoStatus Truncate(uint64_t size) override { return base_->Truncate(size); }
  const std::filesystem::path& path() const override { return base_->path(); }

 private:
  std::unique_ptr<WritableFile> base_;
  FaultyFileSystem& owner_;
};

}  // namespace

IoExpected<std::unique_ptr<WritableFile>> FaultyFileSystem::Create(
    const std::filesystem::path& file, CreateMode mode) {
  if (failing_creates > 0) {
    --failing_creates;
    return IoStatus::FromErrno(ENOSPC, "create", file);
  }
  auto base = PosixFileSystem().Create(file, mode);
  if (!base) return base.status();
  return std::unique_ptr<WritableFile>(std::make_unique<FaultyFile>(std::move(*base), *this));
}

IoStatus FaultyFileSystem::SyncDir(const std::filesystem::path& dir) {
  return PosixFileSystem().SyncDir(dir);
}

IoStatus FaultyFileSystem::SyncFile(const std::filesystem::path& file) {
  ++file_syncs;
  if (failing_syncs > 0) {
    --failing_syncs;
    return IoStatus::FromErrno(EIO, "fdatasync", file);
  }
  return PosixFileSystem().SyncFile(file);
}

IoStatus FaultyFileSystem::Rename(const std::filesystem::path& from,
                                  const std::filesystem::path& to) {
  return PosixFileSystem().Rename(from, to);
}

IoStatus FaultyFileSystem::Remove(const std::filesystem::path& file) {
  if (failing_removes > 0) {
    --failing_removes;
    return IoStatus::FromErrno(EACCES, "remove", file);
  }
  return PosixFileSystem().Remove(file);
}

}  // namespace flod::store::testing
