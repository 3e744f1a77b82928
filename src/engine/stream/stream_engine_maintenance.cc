// Maintenance (retention, due redeliveries, dead letters), replay and snapshots.

#include <algorithm>

#include "flod/engine/stream/stream_engine.h"
#include "stream_common.h"
#include "stream_trim.h"

namespace flod::engine {

using stream::Group;
using stream::GroupOp;
using stream::PelEntry;
using stream::Stream;
using stream::StreamStore;
namespace record_type = stream::record_type;

namespace {

// Snapshot chunking keeps single WAL records moderate in size.
constexpr size_t kSnapshotRecordsPerChunk = 512;
constexpr size_t kSnapshotBytesPerChunk = 1u << 20;
constexpr size_t kSnapshotRowsPerChunk = 4096;
constexpr size_t kPendingRowFixedBytes = 16 + 4 + 2 + 8 + 8 + 4;  // all but the consumer name

// Looks at the group's schedule entries that came due since the last look: those past
// max_deliver move to the dead letters, those whose records were trimmed are dropped, and
// any other makes the group worth waking (a blocked reader can now get it).
void ExpireGroup(StreamStore& store, Group& g, int64_t now_ms, size_t& budget,
                 StreamMaintenanceReport& report, ChangeSink& changes) {
  GroupOp op;
  op.ns = g.stream->ns;
  op.name = g.stream->name;
  op.group = g.name;
  op.now_ms = now_ms;
  bool wake = false;
  for (auto it = g.schedule.upper_bound(g.announced);
       it != g.schedule.end() && it->first <= now_ms && budget > 0; ++it, --budget) {
    g.announced = *it;
    const PelEntry& entry = g.pel.at(it->second);
    if (g.stream->Find(entry.partition, it->second) == nullptr) {
      op.dropped.push_back(it->second);
    } else if (g.settings.max_deliver != 0 && entry.delivery_count >= g.settings.max_deliver) {
      op.dead.push_back(it->second);
    } else {
      wake = true;
    }
  }
  if (op.dead.empty() && op.dropped.empty()) {
    store.RefreshGroupDue(g);
  } else if (stream::CommitGroup(store, changes, record_type::kGroupExpire, op)) {
    report.dead_lettered += op.dead.size();
  }
  if (wake) report.wakes.push_back(StreamWake{op.ns, op.name, op.group});
}

void ExpireDueGroups(StreamStore& store, int64_t now_ms, size_t& budget,
                     StreamMaintenanceReport& report, ChangeSink& changes) {
  while (budget > 0 && !store.group_due.empty()) {
    auto first = store.group_due.begin();
    if (first->first.first > now_ms) break;
    ExpireGroup(store, *first->second, now_ms, budget, report, changes);
  }
}

void ApplyRetention(StreamStore& store, int64_t now_ms, size_t& budget,
                    StreamMaintenanceReport& report, ChangeSink& changes) {
  std::vector<Stream*> todo;
  for (const auto& [serial, s] : store.retention_dirty) todo.push_back(s);
  for (auto it = store.age_due.begin(); it != store.age_due.end() && it->first.first <= now_ms;
       ++it) {
    todo.push_back(it->second);
  }
  std::sort(todo.begin(), todo.end(),
            [](const Stream* a, const Stream* b) { return a->serial < b->serial; });
  todo.erase(std::unique(todo.begin(), todo.end()), todo.end());
  for (Stream* s : todo) {
    if (budget == 0) break;
    stream::TrimPlan plan =
        stream::PlanTrim(*s, stream::TrimLimits::FromRetention(s->retention, now_ms), budget);
    if (plan.removed == 0) continue;
    if (!stream::Commit(store, changes, record_type::kTrim, plan.change)) continue;
    budget -= plan.removed;
    report.trimmed += plan.removed;
  }
}

bool HasDueWork(const StreamStore& store, int64_t now_ms) {
  return !store.retention_dirty.empty() ||
         (!store.age_due.empty() && store.age_due.begin()->first.first <= now_ms) ||
         (!store.group_due.empty() && store.group_due.begin()->first.first <= now_ms);
}

template <typename Change>
bool ReplayAs(StreamStore& store, std::string_view payload) {
  Change change;
  return stream::Decode(payload, change) && store.Apply(change);
}

void SnapshotRecords(const Stream& s, ChangeSink& out) {
  for (uint32_t p = 0; p < s.partitions.size(); ++p) {
    const stream::Partition& part = s.partitions[p];
    size_t begin = 0;
    while (begin < part.size()) {
      size_t end = begin;
      size_t bytes = 0;
      while (end < part.size() && end - begin < kSnapshotRecordsPerChunk &&
             bytes < kSnapshotBytesPerChunk) {
        bytes += part[end].Bytes();
        ++end;
      }
      out.Append(record_type::kAppendCompact, stream::EncodeAppend(s.ns, s.name, p, part, begin, end));
      begin = end;
    }
  }
}

void SnapshotGroup(const Stream& s, const Group& g, ChangeSink& out) {
  const stream::GroupStateChange state{s.ns, s.name, g.name, g.settings, g.cursor};
  out.Append(record_type::kGroupState, stream::Encode(state));
  for (const auto& [name, consumer] : g.consumers) {
    GroupOp join;
    join.ns = s.ns;
    join.name = s.name;
    join.group = g.name;
    join.consumer = name;
    join.now_ms = consumer.last_active_ms;
    out.Append(record_type::kGroupJoin, stream::Encode(join));
  }
  stream::PendingChunk pending{s.ns, s.name, g.name, {}};
  size_t bytes = 0;
  for (auto it = g.pel.begin(); it != g.pel.end();) {
    const PelEntry& e = it->second;
    pending.rows.push_back(stream::PendingRow{it->first, e.partition,
                                              e.owner ? e.owner->name : std::string(),
                                              e.delivered_ms, e.due_ms, e.delivery_count});
    bytes += kPendingRowFixedBytes + pending.rows.back().consumer.size();
    ++it;
    if (pending.rows.size() == kSnapshotRowsPerChunk || bytes >= kSnapshotBytesPerChunk ||
        it == g.pel.end()) {
      out.Append(record_type::kGroupPending, stream::Encode(pending));
      pending.rows.clear();
      bytes = 0;
    }
  }
  stream::DeadChunk dead{s.ns, s.name, g.name, {}};
  for (auto it = g.dead.begin(); it != g.dead.end();) {
    dead.rows.push_back(stream::DeadRow{it->first, it->second.partition, it->second.delivery_count,
                                        it->second.dead_ms});
    ++it;
    if (dead.rows.size() == kSnapshotRowsPerChunk || it == g.dead.end()) {
      out.Append(record_type::kGroupDead, stream::Encode(dead));
      dead.rows.clear();
    }
  }
}

}  // namespace

StreamMaintenanceReport StreamEngine::Maintain(size_t budget, ChangeSink& changes) {
  const int64_t now = stream::NowMs(clock_);
  StreamMaintenanceReport report;
  ExpireDueGroups(*store_, now, budget, report, changes);
  ApplyRetention(*store_, now, budget, report, changes);
  report.more = HasDueWork(*store_, now);
  return report;
}

std::optional<int64_t> StreamEngine::NextDueMs() const {
  std::optional<int64_t> due;
  auto consider = [&due](int64_t when) { due = due ? std::min(*due, when) : when; };
  if (!store_->retention_dirty.empty()) consider(stream::NowMs(clock_));
  if (!store_->age_due.empty()) consider(store_->age_due.begin()->first.first);
  if (!store_->group_due.empty()) consider(store_->group_due.begin()->first.first);
  return due;
}

bool StreamEngine::Replay(uint16_t type, std::string_view payload) {
  switch (type) {
    case record_type::kCreate:
      return ReplayAs<stream::CreateChange>(*store_, payload);
    case record_type::kDelete:
      return ReplayAs<stream::DeleteChange>(*store_, payload);
    case record_type::kAppend: {
      stream::AppendChange change;
      return stream::DecodeFirstAppend(payload, change) && store_->Apply(change);
    }
    case record_type::kAppendCompact:
      return ReplayAs<stream::AppendChange>(*store_, payload);
    case record_type::kTrim:
      return ReplayAs<stream::TrimChange>(*store_, payload);
    case record_type::kStreamMark:
      return ReplayAs<stream::MarkChange>(*store_, payload);
    case record_type::kGroupState:
      return ReplayAs<stream::GroupStateChange>(*store_, payload);
    case record_type::kGroupPending:
      return ReplayAs<stream::PendingChunk>(*store_, payload);
    case record_type::kGroupDead:
      return ReplayAs<stream::DeadChunk>(*store_, payload);
    default:
      break;
  }
  if (!record_type::IsGroupOp(type)) return false;
  GroupOp op;
  return stream::Decode(payload, op) && store_->Apply(type, op);
}

void StreamEngine::WriteSnapshot(ChangeSink& out) const {
  for (const auto& [key, s] : store_->streams()) {
    const stream::CreateChange create{s->ns, s->name, static_cast<uint32_t>(s->partitions.size()),
                                      s->retention};
    out.Append(record_type::kCreate, stream::Encode(create));
    SnapshotRecords(*s, out);
    out.Append(record_type::kStreamMark,
               stream::Encode(stream::MarkChange{s->ns, s->name, s->last_id}));
    for (const auto& [name, g] : s->groups) SnapshotGroup(*s, *g, out);
  }
}

}  // namespace flod::engine
