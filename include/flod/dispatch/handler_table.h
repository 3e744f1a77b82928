#pragma once
// Op → handler. Each engine's handler file registers its own rows (RegisterKvHandlers …);
// BuildHandlerTable() calls every Register function explicitly.

#include <array>
#include <string>
#include <vector>

#include "flod/core/op.h"
#include "flod/core/request.h"
#include "flod/core/result.h"
#include "flod/dispatch/shard_context.h"

namespace flod::dispatch {

// Runs on the shard that owns the request's key (or on every shard for kFanOut ops).
// Returns Result::Pending() to park: only allowed for kMayBlock ops while
// request.wait.may_park is true.
using Handler = Result (*)(ShardContext& shard, Request& request);

// Combines the per-shard results of a kFanOut op; `parts[i]` came from shard i.
using MergeFn = Result (*)(const Request& request, std::vector<Result>& parts);

struct HandlerEntry {
  Handler run = nullptr;
  MergeFn merge = nullptr;
};

class HandlerTable {
 public:
  void Register(Op op, Handler run, MergeFn merge = nullptr);
  const HandlerEntry& Find(Op op) const { return entries_[static_cast<size_t>(op)]; }
  // Ops without a handler (or fan-out ops without a merge function); empty when complete.
  std::vector<Op> Missing() const;

 private:
  std::array<HandlerEntry, kOpCount> entries_{};
};

void RegisterSystemHandlers(HandlerTable& table);
void RegisterKvHandlers(HandlerTable& table);
void RegisterQueueHandlers(HandlerTable& table);
void RegisterStreamHandlers(HandlerTable& table);

// The complete table; throws std::logic_error naming every op that has no handler.
const HandlerTable& Handlers();

}  // namespace flod::dispatch
