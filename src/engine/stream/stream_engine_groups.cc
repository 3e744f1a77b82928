// Consumer-group operations of StreamEngine. Each mutation builds one GroupOp (the effect:
// ids, times, cursor) and commits it through StreamStore::Apply, the path replay takes.

#include <algorithm>

#include "flod/engine/stream/stream_engine.h"
#include "stream_common.h"

namespace flod::engine {

using stream::Consumer;
using stream::Group;
using stream::GroupOp;
using stream::kMaxId;
using stream::PelEntry;
using stream::Stream;
namespace record_type = stream::record_type;

namespace {

constexpr uint32_t kDefaultPendingCount = 100;
// XAUTOCLAIM looks at up to this many entries per claimed one (as Redis does).
constexpr uint32_t kClaimScanFactor = 10;

GroupOp NewOp(std::string_view ns, std::string_view name, std::string_view group,
              std::string_view consumer, int64_t now_ms) {
  GroupOp op;
  op.ns = std::string(ns);
  op.name = std::string(name);
  op.group = std::string(group);
  op.consumer = std::string(consumer);
  op.now_ms = now_ms;
  return op;
}

std::optional<Result> CheckGroupArgs(std::string_view ns, std::string_view name,
                                     std::string_view group) {
  if (auto bad = stream::CheckStreamName(ns, name)) return bad;
  return stream::CheckMemberName("group name", group);
}

// The group of an existing stream, or the kNotFound answer.
Expected<Group*> ExistingGroup(const stream::StreamStore& store, std::string_view ns,
                               std::string_view name, std::string_view group) {
  const Stream* s = store.Find(ns, name);
  if (s == nullptr) return stream::StreamNotFound(name);
  Group* g = s->FindGroup(group);
  if (g == nullptr) return stream::GroupNotFound(group);
  return g;
}

std::vector<StreamId> SortedUnique(std::span<const StreamId> ids) {
  std::vector<StreamId> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted;
}

int64_t AddMs(int64_t now_ms, uint64_t delta) {
  const auto limit = static_cast<uint64_t>(stream::kNever - now_ms);
  return delta >= limit ? stream::kNever : now_ms + static_cast<int64_t>(delta);
}

bool IsIdle(const PelEntry& entry, int64_t now_ms, uint64_t min_idle_ms) {
  return now_ms - entry.delivered_ms >=
         static_cast<int64_t>(std::min<uint64_t>(min_idle_ms, INT64_MAX));
}

// Due redeliveries first: each is delivered again, dead-lettered past max_deliver, or dropped
// when its record was trimmed. Entries after the cursor come through the new-record walk.
void CollectDue(const Stream& s, const Group& g, int64_t now_ms, uint32_t count, uint32_t scan,
                GroupOp& op, RecordsBody& body) {
  for (auto it = g.schedule.begin();
       it != g.schedule.end() && it->first <= now_ms && body.records.size() < count && scan > 0;
       ++it, --scan) {
    const StreamId id = it->second;
    if (g.cursor < id) continue;
    const PelEntry& entry = g.pel.at(id);
    const stream::StoredRecord* record = s.Find(entry.partition, id);
    if (record == nullptr) {
      op.dropped.push_back(id);
    } else if (g.settings.max_deliver != 0 && entry.delivery_count >= g.settings.max_deliver) {
      op.dead.push_back(id);
    } else {
      op.ids.push_back(id);
      body.records.push_back(stream::ToRecord(*record, entry.partition, entry.delivery_count + 1));
    }
  }
}

// Records after the cursor, in id order; op.cursor ends at the last one taken.
void CollectNew(const Stream& s, const Group* g, uint32_t count, GroupOp& op, RecordsBody& body) {
  const auto from = stream::Successor(op.cursor);
  if (!from) return;
  stream::MergedCursor records(s.partitions, std::nullopt, *from, kMaxId);
  while (body.records.size() < count) {
    auto item = records.Next();
    if (!item) break;
    const StreamId id = item->record->id;
    uint32_t deliveries = 1;  // more only when the cursor was moved back over pending entries
    if (g != nullptr) {
      if (auto it = g->pel.find(id); it != g->pel.end()) deliveries += it->second.delivery_count;
    }
    body.records.push_back(stream::ToRecord(*item->record, item->partition, deliveries));
    op.cursor = id;
  }
}

}  // namespace

Result StreamEngine::GroupCreate(std::string_view ns, std::string_view name, std::string_view group,
                                 const GroupCreateOptions& options, ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  const Stream* s = store_->Find(ns, name);
  if (s != nullptr && s->FindGroup(group) != nullptr) {
    return Result::Error(Status::kConflict,
                         "consumer group '" + std::string(group) + "' already exists");
  }
  GroupOp op = NewOp(ns, name, group, "", stream::NowMs(clock_));
  op.created =
      stream::GroupSettings{options.ack_timeout_ms.value_or(config_.default_ack_timeout_ms),
                            options.max_deliver.value_or(config_.default_max_deliver)};
  if (options.at_end) {
    op.cursor = s ? s->last_id : StreamId{};
  } else {
    op.cursor = options.start_after.value_or(StreamId{});
  }
  if (!stream::CommitGroup(*store_, changes, record_type::kGroupCreate, op)) {
    return stream::LogFailure();
  }
  return Result::Ok();
}

Result StreamEngine::GroupDelete(std::string_view ns, std::string_view name, std::string_view group,
                                 ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  if (store_->FindGroup(ns, name, group) == nullptr) return Result::Ok(CountBody{0});
  const GroupOp op = NewOp(ns, name, group, "", stream::NowMs(clock_));
  if (!stream::CommitGroup(*store_, changes, record_type::kGroupDelete, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(CountBody{1});
}

Result StreamEngine::GroupJoin(std::string_view ns, std::string_view name, std::string_view group,
                               std::string_view consumer, ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  if (auto bad = stream::CheckMemberName("consumer name", consumer)) return *bad;
  const Group* g = store_->FindGroup(ns, name, group);
  if (g != nullptr && g->consumers.find(consumer) != g->consumers.end()) {
    return Result::Ok(CountBody{0});
  }
  GroupOp op = NewOp(ns, name, group, consumer, stream::NowMs(clock_));
  if (g == nullptr) {
    op.created = stream::GroupSettings{config_.default_ack_timeout_ms, config_.default_max_deliver};
  }
  if (!stream::CommitGroup(*store_, changes, record_type::kGroupJoin, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(CountBody{1});
}

Result StreamEngine::GroupLeave(std::string_view ns, std::string_view name, std::string_view group,
                                std::string_view consumer, bool drop_pending, ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  auto g = ExistingGroup(*store_, ns, name, group);
  if (!g) return g.error();
  auto member = (*g)->consumers.find(consumer);
  if (member == (*g)->consumers.end()) return Result::Ok(CountBody{0});
  const uint64_t held = member->second.pending.size();
  GroupOp op = NewOp(ns, name, group, consumer, stream::NowMs(clock_));
  if (drop_pending) op.flags |= GroupOp::kDropPending;
  if (!stream::CommitGroup(*store_, changes, record_type::kGroupLeave, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(CountBody{held});
}

Result StreamEngine::GroupSetCursor(std::string_view ns, std::string_view name,
                                    std::string_view group, std::optional<StreamId> last_delivered,
                                    ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  auto g = ExistingGroup(*store_, ns, name, group);
  if (!g) return g.error();
  GroupOp op = NewOp(ns, name, group, "", stream::NowMs(clock_));
  op.cursor = last_delivered.value_or((*g)->stream->last_id);
  if (!stream::CommitGroup(*store_, changes, record_type::kGroupSetCursor, op)) {
    return stream::LogFailure();
  }
  return Result::Ok();
}

Result StreamEngine::GroupRead(std::string_view ns, std::string_view name, std::string_view group,
                               std::string_view consumer, const GroupReadOptions& options,
                               ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  if (auto bad = stream::CheckMemberName("consumer name", consumer)) return *bad;
  const int64_t now = stream::NowMs(clock_);
  const Stream* s = store_->Find(ns, name);
  const Group* g = s ? s->FindGroup(group) : nullptr;
  GroupOp op = NewOp(ns, name, group, consumer, now);
  if (options.no_ack) op.flags |= GroupOp::kNoAck;
  if (g == nullptr) {
    op.created = stream::GroupSettings{config_.default_ack_timeout_ms, config_.default_max_deliver};
  }
  const uint32_t count = stream::ClampCount(options.count, config_);
  RecordsBody body;
  if (g != nullptr) CollectDue(*s, *g, now, count, 4 * config_.max_read_count, op, body);
  const StreamId old_cursor = g ? g->cursor : StreamId{};
  op.cursor = old_cursor;
  if (s != nullptr) CollectNew(*s, g, count, op, body);
  const bool joined = g != nullptr && g->consumers.find(consumer) != g->consumers.end();
  const bool changed = op.created || !joined || !op.ids.empty() || !op.dead.empty() ||
                       !op.dropped.empty() || op.cursor != old_cursor;
  if (changed && !stream::CommitGroup(*store_, changes, record_type::kGroupRead, op)) {
    return stream::LogFailure();
  }
  body.next = stream::Successor(op.cursor).value_or(kMaxId);
  return Result::Ok(std::move(body));
}

Result StreamEngine::GroupHistory(std::string_view ns, std::string_view name,
                                  std::string_view group, std::string_view consumer, StreamId start,
                                  uint32_t count) const {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  auto g = ExistingGroup(*store_, ns, name, group);
  if (!g) return g.error();
  RecordsBody body;
  auto member = (*g)->consumers.find(consumer);
  if (member == (*g)->consumers.end()) return Result::Ok(std::move(body));
  const uint32_t limit = stream::ClampCount(count, config_);
  const std::set<StreamId>& held = member->second.pending;
  for (auto it = held.lower_bound(start); it != held.end() && body.records.size() < limit; ++it) {
    const PelEntry& entry = (*g)->pel.at(*it);
    if (const auto* record = (*g)->stream->Find(entry.partition, *it)) {
      body.records.push_back(stream::ToRecord(*record, entry.partition, entry.delivery_count));
    } else {
      body.deleted.push_back(*it);
    }
    body.next = stream::Successor(*it).value_or(kMaxId);
  }
  return Result::Ok(std::move(body));
}

Result StreamEngine::GroupAck(std::string_view ns, std::string_view name, std::string_view group,
                              std::span<const StreamId> ids, ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  auto g = ExistingGroup(*store_, ns, name, group);
  if (!g) return g.error();
  GroupOp op = NewOp(ns, name, group, "", stream::NowMs(clock_));
  for (StreamId id : SortedUnique(ids)) {
    if ((*g)->pel.count(id) != 0) op.ids.push_back(id);
  }
  if (!op.ids.empty() && !stream::CommitGroup(*store_, changes, record_type::kGroupAck, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(CountBody{op.ids.size()});
}

Result StreamEngine::GroupNack(std::string_view ns, std::string_view name, std::string_view group,
                               std::span<const StreamId> ids, uint32_t redelivery_delay_ms,
                               ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  auto g = ExistingGroup(*store_, ns, name, group);
  if (!g) return g.error();
  GroupOp op = NewOp(ns, name, group, "", stream::NowMs(clock_));
  op.due_ms = AddMs(op.now_ms, redelivery_delay_ms);
  for (StreamId id : SortedUnique(ids)) {
    if ((*g)->pel.count(id) != 0) op.ids.push_back(id);
  }
  if (!op.ids.empty() && !stream::CommitGroup(*store_, changes, record_type::kGroupNack, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(CountBody{op.ids.size()});
}

Result StreamEngine::GroupTouch(std::string_view ns, std::string_view name, std::string_view group,
                                std::span<const StreamId> ids, std::optional<uint32_t> extend_ms,
                                ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  auto g = ExistingGroup(*store_, ns, name, group);
  if (!g) return g.error();
  GroupOp op = NewOp(ns, name, group, "", stream::NowMs(clock_));
  op.due_ms = extend_ms ? AddMs(op.now_ms, *extend_ms) : (*g)->DueAfterDelivery(op.now_ms);
  // Released entries (nacked, or left by their consumer) wait for redelivery; nobody holds
  // them, so there is nothing to extend.
  for (StreamId id : SortedUnique(ids)) {
    auto it = (*g)->pel.find(id);
    if (it != (*g)->pel.end() && it->second.owner != nullptr) op.ids.push_back(id);
  }
  if (!op.ids.empty() && !stream::CommitGroup(*store_, changes, record_type::kGroupTouch, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(CountBody{op.ids.size()});
}

Result StreamEngine::GroupClaim(std::string_view ns, std::string_view name, std::string_view group,
                                const GroupClaimOptions& options, ChangeSink& changes) {
  if (auto bad = CheckGroupArgs(ns, name, group)) return *bad;
  if (auto bad = stream::CheckMemberName("consumer name", options.consumer)) return *bad;
  auto found = ExistingGroup(*store_, ns, name, group);
  if (!found) return found.error();
  const Group& g = **found;
  GroupOp op = NewOp(ns, name, group, options.consumer, stream::NowMs(clock_));
  if (options.just_id) op.flags |= GroupOp::kJustId;
  RecordsBody body;
  auto consider = [&](StreamId id, const PelEntry& entry) {
    if (!IsIdle(entry, op.now_ms, options.min_idle_ms)) return false;
    const auto* record = g.stream->Find(entry.partition, id);
    if (record == nullptr) {
      op.dropped.push_back(id);
      body.deleted.push_back(id);
      return false;
    }
    op.ids.push_back(id);
    const uint32_t deliveries = entry.delivery_count + (options.just_id ? 0 : 1);
    body.records.push_back(
        stream::ToRecord(*record, entry.partition, deliveries, !options.just_id));
    return true;
  };
  if (!options.ids.empty()) {
    for (StreamId id : SortedUnique(options.ids)) {
      if (auto it = g.pel.find(id); it != g.pel.end()) consider(id, it->second);
    }
  } else {
    const uint32_t wanted = options.count == 0 ? kDefaultPendingCount : options.count;
    uint64_t budget = static_cast<uint64_t>(wanted) * kClaimScanFactor;
    auto it = g.pel.lower_bound(options.scan_start);
    for (uint32_t claimed = 0; it != g.pel.end() && claimed < wanted && budget > 0;
         ++it, --budget) {
      if (consider(it->first, it->second)) ++claimed;
    }
    body.next = it == g.pel.end() ? StreamId{} : it->first;
  }
  const bool joined = g.consumers.find(options.consumer) != g.consumers.end();
  const bool changed = !op.ids.empty() || !op.dropped.empty() || !joined;
  if (changed && !stream::CommitGroup(*store_, changes, record_type::kGroupClaim, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(std::move(body));
}

}  // namespace flod::engine
