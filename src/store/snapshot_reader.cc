#include "flod/store/snapshot_reader.h"

#include <utility>

#include "file_reader.h"
#include "flod/core/bytes.h"
#include "flod/store/crc32c.h"
#include "flod/store/file_names.h"
#include "snapshot_format.h"

namespace flod::store {
namespace {

struct RawRecord {
  uint16_t type = 0;
  uint32_t crc = 0;
};

IoStatus Corrupt(const std::filesystem::path& file, uint64_t offset, std::string_view what) {
  return IoStatus::Corruption(file.string() + " at offset " + std::to_string(offset) + ": " +
                              std::string(what));
}

// Reads the record at the file's position into `header` and `payload`, checking it against
// its checksum and against `body_end` before reading the payload.
IoExpected<RawRecord> ReadRecord(SequentialFile& file, uint64_t body_end, std::string& header,
                                 std::string& payload) {
  const uint64_t at = file.position();
  if (body_end - at < kRecordHeaderBytes) return Corrupt(file.path(), at, "record cut short");
  IoStatus status = file.Read(kRecordHeaderBytes, header);
  if (!status.ok()) return status;
  RawRecord record;
  uint32_t length = 0;
  ByteReader reader(header);
  reader.ReadU32(record.crc);
  reader.ReadU32(length);
  reader.ReadU16(record.type);
  if (length > kMaxRecordBytes || length > body_end - file.position()) {
    return Corrupt(file.path(), at, "record length " + std::to_string(length) + " out of bounds");
  }
  status = file.Read(length, payload);
  if (!status.ok()) return status;
  if (record.type == kInvalidRecordType || RecordChecksum(record.type, payload) != record.crc) {
    return Corrupt(file.path(), at, "record checksum mismatch");
  }
  return record;
}

// Reads every record once, checking each and the totals in the trailer.
IoStatus VerifyBody(SequentialFile& file, const SnapshotTrailer& trailer, uint64_t body_end) {
  std::string header;
  std::string payload;
  uint64_t count = 0;
  uint32_t crc = 0;
  while (file.position() < body_end) {
    auto record = ReadRecord(file, body_end, header, payload);
    if (!record) return record.status();
    crc = Crc32cExtend(Crc32cExtend(crc, header), payload);
    ++count;
  }
  if (count != trailer.record_count) {
    return Corrupt(file.path(), body_end,
                   "trailer promises " + std::to_string(trailer.record_count) +
                       " records, the file holds " + std::to_string(count));
  }
  if (crc != trailer.body_crc) return Corrupt(file.path(), body_end, "body checksum mismatch");
  return IoStatus::Ok();
}

}  // namespace

IoExpected<SnapshotReader> SnapshotReader::Open(const std::filesystem::path& file, uint32_t shard) {
  auto opened = SequentialFile::Open(file);
  if (!opened) return opened.status();
  SequentialFile& input = *opened;
  if (input.size() < kSnapshotHeaderBytes + kSnapshotTrailerBytes) {
    return Corrupt(
        file, 0,
        "too short to be a snapshot (" + std::to_string(input.size()) + " bytes): not finished");
  }
  std::string scratch;
  std::string error;
  IoStatus status = input.Read(kSnapshotHeaderBytes, scratch);
  if (!status.ok()) return status;
  auto header = DecodeSnapshotHeader(scratch, error);
  if (!header) return Corrupt(file, 0, error);
  if (header->shard != shard) {
    return Corrupt(file, 0,
                   "written for shard " + std::to_string(header->shard) + ", not shard " +
                       std::to_string(shard));
  }
  const uint64_t body_end = input.size() - kSnapshotTrailerBytes;
  status = input.ReadAt(body_end, kSnapshotTrailerBytes, scratch);
  if (!status.ok()) return status;
  auto trailer = DecodeSnapshotTrailer(scratch, error);
  if (!trailer) return Corrupt(file, body_end, error);
  if (trailer->body_bytes != body_end - kSnapshotHeaderBytes) {
    return Corrupt(file, body_end,
                   "trailer promises " + std::to_string(trailer->body_bytes) +
                       " bytes of records, the file holds " +
                       std::to_string(body_end - kSnapshotHeaderBytes));
  }
  status = VerifyBody(input, *trailer, body_end);
  if (!status.ok()) return status;

  // Read again from the first record for the caller.
  auto again = SequentialFile::Open(file);
  if (!again) return again.status();
  status = again->Read(kSnapshotHeaderBytes, scratch);
  if (!status.ok()) return status;
  SnapshotReader reader;
  reader.path_ = file;
  reader.covered_ = header->covered;
  reader.record_count_ = trailer->record_count;
  reader.body_end_ = body_end;
  reader.file_ = std::make_unique<SequentialFile>(std::move(*again));
  return reader;
}

SnapshotReader::~SnapshotReader() = default;
SnapshotReader::SnapshotReader(SnapshotReader&& other) noexcept = default;
SnapshotReader& SnapshotReader::operator=(SnapshotReader&& other) noexcept = default;

std::optional<SnapshotRecord> SnapshotReader::Next() {
  if (!status_.ok() || file_ == nullptr || file_->position() >= body_end_) return std::nullopt;
  auto record = ReadRecord(*file_, body_end_, header_scratch_, payload_);
  if (!record) {
    status_ = record.status();  // the file changed since Open checked it
    return std::nullopt;
  }
  return SnapshotRecord{record->type, payload_};
}

IoExpected<SnapshotSearch> FindNewestSnapshot(const std::filesystem::path& shard_dir,
                                              uint32_t shard) {
  auto files = ListSnapshots(shard_dir);
  if (!files) return files.status();
  SnapshotSearch search;
  for (auto it = files->rbegin(); it != files->rend(); ++it) {
    auto reader = SnapshotReader::Open(it->path, shard);
    if (reader) {
      search.newest.emplace(std::move(*reader));
      break;
    }
    search.skipped.push_back({it->path, reader.status().message()});
  }
  return search;
}

}  // namespace flod::store
