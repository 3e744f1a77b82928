#pragma once
// RESP's one-type-per-name rule. Redis keeps one value per key; Flo keeps KV keys, queues and
// streams apart, so through Flo one (namespace, name) may hold a key, a queue and a stream at
// once. A request with Options::one_type_per_name (RESP sets it on string, JSON, queue and
// stream commands) is refused with kWrongType when an engine of another family holds its
// name. The three engines of one (namespace, name) live on the same shard, so the check is a
// few hash lookups on the shard that runs the request.

#include <optional>
#include <string_view>

#include "flod/core/request.h"
#include "flod/core/result.h"
#include "flod/dispatch/shard_context.h"

namespace flod::dispatch {

// Which engines of this shard hold (ns, name): a live KV key, a stream (even empty), a queue
// (any message ever enqueued: queues are never dropped).
struct NameTypes {
  bool kv = false;
  bool stream = false;
  bool queue = false;
};
NameTypes TypesOf(ShardContext& shard, std::string_view ns, std::string_view name);

// kWrongType when the request asks for the rule and another family holds its name; nullopt
// otherwise (also for keyless and fan-out requests, which name no single key).
std::optional<Result> CheckOneTypePerName(ShardContext& shard, const Request& request);

}  // namespace flod::dispatch
