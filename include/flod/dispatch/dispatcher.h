#pragma once
// The rules every request passes through, whatever protocol it came from: flag checks,
// choosing the shard that owns it, running its handler there, merging fan-out parts.
// Pure with respect to threads: the server decides how to get onto a shard.

#include <cstdint>
#include <optional>
#include <vector>

#include "flod/core/request.h"
#include "flod/core/result.h"
#include "flod/dispatch/shard_context.h"

namespace flod::dispatch {

struct Route {
  enum class Kind : uint8_t {
    kLocal,  // the connection's own shard
    kOwner,  // the shard that owns the request's key or name
    kAll,    // every shard, then Merge()
  };
  Kind kind = Kind::kOwner;
  uint32_t shard = 0;  // for kOwner
};

// kOwner for keyed ops (and for multi-key ops whose keys all live on one shard), kAll for
// other fan-out ops, kLocal for connection-level ops.
Route RouteOf(const Request& request, uint32_t shard_count);

// Checks what the op's flags require (a key, sizes). An error Result means: answer it and
// do not run the handler.
std::optional<Result> Validate(const Request& request);

// Runs the handler for request.op on `shard`; for kFanOut ops this is the shard's part.
// Returns Result::Pending() only for kMayBlock ops while request.wait.may_park is true.
Result Execute(ShardContext& shard, Request& request);

// The request shard `shard` runs as its part of a kFanOut op: the whole request, or for
// kSplitKeys ops only the keys (and values) that shard owns.
Request PartFor(const Request& request, uint32_t shard, uint32_t shard_count);

// Combines the parts of a kFanOut op (parts[i] from shard i).
Result Merge(const Request& request, std::vector<Result>& parts);

}  // namespace flod::dispatch
