#pragma once
// All shards of the process and the hops between them: a request runs on the shard that owns
// it, fan-out requests on every shard, and the result comes back to the asking shard.

#include <memory>
#include <vector>

#include "flod/core/request.h"
#include "reply.h"
#include "shard.h"

namespace flod::server {

class ShardSet {
 public:
  explicit ShardSet(std::vector<std::unique_ptr<Shard>> shards);

  uint32_t size() const { return static_cast<uint32_t>(shards_.size()); }
  Shard& at(uint32_t index) { return *shards_[index]; }

  // Called on shard `origin`'s thread. Routes `request` and calls `reply` on that same
  // thread with the final result.
  void Submit(uint32_t origin, Request request, ReplyFn reply, ClosedFlag closed);
  // Any thread: every shard answers the parked requests of connections that went away.
  void DropWaitersOfClosedConnections();

 private:
  void FanOut(uint32_t origin, Request request, ReplyFn reply);
  // Wraps `reply` so that calling it on any shard runs it on `origin`'s thread.
  ReplyFn BackTo(uint32_t origin, ReplyFn reply);

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace flod::server
