#include "flod/store/wal_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "file_reader.h"
#include "flod/core/bytes.h"
#include "flod/store/file_system.h"

namespace flod::store {
namespace {

// Checksum work spent looking for valid records after a bad one before giving up. Real tails
// are short and real records after damage turn up within one record, so only deliberate
// garbage reaches this; giving up then counts as corruption, never as a tail to cut.
constexpr uint64_t kScanBudgetBytes = 256u << 20;

struct ScanResult {
  enum class Outcome : uint8_t { kNothingValid, kFound, kGaveUp };
  Outcome outcome = Outcome::kNothingValid;
  uint64_t offset = 0;
};

// Looks for a whole valid record starting anywhere at or after `from`. Any hit means the
// damage before it is not just an interrupted final write.
ScanResult FindValidRecord(std::string_view data, size_t from) {
  uint64_t budget = kScanBudgetBytes;
  for (size_t at = from; at + kRecordHeaderBytes <= data.size(); ++at) {
    uint32_t length = 0;
    uint16_t type = 0;
    ByteReader header(data.substr(at + 4, 6));
    header.ReadU32(length);
    header.ReadU16(type);
    if (type == kInvalidRecordType || length > kMaxRecordBytes ||
        length > data.size() - at - kRecordHeaderBytes) {
      continue;  // cheap rejections first: most garbage never reaches the checksum
    }
    if (length + 2 > budget) return {ScanResult::Outcome::kGaveUp, at};
    budget -= length + 2;
    if (DecodeRecord(data.substr(at)).error == RecordError::kNone) {
      return {ScanResult::Outcome::kFound, at};
    }
  }
  return {};
}

bool AllZero(std::string_view data) {
  return std::all_of(data.begin(), data.end(), [](char c) { return c == 0; });
}

}  // namespace

std::string WalProblem::ToString() const {
  std::string where = file.string() + " at offset " + std::to_string(offset);
  switch (kind) {
    case Kind::kUnusedTail:
      return "unused WAL tail in " + where + ": " + reason;
    case Kind::kTornTail:
      return "torn WAL tail in " + where + ": " + reason;
    case Kind::kCorruption:
      return "WAL corruption in " + where + ": " + reason;
    case Kind::kIoError:
      return "cannot read WAL " + where + ": " + reason;
  }
  return reason;
}

WalReader::WalReader(std::filesystem::path shard_dir, uint32_t shard, WalPosition start)
    : dir_(std::move(shard_dir)), shard_(shard), start_(start), end_(start) {}

std::optional<WalRecord> WalReader::Next() {
  if (done_) return std::nullopt;
  if (!listed_ && !ListSegments()) return std::nullopt;
  while (true) {
    if (!loaded_) {
      if (index_ == segments_.size()) {
        done_ = true;
        return std::nullopt;
      }
      if (!LoadSegment()) return std::nullopt;
    }
    if (offset_ == data_.size()) {
      loaded_ = false;
      ++index_;
      continue;
    }
    DecodedRecord decoded = DecodeRecord(std::string_view(data_).substr(offset_));
    if (decoded.error != RecordError::kNone) {
      if (MayEndShort() && AllZero(std::string_view(data_).substr(offset_))) {
        ReportHere(WalProblem::Kind::kUnusedTail, offset_,
                   "zero-filled space after the last record");
      } else {
        ReportBadRecord(decoded.error);
      }
      return std::nullopt;
    }
    const uint64_t segment = segments_[index_].number;
    WalRecord record{
        decoded.type, decoded.payload, {segment, offset_}, {segment, offset_ + decoded.size}};
    offset_ += decoded.size;
    end_ = record.end;
    return record;
  }
}

bool WalReader::ListSegments() {
  listed_ = true;
  auto listed = store::ListSegments(dir_);
  if (!listed) {
    Report(WalProblem::Kind::kIoError, dir_, 0, 0, listed.status().message());
    return false;
  }
  segments_ = std::move(*listed);
  const uint64_t first = std::max<uint64_t>(start_.segment, 1);
  auto it = std::find_if(segments_.begin(), segments_.end(),
                         [&](const NumberedFile& f) { return f.number >= first; });
  // Records before the start are covered by a snapshot (or there is none and the WAL must
  // begin at segment 1); a missing first segment means records are lost.
  if (start_.segment == 0 && it == segments_.end()) {
    index_ = segments_.size();
    return true;
  }
  if (it == segments_.end() || it->number != first) {
    std::string reason = "segment " + std::to_string(first) + " is missing; ";
    reason += start_.segment == 0
                  ? "the WAL begins at segment " + std::to_string(segments_.front().number) +
                        " and no snapshot covers what came before"
                  : "the snapshot's records end at " + store::ToString(start_);
    Report(WalProblem::Kind::kCorruption, dir_ / SegmentFileName(first), first, start_.offset,
           std::move(reason));
    return false;
  }
  index_ = first_index_ = static_cast<size_t>(it - segments_.begin());
  may_end_short_from_ = segments_.size() - 1;
  if (segments_.size() >= 2 && LastFollowsUnsynced()) may_end_short_from_ = segments_.size() - 2;
  return true;
}

// A header that is cut short or fails its checksum was never synced, so the segment was only
// made ahead (WalWriter syncs a header before it writes a record after it).
bool WalReader::LastFollowsUnsynced() const {
  std::string header;
  auto file = SequentialFile::Open(segments_.back().path);
  if (!file || file->size() < kSegmentHeaderBytes ||
      !file->ReadAt(0, kSegmentHeaderBytes, header).ok()) {
    return true;
  }
  const DecodedSegmentHeader decoded = DecodeSegmentHeader(header);
  if (decoded.error == SegmentHeaderError::kTruncated ||
      decoded.error == SegmentHeaderError::kBadChecksum) {
    return true;
  }
  return (decoded.header.flags & kSegmentFollowsUnsynced) != 0;
}

bool WalReader::LastHoldsRecords() const {
  auto data = ReadWholeFile(segments_.back().path);
  return data && data->size() > kSegmentHeaderBytes &&
         DecodeSegmentHeader(*data).error == SegmentHeaderError::kNone &&
         DecodeRecord(std::string_view(*data).substr(kSegmentHeaderBytes)).error ==
             RecordError::kNone;
}

bool WalReader::LoadSegment() {
  const NumberedFile& segment = segments_[index_];
  if (index_ > first_index_ && segments_[index_ - 1].number + 1 != segment.number) {
    ReportHere(WalProblem::Kind::kCorruption, 0,
               "segments " + std::to_string(segments_[index_ - 1].number + 1) + " to " +
                   std::to_string(segment.number - 1) + " are missing before this one");
    return false;
  }
  auto data = ReadWholeFile(segment.path);
  if (!data) {
    ReportHere(WalProblem::Kind::kIoError, 0, data.status().message());
    return false;
  }
  data_ = std::move(*data);
  // A header is synced before the segment is used, so only the last segment, made ahead and
  // never used, can have one that did not reach the disk whole.
  if (!CheckHeader(segment, IsLastSegment())) return false;
  offset_ = kSegmentHeaderBytes;
  if (segment.number == start_.segment && start_.offset > offset_) {
    if (start_.offset > data_.size()) {
      ReportHere(WalProblem::Kind::kCorruption, start_.offset,
                 "the start position is past the end of the segment (" +
                     std::to_string(data_.size()) + " bytes)");
      return false;
    }
    offset_ = static_cast<size_t>(start_.offset);
  }
  loaded_ = true;
  return true;
}

bool WalReader::CheckHeader(const NumberedFile& segment, bool is_last) {
  DecodedSegmentHeader decoded = DecodeSegmentHeader(data_);
  const bool may_be_torn = decoded.error == SegmentHeaderError::kTruncated ||
                           decoded.error == SegmentHeaderError::kBadChecksum;
  if (may_be_torn && is_last) {
    ReportBadTail(std::string(Describe(decoded.error)), 0);
    return false;
  }
  std::string reason;
  if (decoded.error != SegmentHeaderError::kNone) {
    reason = std::string(Describe(decoded.error));
    if (decoded.error == SegmentHeaderError::kUnsupportedVersion) {
      reason.append(" ")
          .append(std::to_string(decoded.header.version))
          .append(" (this flod reads version ")
          .append(std::to_string(kWalFormatVersion))
          .append(")");
    }
  } else if (decoded.header.segment != segment.number) {
    reason = "the header names segment " + std::to_string(decoded.header.segment);
  } else if (decoded.header.shard != shard_) {
    reason = "the header names shard " + std::to_string(decoded.header.shard) + ", not shard " +
             std::to_string(shard_);
  } else {
    return true;
  }
  ReportHere(WalProblem::Kind::kCorruption, 0, std::move(reason));
  return false;
}

void WalReader::ReportBadRecord(RecordError error) {
  std::string reason(Describe(error));
  if (!MayEndShort()) {
    ReportHere(WalProblem::Kind::kCorruption, offset_,
               reason + " in a segment that is not the last");
  } else if (error == RecordError::kTruncated) {
    // Cut short at the end of the file: nothing can follow it.
    ReportHere(WalProblem::Kind::kTornTail, offset_, reason);
  } else {
    ReportBadTail(std::move(reason), offset_);
  }
}

// A bad spot in the last segment: torn tail unless valid data follows it.
void WalReader::ReportBadTail(std::string reason, uint64_t offset) {
  const auto bad = static_cast<size_t>(offset);
  if (bad >= data_.size() || AllZero(std::string_view(data_).substr(bad))) {
    ReportHere(WalProblem::Kind::kTornTail, offset, std::move(reason));
    return;
  }
  ScanResult scan = FindValidRecord(data_, bad + 1);
  switch (scan.outcome) {
    case ScanResult::Outcome::kNothingValid:
      ReportHere(WalProblem::Kind::kTornTail, offset, std::move(reason));
      return;
    case ScanResult::Outcome::kFound:
      ReportHere(WalProblem::Kind::kCorruption, offset,
                 reason + ", and a valid record follows at offset " + std::to_string(scan.offset));
      return;
    case ScanResult::Outcome::kGaveUp:
      ReportHere(WalProblem::Kind::kCorruption, offset,
                 reason + ", followed by too much unreadable data to prove it is a torn tail");
      return;
  }
}

void WalReader::ReportHere(WalProblem::Kind kind, uint64_t offset, std::string reason) {
  const NumberedFile& segment = segments_[index_];
  const bool tail = kind == WalProblem::Kind::kUnusedTail || kind == WalProblem::Kind::kTornTail;
  if (tail && !IsLastSegment()) {
    // The last segment was begun before this one was synced, and the crash came first.
    const uint64_t last = segments_.back().number;
    if (LastHoldsRecords()) {
      kind = WalProblem::Kind::kTornTail;
      reason += "; segment " + std::to_string(last) +
                ", begun before this one was synced, holds records written after it and goes";
    } else {
      reason += "; the empty segment " + std::to_string(last) + " after it goes";
    }
  }
  Report(kind, segment.path, segment.number, offset, std::move(reason));
}

void WalReader::Report(WalProblem::Kind kind, std::filesystem::path file, uint64_t segment,
                       uint64_t offset, std::string reason) {
  problem_ = WalProblem{kind, std::move(file), segment, offset, std::move(reason)};
  done_ = true;
}

IoStatus TruncateAt(const std::filesystem::path& file, uint64_t offset) {
  if (offset < kSegmentHeaderBytes && ParseSegmentFileName(file.filename().string())) {
    FileSystem& fs = PosixFileSystem();
    IoStatus status = fs.Remove(file);
    return status.ok() ? fs.SyncDir(file.parent_path()) : status;
  }
  int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return IoStatus::FromErrno(errno, "open", file);
  IoStatus status;
  if (::ftruncate(fd, static_cast<off_t>(offset)) != 0) {
    status = IoStatus::FromErrno(errno, "truncate", file);
  } else if (::fdatasync(fd) != 0) {
    status = IoStatus::FromErrno(errno, "fdatasync", file);
  }
  ::close(fd);
  return status;
}

IoStatus CutAt(const WalProblem& problem) {
  const std::filesystem::path dir = problem.file.parent_path();
  auto segments = store::ListSegments(dir);
  if (!segments) return segments.status();
  IoStatus removed = RemoveNumberedFiles(PosixFileSystem(), dir, *segments, problem.segment + 1,
                                         UINT64_MAX);
  return removed.ok() ? TruncateAt(problem.file, problem.offset) : removed;
}

}  // namespace flod::store
