#pragma once
// The TLV options block of the SDK and legacy framings (WIRE.md §4): [tag:u8][len:u8][value],
// packed back to back. Parsing never fails: unknown tags are kept but nobody asks for them, the
// first occurrence of a repeated tag wins, and a trailing option whose length runs past the
// block ends the parse (the options before it still count).

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/codec/flo/profile.h"
#include "flod/core/options.h"

namespace flod::codec::flo {

class TlvOptions {
 public:
  static TlvOptions Parse(std::string_view block);

  // The value bytes of `tag`'s first occurrence: views into the parsed block, which must
  // outlive this object.
  std::optional<std::string_view> Get(uint8_t tag) const;
  // An integer of width 1, 2, 4 or 8 (little-endian); any other width reads as absent, so a
  // client sending u32 where the table says u64 (flo-python's timeout_ms) still works.
  std::optional<uint64_t> Uint(uint8_t tag) const;
  // A flag is on when present with length 0, or with an integer value other than 0.
  bool Flag(uint8_t tag) const;
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<std::pair<uint8_t, std::string_view>> entries_;
  // Which tags occur: most lookups are of absent tags and end here.
  std::bitset<256> present_;
};

// Tags with a meaning in flod::Options (§4.2).
namespace tag {
inline constexpr uint8_t kTtl = 0x01;
inline constexpr uint8_t kCasVersion = 0x02;
inline constexpr uint8_t kIfNotExists = 0x03;
inline constexpr uint8_t kIfExists = 0x04;
inline constexpr uint8_t kLimit = 0x05;
inline constexpr uint8_t kKeysOnly = 0x06;
inline constexpr uint8_t kCursor = 0x07;
inline constexpr uint8_t kRoutingKey = 0x08;
inline constexpr uint8_t kTxnId = 0x09;
inline constexpr uint8_t kPriority = 0x10;
inline constexpr uint8_t kDelayMs = 0x11;
inline constexpr uint8_t kVisibilityTimeoutMs = 0x12;
inline constexpr uint8_t kDedupKey = 0x13;
inline constexpr uint8_t kMaxRetries = 0x14;
inline constexpr uint8_t kCount = 0x15;
inline constexpr uint8_t kSendToDlq = 0x16;
inline constexpr uint8_t kBlockMs = 0x17;
inline constexpr uint8_t kWaitMs = 0x18;
inline constexpr uint8_t kStreamStart = 0x21;
inline constexpr uint8_t kStreamEnd = 0x22;
inline constexpr uint8_t kStreamTail = 0x23;
inline constexpr uint8_t kPartition = 0x24;
inline constexpr uint8_t kPartitionKey = 0x25;
inline constexpr uint8_t kMaxAgeSeconds = 0x26;
inline constexpr uint8_t kMaxBytes = 0x27;
inline constexpr uint8_t kDryRun = 0x28;
inline constexpr uint8_t kRetentionCount = 0x29;
inline constexpr uint8_t kRetentionAgeSeconds = 0x2A;
inline constexpr uint8_t kRetentionBytes = 0x2B;
inline constexpr uint8_t kForce = 0x2C;
inline constexpr uint8_t kAckTimeoutMs = 0x30;
inline constexpr uint8_t kMaxDeliver = 0x31;
inline constexpr uint8_t kRedeliveryDelayMs = 0x33;
inline constexpr uint8_t kNoAck = 0x35;
inline constexpr uint8_t kIdleTimeoutMs = 0x36;
inline constexpr uint8_t kExtendAckMs = 0x38;
}  // namespace tag

// Fills `out` from the block, normalising units (TTL by the profile's unit, ages in seconds,
// to milliseconds; block/wait 0 = do not wait, i.e. absent, and clamped to kMaxBlockMs;
// limit 0 = the server's default, i.e. absent).
// Returns an error message for a value that does not fit its field.
std::optional<std::string> ApplyOptions(const TlvOptions& tlv, const ConnectionProfile& profile,
                                        Options& out);

// A duration in the profile's TTL unit, in milliseconds; nullopt on overflow.
std::optional<uint64_t> TtlToMs(uint64_t ttl, const ConnectionProfile& profile);

}  // namespace flod::codec::flo
