#include "flod/codec/flo/frame.h"

#include <isa-l/crc.h>

#include <cstring>

#include "codec/flo/hex_text.h"
#include "flod/core/bytes.h"
#include "flod/core/vector_state.h"

namespace flod::codec::flo {
namespace {

// payload_length sits at bytes 4–7, so an oversized frame is refused before its payload is read.
constexpr size_t kLengthEnd = 8;
constexpr uint8_t kStatusBadRequest = 3;

FrameResult NeedMore() { return {}; }

FrameResult Fatal(std::string message) {
  FrameResult result;
  result.status = FrameStatus::kFatal;
  result.error = std::move(message);
  return result;
}

FrameHeader ReadHeader(std::string_view bytes, Framing framing) {
  FrameHeader header;
  ByteReader reader(bytes.substr(4));
  reader.ReadU32(header.payload_length);
  reader.ReadU64(header.request_id);
  reader.ReadU32(header.crc);
  if (framing == Framing::kLegacy) {
    uint8_t opcode = 0, reserved = 0;
    reader.ReadU8(header.version);
    reader.ReadU8(opcode);
    reader.ReadU8(header.flags);
    reader.ReadU8(reserved);
    header.opcode = opcode;
    header.reserved = reserved;
  } else {
    reader.ReadU16(header.opcode);
    reader.ReadU8(header.version);
    reader.ReadU8(header.flags);
    reader.ReadU64(header.reserved);
  }
  return header;
}

uint8_t ExpectedVersion(Framing framing) { return framing == Framing::kSdkV2 ? 2 : 1; }

// The table-hash rule of §14.7: checked on the header alone, so a client built for another
// table is refused before it sends a payload that would be read in the wrong layouts.
std::optional<std::string> TableHashError(const FrameHeader& header,
                                          const ConnectionProfile& profile) {
  if (profile.framing != Framing::kSdkV2 || header.version != 2) return std::nullopt;
  const bool accepted = profile.table_hash != 0 ? header.reserved == profile.table_hash
                                                : IsKnownTableHash(header.reserved);
  if (accepted) return std::nullopt;
  return std::string(kRejectionMessage) + ": client table " + HexText(header.reserved) +
         " is not served, server table " + HexText(profile.reply_hash());
}

// Content checks on a complete frame whose framing is intact.
std::optional<std::string> ContentError(const Frame& frame, std::string_view header_bytes,
                                        const ConnectionProfile& profile) {
  if (FrameCrc(header_bytes, frame.payload) != frame.header.crc) return "checksum mismatch";
  const uint8_t expected = ExpectedVersion(profile.framing);
  if (frame.header.version != expected) {
    return "protocol version " + std::to_string(frame.header.version) + " on a version " +
           std::to_string(expected) + " connection";
  }
  if (profile.framing == Framing::kSdkV1 && frame.header.reserved != 0) {
    return "reserved header bytes must be zero";
  }
  return std::nullopt;
}

// CRC-32 (IEEE 802.3, reflected: zlib's), resumable: Extend(Extend(0, a), b) is the CRC of
// a + b. ISA-L folds with PCLMULQDQ; a table-driven CRC was 6 % of a pipelined Flo put.
uint32_t Crc32Extend(uint32_t crc, std::string_view data) {
  // ISA-L only reads the buffer; its C signature predates const.
  const uint32_t extended = crc32_gzip_refl(
      crc, reinterpret_cast<unsigned char*>(const_cast<char*>(data.data())), data.size());
  ClearUpperVectorState();
  return extended;
}

}  // namespace

size_t HeaderBytes(Framing framing) {
  return framing == Framing::kLegacy ? kLegacyHeaderBytes : kSdkHeaderBytes;
}

uint32_t FrameCrc(std::string_view header, std::string_view payload) {
  // The CRC field itself (header bytes 16-19) is left out. The covered bytes are gathered
  // into one buffer, the payload too when it is small, because each CRC call has a fixed
  // cost of about as much as folding 200 bytes.
  constexpr size_t kCrcFieldStart = 16, kCrcFieldEnd = 20;
  constexpr size_t kCrcFieldBytes = kCrcFieldEnd - kCrcFieldStart;
  constexpr size_t kGatherPayloadMax = 256;
  char gathered[kSdkHeaderBytes - kCrcFieldBytes + kGatherPayloadMax];
  std::memcpy(gathered, header.data(), kCrcFieldStart);
  std::memcpy(gathered + kCrcFieldStart, header.data() + kCrcFieldEnd,
              header.size() - kCrcFieldEnd);
  const size_t covered_header = header.size() - kCrcFieldBytes;
  if (payload.size() <= kGatherPayloadMax) {
    std::memcpy(gathered + covered_header, payload.data(), payload.size());
    return Crc32Extend(0, std::string_view(gathered, covered_header + payload.size()));
  }
  return Crc32Extend(Crc32Extend(0, std::string_view(gathered, covered_header)), payload);
}

FrameResult ParseFrame(std::string_view buffer, const ConnectionProfile& profile) {
  const size_t magic_bytes = buffer.size() < kMagic.size() ? buffer.size() : kMagic.size();
  if (buffer.substr(0, magic_bytes) != kMagic.substr(0, magic_bytes)) {
    return Fatal(std::string(kRejectionMessage) + ": bad magic");
  }
  if (buffer.size() < kLengthEnd) return NeedMore();
  uint32_t payload_length = 0;
  ByteReader(buffer.substr(4)).ReadU32(payload_length);
  if (payload_length > profile.max_payload_bytes()) {
    return Fatal(std::string(kRejectionMessage) + ": payload of " + std::to_string(payload_length) +
                 " bytes exceeds the limit of " + std::to_string(profile.max_payload_bytes()));
  }
  const size_t header_size = HeaderBytes(profile.framing);
  if (buffer.size() < header_size) return NeedMore();
  const std::string_view header_bytes = buffer.substr(0, header_size);
  FrameResult result;
  result.frame.header = ReadHeader(header_bytes, profile.framing);
  if (auto error = TableHashError(result.frame.header, profile)) return Fatal(std::move(*error));
  result.frame.size = header_size + payload_length;
  if (buffer.size() < result.frame.size) return NeedMore();
  result.frame.payload = buffer.substr(header_size, payload_length);
  if (auto error = ContentError(result.frame, header_bytes, profile)) {
    result.status = FrameStatus::kBadFrame;
    result.error = std::move(*error);
    return result;
  }
  result.status = FrameStatus::kFrame;
  return result;
}

void AppendReplyFrame(const ConnectionProfile& profile, uint64_t request_id, uint8_t status,
                      std::string_view data, std::string& out) {
  const size_t start = out.size();
  ByteWriter writer(out);
  writer.Bytes(kMagic);
  writer.U32(static_cast<uint32_t>(data.size()));
  writer.U64(request_id);
  writer.U32(0);  // CRC, filled in below
  writer.U8(ExpectedVersion(profile.framing));
  writer.U8(status);
  writer.U8(0);  // flags
  writer.U8(0);  // pad (legacy: reserved)
  if (profile.framing != Framing::kLegacy) writer.U64(profile.reply_hash());
  writer.Bytes(data);
  const std::string_view frame(out.data() + start, out.size() - start);
  const size_t header_size = HeaderBytes(profile.framing);
  const uint32_t crc = FrameCrc(frame.substr(0, header_size), frame.substr(header_size));
  std::string crc_bytes;
  ByteWriter(crc_bytes).U32(crc);
  out.replace(start + 16, 4, crc_bytes);
}

void AppendFrameRejection(const ConnectionProfile& profile, std::string_view message,
                          std::string& out) {
  AppendReplyFrame(profile, 0, kStatusBadRequest, message, out);
}

}  // namespace flod::codec::flo
