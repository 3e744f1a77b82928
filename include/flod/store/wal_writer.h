#pragma once
// Appends records to one shard's WAL: <shard dir>/wal-<16 hex>.log segments (wal_format.h).
//
// Life of a record: Append encodes it into an in-memory buffer (no system call); Flush hands
// everything buffered to one write(2); Sync (or SyncNow from a background thread) makes it
// durable with fdatasync, after which its pages leave the page cache (only recovery reads them
// again). When a Flush leaves the segment at or above segment_bytes, the writer goes on in the
// next segment at once: SyncNow keeps one created ahead, so rotation does no I/O on the
// owner thread. The full segment is synced by the next sync, which then clears the new
// segment's kSegmentFollowsUnsynced flag before any of its records can be synced. So only
// the last segment, or the last two while the last is flagged, may end short after a crash.
//
// Threads: one owner thread (the shard's) calls everything except SyncNow. SyncNow may be
// called from one other thread at any time (the async_flush ticker). Append and Flush never
// wait for it; Sync, TryRecover and a rotation that finds no segment made ahead (or the one
// before still unsynced) wait for a SyncNow in progress. Stop calling SyncNow before
// destroying the writer.
//
// Failure is sticky. After a failed write or fdatasync (ENOSPC, EIO) the bytes on disk are
// not known, so Append, Flush and Sync return that failure until TryRecover succeeds; Append
// then buffers nothing. A failure seen by SyncNow reaches the owner thread at its next
// Flush, Sync, Healthy or TryRecover call, never in the middle of a sequence of Appends: a
// shard that checks Healthy() before a mutation can rely on the following Append.
//
// Recovery rule: the writer keeps every byte written since the last successful fdatasync.
// TryRecover cuts the oldest segment holding unsynced bytes back to its last synced offset
// (always a record boundary), syncs it, starts a fresh segment after it and writes into it
// all those kept bytes plus everything still buffered, then syncs. So no record that was
// written, even if only acknowledged after write(2), is lost or left half-written, and none is
// written twice. Positions handed out before a TryRecover may move to the new segment; a
// snapshot must only name a position read right after a successful Sync() (those never move).

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "flod/store/file_system.h"
#include "flod/store/io_status.h"
#include "flod/store/wal_format.h"

namespace flod::store {

struct WalWriterOptions {
  // A Flush that leaves the segment at least this big moves on to the next segment.
  uint64_t segment_bytes = 64u << 20;
  // Where files are created; nullptr means PosixFileSystem(). Must outlive the writer.
  FileSystem* file_system = nullptr;
  // How far ahead of the append point the segment is kept filled with zeros (0: never).
  // Appends then overwrite blocks that are already allocated and written, so the fdatasync
  // of each flush carries no metadata: one every few MiB does instead. The unused zeros after
  // the last record are what WalReader reports as an unused tail.
  uint64_t zero_fill_bytes = 0;
};

class WalWriter {
 public:
  // Creates `shard_dir` if needed, syncs the last two existing segments and starts a fresh
  // segment numbered one past the highest existing one (1 in an empty directory); existing
  // segments are never appended to. Run recovery (WalReader, CutAt) before opening, so the
  // old last segments have no torn tail.
  static IoExpected<std::unique_ptr<WalWriter>> Open(std::filesystem::path shard_dir,
                                                     uint32_t shard, WalWriterOptions options = {});
  // Closes the segment file. Buffered records are dropped: call Sync() first to keep them.
  ~WalWriter();
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Encodes one record into the buffer. kInvalidArgument for type 0 or a payload over
  // kMaxRecordBytes (not sticky); the sticky failure while the writer is failed.
  IoStatus Append(uint16_t type, std::string_view payload);
  // One write(2) of everything buffered, then rotation if the segment is full.
  IoStatus Flush();
  // Flush, then fdatasync: every record appended so far is durable when this returns OK.
  IoStatus Sync();
  // Sync, then cuts the zeros kept ahead of the records (see zero_fill_bytes) and removes
  // the segment made ahead: for a clean stop, after which the last segment ends at its last
  // record. The writer is not used again, except by a SyncNow already under way.
  IoStatus Close();
  // fdatasync of what earlier Flushes wrote (the full segment before the current one first,
  // if it is still unsynced); skipped when nothing new was written. Then creates the next
  // segment ahead if there is none. Callable from one thread besides the owner. Returns the
  // sticky failure while failed.
  IoStatus SyncNow();
  // Any thread: whether bytes that Flush wrote still wait for an fdatasync.
  bool HasUnsynced() const {
    return previous_unsynced_.load(std::memory_order_acquire) ||
           written_.load(std::memory_order_acquire) != synced_.load(std::memory_order_acquire);
  }
  // OK when healthy, or when the recovery rule above succeeded; otherwise the failure of this
  // attempt (the writer stays failed and a later call may retry).
  IoStatus TryRecover();

  // False once a failure happened here or in SyncNow; then status() says which.
  bool Healthy();
  IoStatus status();

  // Where the next appended record goes (buffered records included).
  WalPosition position() const;
  uint64_t buffered_bytes() const { return buffer_.size(); }
  // Bytes appended (header + payload of each record) since the last Mark(); for the
  // snapshot threshold. Not changed by rotation or TryRecover.
  void Mark() { mark_ = appended_bytes_; }
  uint64_t BytesSinceMark() const { return appended_bytes_ - mark_; }

  // Removes segments numbered below `segment` (never the current one), then syncs the
  // directory. For after a snapshot that covers them.
  IoStatus DeleteSegmentsBefore(uint64_t segment);

  const std::filesystem::path& shard_dir() const { return dir_; }
  FileSystem& file_system() const { return file_system_; }
  uint64_t segment() const { return segment_; }
  std::filesystem::path segment_path() const;

 private:
  WalWriter(std::filesystem::path shard_dir, uint32_t shard, const WalWriterOptions& options);

  // Creates segment `number` holding its header, zero-filled up to `zero_fill_end` (if past
  // the header), synced, with its name synced in the directory.
  IoExpected<std::unique_ptr<WritableFile>> CreateSegment(uint64_t number, CreateMode mode,
                                                          uint16_t flags,
                                                          uint64_t zero_fill_end = 0);
  void InstallLocked(uint64_t number, std::unique_ptr<WritableFile> file, uint64_t size);
  // The sync itself; sync_mu_ held.
  IoStatus SyncHeld();
  // Syncs the previous segment, then rewrites the current one's header without
  // kSegmentFollowsUnsynced; sync_mu_ held.
  IoStatus SyncPrevious(WritableFile& previous, WritableFile& current, uint64_t current_segment);
  // Creates the next segment ahead unless there is one; sync_mu_ held.
  void PrepareNextHeld();
  IoStatus FailLocked(IoStatus failure);
  IoStatus Fail(IoStatus failure);
  IoStatus Rotate();
  IoStatus RecoverLocked();
  void TrimSynced();
  void ZeroFillAhead(uint64_t end);

  const std::filesystem::path dir_;
  const uint32_t shard_;
  const uint64_t segment_bytes_;
  const uint64_t zero_fill_bytes_;
  FileSystem& file_system_;
  uint64_t zero_filled_ = 0;  // the current segment holds zeros up to here; owner thread

  // What one Flush wrote: kept until a sync covers it, for the recovery rule.
  struct WrittenChunk {
    uint64_t segment = 0;
    uint64_t end = 0;  // segment offset just past the chunk
    std::string bytes;
  };
  // Moves the written buffer into unsynced_ and gives buffer_ a spare one, so no byte is
  // copied to be kept.
  void KeepWritten(uint64_t end);
  // Hands a chunk's buffer back for reuse as buffer_.
  void Recycle(std::string bytes);

  // Owner thread only.
  std::string buffer_;                   // appended, not yet written
  std::deque<WrittenChunk> unsynced_;    // written, not known durable, in order
  std::vector<std::string> spare_;       // empty buffers with their capacity kept
  uint64_t appended_bytes_ = 0;
  uint64_t mark_ = 0;
  bool failed_here_ = false;  // the owner thread's view of failed_
  IoStatus failure_here_;

  // Serialises the fdatasyncs and segment creation of SyncNow, Sync, TryRecover and a
  // rotation without a segment made ahead. Taken before mu_.
  std::mutex sync_mu_;
  // Guards what SyncNow shares with the owner; held only to read or swap, never across I/O.
  // file_ and segment_ change only on the owner thread, under mu_.
  std::mutex mu_;
  std::shared_ptr<WritableFile> file_;
  uint64_t segment_ = 0;
  std::shared_ptr<WritableFile> previous_;  // the full segment before file_, until synced
  uint64_t previous_synced_ = 0;            // bytes of previous_ known durable
  uint64_t previous_end_ = 0;               // its size
  struct MadeAhead {
    std::unique_ptr<WritableFile> file;  // segment_ + 1, made ahead by SyncNow
    uint64_t zero_filled = kSegmentHeaderBytes;
  };
  MadeAhead prepared_;
  bool closed_ = false;  // Close() ran: nothing more is made ahead
  std::atomic<bool> previous_unsynced_{false};  // previous_ is set
  std::atomic<uint64_t> written_{0};  // bytes of the current segment fully written
  std::atomic<uint64_t> synced_{0};   // bytes of the current segment known durable
  std::atomic<bool> failed_{false};
  IoStatus failure_;  // guarded by mu_
};

}  // namespace flod::store
