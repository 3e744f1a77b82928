#include "name_types.h"

namespace flod::dispatch {

NameTypes TypesOf(ShardContext& shard, std::string_view ns, std::string_view name) {
  NameTypes types;
  const Result key = shard.kv.Exists(ns, name);
  const auto* exists = std::get_if<ExistsBody>(&key.body);
  types.kv = key.ok() && exists != nullptr && exists->present;
  types.stream = shard.stream.Exists(ns, name);
  const Result stats = shard.queue.Stats(ns, name);
  const auto* counts = std::get_if<QueueStatsBody>(&stats.body);
  types.queue = stats.ok() && counts != nullptr && counts->enqueued_total > 0;
  return types;
}

std::optional<Result> CheckOneTypePerName(ShardContext& shard, const Request& request) {
  if (!request.options.one_type_per_name || request.key.empty() ||
      HasFlag(request.op, op_flags::kFanOut)) {
    return std::nullopt;
  }
  const NameTypes types = TypesOf(shard, request.ns, request.key);
  bool clash = false;
  switch (InfoOf(request.op).family) {
    case Family::kKv:
      clash = types.stream || types.queue;
      break;
    case Family::kQueue:
      clash = types.kv || types.stream;
      break;
    case Family::kStream:
      clash = types.kv || types.queue;
      break;
    case Family::kSystem:
      break;
  }
  if (!clash) return std::nullopt;
  return Result::Error(Status::kWrongType, "the name holds another kind of value");
}

}  // namespace flod::dispatch
