#pragma once
// Reads one shard's WAL back, segment after segment, for recovery.
//
// What can go wrong, and what the caller does about it (docs/wal-format.md):
// Which segments may end short: the last one, and the one before it too while the last one's
// header carries kSegmentFollowsUnsynced (or never fully reached the disk), because the
// writer began the last before the one before it was synced (WalWriter, rotation).
//
//   - Unused tail: nothing but zeros after the last whole record of a segment that may end
//     short, the space the writer fills ahead of itself (WalWriterOptions::zero_fill_bytes).
//     Nothing was lost; the caller calls CutAt(problem), so only the last segment ever has
//     one.
//   - Torn tail: a segment that may end short ends in something that is not a whole valid
//     record and no valid record follows it: a header or payload cut short, a checksum
//     mismatch, or zeros in the middle of a record; or the last segment's header never fully
//     reached the disk; or an unused tail in the segment before the last while the last
//     holds records. This is what a crash in the middle of a write leaves. The caller logs it,
//     calls CutAt(problem) and carries on: nothing after that point was ever made durable in
//     order.
//   - Corruption: a bad record with a valid record somewhere after it, any damage in a
//     segment that may not end short, a missing segment, or a header naming another shard or
//     segment. Bytes that were once durable are gone, so recovery stops and asks a human.
//   - I/O error: a file could not be listed or read.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flod/store/file_names.h"
#include "flod/store/io_status.h"
#include "flod/store/wal_format.h"

namespace flod::store {

struct WalRecord {
  uint16_t type = 0;
  std::string_view payload;  // valid until the next call to WalReader::Next
  WalPosition position;      // where the record starts
  WalPosition end;           // just past it
};

struct WalProblem {
  enum class Kind : uint8_t { kUnusedTail, kTornTail, kCorruption, kIoError };
  Kind kind = Kind::kCorruption;
  std::filesystem::path file;
  uint64_t segment = 0;
  uint64_t offset = 0;  // where the damage starts; for a tail, where to truncate
  std::string reason;

  // One line for the log, naming the file and offset.
  std::string ToString() const;
};

// Not thread-safe; one reader per shard during recovery.
class WalReader {
 public:
  // Nothing is read until the first Next(). `start` is a position a snapshot covers up to,
  // or {0, 0} to read from segment 1 (then the oldest segment must be segment 1).
  WalReader(std::filesystem::path shard_dir, uint32_t shard, WalPosition start = {});

  // The next record in WAL order, or nullopt at the end or at a problem (see problem()).
  std::optional<WalRecord> Next();

  // After Next() returned nullopt: nullopt for a clean end, otherwise what stopped reading.
  const std::optional<WalProblem>& problem() const { return problem_; }
  // Just past the last record returned (or the start position).
  WalPosition end_position() const { return end_; }

 private:
  bool ListSegments();
  bool LoadSegment();
  bool CheckHeader(const NumberedFile& segment, bool is_last);
  bool LastFollowsUnsynced() const;
  bool LastHoldsRecords() const;
  void ReportBadRecord(RecordError error);
  void ReportBadTail(std::string reason, uint64_t offset);
  // A problem in the segment being read.
  void ReportHere(WalProblem::Kind kind, uint64_t offset, std::string reason);
  void Report(WalProblem::Kind kind, std::filesystem::path file, uint64_t segment, uint64_t offset,
              std::string reason);
  bool IsLastSegment() const { return index_ + 1 == segments_.size(); }
  bool MayEndShort() const { return index_ >= may_end_short_from_; }

  const std::filesystem::path dir_;
  const uint32_t shard_;
  const WalPosition start_;

  bool listed_ = false;
  bool done_ = false;
  std::vector<NumberedFile> segments_;
  size_t first_index_ = 0;  // segment holding the start position
  size_t index_ = 0;        // segment being read
  size_t may_end_short_from_ = 0;  // first segment whose tail a crash may have cut
  bool loaded_ = false;     // data_ holds segments_[index_]
  std::string data_;
  size_t offset_ = 0;  // next record in data_
  WalPosition end_;
  std::optional<WalProblem> problem_;
};

// Cuts a WAL segment at `offset`: the fix for a torn tail (and for a deliberate repair).
// An offset inside the segment header removes the file instead, since a segment without a
// whole header holds nothing; the directory is synced after that. The truncation is synced.
IoStatus TruncateAt(const std::filesystem::path& file, uint64_t offset);

// Cuts the WAL where `problem` says: removes every segment after problem.segment (syncing
// the directory), then TruncateAt(problem.file, problem.offset).
IoStatus CutAt(const WalProblem& problem);

}  // namespace flod::store
