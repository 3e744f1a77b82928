#pragma once
// WAL records of the KV engine: the effect of each mutation, never the request. Replay
// decodes a record into Changes and hands them to KvStore::Apply, the same primitive the
// live writes use, so recovery cannot drift from live behaviour.
//
// Record grammar (little-endian; str16 = [len:u16][bytes], str32 = [len:u32][bytes],
// varint = LEB128, vstr = [len:varint][bytes]):
//
//   set      0x0107  flags:u8 [ns:vstr] key:vstr version:varint [expire_at_ms:varint]
//                    written_ms:varint value:vstr
//                    flags bit 0 "fresh": the key starts a new life (it was absent or
//                    expired when written), so any older entry and its history are dropped;
//                    bit 1: ns follows (absent = "default"); bit 2: expire_at_ms follows
//                    (absent = no expiry; present = non-zero); bits 4-5 kind: 0 bytes,
//                    1 counter, 2 json. Other bits must be zero. version must be > 0.
//                    What flod writes: about half the size of the old form for short values.
//   set-many 0x0108  flags:u8 [ns:vstr] count:varint first_version:varint written_ms:varint
//                    { pair_flags:u8 key:vstr value:vstr }*count
//                    the distinct keys of one multi-key write (MSET) on one shard, logged and
//                    replayed all or none: pair i has version first_version + i and no
//                    expiry. flags: bit 1 ns follows, others zero; pair_flags: bit 0 fresh,
//                    bits 4-5 kind, others zero. count >= 1, first_version >= 1.
//   set (old) 0x0101 ns:str16 key:str16 flags:u8 kind:u8 version:u64
//                    expire_at_ms:i64 written_ms:i64 value:str32
//                    the same fields at fixed width (flags: bit 0 only; kind in its own
//                    byte; expire_at_ms 0 = no expiry); still read from older logs.
//   delete   0x0102  ns:str16 key:str16
//   expire   0x0103  ns:str16 key:str16 expire_at_ms:i64       (0 = no expiry; no new version)
//   batch    0x0104  count:u32 { type:u16 payload:str32 }*count
//                    a committed transaction; members are set (either form), delete or
//                    expire records
//                    (no nested batch) and are applied in order, all or none.
//   clear    0x0105  ns:str16                                 (empty = every namespace)
//   floor    0x0106  version:u64                              raises the version counter
//
// Every record must be consumed exactly: trailing bytes make it undecodable.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flod/core/result.h"

namespace flod::engine::kv {

inline constexpr uint16_t kRecordSet = 0x0101;
inline constexpr uint16_t kRecordDelete = 0x0102;
inline constexpr uint16_t kRecordExpire = 0x0103;
inline constexpr uint16_t kRecordBatch = 0x0104;
inline constexpr uint16_t kRecordClear = 0x0105;
inline constexpr uint16_t kRecordFloor = 0x0106;
inline constexpr uint16_t kRecordSetCompact = 0x0107;
inline constexpr uint16_t kRecordSetMany = 0x0108;

// String views point into the caller's buffers (the request, or the record being replayed);
// a Change never outlives them.
struct SetChange {
  std::string_view ns;
  std::string_view key;
  std::string_view value;
  ValueKind kind = ValueKind::kBytes;
  bool fresh = false;
  uint64_t version = 0;
  int64_t expire_at_ms = 0;
  int64_t written_ms = 0;
};
struct DeleteChange {
  std::string_view ns;
  std::string_view key;
};
struct ExpireChange {
  std::string_view ns;
  std::string_view key;
  int64_t expire_at_ms = 0;
};
struct ClearChange {
  std::string_view ns;  // empty = every namespace
};
struct FloorChange {
  uint64_t version = 0;
};

using Change = std::variant<SetChange, DeleteChange, ExpireChange, ClearChange, FloorChange>;

// Replaces `out` with the payload of `change` and returns its record type.
uint16_t EncodeChange(const Change& change, std::string& out);

// Replaces `out` with the set-many payload of `sets`, which must be non-empty and share one
// namespace and written_ms, have consecutive versions and no expiry.
void EncodeSetMany(std::span<const SetChange> sets, std::string& out);

// Builds a batch record member by member.
class BatchEncoder {
 public:
  // Starts a batch in `out` (cleared first); `out` must outlive the encoder.
  explicit BatchEncoder(std::string& out);
  void Add(const Change& change);
  uint32_t count() const { return count_; }

 private:
  std::string& out_;
  std::string member_;
  uint32_t count_ = 0;
};

// Decodes one record into its changes (a batch or set-many yields several, any other record
// one).
// Returns false, leaving `out` unspecified, when the record is truncated, has trailing bytes,
// an unknown type or an invalid field.
bool DecodeRecord(uint16_t type, std::string_view payload, std::vector<Change>& out);

}  // namespace flod::engine::kv
