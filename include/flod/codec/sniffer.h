#pragma once
// Protocol detection on the shared port (WIRE.md §1, §14.7). A pure function of the bytes a
// connection has sent so far: it never reads a socket, so the caller keeps every byte it
// buffered and hands the same buffer to the chosen codec.
//
// Byte layouts it looks at:
//   "FLO\0"  + 23 bytes   Flo binary; byte 22 = 1 → SDK framing v1, 2 → v2,
//                         byte 22 = 0 and byte 20 = 1 → Python legacy 24-byte framing
//   "FLO\x01"             documented framing (recognised only so the server can log and close)
//   * $ + - :             RESP (first byte of a RESP2 value)
//   text line ending LF   "METHOD SP target SP HTTP/1.x" → HTTP, or WebSocket when the method is
//                         GET and the header block (up to the blank line) has
//                         "Upgrade: websocket" (case-insensitive); any other printable line
//                         starting with a letter → an inline RESP command ("PING\r\n", "GET k")

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flod::codec {

enum class Protocol : uint8_t {
  kFloSdkV1,       // 32-byte header, protocol version 1 (Go, Zig, JS up to 0470892a)
  kFloSdkV2,       // 32-byte header, protocol version 2 (table hash in bytes 24–31)
  kFloLegacy,      // 24-byte header (flo-python)
  kFloUndecided,   // "FLO\0" but bytes 20/22 match no framing: answer the v1 frame rejection
                   // (flo::AppendFrameRejection) and close, per WIRE.md §1.2 rule 4
  kFloDocumented,  // "FLO\x01": no client speaks it; log and close
  kResp,
  kHttp,
  kWebSocket,
};

enum class SniffVerdict : uint8_t {
  kNeedMore,  // not decidable yet: read more (the caller bounds the wait with a timeout)
  kMatch,     // `protocol` is set
  kUnknown,   // no protocol flod speaks: close the connection
};

struct SniffResult {
  SniffVerdict verdict = SniffVerdict::kNeedMore;
  Protocol protocol = Protocol::kResp;  // meaningful only with kMatch
};

// The sniffer never asks for more than this many bytes: a buffer this long that is still
// undecided (an HTTP header block without its blank line, a text line without LF) is kUnknown.
inline constexpr size_t kMaxSniffBytes = 8 * 1024;

// Classifies the first bytes of a connection. Thread-safe (pure).
SniffResult Sniff(std::string_view first_bytes);

std::string_view NameOf(Protocol protocol);

}  // namespace flod::codec
