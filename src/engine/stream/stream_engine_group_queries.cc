// Consumer-group inspection (pending lists, group info, dead letters) and dead-letter purge.

#include <algorithm>

#include "flod/engine/stream/stream_engine.h"
#include "stream_common.h"

namespace flod::engine {

using stream::Consumer;
using stream::Group;
using stream::GroupOp;
using stream::kMaxId;
using stream::PelEntry;
namespace record_type = stream::record_type;

namespace {

constexpr uint32_t kDefaultPendingCount = 100;

Expected<const Group*> FindGroupOrError(const stream::StreamStore& store, std::string_view ns,
                                        std::string_view name, std::string_view group) {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  if (auto bad = stream::CheckMemberName("group name", group)) return *bad;
  const stream::Stream* s = store.Find(ns, name);
  if (s == nullptr) return stream::StreamNotFound(name);
  const Group* g = s->FindGroup(group);
  if (g == nullptr) return stream::GroupNotFound(group);
  return g;
}

PendingEntry ToPendingEntry(StreamId id, const PelEntry& entry, int64_t now_ms) {
  PendingEntry out;
  out.id = id;
  if (entry.owner != nullptr) out.consumer = entry.owner->name;
  out.idle_ms = std::max<int64_t>(0, now_ms - entry.delivered_ms);
  out.delivery_count = entry.delivery_count;
  return out;
}

GroupInfo Describe(const Group& g, int64_t now_ms) {
  GroupInfo info;
  info.name = g.name;
  info.pending = g.pel.size();
  info.last_delivered = g.cursor;
  info.dead_letters = g.dead.size();
  info.ack_timeout_ms = g.settings.ack_timeout_ms;
  info.max_deliver = g.settings.max_deliver;
  for (const auto& [name, consumer] : g.consumers) {
    info.consumers.push_back(name);
    info.consumer_details.push_back(GroupConsumerInfo{
        name, consumer.pending.size(), std::max<int64_t>(0, now_ms - consumer.last_active_ms)});
  }
  return info;
}

}  // namespace

Result StreamEngine::GroupPending(std::string_view ns, std::string_view name,
                                  std::string_view group,
                                  const GroupPendingOptions& options) const {
  auto found = FindGroupOrError(*store_, ns, name, group);
  if (!found) return found.error();
  const Group& g = **found;
  const int64_t now = stream::NowMs(clock_);
  PendingBody body;
  body.total = g.pel.size();
  if (!g.pel.empty()) {
    body.min_id = g.pel.begin()->first;
    body.max_id = g.pel.rbegin()->first;
  }
  for (const auto& [consumer_name, consumer] : g.consumers) {
    if (!consumer.pending.empty())
      body.per_consumer.emplace_back(consumer_name, consumer.pending.size());
  }
  const uint32_t limit = options.count == 0 ? kDefaultPendingCount : options.count;
  auto add = [&](StreamId id, const PelEntry& entry) {
    if (now - entry.delivered_ms <
        static_cast<int64_t>(std::min<uint64_t>(options.min_idle_ms, INT64_MAX)))
      return;
    body.entries.push_back(ToPendingEntry(id, entry, now));
  };
  if (!options.consumer.empty()) {
    auto member = g.consumers.find(options.consumer);
    if (member == g.consumers.end()) return Result::Ok(std::move(body));
    const std::set<StreamId>& held = member->second.pending;
    for (auto it = held.lower_bound(options.start);
         it != held.end() && !(options.end < *it) && body.entries.size() < limit; ++it) {
      add(*it, g.pel.at(*it));
    }
    return Result::Ok(std::move(body));
  }
  for (auto it = g.pel.lower_bound(options.start);
       it != g.pel.end() && !(options.end < it->first) && body.entries.size() < limit; ++it) {
    add(it->first, it->second);
  }
  return Result::Ok(std::move(body));
}

Result StreamEngine::DescribeGroups(std::string_view ns, std::string_view name,
                                    std::string_view group) const {
  if (auto bad = stream::CheckStreamName(ns, name)) return *bad;
  const stream::Stream* s = store_->Find(ns, name);
  if (s == nullptr) return stream::StreamNotFound(name);
  const int64_t now = stream::NowMs(clock_);
  GroupInfoBody body;
  if (group.empty()) {
    for (const auto& [group_name, g] : s->groups) body.groups.push_back(Describe(*g, now));
    return Result::Ok(std::move(body));
  }
  const Group* g = s->FindGroup(group);
  if (g == nullptr) return stream::GroupNotFound(group);
  body.groups.push_back(Describe(*g, now));
  return Result::Ok(std::move(body));
}

Result StreamEngine::GroupDeadLetters(std::string_view ns, std::string_view name,
                                      std::string_view group, StreamId start,
                                      uint32_t count) const {
  auto found = FindGroupOrError(*store_, ns, name, group);
  if (!found) return found.error();
  const Group& g = **found;
  const uint32_t limit = stream::ClampCount(count, config_);
  RecordsBody body;
  for (auto it = g.dead.lower_bound(start); it != g.dead.end() && body.records.size() < limit;
       ++it) {
    if (const auto* record = g.stream->Find(it->second.partition, it->first)) {
      body.records.push_back(
          stream::ToRecord(*record, it->second.partition, it->second.delivery_count));
    } else {
      body.deleted.push_back(it->first);
    }
    body.next = stream::Successor(it->first).value_or(kMaxId);
  }
  return Result::Ok(std::move(body));
}

Result StreamEngine::GroupDeadLetterPurge(std::string_view ns, std::string_view name,
                                          std::string_view group, std::span<const StreamId> ids,
                                          ChangeSink& changes) {
  auto found = FindGroupOrError(*store_, ns, name, group);
  if (!found) return found.error();
  const Group& g = **found;
  GroupOp op;
  op.ns = std::string(ns);
  op.name = std::string(name);
  op.group = std::string(group);
  op.now_ms = stream::NowMs(clock_);
  uint64_t purged = 0;
  if (ids.empty()) {
    op.flags |= GroupOp::kAll;
    purged = g.dead.size();
  } else {
    std::vector<StreamId> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (StreamId id : sorted) {
      if (g.dead.count(id) != 0) op.ids.push_back(id);
    }
    purged = op.ids.size();
  }
  if (purged != 0 && !stream::CommitGroup(*store_, changes, record_type::kGroupPurge, op)) {
    return stream::LogFailure();
  }
  return Result::Ok(CountBody{purged});
}

}  // namespace flod::engine
