#include "snapshot_format.h"

#include "flod/core/bytes.h"
#include "flod/store/crc32c.h"

namespace flod::store {
namespace {

// Appends the CRC-32C of everything written to `out` since `start`.
void SealWithCrc(std::string& out, size_t start) {
  ByteWriter(out).U32(Crc32c(std::string_view(out).substr(start)));
}

bool CrcMatches(std::string_view block) {
  uint32_t stored = 0;
  ByteReader(block.substr(block.size() - 4)).ReadU32(stored);
  return Crc32c(block.substr(0, block.size() - 4)) == stored;
}

}  // namespace

void EncodeSnapshotHeader(const SnapshotHeader& header, std::string& out) {
  const size_t start = out.size();
  ByteWriter writer(out);
  writer.U32(kSnapshotMagic);
  writer.U16(kSnapshotFormatVersion);
  writer.U16(0);  // flags, reserved
  writer.U32(header.shard);
  writer.U64(header.covered.segment);
  writer.U64(header.covered.offset);
  SealWithCrc(out, start);
}

void EncodeSnapshotTrailer(const SnapshotTrailer& trailer, std::string& out) {
  const size_t start = out.size();
  ByteWriter writer(out);
  writer.U32(kSnapshotTrailerMagic);
  writer.U64(trailer.record_count);
  writer.U64(trailer.body_bytes);
  writer.U32(trailer.body_crc);
  SealWithCrc(out, start);
}

std::optional<SnapshotHeader> DecodeSnapshotHeader(std::string_view data, std::string& error) {
  if (data.size() < kSnapshotHeaderBytes) {
    error = "header cut short";
    return std::nullopt;
  }
  data = data.substr(0, kSnapshotHeaderBytes);
  if (!CrcMatches(data)) {
    error = "header checksum mismatch";
    return std::nullopt;
  }
  ByteReader reader(data);
  uint32_t magic = 0;
  uint16_t version = 0;
  uint16_t flags = 0;
  SnapshotHeader header;
  reader.ReadU32(magic);
  reader.ReadU16(version);
  reader.ReadU16(flags);
  reader.ReadU32(header.shard);
  reader.ReadU64(header.covered.segment);
  reader.ReadU64(header.covered.offset);
  if (magic != kSnapshotMagic) {
    error = "not a flod snapshot (bad magic)";
    return std::nullopt;
  }
  if (version != kSnapshotFormatVersion) {
    error = "unsupported snapshot format version " + std::to_string(version);
    return std::nullopt;
  }
  return header;
}

std::optional<SnapshotTrailer> DecodeSnapshotTrailer(std::string_view data, std::string& error) {
  if (data.size() != kSnapshotTrailerBytes || !CrcMatches(data)) {
    error = "no valid trailer (the snapshot was not finished)";
    return std::nullopt;
  }
  ByteReader reader(data);
  uint32_t magic = 0;
  SnapshotTrailer trailer;
  reader.ReadU32(magic);
  reader.ReadU64(trailer.record_count);
  reader.ReadU64(trailer.body_bytes);
  reader.ReadU32(trailer.body_crc);
  if (magic != kSnapshotTrailerMagic) {
    error = "no valid trailer (bad trailer magic)";
    return std::nullopt;
  }
  return trailer;
}

}  // namespace flod::store
