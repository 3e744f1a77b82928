#pragma once
// What one Flo binary connection speaks: its framing (from the sniffer), the table hash of a
// protocol-2 client (from its first frame), and the reply layouts its client parses. The
// layouts for protocol version 1 cannot be read from the request bytes (WIRE.md §15), so the
// server pins them from configuration: client profile "go" (default: Go, Zig, JS ≤ dev.4) or
// "js" (JS 0470892a). Version 2 and the legacy framing fix them by themselves.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "flod/core/limits.h"

namespace flod::codec::flo {

enum class Framing : uint8_t {
  kSdkV1,   // 32-byte header, version 1, u16 opcodes
  kSdkV2,   // 32-byte header, version 2, table hash in bytes 24–31
  kLegacy,  // 24-byte header, u8 opcodes (flo-python)
};

enum class ClientProfile : uint8_t { kGo, kJs };
enum class TtlUnit : uint8_t { kSeconds, kMilliseconds };  // option 0x01 and kv_touch (§12 D5)
enum class ScanLayout : uint8_t {
  kHeaderFirst,  // H: [has_more][cursor_len:u32][cursor][count:u32](entries)
  kTrailer,      // T: [count:u32](entries)[has_more][cursor_len:u16][cursor]
};

// Every scan cursor flod issues starts with these bytes, so a scan value that starts with them
// is a bare cursor (Python, JS ≤ dev.4) and anything else is [limit:u32][cursor] (§12 D12).
inline constexpr std::string_view kScanCursorMarker{
    "\xFF"
    "CUR",
    4};

// Op-table hashes of the protocol-2 client builds whose layouts flod serves (§14.3). The
// first one is the hash flod names when it refuses an unknown one.
inline constexpr std::array<uint64_t, 1> kKnownTableHashes = {0x4e9243eeab771a02ull};
inline constexpr uint64_t kPreferredTableHash = kKnownTableHashes[0];

bool IsKnownTableHash(uint64_t hash);

// Room in a payload for everything but the value: namespace, key and options with their
// length prefixes at their largest (2+255, 2+65535, 4, 2+65535).
inline constexpr size_t kEnvelopeRoomBytes = 2 + 255 + 2 + 65535 + 4 + 2 + 65535;

struct ConnectionProfile {
  Framing framing = Framing::kSdkV1;
  // Version 2: the hash echoed in every reply; 0 until the first frame names a known one.
  uint64_t table_hash = 0;
  ClientProfile client = ClientProfile::kGo;
  TtlUnit ttl_unit = TtlUnit::kSeconds;
  ScanLayout scan_layout = ScanLayout::kHeaderFirst;
  // Largest value accepted (--max-frame-size). A frame whose payload_length exceeds
  // max_value_bytes + kEnvelopeRoomBytes breaks the connection (rejection, then close).
  size_t max_value_bytes = kDefaultMaxFrameBytes;

  size_t max_payload_bytes() const { return max_value_bytes + kEnvelopeRoomBytes; }
  // The hash a reply on this connection carries in bytes 24–31 (0 outside version 2).
  uint64_t reply_hash() const;
};

// The layouts each client wants: version 2 and a v1 "js" profile answer TTLs in ms and scan
// pages in layout T; v1 "go" and the legacy framing use seconds and layout H. `client` only
// matters on version 1: version 2 is always kJs (JS-new layouts), legacy always kGo (the
// released layouts), so code that picks a layout can test `profile.client` alone.
ConnectionProfile MakeProfile(Framing framing, ClientProfile client = ClientProfile::kGo,
                              size_t max_value_bytes = kDefaultMaxFrameBytes);

// "go" / "js" (configuration values), case-sensitive.
std::optional<ClientProfile> ParseClientProfile(std::string_view name);

}  // namespace flod::codec::flo
