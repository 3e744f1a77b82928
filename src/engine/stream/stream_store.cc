#include "stream_store.h"

#include <algorithm>

namespace flod::engine::stream {
namespace {

// Adding a ms count to an id's timestamp without overflowing int64 (explicit ids may carry
// any u64 timestamp).
int64_t SaturatingAdd(uint64_t ms, uint64_t delta) {
  const uint64_t limit = static_cast<uint64_t>(kNever);
  if (ms >= limit || delta >= limit - ms) return kNever;
  return static_cast<int64_t>(ms + delta);
}

// The id lists of one change name distinct pending entries (a corrupt record could repeat
// one, and the apply code looks each up exactly once).
bool DistinctPending(const Group& group,
                     std::initializer_list<const std::vector<StreamId>*> lists) {
  std::vector<StreamId> all;
  for (const auto* ids : lists) all.insert(all.end(), ids->begin(), ids->end());
  std::sort(all.begin(), all.end());
  if (std::adjacent_find(all.begin(), all.end()) != all.end()) return false;
  return std::all_of(all.begin(), all.end(), [&](StreamId id) { return group.pel.count(id) == 1; });
}

}  // namespace

// ---- Group ---------------------------------------------------------------------------------

Consumer& Group::EnsureConsumer(std::string_view consumer) {
  auto it = consumers.find(consumer);
  if (it == consumers.end()) {
    it = consumers.emplace(std::string(consumer), Consumer{}).first;
    it->second.name = it->first;
  }
  return it->second;
}

int64_t Group::DueAfterDelivery(int64_t now_ms) const {
  if (settings.ack_timeout_ms == 0) return kNever;
  return SaturatingAdd(static_cast<uint64_t>(now_ms), settings.ack_timeout_ms);
}

void Group::Add(StreamId id, const PelEntry& entry) {
  auto it = pel.emplace(id, PelEntry{entry.partition, nullptr, entry.delivered_ms, kNever,
                                     entry.delivery_count})
                .first;
  SetOwner(it, entry.owner);
  SetDue(it, entry.due_ms);
}

void Group::SetOwner(Pel::iterator it, Consumer* owner) {
  if (it->second.owner != nullptr) it->second.owner->pending.erase(it->first);
  it->second.owner = owner;
  if (owner != nullptr) owner->pending.insert(it->first);
}

void Group::SetDue(Pel::iterator it, int64_t due_ms) {
  PelEntry& entry = it->second;
  if (entry.due_ms != kNever) schedule.erase({entry.due_ms, it->first});
  entry.due_ms = due_ms;
  if (due_ms == kNever) return;
  const ScheduleKey key{due_ms, it->first};
  schedule.insert(key);
  // An entry scheduled behind what Maintain() already looked at must still be looked at.
  if (key <= announced) announced = {due_ms - 1, kMaxId};
}

void Group::MoveToDead(Pel::iterator it, int64_t now_ms) {
  dead[it->first] = DeadLetter{it->second.partition, it->second.delivery_count, now_ms};
  Erase(it);
}

void Group::Erase(Pel::iterator it) {
  SetOwner(it, nullptr);
  SetDue(it, kNever);
  pel.erase(it);
}

void Group::Deliver(StreamId id, uint32_t partition, Consumer* owner, int64_t now_ms) {
  auto it = pel.find(id);
  if (it == pel.end()) {
    Add(id, PelEntry{partition, owner, now_ms, DueAfterDelivery(now_ms), 1});
    return;
  }
  ++it->second.delivery_count;
  it->second.delivered_ms = now_ms;
  SetOwner(it, owner);
  SetDue(it, DueAfterDelivery(now_ms));
}

// ---- Stream --------------------------------------------------------------------------------

const StoredRecord* Stream::Find(uint32_t partition, StreamId id) const {
  if (partition >= partitions.size()) return nullptr;
  return partitions[partition].Find(id);
}

std::optional<StreamId> Stream::FirstId() const {
  std::optional<StreamId> first;
  for (const Partition& part : partitions) {
    if (!part.empty() && (!first || part.front().id < *first)) first = part.front().id;
  }
  return first;
}

Group* Stream::FindGroup(std::string_view group) const {
  auto it = groups.find(group);
  return it == groups.end() ? nullptr : it->second.get();
}

bool Stream::OverSizeLimit() const {
  return (retention.max_count != 0 && count > retention.max_count) ||
         (retention.max_bytes != 0 && bytes > retention.max_bytes);
}

// ---- StreamStore: lookup and indices -------------------------------------------------------

std::string StreamStore::Key(std::string_view ns, std::string_view name) {
  std::string key;
  key.reserve(ns.size() + 1 + name.size());
  key.append(ns).push_back('\0');
  key.append(name);
  return key;
}

Stream* StreamStore::Find(std::string_view ns, std::string_view name) const {
  if (streams_.empty()) return nullptr;  // most lookups on a KV-only shard end here
  // The combined key is built in a reused buffer: a lookup allocates nothing.
  lookup_key_.assign(ns).push_back('\0');
  lookup_key_.append(name);
  auto it = streams_.find(lookup_key_);
  return it == streams_.end() ? nullptr : it->second.get();
}

Group* StreamStore::FindGroup(std::string_view ns, std::string_view name,
                              std::string_view group) const {
  Stream* stream = Find(ns, name);
  return stream == nullptr ? nullptr : stream->FindGroup(group);
}

Stream& StreamStore::Ensure(std::string_view ns, std::string_view name) {
  if (Stream* stream = Find(ns, name)) return *stream;
  return AddStream(ns, name, 1, StreamRetention{});
}

Stream& StreamStore::AddStream(std::string_view ns, std::string_view name, uint32_t partitions,
                               const StreamRetention& retention) {
  auto stream = std::make_unique<Stream>();
  stream->ns = std::string(ns);
  stream->name = std::string(name);
  stream->serial = next_serial_++;
  stream->partitions.resize(partitions);
  stream->retention = retention;
  Stream& ref = *stream;
  streams_.emplace(Key(ns, name), std::move(stream));
  return ref;
}

Group& StreamStore::AddGroup(Stream& stream, std::string_view name, const GroupSettings& settings,
                             StreamId cursor) {
  auto group = std::make_unique<Group>();
  group->name = std::string(name);
  group->stream = &stream;
  group->serial = next_serial_++;
  group->settings = settings;
  group->cursor = cursor;
  Group& ref = *group;
  stream.groups.emplace(group->name, std::move(group));
  return ref;
}

void StreamStore::RefreshGroupDue(Group& group) {
  auto next = group.schedule.upper_bound(group.announced);
  std::optional<int64_t> due;
  if (next != group.schedule.end()) due = next->first;
  if (due == group.indexed_due) return;
  if (group.indexed_due) group_due.erase({*group.indexed_due, group.serial});
  if (due) group_due.emplace(DueKey{*due, group.serial}, &group);
  group.indexed_due = due;
}

void StreamStore::RefreshAgeDue(Stream& stream) {
  std::optional<int64_t> due;
  if (stream.retention.max_age_ms != 0) {
    // A record goes once now - max_age passes its timestamp.
    if (auto first = stream.FirstId())
      due = SaturatingAdd(first->ms, stream.retention.max_age_ms + 1);
  }
  if (due == stream.indexed_age_due) return;
  if (stream.indexed_age_due) age_due.erase({*stream.indexed_age_due, stream.serial});
  if (due) age_due.emplace(DueKey{*due, stream.serial}, &stream);
  stream.indexed_age_due = due;
}

void StreamStore::Unindex(Group& group) {
  if (group.indexed_due) group_due.erase({*group.indexed_due, group.serial});
  group.indexed_due.reset();
}

void StreamStore::Unindex(Stream& stream) {
  if (stream.indexed_age_due) age_due.erase({*stream.indexed_age_due, stream.serial});
  stream.indexed_age_due.reset();
  retention_dirty.erase(stream.serial);
  for (auto& [name, group] : stream.groups) Unindex(*group);
}

// ---- StreamStore: stream changes -----------------------------------------------------------

bool StreamStore::Apply(const CreateChange& change) {
  if (change.partitions == 0 || change.partitions > kMaxReplayPartitions) return false;
  if (Find(change.ns, change.name) != nullptr) return false;
  AddStream(change.ns, change.name, change.partitions, change.retention);
  return true;
}

bool StreamStore::Apply(const DeleteChange& change) {
  auto it = streams_.find(Key(change.ns, change.name));
  if (it == streams_.end()) return false;
  Unindex(*it->second);
  streams_.erase(it);
  return true;
}

bool StreamStore::Apply(AppendChange& change) {
  Stream* existing = Find(change.ns, change.name);
  const size_t partitions = existing ? existing->partitions.size() : 1;
  if (change.partition >= partitions || change.records.empty()) return false;
  // Ids grow within the partition (a snapshot replays partitions one after the other, so
  // only the partition order is checked here; live appends also exceed the stream's last id).
  StreamId previous;
  if (existing && !existing->partitions[change.partition].empty()) {
    previous = existing->partitions[change.partition].back().id;
  }
  for (const StoredRecord& record : change.records) {
    if (!(previous < record.id)) return false;
    previous = record.id;
  }
  Stream& stream = existing ? *existing : Ensure(change.ns, change.name);
  const bool was_empty = stream.count == 0;
  Partition& part = stream.partitions[change.partition];
  for (StoredRecord& record : change.records) {
    stream.bytes += record.Bytes();
    stream.last_id = std::max(stream.last_id, record.id);
    part.Push(std::move(record));
  }
  stream.count += change.records.size();
  if (was_empty) RefreshAgeDue(stream);
  if (stream.OverSizeLimit()) retention_dirty[stream.serial] = &stream;
  return true;
}

bool StreamStore::Apply(const TrimChange& change) {
  Stream* stream = Find(change.ns, change.name);
  if (stream == nullptr) return false;
  for (const auto& [partition, count] : change.cuts) {
    if (partition >= stream->partitions.size() || count > stream->partitions[partition].size()) {
      return false;
    }
  }
  for (const auto& [partition, count] : change.cuts) {
    const Partition::Removed removed = stream->partitions[partition].RemoveFront(count);
    stream->count -= removed.count;
    stream->bytes -= removed.bytes;
  }
  if (!stream->OverSizeLimit()) retention_dirty.erase(stream->serial);
  RefreshAgeDue(*stream);
  return true;
}

bool StreamStore::Apply(const MarkChange& change) {
  Stream* stream = Find(change.ns, change.name);
  if (stream == nullptr) return false;
  stream->last_id = std::max(stream->last_id, change.last_id);
  return true;
}

// ---- StreamStore: group changes ------------------------------------------------------------

bool StreamStore::Apply(uint16_t type, const GroupOp& op) {
  if (!record_type::IsGroupOp(type)) return false;
  if (type == record_type::kGroupCreate) return ApplyGroupCreate(op);
  // Join and read create what they need; every other op needs an existing group.
  const bool implicit = type == record_type::kGroupJoin || type == record_type::kGroupRead;
  Stream* stream = Find(op.ns, op.name);
  Group* group = stream ? stream->FindGroup(op.group) : nullptr;
  if (group != nullptr && op.created) return false;
  if (group == nullptr) {
    if (!implicit || !op.created) return false;
    if (stream == nullptr) stream = &Ensure(op.ns, op.name);
    group = &AddGroup(*stream, op.group, *op.created, StreamId{});
  }
  if (type == record_type::kGroupDelete) {
    Unindex(*group);
    stream->groups.erase(op.group);
    return true;
  }
  const bool ok = ApplyGroupOp(type, *stream, *group, op);
  RefreshGroupDue(*group);
  return ok;
}

bool StreamStore::ApplyGroupCreate(const GroupOp& op) {
  if (!op.created) return false;
  Stream& stream = Ensure(op.ns, op.name);
  if (stream.FindGroup(op.group) != nullptr) return false;
  AddGroup(stream, op.group, *op.created, op.cursor);
  return true;
}

bool StreamStore::ApplyGroupOp(uint16_t type, Stream& stream, Group& group, const GroupOp& op) {
  namespace rt = record_type;
  if (type == rt::kGroupRead) return ApplyRead(stream, group, op);
  if (type == rt::kGroupLeave) return ApplyLeave(group, op);
  if (type == rt::kGroupClaim) return ApplyClaim(group, op);
  if (type == rt::kGroupJoin) {
    group.EnsureConsumer(op.consumer).last_active_ms = op.now_ms;
    return true;
  }
  if (type == rt::kGroupSetCursor) {
    group.cursor = op.cursor;
    return true;
  }
  if (type == rt::kGroupPurge) {
    if (op.Has(GroupOp::kAll)) {
      group.dead.clear();
      return true;
    }
    for (StreamId id : op.ids) {
      if (group.dead.erase(id) == 0) return false;
    }
    return true;
  }
  if (!DistinctPending(group, {&op.ids, &op.dead, &op.dropped})) return false;
  for (StreamId id : op.ids) {
    auto it = group.pel.find(id);
    if (type == rt::kGroupAck) {
      group.Erase(it);
    } else if (type == rt::kGroupNack) {
      group.SetOwner(it, nullptr);
      group.SetDue(it, op.due_ms);
    } else if (type == rt::kGroupTouch) {
      it->second.delivered_ms = op.now_ms;
      group.SetDue(it, op.due_ms);
    }
  }
  if (type == rt::kGroupExpire) {
    for (StreamId id : op.dead) group.MoveToDead(group.pel.find(id), op.now_ms);
    for (StreamId id : op.dropped) group.Erase(group.pel.find(id));
  }
  return true;
}

bool StreamStore::ApplyRead(Stream& stream, Group& group, const GroupOp& op) {
  if (op.cursor < group.cursor || !DistinctPending(group, {&op.ids, &op.dead, &op.dropped})) {
    return false;
  }
  Consumer& consumer = group.EnsureConsumer(op.consumer);
  consumer.last_active_ms = op.now_ms;
  const bool no_ack = op.Has(GroupOp::kNoAck);
  for (StreamId id : op.dropped) group.Erase(group.pel.find(id));
  for (StreamId id : op.dead) group.MoveToDead(group.pel.find(id), op.now_ms);
  for (StreamId id : op.ids) {
    auto it = group.pel.find(id);
    if (no_ack) {
      group.Erase(it);
    } else {
      group.Deliver(id, it->second.partition, &consumer, op.now_ms);
    }
  }
  if (group.cursor < op.cursor) {
    // Every record after the old cursor up to the new one went to this consumer.
    MergedCursor records(stream.partitions, std::nullopt, *Successor(group.cursor), op.cursor);
    while (auto item = records.Next()) {
      if (no_ack) {
        if (auto it = group.pel.find(item->record->id); it != group.pel.end()) group.Erase(it);
      } else {
        group.Deliver(item->record->id, item->partition, &consumer, op.now_ms);
      }
    }
    group.cursor = op.cursor;
  }
  return true;
}

bool StreamStore::ApplyLeave(Group& group, const GroupOp& op) {
  auto consumer = group.consumers.find(op.consumer);
  if (consumer == group.consumers.end()) return false;
  const std::vector<StreamId> held(consumer->second.pending.begin(),
                                   consumer->second.pending.end());
  for (StreamId id : held) {
    auto it = group.pel.find(id);
    if (op.Has(GroupOp::kDropPending)) {
      group.Erase(it);
    } else {
      group.SetOwner(it, nullptr);
      group.SetDue(it, op.now_ms);
    }
  }
  group.consumers.erase(consumer);
  return true;
}

bool StreamStore::ApplyClaim(Group& group, const GroupOp& op) {
  if (!DistinctPending(group, {&op.ids, &op.dropped})) return false;
  Consumer& consumer = group.EnsureConsumer(op.consumer);
  consumer.last_active_ms = op.now_ms;
  for (StreamId id : op.dropped) group.Erase(group.pel.find(id));
  for (StreamId id : op.ids) {
    auto it = group.pel.find(id);
    if (!op.Has(GroupOp::kJustId)) ++it->second.delivery_count;
    it->second.delivered_ms = op.now_ms;
    group.SetOwner(it, &consumer);
    group.SetDue(it, group.DueAfterDelivery(op.now_ms));
  }
  return true;
}

// ---- StreamStore: snapshot records ---------------------------------------------------------

bool StreamStore::Apply(const GroupStateChange& change) {
  Stream* stream = Find(change.ns, change.name);
  if (stream == nullptr || stream->FindGroup(change.group) != nullptr) return false;
  AddGroup(*stream, change.group, change.settings, change.cursor);
  return true;
}

bool StreamStore::Apply(const PendingChunk& change) {
  Group* group = FindGroup(change.ns, change.name, change.group);
  if (group == nullptr) return false;
  const size_t partitions = group->stream->partitions.size();
  for (const PendingRow& row : change.rows) {
    if (group->pel.count(row.id) != 0 || row.partition >= partitions) return false;
    Consumer* owner = nullptr;
    if (!row.consumer.empty()) {
      auto it = group->consumers.find(row.consumer);
      if (it == group->consumers.end()) return false;
      owner = &it->second;
    }
    group->Add(row.id,
               PelEntry{row.partition, owner, row.delivered_ms, row.due_ms, row.delivery_count});
  }
  RefreshGroupDue(*group);
  return true;
}

bool StreamStore::Apply(const DeadChunk& change) {
  Group* group = FindGroup(change.ns, change.name, change.group);
  if (group == nullptr) return false;
  for (const DeadRow& row : change.rows) {
    if (row.partition >= group->stream->partitions.size()) return false;
    if (!group->dead.emplace(row.id, DeadLetter{row.partition, row.delivery_count, row.dead_ms})
             .second) {
      return false;
    }
  }
  return true;
}

}  // namespace flod::engine::stream
