#pragma once
// On-disk format of WAL segments (and of the records inside snapshots). docs/wal-format.md
// has the rationale; this grammar is the contract. All integers are little-endian.
//
//   segment        := segment_header record*
//   segment_header := magic:u32 version:u16 flags:u16 shard:u32 segment:u64 header_crc:u32
//                     magic = the bytes "FWAL", version = 1,
//                     flags = kSegmentFollowsUnsynced or 0 (other bits 0),
//                     header_crc = CRC-32C of the 20 bytes before it          (24 bytes)
//   record         := crc:u32 len:u32 type:u16 payload:byte[len]
//                     crc = CRC-32C(type as 2 bytes ++ payload)
//                     len <= kMaxRecordBytes, type != 0
//
// The store gives no meaning to `type`; engines own ranges of it (0x01xx KV, ...). Type 0 is
// never written, so a zero-filled region never decodes as a record.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace flod::store {

inline constexpr size_t kRecordHeaderBytes = 10;
inline constexpr uint32_t kMaxRecordBytes = 64u << 20;  // bounds `len` before any allocation
inline constexpr uint16_t kInvalidRecordType = 0;

inline constexpr uint32_t kSegmentMagic = 0x4C415746;  // "FWAL" in file order
inline constexpr uint16_t kWalFormatVersion = 1;
inline constexpr size_t kSegmentHeaderBytes = 24;
// Header flag: this segment was started before the one before it was durable, so a crash
// may have left that one with a torn tail. The writer rewrites the header without it once
// the earlier segment is synced, and before this segment's first record is.
inline constexpr uint16_t kSegmentFollowsUnsynced = 1;

// A place in a shard's WAL: a byte offset inside one segment file (offsets count the header).
// A record's position is where it starts; a writer's position is where the next record goes.
// {0, 0} stands for "before the first segment".
struct WalPosition {
  uint64_t segment = 0;
  uint64_t offset = 0;
  auto operator<=>(const WalPosition&) const = default;
};

// "segment 3 offset 4096"
std::string ToString(const WalPosition& position);

// Bytes one record occupies on disk.
inline constexpr size_t EncodedRecordBytes(size_t payload_bytes) {
  return kRecordHeaderBytes + payload_bytes;
}

// CRC-32C of the type's two little-endian bytes followed by the payload.
uint32_t RecordChecksum(uint16_t type, std::string_view payload);

// Appends one record to `out`. Precondition: type != 0, payload.size() <= kMaxRecordBytes
// (callers check with ValidateRecord first where the input is not their own).
void EncodeRecord(uint16_t type, std::string_view payload, std::string& out);

enum class RecordError : uint8_t {
  kNone,
  kTruncated,    // fewer bytes than the header, or than the header's length promises
  kTooLarge,     // length field above the limit: rejected before reading the payload
  kBadType,      // type 0, as in zero-filled space
  kBadChecksum,  // the CRC does not match type + payload
};
std::string_view Describe(RecordError error);

struct DecodedRecord {
  RecordError error = RecordError::kNone;
  uint16_t type = 0;
  std::string_view payload;  // points into the decoded buffer
  size_t size = 0;           // header + payload, when error == kNone
};

// Decodes the record at the start of `data` without copying. Checks in this order: header
// present, length <= max_payload, payload present, type != 0, checksum.
DecodedRecord DecodeRecord(std::string_view data, uint32_t max_payload = kMaxRecordBytes);

struct SegmentHeader {
  uint16_t version = kWalFormatVersion;
  uint16_t flags = 0;
  uint32_t shard = 0;
  uint64_t segment = 0;
};

void EncodeSegmentHeader(const SegmentHeader& header, std::string& out);

enum class SegmentHeaderError : uint8_t {
  kNone,
  kTruncated,
  kBadChecksum,
  kBadMagic,
  kUnsupportedVersion,
};
std::string_view Describe(SegmentHeaderError error);

struct DecodedSegmentHeader {
  SegmentHeaderError error = SegmentHeaderError::kNone;
  SegmentHeader header;
};

DecodedSegmentHeader DecodeSegmentHeader(std::string_view data);

}  // namespace flod::store
