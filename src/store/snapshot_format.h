#pragma once
// Layout of a snapshot file (docs/wal-format.md, "Snapshots"). Little-endian.
//
//   snapshot := header record* trailer
//   header   := magic:u32 ("FSNP") version:u16 flags:u16 shard:u32
//               covered_segment:u64 covered_offset:u64 header_crc:u32             (32 bytes)
//   record   := as in a WAL segment (wal_format.h)
//   trailer  := magic:u32 ("FEND") record_count:u64 body_bytes:u64 body_crc:u32
//               trailer_crc:u32                                                    (28 bytes)
//   header_crc / trailer_crc = CRC-32C of the bytes before them in the header / trailer;
//   body_crc = CRC-32C of all record bytes; body_bytes = their length.
// The trailer is written last, so a snapshot cut anywhere lacks it (or fails its checks).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flod/store/wal_format.h"

namespace flod::store {

inline constexpr uint32_t kSnapshotMagic = 0x504E5346;         // "FSNP" in file order
inline constexpr uint32_t kSnapshotTrailerMagic = 0x444E4546;  // "FEND" in file order
inline constexpr uint16_t kSnapshotFormatVersion = 1;
inline constexpr size_t kSnapshotHeaderBytes = 32;
inline constexpr size_t kSnapshotTrailerBytes = 28;

struct SnapshotHeader {
  uint32_t shard = 0;
  WalPosition covered;
};

struct SnapshotTrailer {
  uint64_t record_count = 0;
  uint64_t body_bytes = 0;
  uint32_t body_crc = 0;
};

void EncodeSnapshotHeader(const SnapshotHeader& header, std::string& out);
void EncodeSnapshotTrailer(const SnapshotTrailer& trailer, std::string& out);

// On failure `error` says why and the result is empty.
std::optional<SnapshotHeader> DecodeSnapshotHeader(std::string_view data, std::string& error);
std::optional<SnapshotTrailer> DecodeSnapshotTrailer(std::string_view data, std::string& error);

}  // namespace flod::store
