#include "flod/store/snapshot_writer.h"

#include <system_error>
#include <utility>

#include "flod/store/crc32c.h"
#include "flod/store/file_names.h"
#include "snapshot_format.h"

namespace flod::store {
namespace {

constexpr size_t kWriteChunk = 1u << 20;
// Every this many bytes the file is synced and its pages leave the page cache, so a large
// snapshot cycles through a few megabytes of cache instead of claiming fresh pages for all
// of it (only recovery reads a snapshot).
constexpr uint64_t kDropEvery = 8u << 20;

FileSystem& Resolve(FileSystem* file_system) {
  return file_system != nullptr ? *file_system : PosixFileSystem();
}

}  // namespace

IoExpected<std::unique_ptr<SnapshotWriter>> SnapshotWriter::Create(std::filesystem::path shard_dir,
                                                                   uint32_t shard,
                                                                   WalPosition covered,
                                                                   FileSystem* file_system) {
  std::error_code error;
  std::filesystem::create_directories(shard_dir, error);
  if (error) return IoStatus::FromErrno(error.value(), "create directory", shard_dir);
  auto existing = ListSnapshots(shard_dir);
  if (!existing) return existing.status();
  const uint64_t id = existing->empty() ? 1 : existing->back().number + 1;

  FileSystem& fs = Resolve(file_system);
  auto file = fs.Create(shard_dir / kSnapshotTempName, CreateMode::kTruncate);
  if (!file) return file.status();
  std::unique_ptr<SnapshotWriter> writer(new SnapshotWriter(std::move(shard_dir), id, fs));
  writer->file_ = std::move(*file);
  EncodeSnapshotHeader({shard, covered}, writer->buffer_);
  return writer;
}

SnapshotWriter::SnapshotWriter(std::filesystem::path shard_dir, uint64_t id,
                               FileSystem& file_system)
    : dir_(std::move(shard_dir)), id_(id), file_system_(file_system) {}

SnapshotWriter::~SnapshotWriter() {
  if (!committed_) {
    file_.reset();
    file_system_.Remove(dir_ / kSnapshotTempName);  // best effort; a leftover is harmless
  }
}

IoStatus SnapshotWriter::Add(uint16_t type, std::string_view payload) {
  if (spent_) return IoStatus::InvalidArgument("snapshot already committed");
  if (!failure_.ok()) return failure_;
  if (type == kInvalidRecordType) {
    return IoStatus::InvalidArgument("snapshot record type 0 is reserved");
  }
  if (payload.size() > kMaxRecordBytes) {
    return IoStatus::InvalidArgument("snapshot record of " + std::to_string(payload.size()) +
                                     " bytes is over the limit of " +
                                     std::to_string(kMaxRecordBytes));
  }
  const size_t start = buffer_.size();
  EncodeRecord(type, payload, buffer_);
  const std::string_view record = std::string_view(buffer_).substr(start);
  body_crc_ = Crc32cExtend(body_crc_, record);
  body_bytes_ += record.size();
  ++record_count_;
  return buffer_.size() >= kWriteChunk ? WriteBuffer() : IoStatus::Ok();
}

IoStatus SnapshotWriter::WriteBuffer() {
  IoStatus status = file_->Append(buffer_);
  written_bytes_ += buffer_.size();
  buffer_.clear();
  if (status.ok() && written_bytes_ - dropped_bytes_ >= kDropEvery) status = SyncAndDrop();
  if (!status.ok()) failure_ = status.WithContext("snapshot write");
  return failure_;
}

IoStatus SnapshotWriter::SyncAndDrop() {
  // The last write may have synced already (Commit's trailer crossing the 8 MiB mark).
  if (dropped_bytes_ == written_bytes_) return IoStatus::Ok();
  IoStatus status = file_->Sync();
  if (!status.ok()) return status;
  file_->DropCached(written_bytes_);
  dropped_bytes_ = written_bytes_;
  return status;
}

IoExpected<SnapshotInfo> SnapshotWriter::Commit() {
  if (spent_) return IoStatus::InvalidArgument("snapshot already committed");
  spent_ = true;
  IoStatus status = failure_;
  if (status.ok()) {
    EncodeSnapshotTrailer({record_count_, body_bytes_, body_crc_}, buffer_);
    status = WriteBuffer();
  }
  if (status.ok()) status = SyncAndDrop();
  file_.reset();
  const std::filesystem::path temp = dir_ / kSnapshotTempName;
  const std::filesystem::path final_path = dir_ / SnapshotFileName(id_);
  if (status.ok()) status = file_system_.Rename(temp, final_path);
  if (status.ok()) status = file_system_.SyncDir(dir_);
  if (!status.ok()) return status;  // the destructor removes snap.tmp
  committed_ = true;
  return SnapshotInfo{id_, final_path, record_count_};
}

IoStatus DeleteSnapshotsBefore(const std::filesystem::path& shard_dir, uint64_t id,
                               FileSystem* file_system) {
  auto snapshots = ListSnapshots(shard_dir);
  if (!snapshots) return snapshots.status();
  return RemoveNumberedFiles(Resolve(file_system), shard_dir, *snapshots, 0, id);
}

}  // namespace flod::store
