#include "flod/store/wal_format.h"

#include <cstring>

#include "flod/core/bytes.h"
#include "flod/store/crc32c.h"

namespace flod::store {

std::string ToString(const WalPosition& position) {
  return "segment " + std::to_string(position.segment) + " offset " +
         std::to_string(position.offset);
}

uint32_t RecordChecksum(uint16_t type, std::string_view payload) {
  const char type_bytes[2] = {static_cast<char>(type & 0xFF), static_cast<char>(type >> 8)};
  return Crc32cExtend(Crc32c(std::string_view(type_bytes, 2)), payload);
}

namespace {

// RecordChecksum over a whole encoded record, whose type and payload lie side by side after
// the length: one checksum call instead of two (each has a fixed cost that counts for the
// WAL's records of a few dozen bytes).
uint32_t ChecksumOfTypeAndPayload(std::string_view record) {
  return Crc32c(record.substr(kRecordHeaderBytes - 2));
}

}  // namespace

void EncodeRecord(uint16_t type, std::string_view payload, std::string& out) {
  const size_t start = out.size();
  // The header goes in with one append; its checksum is written below once the bytes it
  // covers are in place.
  char header[kRecordHeaderBytes];
  RawWriter writer(header);
  writer.U32(0);
  writer.U32(static_cast<uint32_t>(payload.size()));
  writer.U16(type);
  out.append(header, sizeof(header));
  out.append(payload);
  const uint32_t crc = ChecksumOfTypeAndPayload(std::string_view(out).substr(start));
  std::memcpy(out.data() + start, &crc, sizeof(crc));  // little-endian, as ByteWriter writes
}

std::string_view Describe(RecordError error) {
  switch (error) {
    case RecordError::kNone:
      return "valid record";
    case RecordError::kTruncated:
      return "record cut short";
    case RecordError::kTooLarge:
      return "record length above the limit";
    case RecordError::kBadType:
      return "record type 0 (zero-filled or garbage header)";
    case RecordError::kBadChecksum:
      return "record checksum mismatch";
  }
  return "unknown record error";
}

DecodedRecord DecodeRecord(std::string_view data, uint32_t max_payload) {
  DecodedRecord out;
  ByteReader reader(data);
  uint32_t crc = 0;
  uint32_t length = 0;
  if (!reader.ReadU32(crc) || !reader.ReadU32(length) || !reader.ReadU16(out.type)) {
    out.error = RecordError::kTruncated;
    return out;
  }
  if (length > max_payload) {
    out.error = RecordError::kTooLarge;
    return out;
  }
  if (!reader.ReadBytes(length, out.payload)) {
    out.error = RecordError::kTruncated;
    return out;
  }
  if (out.type == kInvalidRecordType) {
    out.error = RecordError::kBadType;
  } else if (ChecksumOfTypeAndPayload(data.substr(0, kRecordHeaderBytes + length)) != crc) {
    out.error = RecordError::kBadChecksum;
  } else {
    out.size = kRecordHeaderBytes + length;
  }
  return out;
}

void EncodeSegmentHeader(const SegmentHeader& header, std::string& out) {
  const size_t start = out.size();
  ByteWriter writer(out);
  writer.U32(kSegmentMagic);
  writer.U16(header.version);
  writer.U16(header.flags);
  writer.U32(header.shard);
  writer.U64(header.segment);
  writer.U32(Crc32c(std::string_view(out).substr(start)));
}

std::string_view Describe(SegmentHeaderError error) {
  switch (error) {
    case SegmentHeaderError::kNone:
      return "valid segment header";
    case SegmentHeaderError::kTruncated:
      return "segment header cut short";
    case SegmentHeaderError::kBadChecksum:
      return "segment header checksum mismatch";
    case SegmentHeaderError::kBadMagic:
      return "not a flod WAL segment (bad magic)";
    case SegmentHeaderError::kUnsupportedVersion:
      return "unsupported WAL format version";
  }
  return "unknown segment header error";
}

DecodedSegmentHeader DecodeSegmentHeader(std::string_view data) {
  DecodedSegmentHeader out;
  if (data.size() < kSegmentHeaderBytes) {
    out.error = SegmentHeaderError::kTruncated;
    return out;
  }
  ByteReader reader(data.substr(0, kSegmentHeaderBytes));
  uint32_t magic = 0;
  uint32_t crc = 0;
  reader.ReadU32(magic);
  reader.ReadU16(out.header.version);
  reader.ReadU16(out.header.flags);
  reader.ReadU32(out.header.shard);
  reader.ReadU64(out.header.segment);
  reader.ReadU32(crc);
  if (Crc32c(data.substr(0, kSegmentHeaderBytes - 4)) != crc) {
    out.error = SegmentHeaderError::kBadChecksum;
  } else if (magic != kSegmentMagic) {
    out.error = SegmentHeaderError::kBadMagic;
  } else if (out.header.version != kWalFormatVersion) {
    out.error = SegmentHeaderError::kUnsupportedVersion;
  }
  return out;
}

}  // namespace flod::store
