#include "name_types.h"

namespace flod::dispatch {

NameTypes TypesOf(ShardContext& shard, std::string_view ns, std::string_view name) {
  return NameTypes{.kv = shard.kv.VersionOf(ns, name) != 0,
                   .stream = shard.stream.Exists(ns, name),
                   .queue = shard.queue.Exists(ns, name)};
}

std::optional<Result> CheckOneTypePerName(ShardContext& shard, const Request& request) {
  if (!request.options.one_type_per_name || request.key.empty() ||
      HasFlag(request.op, op_flags::kFanOut)) {
    return std::nullopt;
  }
  // Only the other families are looked up: a KV command on a plain key checks two cheap
  // misses, no KV lookup.
  const std::string_view ns = request.ns, name = request.key;
  bool clash = false;
  switch (InfoOf(request.op).family) {
    case Family::kKv:
      clash = shard.stream.Exists(ns, name) || shard.queue.Exists(ns, name);
      break;
    case Family::kQueue:
      clash = shard.kv.VersionOf(ns, name) != 0 || shard.stream.Exists(ns, name);
      break;
    case Family::kStream:
      clash = shard.kv.VersionOf(ns, name) != 0 || shard.queue.Exists(ns, name);
      break;
    case Family::kSystem:
      break;
  }
  if (!clash) return std::nullopt;
  return Result::Error(Status::kWrongType, "the name holds another kind of value");
}

}  // namespace flod::dispatch
