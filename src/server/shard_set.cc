#include "shard_set.h"

#include <boost/asio/post.hpp>

#include "connection.h"
#include "flod/dispatch/dispatcher.h"

namespace flod::server {

bool Call::Abandoned() const { return connection && connection->peer_gone(); }

CallPtr CallPool::Take() {
  if (free_.empty()) return std::make_unique<Call>();
  CallPtr call = std::move(free_.back());
  free_.pop_back();
  return call;
}

// The request and result are left as they are: the next user assigns both whole, which is
// cheaper than clearing a large Request here and again there.
void CallPool::Give(CallPtr call) {
  if (free_.size() >= kMaxPooled) return;
  call->connection.reset();
  call->done = nullptr;
  call->part = call->returning = call->wrote = false;
  free_.push_back(std::move(call));
}

ShardSet::ShardSet(std::vector<std::unique_ptr<Shard>> shards) : shards_(std::move(shards)) {
  std::vector<Shard*> peers;
  for (auto& shard : shards_) peers.push_back(shard.get());
  for (auto& shard : shards_) shard->SetPeers(peers);
}

std::optional<uint32_t> ShardSet::Submit(CallPtr call) {
  const uint32_t origin = call->origin_shard;
  const dispatch::Route route = dispatch::RouteOf(call->request, size());
  switch (route.kind) {
    case dispatch::Route::Kind::kAll:
      FanOut(std::move(call));
      return std::nullopt;
    case dispatch::Route::Kind::kLocal:
      shards_[origin]->Run(std::move(call));
      return std::nullopt;
    case dispatch::Route::Kind::kOwner:
      break;
  }
  if (route.shard == origin) {
    shards_[origin]->Run(std::move(call));
  } else {
    shards_[origin]->Send(route.shard, std::move(call));
  }
  return route.shard;
}

void ShardSet::DropAbandonedWaiters() {
  for (auto& shard : shards_) {
    boost::asio::post(shard->io(), [target = shard.get()] { target->DropAbandonedWaiters(); });
  }
}

namespace {

// Lives on the origin shard: every part's result is finished there.
struct Gather {
  CallPtr whole;
  std::vector<Result> parts;
  size_t remaining = 0;
};

}  // namespace

void ShardSet::FanOut(CallPtr call) {
  const uint32_t origin = call->origin_shard;
  auto gather = std::make_shared<Gather>();
  gather->whole = std::move(call);
  gather->parts.resize(size());
  gather->remaining = size();
  for (uint32_t shard = 0; shard < size(); ++shard) {
    CallPtr part = shards_[origin]->calls().Take();
    part->request = dispatch::PartFor(gather->whole->request, shard, size());
    part->origin_shard = origin;
    part->part = true;
    part->done = [gather, shard](Result&& result) {
      gather->parts[shard] = std::move(result);
      if (--gather->remaining > 0) return;
      gather->whole->result = dispatch::Merge(gather->whole->request, gather->parts);
      Shard::Finish(std::move(gather->whole));
    };
    if (shard == origin) {
      shards_[origin]->RunPart(std::move(part));
    } else {
      shards_[origin]->Send(shard, std::move(part));
    }
  }
}

}  // namespace flod::server
