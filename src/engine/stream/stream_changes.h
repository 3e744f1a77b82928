#pragma once
// The stream engine's WAL records: one struct per record kind carrying the effect of a
// mutation, and its encoding. Live writes build a change, apply it and log it; replay decodes
// it and applies it through the same StreamStore::Apply. Grammar: docs/engines/streams.md.
// Decoders are bounds-checked and reject trailing bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/core/stream_id.h"
#include "flod/engine/stream/stream_engine.h"
#include "stream_partition.h"

namespace flod::engine::stream {

namespace record_type {
inline constexpr uint16_t kCreate = 0x0301;
inline constexpr uint16_t kDelete = 0x0302;
inline constexpr uint16_t kAppend = 0x0303;
inline constexpr uint16_t kTrim = 0x0304;
inline constexpr uint16_t kGroupCreate = 0x0305;
inline constexpr uint16_t kGroupDelete = 0x0306;
inline constexpr uint16_t kGroupJoin = 0x0307;
inline constexpr uint16_t kGroupLeave = 0x0308;
inline constexpr uint16_t kGroupRead = 0x0309;
inline constexpr uint16_t kGroupAck = 0x030A;
inline constexpr uint16_t kGroupNack = 0x030B;
inline constexpr uint16_t kGroupTouch = 0x030C;
inline constexpr uint16_t kGroupClaim = 0x030D;
inline constexpr uint16_t kGroupExpire = 0x030E;
inline constexpr uint16_t kGroupSetCursor = 0x030F;
inline constexpr uint16_t kGroupPurge = 0x0310;
inline constexpr uint16_t kAppendCompact = 0x0311;  // written in place of kAppend (still read)
// Snapshot-only records.
inline constexpr uint16_t kStreamMark = 0x0320;
inline constexpr uint16_t kGroupState = 0x0321;
inline constexpr uint16_t kGroupPending = 0x0322;
inline constexpr uint16_t kGroupDead = 0x0323;

inline bool IsGroupOp(uint16_t type) { return type >= kGroupCreate && type <= kGroupPurge; }
}  // namespace record_type

struct GroupSettings {
  uint32_t ack_timeout_ms = 0;  // 0 = never redeliver by timeout
  uint32_t max_deliver = 0;     // 0 = unlimited
};

struct CreateChange {
  std::string ns;
  std::string name;
  uint32_t partitions = 1;
  StreamRetention retention;
};

struct DeleteChange {
  std::string ns;
  std::string name;
};

// Records appended to one partition, with their assigned ids. Creates the stream (1
// partition, no retention) when it does not exist.
struct AppendChange {
  std::string ns;
  std::string name;
  uint32_t partition = 0;
  std::vector<StoredRecord> records;
};

// Per partition: how many of its oldest records go.
struct TrimChange {
  std::string ns;
  std::string name;
  std::vector<std::pair<uint32_t, uint64_t>> cuts;
};

// Snapshot: the last id ever assigned, which trimming may have removed from the records.
struct MarkChange {
  std::string ns;
  std::string name;
  StreamId last_id;
};

// Every consumer-group mutation, in one layout; each record type uses the fields it needs.
struct GroupOp {
  static constexpr uint8_t kNoAck = 1;        // read: delivered entries are not tracked
  static constexpr uint8_t kJustId = 2;       // claim: no delivery count bump
  static constexpr uint8_t kDropPending = 4;  // leave: forget the consumer's entries
  static constexpr uint8_t kAll = 8;          // purge: every dead letter

  std::string ns;
  std::string name;
  std::string group;
  std::string consumer;
  int64_t now_ms = 0;
  int64_t due_ms = 0;  // nack, touch: the new redelivery time
  uint8_t flags = 0;
  std::optional<GroupSettings> created;  // create, or join/read that created the group
  StreamId cursor;                       // create, set-cursor; read: the new cursor
  std::vector<StreamId> ids;             // acked, nacked, touched, claimed, redelivered, purged
  std::vector<StreamId> dead;            // moved to the dead letters
  std::vector<StreamId> dropped;         // pending entries whose records were trimmed

  bool Has(uint8_t flag) const { return (flags & flag) != 0; }
};

// Snapshot of a group's settings and cursor. Its consumers follow as kGroupJoin records
// (now_ms = last active), its pending entries and dead letters as chunks.
struct GroupStateChange {
  std::string ns;
  std::string name;
  std::string group;
  GroupSettings settings;
  StreamId cursor;
};

struct PendingRow {
  StreamId id;
  uint32_t partition = 0;
  std::string consumer;  // empty = released, waiting for redelivery
  int64_t delivered_ms = 0;
  int64_t due_ms = 0;
  uint32_t delivery_count = 0;
};

struct DeadRow {
  StreamId id;
  uint32_t partition = 0;
  uint32_t delivery_count = 0;
  int64_t dead_ms = 0;
};

struct PendingChunk {
  std::string ns;
  std::string name;
  std::string group;
  std::vector<PendingRow> rows;
};

struct DeadChunk {
  std::string ns;
  std::string name;
  std::string group;
  std::vector<DeadRow> rows;
};

std::string Encode(const CreateChange& change);
std::string Encode(const DeleteChange& change);
std::string Encode(const AppendChange& change);  // the compact form, 0x0311
// The same record for records [begin, end) of a stored partition (snapshots, no copies).
std::string EncodeAppend(const std::string& ns, const std::string& name, uint32_t partition,
                         const Partition& records, size_t begin, size_t end);
std::string Encode(const TrimChange& change);
std::string Encode(const MarkChange& change);
std::string Encode(const GroupOp& change);
std::string Encode(const GroupStateChange& change);
std::string Encode(const PendingChunk& change);
std::string Encode(const DeadChunk& change);

bool Decode(std::string_view payload, CreateChange& out);
bool Decode(std::string_view payload, DeleteChange& out);
bool Decode(std::string_view payload, AppendChange& out);  // the compact form, 0x0311
// The first form of append (0x0303), written by earlier versions.
bool DecodeFirstAppend(std::string_view payload, AppendChange& out);
bool Decode(std::string_view payload, TrimChange& out);
bool Decode(std::string_view payload, MarkChange& out);
bool Decode(std::string_view payload, GroupOp& out);
bool Decode(std::string_view payload, GroupStateChange& out);
bool Decode(std::string_view payload, PendingChunk& out);
bool Decode(std::string_view payload, DeadChunk& out);

}  // namespace flod::engine::stream
