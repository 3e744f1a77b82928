#include "flod/store/wal_writer.h"

#include <algorithm>
#include <cassert>

#include <system_error>
#include <utility>

#include "flod/store/file_names.h"

namespace flod::store {

IoExpected<std::unique_ptr<WalWriter>> WalWriter::Open(std::filesystem::path shard_dir,
                                                       uint32_t shard, WalWriterOptions options) {
  std::error_code error;
  std::filesystem::create_directories(shard_dir, error);
  if (error) return IoStatus::FromErrno(error.value(), "create directory", shard_dir);
  auto segments = ListSegments(shard_dir);
  if (!segments) return segments.status();
  const uint64_t next = segments->empty() ? 1 : segments->back().number + 1;

  std::unique_ptr<WalWriter> writer(new WalWriter(std::move(shard_dir), shard, options));
  auto file = writer->CreateSegment(next, CreateMode::kExclusive);
  if (!file) {
    // A headerless segment would stop being the last one after the next successful Open.
    writer->file_system_.Remove(writer->dir_ / SegmentFileName(next));
    return file.status();
  }
  std::lock_guard lock(writer->mu_);
  writer->InstallLocked(next, std::move(*file), kSegmentHeaderBytes);
  return writer;
}

WalWriter::WalWriter(std::filesystem::path shard_dir, uint32_t shard,
                     const WalWriterOptions& options)
    : dir_(std::move(shard_dir)),
      shard_(shard),
      segment_bytes_(options.segment_bytes),
      zero_fill_bytes_(options.zero_fill_bytes),
      file_system_(options.file_system != nullptr ? *options.file_system : PosixFileSystem()) {}

WalWriter::~WalWriter() = default;

std::filesystem::path WalWriter::segment_path() const { return dir_ / SegmentFileName(segment_); }

IoStatus WalWriter::Append(uint16_t type, std::string_view payload) {
  if (failed_here_) return failure_here_;
  if (type == kInvalidRecordType) {
    return IoStatus::InvalidArgument("WAL record type 0 is reserved");
  }
  if (payload.size() > kMaxRecordBytes) {
    return IoStatus::InvalidArgument("WAL record of " + std::to_string(payload.size()) +
                                     " bytes is over the limit of " +
                                     std::to_string(kMaxRecordBytes));
  }
  EncodeRecord(type, payload, buffer_);
  appended_bytes_ += EncodedRecordBytes(payload.size());
  return IoStatus::Ok();
}

IoStatus WalWriter::Flush() {
  if (!Healthy()) return failure_here_;
  if (buffer_.empty()) return IoStatus::Ok();
  const uint64_t offset = written_.load(std::memory_order_relaxed);
  IoStatus status = file_->Append(buffer_);
  if (!status.ok()) {
    // Part of the buffer may be in the file now; TryRecover cuts it off.
    return Fail(status.WithContext("WAL write of " + std::to_string(buffer_.size()) +
                                   " bytes at offset " + std::to_string(offset)));
  }
  const uint64_t end = offset + buffer_.size();
  KeepWritten(end);
  written_.store(end, std::memory_order_release);
  TrimSynced();
  if (written_.load(std::memory_order_relaxed) >= segment_bytes_) return Rotate();
  ZeroFillAhead(end);
  return IoStatus::Ok();
}

// Refills in steps of half the distance, so a flush of a few records rarely writes zeros.
// Only a speed-up: after a failure appends go on into fresh blocks, and a full disk shows in
// the next Flush. The attempt counts either way, so a failure is not retried every flush.
void WalWriter::ZeroFillAhead(uint64_t end) {
  if (zero_fill_bytes_ == 0 || end + zero_fill_bytes_ / 2 <= zero_filled_) return;
  const uint64_t target = std::min(end + zero_fill_bytes_, segment_bytes_);
  if (target <= zero_filled_) return;
  zero_filled_ = target;
  (void)file_->ZeroFill(target);
}

IoStatus WalWriter::Sync() {
  IoStatus status = Flush();
  if (!status.ok()) return status;
  status = SyncNow();
  if (!status.ok()) {
    Healthy();  // take over the failure SyncNow recorded
    return failure_here_;
  }
  TrimSynced();
  return IoStatus::Ok();
}

IoStatus WalWriter::Close() {
  IoStatus status = Sync();
  if (!status.ok()) return status;
  const uint64_t written = written_.load(std::memory_order_relaxed);
  if (zero_filled_ <= written) return IoStatus::Ok();
  status = file_->Truncate(written);
  if (status.ok()) status = file_->Sync();
  if (status.ok()) zero_filled_ = written;
  return status;
}

IoStatus WalWriter::SyncNow() {
  std::lock_guard lock(mu_);
  return SyncLocked();
}

IoStatus WalWriter::SyncLocked() {
  if (failed_.load(std::memory_order_relaxed)) return failure_;
  const uint64_t written = written_.load(std::memory_order_acquire);
  if (written == synced_.load(std::memory_order_relaxed)) return IoStatus::Ok();
  IoStatus status = file_->Sync();
  if (!status.ok()) {
    return FailLocked(status.WithContext("WAL sync up to offset " + std::to_string(written)));
  }
  synced_.store(written, std::memory_order_release);
  // Only recovery reads the WAL, so its synced pages are freed for the next writes to reuse:
  // the page cache does not grow with the log, and appends land on pages already in use.
  file_->DropCached(written);
  return IoStatus::Ok();
}

bool WalWriter::Healthy() {
  if (failed_here_) return false;
  if (!failed_.load(std::memory_order_acquire)) return true;
  std::lock_guard lock(mu_);
  failed_here_ = true;
  failure_here_ = failure_;
  return false;
}

IoStatus WalWriter::status() { return Healthy() ? IoStatus::Ok() : failure_here_; }

IoStatus WalWriter::Fail(IoStatus failure) {
  std::lock_guard lock(mu_);
  FailLocked(std::move(failure));
  failed_here_ = true;
  failure_here_ = failure_;
  return failure_here_;
}

IoStatus WalWriter::FailLocked(IoStatus failure) {
  if (!failed_.load(std::memory_order_relaxed)) {  // the first failure explains the rest
    failure_ = std::move(failure);
    failed_.store(true, std::memory_order_release);
  }
  return failure_;
}

WalPosition WalWriter::position() const {
  return {segment_, written_.load(std::memory_order_relaxed) + buffer_.size()};
}

namespace {

// Spare buffers kept for reuse, and the largest capacity worth keeping: enough for the
// chunks of a few sync periods without holding on to the memory of one huge record.
constexpr size_t kMaxSpareBuffers = 8;
constexpr size_t kMaxSpareCapacity = 4u << 20;

}  // namespace

void WalWriter::KeepWritten(uint64_t end) {
  unsynced_.push_back(WrittenChunk{end, std::move(buffer_)});
  if (spare_.empty()) {
    buffer_ = std::string();
  } else {
    buffer_ = std::move(spare_.back());
    spare_.pop_back();
  }
}

void WalWriter::Recycle(std::string bytes) {
  if (spare_.size() >= kMaxSpareBuffers || bytes.capacity() > kMaxSpareCapacity) return;
  bytes.clear();
  spare_.push_back(std::move(bytes));
}

void WalWriter::TrimSynced() {
  const uint64_t synced = synced_.load(std::memory_order_acquire);
  while (!unsynced_.empty() && unsynced_.front().end <= synced) {
    Recycle(std::move(unsynced_.front().bytes));
    unsynced_.pop_front();
  }
}

IoExpected<std::unique_ptr<WritableFile>> WalWriter::CreateSegment(uint64_t number,
                                                                   CreateMode mode) {
  auto file = file_system_.Create(dir_ / SegmentFileName(number), mode);
  if (!file) return file.status();
  std::string header;
  EncodeSegmentHeader({kWalFormatVersion, shard_, number}, header);
  IoStatus status = (*file)->Append(header);
  if (status.ok()) status = (*file)->Sync();
  // The new name must be durable too, or a crash could lose a segment holding synced records.
  if (status.ok()) status = file_system_.SyncDir(dir_);
  if (!status.ok()) return status;
  return std::move(*file);
}

void WalWriter::InstallLocked(uint64_t number, std::unique_ptr<WritableFile> file, uint64_t size) {
  file_ = std::move(file);
  segment_ = number;
  zero_filled_ = size;
  written_.store(size, std::memory_order_release);
  synced_.store(size, std::memory_order_release);
  for (WrittenChunk& chunk : unsynced_) Recycle(std::move(chunk.bytes));
  unsynced_.clear();
}

IoStatus WalWriter::Rotate() {
  std::lock_guard lock(mu_);
  // Only the last segment may end in a torn record, so the full one is made durable first.
  IoStatus status = SyncLocked();
  if (status.ok()) {
    auto next = CreateSegment(segment_ + 1, CreateMode::kExclusive);
    if (next) {
      InstallLocked(segment_ + 1, std::move(*next), kSegmentHeaderBytes);
      return IoStatus::Ok();
    }
    FailLocked(next.status().WithContext("WAL rotation"));
  }
  failed_here_ = true;
  failure_here_ = failure_;
  return failure_here_;
}

IoStatus WalWriter::TryRecover() {
  if (Healthy()) return IoStatus::Ok();
  std::lock_guard lock(mu_);
  IoStatus status = RecoverLocked();
  if (!status.ok()) return status.WithContext("WAL recovery failed");
  failure_ = IoStatus::Ok();
  failed_.store(false, std::memory_order_release);
  failed_here_ = false;
  failure_here_ = IoStatus::Ok();
  return IoStatus::Ok();
}

IoStatus WalWriter::RecoverLocked() {
  // Cut the failed segment back to its last synced offset: it ends on a record boundary and
  // holds only bytes known to be on disk, so it can safely stop being the last segment.
  const uint64_t durable = synced_.load(std::memory_order_relaxed);
  IoStatus status = file_->Truncate(durable);
  if (status.ok()) status = file_->Sync();
  if (!status.ok()) return status;

  // kTruncate: a segment left by an earlier failed attempt holds nothing worth keeping.
  auto next = CreateSegment(segment_ + 1, CreateMode::kTruncate);
  if (!next) return next.status();
  uint64_t size = kSegmentHeaderBytes;
  // A sync covers whole chunks: it reaches what `written_` said, which is a chunk's end.
  for (const WrittenChunk& chunk : unsynced_) {
    if (chunk.end <= durable) continue;
    assert(chunk.end - chunk.bytes.size() >= durable);
    status = (*next)->Append(chunk.bytes);
    if (!status.ok()) return status;
    size += chunk.bytes.size();
  }
  status = (*next)->Append(buffer_);
  if (status.ok()) status = (*next)->Sync();
  if (!status.ok()) return status;

  size += buffer_.size();
  InstallLocked(segment_ + 1, std::move(*next), size);
  buffer_.clear();
  return IoStatus::Ok();
}

IoStatus WalWriter::DeleteSegmentsBefore(uint64_t segment) {
  auto segments = ListSegments(dir_);
  if (!segments) return segments.status();
  bool removed = false;
  for (const NumberedFile& file : *segments) {
    if (file.number >= segment || file.number >= segment_) break;
    IoStatus status = file_system_.Remove(file.path);
    if (!status.ok()) return status;
    removed = true;
  }
  return removed ? file_system_.SyncDir(dir_) : IoStatus::Ok();
}

}  // namespace flod::store
