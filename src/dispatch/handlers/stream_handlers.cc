// Stream and consumer-group handlers: unpack the Request, call the stream engine of the shard
// that owns the stream, return its Result. Semantics live in the engine
// (docs/engines/streams.md); the logic here is blocking reads (plain and group), the listing's
// merge, and resolving the legacy framing's sequence-only acks.
//
// Waking: every successful kWrite op wakes the stream's parked readers (Execute does it), which
// covers appends and the group calls that make entries deliverable at once (nack without delay,
// leave). Entries that come due later (ack timeout, delayed nack) are reported by Maintain on
// the shard's due timer, which wakes the stream too.

#include <algorithm>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "flod/dispatch/handler_table.h"
#include "merges.h"

namespace flod::dispatch {
namespace {

// Listings hold every stream after the cursor: the page format has room for a has_more flag,
// but a name listing is small next to the streams it names.
constexpr uint32_t kListEverything = std::numeric_limits<uint32_t>::max();
// How much of a group's pending list a legacy ack looks through to resolve its sequences.
constexpr uint32_t kLegacyAckScan = 100'000;

bool IsBlocking(const Request& request) { return request.options.block_ms.value_or(0) > 0; }

bool HasNoRecords(const Result& result) {
  const auto* body = std::get_if<RecordsBody>(&result.body);
  return result.ok() && body != nullptr && body->records.empty();
}

// ---- Streams ----------------------------------------------------------------------------

engine::StreamAppendOptions AppendOptionsOf(const Request& request) {
  engine::StreamAppendOptions options;
  options.partition = request.options.partition;
  if (request.options.partition_key) options.partition_key = *request.options.partition_key;
  return options;
}

Result HandleStreamAppend(ShardContext& shard, Request& request) {
  engine::StreamEntry entry{std::move(request.value), {}};
  return shard.stream.Append(request.ns, request.key, std::move(entry), AppendOptionsOf(request),
                             shard.changes);
}

// The codec puts one payload per record in args.values and its headers in args.headers.
Result HandleStreamAppendBatch(ShardContext& shard, Request& request) {
  std::vector<engine::StreamEntry> entries(request.args.values.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].payload = std::move(request.args.values[i]);
    if (i < request.args.headers.size()) entries[i].headers = std::move(request.args.headers[i]);
  }
  return shard.stream.AppendBatch(request.ns, request.key, std::move(entries),
                                  AppendOptionsOf(request), shard.changes);
}

engine::StreamReadOptions ReadOptionsOf(const Request& request) {
  engine::StreamReadOptions options;
  options.start = request.options.stream_start;
  options.end = request.options.stream_end;
  options.partition = request.options.partition;
  if (request.options.partition_key) options.partition_key = *request.options.partition_key;
  options.count = request.options.count.value_or(0);
  return options;
}

// A tail read answers only records appended after it arrived: its first run records the
// position after the stream's last id (the beginning when the stream does not exist yet) and
// every run reads from there, so a wake finds exactly the records appended meanwhile.
StreamId TailStart(ShardContext& shard, Request& request) {
  WaitState& wait = request.wait;
  if (!wait.armed) {
    engine::StreamReadOptions tail = ReadOptionsOf(request);
    tail.tail = true;
    const Result now = shard.stream.Read(request.ns, request.key, tail);
    const auto* body = std::get_if<RecordsBody>(&now.body);
    const StreamId next = now.ok() && body != nullptr ? body->next : StreamId{};
    wait.armed = true;
    wait.observed = next.ms;
    wait.observed2 = next.seq;
  }
  return StreamId{wait.observed, wait.observed2};
}

// Nothing to answer and block_ms set: park until an append wakes the stream or block_ms
// passes; the run at the deadline answers what is there then, possibly nothing. A stream that
// does not exist reads as empty, so a reader may wait for its first append.
Result HandleStreamRead(ShardContext& shard, Request& request) {
  engine::StreamReadOptions options = ReadOptionsOf(request);
  if (request.options.stream_tail) options.start = TailStart(shard, request);
  Result result = shard.stream.Read(request.ns, request.key, options);
  if (result.status == Status::kNotFound) result = Result::Ok(RecordsBody{});
  if (HasNoRecords(result) && IsBlocking(request) && request.wait.may_park) {
    return Result::Pending();
  }
  return result;
}

Result HandleStreamInfo(ShardContext& shard, Request& request) {
  return shard.stream.Info(request.ns, request.key);
}

Result HandleStreamList(ShardContext& shard, Request& request) {
  return shard.stream.List(request.ns, request.args.cursor, kListEverything);
}

// Retention in the engine's terms; the max_age/max_bytes tags (0x26/0x27) stand in for the
// retention_age/retention_bytes ones (0x2A/0x2B) when only they are given.
engine::StreamRetention RetentionOf(const Options& o) {
  engine::StreamRetention retention;
  retention.max_count = o.retention_count.value_or(0);
  retention.max_age_ms = o.retention_age_ms.value_or(o.max_age_ms.value_or(0));
  retention.max_bytes = o.retention_bytes.value_or(o.max_bytes.value_or(0));
  return retention;
}

Result HandleStreamCreate(ShardContext& shard, Request& request) {
  const engine::StreamCreateOptions options{request.args.partition_count,
                                            RetentionOf(request.options)};
  return shard.stream.Create(request.ns, request.key, options, shard.changes);
}

Result HandleStreamDelete(ShardContext& shard, Request& request) {
  return shard.stream.Delete(request.ns, request.key, request.options.force, shard.changes);
}

// Go sends the count as retention_count (0x29); the reference CLI sends it as limit (0x05) and
// its "min id" as stream_start. Trimming a stream that does not exist removes nothing.
Result HandleStreamTrim(ShardContext& shard, Request& request) {
  const Options& o = request.options;
  engine::StreamTrimOptions options;
  options.max_count = o.retention_count;
  if (!options.max_count && o.limit) options.max_count = *o.limit;
  options.before = o.stream_start;
  if (o.retention_age_ms || o.max_age_ms) options.max_age_ms = RetentionOf(o).max_age_ms;
  if (o.retention_bytes || o.max_bytes) options.max_bytes = RetentionOf(o).max_bytes;
  options.dry_run = o.dry_run;
  Result result = shard.stream.Trim(request.ns, request.key, options, shard.changes);
  if (result.status == Status::kNotFound) return Result::Ok(TrimBody{});
  return result;
}

// ---- Consumer groups --------------------------------------------------------------------

// The wire's start is inclusive (WIRE.md D13); the engine's is "after this id".
std::optional<StreamId> StartAfter(std::optional<StreamId> start) {
  if (!start || *start == StreamId{}) return std::nullopt;
  if (start->seq > 0) return StreamId{start->ms, start->seq - 1};
  return StreamId{start->ms - 1, std::numeric_limits<uint64_t>::max()};
}

Result HandleStreamGroupCreate(ShardContext& shard, Request& request) {
  engine::GroupCreateOptions options;
  options.start_after = StartAfter(request.options.stream_start);
  options.at_end = request.options.stream_tail;
  options.ack_timeout_ms = request.options.ack_timeout_ms;
  options.max_deliver = request.options.max_deliver;
  return shard.stream.GroupCreate(request.ns, request.key, request.args.group, options,
                                  shard.changes);
}

Result HandleStreamGroupDelete(ShardContext& shard, Request& request) {
  return shard.stream.GroupDelete(request.ns, request.key, request.args.group, shard.changes);
}

Result HandleStreamGroupJoin(ShardContext& shard, Request& request) {
  return shard.stream.GroupJoin(request.ns, request.key, request.args.group, request.args.consumer,
                                shard.changes);
}

Result HandleStreamGroupLeave(ShardContext& shard, Request& request) {
  return shard.stream.GroupLeave(request.ns, request.key, request.args.group, request.args.consumer,
                                 /*drop_pending=*/false, shard.changes);
}

// Nothing deliverable and block_ms set: park until an append, a release (nack, leave) or a
// redelivery coming due wakes the stream. Parked readers re-run in arrival order and the shard
// drops those whose connection closed before re-running them, so no record is delivered to a
// consumer that can no longer receive it.
//
// `if_exists` (Redis XREADGROUP) answers kNotFound for a missing group instead of creating it.
Result HandleStreamGroupRead(ShardContext& shard, Request& request) {
  if (request.options.if_exists) {
    Result group = shard.stream.DescribeGroups(request.ns, request.key, request.args.group);
    if (!group.ok()) return group;
  }
  const engine::GroupReadOptions options{request.options.count.value_or(0), request.options.no_ack};
  Result result = shard.stream.GroupRead(request.ns, request.key, request.args.group,
                                         request.args.consumer, options, shard.changes);
  if (HasNoRecords(result) && IsBlocking(request) && request.wait.may_park) {
    return Result::Pending();
  }
  return result;
}

// flo-python acks bare sequences (WIRE.md §9). Ids are (ms, seq) here, so each sequence
// stands for the oldest pending entry of the group with that sequence not already chosen.
// Exact while the group's pending entries have distinct sequences; with several it may ack
// an entry of the same sequence held elsewhere, which is why the SDK framings send whole ids.
std::vector<StreamId> ResolveSequences(ShardContext& shard, const Request& request) {
  engine::GroupPendingOptions scan;
  scan.count = kLegacyAckScan;
  const Result pending =
      shard.stream.GroupPending(request.ns, request.key, request.args.group, scan);
  std::vector<StreamId> ids;
  const auto* body = std::get_if<PendingBody>(&pending.body);
  if (body == nullptr) return ids;
  std::vector<bool> taken(body->entries.size(), false);
  for (const StreamId& wanted : request.args.stream_ids) {
    for (size_t i = 0; i < body->entries.size(); ++i) {
      if (taken[i] || body->entries[i].id.seq != wanted.seq) continue;
      taken[i] = true;
      ids.push_back(body->entries[i].id);
      break;
    }
  }
  return ids;
}

Result HandleStreamGroupAck(ShardContext& shard, Request& request) {
  if (request.args.ids_are_sequences) {
    const std::vector<StreamId> ids = ResolveSequences(shard, request);
    return shard.stream.GroupAck(request.ns, request.key, request.args.group, ids, shard.changes);
  }
  return shard.stream.GroupAck(request.ns, request.key, request.args.group, request.args.stream_ids,
                               shard.changes);
}

Result HandleStreamGroupNack(ShardContext& shard, Request& request) {
  return shard.stream.GroupNack(request.ns, request.key, request.args.group,
                                request.args.stream_ids,
                                request.options.redelivery_delay_ms.value_or(0), shard.changes);
}

Result HandleStreamGroupTouch(ShardContext& shard, Request& request) {
  return shard.stream.GroupTouch(request.ns, request.key, request.args.group,
                                 request.args.stream_ids, request.options.extend_ack_ms,
                                 shard.changes);
}

Result HandleStreamGroupClaim(ShardContext& shard, Request& request) {
  engine::GroupClaimOptions options;
  options.consumer = request.args.consumer;
  options.min_idle_ms = request.options.idle_timeout_ms.value_or(0);
  options.ids = request.args.stream_ids;
  options.scan_start = request.options.stream_start.value_or(StreamId{});
  options.count = request.options.count.value_or(0);
  return shard.stream.GroupClaim(request.ns, request.key, request.args.group, options,
                                 shard.changes);
}

Result HandleStreamGroupPending(ShardContext& shard, Request& request) {
  engine::GroupPendingOptions options;
  options.consumer = request.args.consumer;
  if (request.options.stream_start) options.start = *request.options.stream_start;
  if (request.options.stream_end) options.end = *request.options.stream_end;
  options.count = request.options.count.value_or(0);
  options.min_idle_ms = request.options.idle_timeout_ms.value_or(0);
  return shard.stream.GroupPending(request.ns, request.key, request.args.group, options);
}

Result HandleStreamGroupInfo(ShardContext& shard, Request& request) {
  return shard.stream.DescribeGroups(request.ns, request.key, request.args.group);
}

// ---- Redis stream commands (RESP) -------------------------------------------------------

// XADD: one record with an automatic id, or the explicit one in args.stream_ids[0] (only its
// ms with args.id_auto_sequence), headers from args.headers[0]; then the trim that MAXLEN
// (retention_count) or MINID (stream_start: ids below it go) asks for, in the same run so no
// reader sees the stream over its limit. `if_exists` (NOMKSTREAM) answers an empty
// StreamAppendBody rather than create a missing stream.
Result HandleStreamAdd(ShardContext& shard, Request& request) {
  if (request.options.if_exists && !shard.stream.Exists(request.ns, request.key)) {
    return Result::Ok(StreamAppendBody{});
  }
  engine::StreamAppendOptions options;
  if (!request.args.stream_ids.empty()) {
    options.id = request.args.stream_ids.front();
    options.id_auto_sequence = request.args.id_auto_sequence;
  }
  engine::StreamEntry entry{std::move(request.value), {}};
  if (!request.args.headers.empty()) entry.headers = std::move(request.args.headers.front());
  Result appended =
      shard.stream.Append(request.ns, request.key, std::move(entry), options, shard.changes);
  const Options& o = request.options;
  if (!appended.ok() || (!o.retention_count && !o.stream_start)) return appended;
  engine::StreamTrimOptions trim;
  trim.max_count = o.retention_count;
  trim.before = o.stream_start;
  Result trimmed = shard.stream.Trim(request.ns, request.key, trim, shard.changes);
  return trimmed.ok() ? appended : trimmed;
}

// XREVRANGE: newest first between stream_end and stream_start (both inclusive). A stream
// that does not exist reads as empty.
Result HandleStreamReadReverse(ShardContext& shard, Request& request) {
  engine::StreamReadOptions options = ReadOptionsOf(request);
  options.reverse = true;
  Result result = shard.stream.Read(request.ns, request.key, options);
  if (result.status == Status::kNotFound) return Result::Ok(RecordsBody{});
  return result;
}

// XGROUP SETID: the group's last delivered id becomes args.stream_ids[0], or the stream's
// last id with stream_tail ("$").
Result HandleStreamGroupSetCursor(ShardContext& shard, Request& request) {
  std::optional<StreamId> cursor;
  if (!request.options.stream_tail) {
    if (request.args.stream_ids.empty()) {
      return Result::Error(Status::kBadRequest, "an id or the stream's end is required");
    }
    cursor = request.args.stream_ids.front();
  }
  return shard.stream.GroupSetCursor(request.ns, request.key, request.args.group, cursor,
                                     shard.changes);
}

// XREADGROUP with an id: the consumer's own pending records from stream_start (inclusive).
Result HandleStreamGroupHistory(ShardContext& shard, Request& request) {
  return shard.stream.GroupHistory(
      request.ns, request.key, request.args.group, request.args.consumer,
      request.options.stream_start.value_or(StreamId{}), request.options.count.value_or(0));
}

// XGROUP DELCONSUMER: the consumer goes and its pending entries are forgotten, as in Redis.
Result HandleStreamGroupDropConsumer(ShardContext& shard, Request& request) {
  return shard.stream.GroupLeave(request.ns, request.key, request.args.group, request.args.consumer,
                                 /*drop_pending=*/true, shard.changes);
}

}  // namespace

void RegisterStreamHandlers(HandlerTable& table) {
  table.Register(Op::kStreamAppend, HandleStreamAppend);
  table.Register(Op::kStreamAppendBatch, HandleStreamAppendBatch);
  table.Register(Op::kStreamRead, HandleStreamRead);
  table.Register(Op::kStreamInfo, HandleStreamInfo);
  table.Register(Op::kStreamList, HandleStreamList, MergeNameLists);
  table.Register(Op::kStreamCreate, HandleStreamCreate);
  table.Register(Op::kStreamDelete, HandleStreamDelete);
  table.Register(Op::kStreamTrim, HandleStreamTrim);
  table.Register(Op::kStreamGroupCreate, HandleStreamGroupCreate);
  table.Register(Op::kStreamGroupDelete, HandleStreamGroupDelete);
  table.Register(Op::kStreamGroupJoin, HandleStreamGroupJoin);
  table.Register(Op::kStreamGroupLeave, HandleStreamGroupLeave);
  table.Register(Op::kStreamGroupRead, HandleStreamGroupRead);
  table.Register(Op::kStreamGroupAck, HandleStreamGroupAck);
  table.Register(Op::kStreamGroupNack, HandleStreamGroupNack);
  table.Register(Op::kStreamGroupTouch, HandleStreamGroupTouch);
  table.Register(Op::kStreamGroupClaim, HandleStreamGroupClaim);
  table.Register(Op::kStreamGroupPending, HandleStreamGroupPending);
  table.Register(Op::kStreamGroupInfo, HandleStreamGroupInfo);
  table.Register(Op::kStreamAdd, HandleStreamAdd);
  table.Register(Op::kStreamReadReverse, HandleStreamReadReverse);
  table.Register(Op::kStreamGroupSetCursor, HandleStreamGroupSetCursor);
  table.Register(Op::kStreamGroupHistory, HandleStreamGroupHistory);
  table.Register(Op::kStreamGroupDropConsumer, HandleStreamGroupDropConsumer);
}

}  // namespace flod::dispatch
