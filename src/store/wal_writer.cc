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
  // The segments that may end short (the last two, wal_reader.h) reached the page cache
  // whole, as recovery read them, but perhaps not the disk if only the process crashed.
  // Syncing them lets the new segment vouch for every earlier one.
  const size_t may_end_short = std::min<size_t>(segments->size(), 2);
  for (size_t i = segments->size() - may_end_short; i < segments->size(); ++i) {
    IoStatus synced = writer->file_system_.SyncFile((*segments)[i].path);
    if (!synced.ok()) return synced;
  }
  auto file = writer->CreateSegment(next, CreateMode::kExclusive, 0);
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
  if (end >= segment_bytes_) return Rotate();
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
  {
    std::lock_guard sync_lock(sync_mu_);
    status = SyncHeld();
  }
  if (!status.ok()) {
    Healthy();  // take over the failure SyncHeld recorded
    return failure_here_;
  }
  TrimSynced();
  return IoStatus::Ok();
}

IoStatus WalWriter::Close() {
  IoStatus status = Sync();
  if (!status.ok()) return status;
  std::unique_ptr<WritableFile> prepared;
  {
    std::lock_guard sync_lock(sync_mu_);
    std::lock_guard lock(mu_);
    prepared = std::exchange(prepared_, {}).file;
    closed_ = true;  // a SyncNow still under way must not make another
  }
  if (prepared != nullptr) {
    const std::filesystem::path path = prepared->path();
    prepared.reset();
    status = file_system_.Remove(path);
    if (!status.ok()) return status;
  }
  const uint64_t written = written_.load(std::memory_order_relaxed);
  if (zero_filled_ <= written) return IoStatus::Ok();
  status = file_->Truncate(written);
  if (status.ok()) status = file_->Sync();
  if (status.ok()) zero_filled_ = written;
  return status;
}

IoStatus WalWriter::SyncNow() {
  std::lock_guard sync_lock(sync_mu_);
  IoStatus status = SyncHeld();
  if (status.ok()) PrepareNextHeld();
  return status;
}

IoStatus WalWriter::SyncHeld() {
  std::shared_ptr<WritableFile> previous;
  std::shared_ptr<WritableFile> current;
  uint64_t segment = 0;
  uint64_t written = 0;
  {
    std::lock_guard lock(mu_);
    if (failed_.load(std::memory_order_relaxed)) return failure_;
    previous = previous_;
    current = file_;
    segment = segment_;
    written = written_.load(std::memory_order_acquire);
  }
  if (previous != nullptr) {
    IoStatus status = SyncPrevious(*previous, *current, segment);
    if (!status.ok()) return status;
  }
  if (written == synced_.load(std::memory_order_relaxed)) return IoStatus::Ok();
  IoStatus status = current->Sync();
  {
    std::lock_guard lock(mu_);
    if (!status.ok()) {
      return FailLocked(status.WithContext("WAL sync up to offset " + std::to_string(written)));
    }
    // A rotation while this sync ran made `current` the previous segment.
    if (current == file_) {
      synced_.store(written, std::memory_order_release);
    } else if (current == previous_) {
      previous_synced_ = written;
    }
  }
  // Only recovery reads the WAL, so its synced pages are freed for the next writes to reuse:
  // the page cache does not grow with the log, and appends land on pages already in use.
  current->DropCached(written);
  return IoStatus::Ok();
}

IoStatus WalWriter::SyncPrevious(WritableFile& previous, WritableFile& current,
                                 uint64_t current_segment) {
  IoStatus status = previous.Sync();
  if (status.ok()) {
    std::string header;
    EncodeSegmentHeader({.shard = shard_, .segment = current_segment}, header);
    status = current.Overwrite(0, header);
  }
  uint64_t previous_end = 0;
  {
    std::lock_guard lock(mu_);
    if (!status.ok()) {
      return FailLocked(
          status.WithContext("WAL sync of segment " + std::to_string(current_segment - 1)));
    }
    previous_end = previous_end_;
    previous_.reset();
    previous_unsynced_.store(false, std::memory_order_release);
  }
  previous.DropCached(previous_end);
  return IoStatus::Ok();
}

// Only a speed-up: a rotation that finds nothing made ahead creates the segment itself.
void WalWriter::PrepareNextHeld() {
  uint64_t number = 0;
  {
    std::lock_guard lock(mu_);
    if (prepared_.file != nullptr || closed_ || failed_.load(std::memory_order_relaxed)) return;
    number = segment_ + 1;
  }
  // kTruncate: no record is ever written past the current segment, so a file with this
  // number is a leftover of an attempt that failed.
  const uint64_t zero_fill_end =
      std::max<uint64_t>(kSegmentHeaderBytes, std::min(kSegmentHeaderBytes + zero_fill_bytes_,
                                                       segment_bytes_));
  auto file =
      CreateSegment(number, CreateMode::kTruncate, kSegmentFollowsUnsynced, zero_fill_end);
  if (!file) {
    (void)file_system_.Remove(dir_ / SegmentFileName(number));
    return;
  }
  std::lock_guard lock(mu_);
  prepared_ = {std::move(*file), zero_fill_end};
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
  unsynced_.push_back(WrittenChunk{segment_, end, std::move(buffer_)});
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
  const bool previous_unsynced = previous_unsynced_.load(std::memory_order_acquire);
  const uint64_t synced = synced_.load(std::memory_order_acquire);
  auto durable = [&](const WrittenChunk& chunk) {
    if (chunk.segment == segment_) return chunk.end <= synced;
    return !previous_unsynced || chunk.segment + 1 < segment_;
  };
  while (!unsynced_.empty() && durable(unsynced_.front())) {
    Recycle(std::move(unsynced_.front().bytes));
    unsynced_.pop_front();
  }
}

IoExpected<std::unique_ptr<WritableFile>> WalWriter::CreateSegment(uint64_t number,
                                                                   CreateMode mode,
                                                                   uint16_t flags,
                                                                   uint64_t zero_fill_end) {
  auto file = file_system_.Create(dir_ / SegmentFileName(number), mode);
  if (!file) return file.status();
  std::string header;
  EncodeSegmentHeader({.flags = flags, .shard = shard_, .segment = number}, header);
  IoStatus status = (*file)->Append(header);
  if (status.ok() && zero_fill_end > kSegmentHeaderBytes) {
    (void)(*file)->ZeroFill(zero_fill_end);  // a speed-up only, as in ZeroFillAhead
  }
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
  previous_.reset();
  previous_unsynced_.store(false, std::memory_order_release);
  for (WrittenChunk& chunk : unsynced_) Recycle(std::move(chunk.bytes));
  unsynced_.clear();
}

// The full segment stays behind as previous_ for SyncHeld to sync; only if the one before
// it is still waiting, or nothing was made ahead, does the owner thread wait for I/O here.
IoStatus WalWriter::Rotate() {
  std::unique_lock sync_lock(sync_mu_, std::defer_lock);
  MadeAhead next;
  {
    std::lock_guard lock(mu_);
    if (previous_ == nullptr) next = std::exchange(prepared_, {});
  }
  if (next.file == nullptr) {
    sync_lock.lock();
    IoStatus status = SyncHeld();
    if (!status.ok()) {
      Healthy();  // take over the failure SyncHeld recorded
      return failure_here_;
    }
    {
      std::lock_guard lock(mu_);
      next = std::exchange(prepared_, {});
    }
    if (next.file == nullptr) {
      auto created = CreateSegment(segment_ + 1, CreateMode::kTruncate, kSegmentFollowsUnsynced);
      if (!created) return Fail(created.status().WithContext("WAL rotation"));
      next.file = std::move(*created);
    }
  }
  std::lock_guard lock(mu_);
  previous_ = std::move(file_);
  previous_synced_ = synced_.load(std::memory_order_relaxed);
  previous_end_ = written_.load(std::memory_order_relaxed);
  previous_unsynced_.store(true, std::memory_order_release);
  file_ = std::move(next.file);
  ++segment_;
  zero_filled_ = next.zero_filled;
  written_.store(kSegmentHeaderBytes, std::memory_order_release);
  synced_.store(kSegmentHeaderBytes, std::memory_order_release);
  return IoStatus::Ok();
}

IoStatus WalWriter::TryRecover() {
  if (Healthy()) return IoStatus::Ok();
  std::lock_guard sync_lock(sync_mu_);
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
  // Cut the oldest segment with unsynced bytes back to its last synced offset: it ends on a
  // record boundary and holds only bytes known to be on disk, so it can safely stop being
  // the last segment. A current segment after it is replaced below.
  const bool cut_previous = previous_ != nullptr;
  const uint64_t cut_segment = cut_previous ? segment_ - 1 : segment_;
  const uint64_t durable =
      cut_previous ? previous_synced_ : synced_.load(std::memory_order_relaxed);
  WritableFile& cut = cut_previous ? *previous_ : *file_;
  IoStatus status = cut.Truncate(durable);
  if (status.ok()) status = cut.Sync();
  if (!status.ok()) return status;

  // kTruncate: the number may be the current segment's, the one made ahead, or a leftover of
  // an earlier failed attempt; none holds anything worth keeping.
  prepared_ = {};
  auto next = CreateSegment(cut_segment + 1, CreateMode::kTruncate, 0);
  if (!next) return next.status();
  uint64_t size = kSegmentHeaderBytes;
  // A sync covers whole chunks: it reaches what `written_` said, which is a chunk's end.
  for (const WrittenChunk& chunk : unsynced_) {
    if (chunk.segment < cut_segment || (chunk.segment == cut_segment && chunk.end <= durable)) {
      continue;
    }
    assert(chunk.segment > cut_segment || chunk.end - chunk.bytes.size() >= durable);
    status = (*next)->Append(chunk.bytes);
    if (!status.ok()) return status;
    size += chunk.bytes.size();
  }
  status = (*next)->Append(buffer_);
  if (status.ok()) status = (*next)->Sync();
  if (!status.ok()) return status;

  size += buffer_.size();
  InstallLocked(cut_segment + 1, std::move(*next), size);
  buffer_.clear();
  return IoStatus::Ok();
}

IoStatus WalWriter::DeleteSegmentsBefore(uint64_t segment) {
  auto segments = ListSegments(dir_);
  if (!segments) return segments.status();
  return RemoveNumberedFiles(file_system_, dir_, *segments, 0, std::min(segment, segment_));
}

}  // namespace flod::store
