#pragma once
// Flo binary frames (WIRE.md §2): cutting one request frame off the front of a connection's
// buffer, and writing reply headers. Pure and bounded: nothing here allocates more than the
// reply it writes, and no length is trusted before it is checked against the profile's limit.
//
// Request header, SDK framing (32 bytes)       Legacy framing (24 bytes)
//   0  magic "FLO\0"                             0  magic
//   4  payload_length u32                        4  payload_length u32
//   8  request_id u64                            8  request_id u64
//  16  crc32 u32                                16  crc32 u32
//  20  opcode u16                               20  version u8 (1)
//  22  version u8 (1 or 2)                      21  opcode u8
//  23  flags u8 (ignored)                       22  flags u8 (ignored)
//  24  reserved u64: 0 on v1, table hash on v2  23  reserved u8 (ignored)
// CRC-32 (IEEE) runs over bytes 0–15, then 20 to the end of the header, then the payload.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "flod/codec/flo/profile.h"

namespace flod::codec::flo {

inline constexpr size_t kSdkHeaderBytes = 32;
inline constexpr size_t kLegacyHeaderBytes = 24;
inline constexpr std::string_view kMagic{"FLO\0", 4};

size_t HeaderBytes(Framing framing);

struct FrameHeader {
  uint32_t payload_length = 0;
  uint64_t request_id = 0;
  uint32_t crc = 0;
  uint16_t opcode = 0;  // legacy: the one-byte opcode
  uint8_t version = 0;  // SDK: byte 22; legacy: byte 20
  uint8_t flags = 0;
  uint64_t reserved = 0;  // SDK: bytes 24–31 (the table hash on v2); legacy: byte 23
};

struct Frame {
  FrameHeader header;
  std::string_view payload;  // points into the caller's buffer
  size_t size = 0;           // header + payload: bytes to drop from the buffer
};

enum class FrameStatus : uint8_t {
  kNeedMore,  // the frame is not complete yet; nothing consumed
  kFrame,     // `frame` is a verified request frame
  kBadFrame,  // framing intact, content bad: answer `error` with frame.header.request_id
              // (status 3), drop frame.size bytes, keep the connection
  kFatal,     // framing broken: answer the frame rejection with `error`, then close
};

struct FrameResult {
  FrameStatus status = FrameStatus::kNeedMore;
  Frame frame;
  std::string error;
};

// Examines the front of `buffer` under the connection's framing. Checks, in this order, as
// soon as the bytes are there: magic and payload_length (kFatal), the version-2 table hash
// (kFatal when it is not the connection's or, before the first frame, not a known one), then
// on the complete frame the CRC, the version and v1's zero reserved bytes (kBadFrame).
FrameResult ParseFrame(std::string_view buffer, const ConnectionProfile& profile);

// CRC-32 of a frame laid out as `header` (HeaderBytes long) followed by `payload`.
uint32_t FrameCrc(std::string_view header, std::string_view payload);

// Appends one reply frame: header for the profile's framing (version, status, the v2 hash),
// then `data`, with its CRC.
void AppendReplyFrame(const ConnectionProfile& profile, uint64_t request_id, uint8_t status,
                      std::string_view data, std::string& out);

// The connection-level rejection of §5.3: request id 0, status 3, a short message; on a
// version-2 connection it carries version 2 and the connection's (or flod's preferred) hash.
// The caller closes the connection after writing it.
inline constexpr std::string_view kRejectionMessage = "Invalid request";
void AppendFrameRejection(const ConnectionProfile& profile, std::string_view message,
                          std::string& out);

}  // namespace flod::codec::flo
