#pragma once
// The state of one shard's streams and the single place that changes it: every Apply takes a
// WAL change (built by a live write or decoded by Replay) and applies it, keeping the indices
// Maintain() needs in step. An Apply that returns false found a change contradicting the
// state (replay treats that as corruption); live writes only build changes that apply.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/engine/stream/stream_engine.h"
#include "stream_changes.h"
#include "stream_partition.h"

namespace flod::engine::stream {

inline constexpr int64_t kNever = INT64_MAX;
inline constexpr uint32_t kMaxReplayPartitions = 65'536;

struct Consumer {
  std::string name;
  std::set<StreamId> pending;
  int64_t last_active_ms = 0;  // last join, read or claim
};

struct PelEntry {
  uint32_t partition = 0;
  Consumer* owner = nullptr;  // nullptr: released by nack or leave, waiting for redelivery
  int64_t delivered_ms = 0;   // last delivery, claim or touch: the idle clock
  int64_t due_ms = kNever;    // when it may be delivered again
  uint32_t delivery_count = 0;
};

struct DeadLetter {
  uint32_t partition = 0;
  uint32_t delivery_count = 0;
  int64_t dead_ms = 0;
};

struct Stream;

// A consumer group. The pending list (pel), the redelivery schedule and each consumer's id
// set always describe the same entries; only the helpers below change them.
struct Group {
  using Pel = std::map<StreamId, PelEntry>;
  using ScheduleKey = std::pair<int64_t, StreamId>;  // (due ms, id)

  std::string name;
  Stream* stream = nullptr;
  uint64_t serial = 0;
  GroupSettings settings;
  StreamId cursor;  // last id delivered to the group
  std::map<std::string, Consumer, std::less<>> consumers;
  Pel pel;
  std::set<ScheduleKey> schedule;  // entries with a due time
  std::map<StreamId, DeadLetter> dead;
  // Maintain() has looked at every schedule entry up to here (reported or dead-lettered).
  ScheduleKey announced{INT64_MIN, StreamId{}};
  std::optional<int64_t> indexed_due;  // this group's key in StreamStore::group_due

  Consumer& EnsureConsumer(std::string_view consumer);
  int64_t DueAfterDelivery(int64_t now_ms) const;
  void Add(StreamId id, const PelEntry& entry);
  void SetOwner(Pel::iterator it, Consumer* owner);
  void SetDue(Pel::iterator it, int64_t due_ms);
  void MoveToDead(Pel::iterator it, int64_t now_ms);
  void Erase(Pel::iterator it);
  // Delivers `id` to `owner` (a first delivery or a redelivery).
  void Deliver(StreamId id, uint32_t partition, Consumer* owner, int64_t now_ms);
};

struct Stream {
  std::string ns;
  std::string name;
  uint64_t serial = 0;
  std::vector<Partition> partitions;
  StreamRetention retention;
  StreamId last_id;  // last id ever assigned, even if trimmed since
  uint64_t count = 0;
  uint64_t bytes = 0;
  std::map<std::string, std::unique_ptr<Group>, std::less<>> groups;
  std::optional<int64_t> indexed_age_due;  // key in StreamStore::age_due

  const StoredRecord* Find(uint32_t partition, StreamId id) const;
  std::optional<StreamId> FirstId() const;
  Group* FindGroup(std::string_view group) const;
  bool OverSizeLimit() const;  // count or bytes retention exceeded
};

class StreamStore {
 public:
  using StreamMap = std::map<std::string, std::unique_ptr<Stream>, std::less<>>;
  using DueKey = std::pair<int64_t, uint64_t>;  // (due ms, serial)

  static std::string Key(std::string_view ns, std::string_view name);
  mutable std::string lookup_key_;  // scratch for Find

  Stream* Find(std::string_view ns, std::string_view name) const;
  Group* FindGroup(std::string_view ns, std::string_view name, std::string_view group) const;
  const StreamMap& streams() const { return streams_; }

  bool Apply(const CreateChange& change);
  bool Apply(const DeleteChange& change);
  bool Apply(AppendChange& change);  // moves the records into the stream
  bool Apply(const TrimChange& change);
  bool Apply(const MarkChange& change);
  bool Apply(uint16_t type, const GroupOp& op);
  bool Apply(const GroupStateChange& change);
  bool Apply(const PendingChunk& change);
  bool Apply(const DeadChunk& change);

  // Indices read by Maintain(): groups by their next unannounced due time, streams by when
  // their oldest record outlives max_age, streams over a count or byte limit.
  std::map<DueKey, Group*> group_due;
  std::map<DueKey, Stream*> age_due;
  std::map<uint64_t, Stream*> retention_dirty;

  void RefreshGroupDue(Group& group);
  void RefreshAgeDue(Stream& stream);

 private:
  Stream& Ensure(std::string_view ns, std::string_view name);
  Stream& AddStream(std::string_view ns, std::string_view name, uint32_t partitions,
                    const StreamRetention& retention);
  Group& AddGroup(Stream& stream, std::string_view name, const GroupSettings& settings,
                  StreamId cursor);
  void Unindex(Group& group);
  void Unindex(Stream& stream);
  bool ApplyGroupCreate(const GroupOp& op);
  bool ApplyGroupOp(uint16_t type, Stream& stream, Group& group, const GroupOp& op);
  bool ApplyRead(Stream& stream, Group& group, const GroupOp& op);
  bool ApplyLeave(Group& group, const GroupOp& op);
  bool ApplyClaim(Group& group, const GroupOp& op);

  StreamMap streams_;
  uint64_t next_serial_ = 1;
};

}  // namespace flod::engine::stream
