#pragma once
// All shards of the process and the hops between them: a call runs on the shard that owns
// it, fan-out calls on every shard, and the result comes back to the asking shard.

#include <memory>
#include <optional>
#include <vector>

#include "call.h"
#include "shard.h"

namespace flod::server {

class ShardSet {
 public:
  explicit ShardSet(std::vector<std::unique_ptr<Shard>> shards);

  uint32_t size() const { return static_cast<uint32_t>(shards_.size()); }
  Shard& at(uint32_t index) { return *shards_[index]; }

  // Called on shard `origin`'s thread (call->origin_shard). Routes the call; its result is
  // finished on that same thread. Returns the shard that owns it, for single-owner calls.
  std::optional<uint32_t> Submit(CallPtr call);
  // Any thread: every shard gives up the parked calls of connections that went away.
  void DropAbandonedWaiters();

 private:
  void FanOut(CallPtr call);

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace flod::server
