// Queue handlers: unpack the Request, call the queue engine of the shard that owns the queue,
// return its Result. Semantics live in the engine (docs/engines/queues.md); the only logic
// here is blocking dequeue and the queue listing's merge.

#include <algorithm>
#include <string>
#include <vector>

#include "flod/dispatch/handler_table.h"
#include "merges.h"

namespace flod::dispatch {
namespace {

// Options that apply to every message of an enqueue (one message, or each of a batch).
engine::EnqueueItem ItemOf(const Request& request, std::string_view payload) {
  const Options& o = request.options;
  engine::EnqueueItem item;
  item.payload = payload;
  item.priority = o.priority.value_or(0);
  item.delay_ms = o.delay_ms.value_or(0);
  if (o.dedup_key) item.dedup_key = *o.dedup_key;
  item.max_retries = o.max_retries;
  return item;
}

Result HandleQueueEnqueue(ShardContext& shard, Request& request) {
  return shard.queue.Enqueue(request.ns, request.key, ItemOf(request, request.value),
                             shard.changes);
}

// The codec puts one payload per message in args.values. A dedup key names one message, so a
// batch that carries one would map every message to the first seq: refuse it.
Result DedupKeyInBatch() {
  return Result::Error(Status::kBadRequest, "dedup_key is per message: enqueue it alone");
}

std::vector<engine::EnqueueItem> ItemsOf(const Request& request) {
  std::vector<engine::EnqueueItem> items;
  items.reserve(request.args.values.size());
  for (const std::string& payload : request.args.values) items.push_back(ItemOf(request, payload));
  return items;
}

Result HandleQueueBatchEnqueue(ShardContext& shard, Request& request) {
  if (request.options.dedup_key) return DedupKeyInBatch();
  return shard.queue.EnqueueBatch(request.ns, request.key, ItemsOf(request), shard.changes);
}

// Redis LPUSH: the messages go in as one batch and the answer is the queue's ready count.
Result HandleQueuePush(ShardContext& shard, Request& request) {
  if (request.args.values.empty()) {
    const engine::EnqueueItem item = ItemOf(request, request.value);
    return shard.queue.Push(request.ns, request.key, std::span(&item, 1), shard.changes);
  }
  if (request.options.dedup_key) return DedupKeyInBatch();
  return shard.queue.Push(request.ns, request.key, ItemsOf(request), shard.changes);
}

// Nothing ready and block_ms set: park until an enqueue, nack, requeue or expired lease wakes
// the queue (the shard re-runs parked dequeues in arrival order), or until block_ms passes;
// the run at the deadline answers whatever is ready then, possibly nothing.
Result HandleQueueDequeue(ShardContext& shard, Request& request) {
  Result result =
      shard.queue.Dequeue(request.ns, request.key, request.options.count.value_or(0),
                          request.options.visibility_timeout_ms.value_or(0), shard.changes);
  const auto* body = std::get_if<MessagesBody>(&result.body);
  const bool empty = result.ok() && body != nullptr && body->messages.empty();
  if (empty && request.options.block_ms.has_value() && request.wait.may_park) {
    return Result::Pending();
  }
  return result;
}

Result HandleQueueAck(ShardContext& shard, Request& request) {
  return shard.queue.Ack(request.ns, request.key, request.args.seqs, shard.changes);
}

Result HandleQueueNack(ShardContext& shard, Request& request) {
  const engine::NackOptions options{.delay_ms = request.options.delay_ms.value_or(0),
                                    .to_dlq = request.options.send_to_dlq};
  return shard.queue.Nack(request.ns, request.key, request.args.seqs, options, shard.changes);
}

// The lease length comes in visibility_timeout_ms (the codec maps the reference CLI's
// extend_ms there too); absent means the default visibility timeout.
Result HandleQueueTouch(ShardContext& shard, Request& request) {
  return shard.queue.Touch(request.ns, request.key, request.args.seqs,
                           request.options.visibility_timeout_ms.value_or(0), shard.changes);
}

Result HandleQueuePeek(ShardContext& shard, Request& request) {
  return shard.queue.Peek(request.ns, request.key, request.options.count.value_or(0));
}

Result HandleQueueStats(ShardContext& shard, Request& request) {
  return shard.queue.Stats(request.ns, request.key);
}

Result HandleQueueDlqList(ShardContext& shard, Request& request) {
  return shard.queue.DlqList(request.ns, request.key, request.options.limit.value_or(0));
}

Result HandleQueueDlqRequeue(ShardContext& shard, Request& request) {
  return shard.queue.DlqRequeue(request.ns, request.key, request.args.seqs, shard.changes);
}

Result HandleQueueDlqDelete(ShardContext& shard, Request& request) {
  return shard.queue.DlqDelete(request.ns, request.key, request.args.seqs, shard.changes);
}

Result HandleQueuePurge(ShardContext& shard, Request& request) {
  return shard.queue.Purge(request.ns, request.key, shard.changes);
}

Result HandleQueueList(ShardContext& shard, Request& request) {
  return shard.queue.List(request.ns);
}

}  // namespace

void RegisterQueueHandlers(HandlerTable& table) {
  table.Register(Op::kQueueEnqueue, HandleQueueEnqueue);
  table.Register(Op::kQueueBatchEnqueue, HandleQueueBatchEnqueue);
  table.Register(Op::kQueuePush, HandleQueuePush);
  table.Register(Op::kQueueDequeue, HandleQueueDequeue);
  table.Register(Op::kQueueAck, HandleQueueAck);
  table.Register(Op::kQueueNack, HandleQueueNack);
  table.Register(Op::kQueueTouch, HandleQueueTouch);
  table.Register(Op::kQueuePeek, HandleQueuePeek);
  table.Register(Op::kQueueStats, HandleQueueStats);
  table.Register(Op::kQueueDlqList, HandleQueueDlqList);
  table.Register(Op::kQueueDlqRequeue, HandleQueueDlqRequeue);
  table.Register(Op::kQueueDlqDelete, HandleQueueDlqDelete);
  table.Register(Op::kQueuePurge, HandleQueuePurge);
  table.Register(Op::kQueueList, HandleQueueList, MergeNameLists);
}

}  // namespace flod::dispatch
