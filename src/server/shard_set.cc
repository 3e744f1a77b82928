#include "shard_set.h"

#include <boost/asio/post.hpp>

#include "flod/dispatch/dispatcher.h"

namespace flod::server {

ShardSet::ShardSet(std::vector<std::unique_ptr<Shard>> shards) : shards_(std::move(shards)) {}

ReplyFn ShardSet::BackTo(uint32_t origin, ReplyFn reply) {
  boost::asio::io_context* home = &shards_[origin]->io();
  return [home, reply = std::move(reply)](Result&& result) {
    boost::asio::post(*home, [reply, result = std::move(result)]() mutable {
      reply(std::move(result));
    });
  };
}

void ShardSet::Submit(uint32_t origin, Request request, ReplyFn reply, ClosedFlag closed) {
  const dispatch::Route route = dispatch::RouteOf(request, size());
  switch (route.kind) {
    case dispatch::Route::Kind::kAll:
      FanOut(origin, std::move(request), std::move(reply));
      return;
    case dispatch::Route::Kind::kLocal:
      shards_[origin]->Run(std::move(request), std::move(reply), std::move(closed));
      return;
    case dispatch::Route::Kind::kOwner:
      break;
  }
  if (route.shard == origin) {
    shards_[origin]->Run(std::move(request), std::move(reply), std::move(closed));
    return;
  }
  Shard* owner = shards_[route.shard].get();
  boost::asio::post(owner->io(), [owner, request = std::move(request),
                                  reply = BackTo(origin, std::move(reply)),
                                  closed = std::move(closed)]() mutable {
    owner->Run(std::move(request), std::move(reply), std::move(closed));
  });
}

void ShardSet::DropWaitersOfClosedConnections() {
  for (auto& shard : shards_) {
    boost::asio::post(shard->io(), [target = shard.get()] { target->DropClosedWaiters(); });
  }
}

namespace {

// Lives on the origin shard; every part's result is posted back there before it is stored.
struct Gather {
  Request request;
  std::vector<Result> parts;
  size_t remaining;
  ReplyFn reply;
};

}  // namespace

void ShardSet::FanOut(uint32_t origin, Request request, ReplyFn reply) {
  auto gather = std::make_shared<Gather>(
      Gather{std::move(request), std::vector<Result>(size()), size(), std::move(reply)});
  for (uint32_t shard = 0; shard < size(); ++shard) {
    ReplyFn store_part = [gather, shard](Result&& part) {
      gather->parts[shard] = std::move(part);
      if (--gather->remaining > 0) return;
      gather->reply(dispatch::Merge(gather->request, gather->parts));
    };
    Shard* target = shards_[shard].get();
    if (shard == origin) {
      target->RunPart(gather->request, std::move(store_part));
      continue;
    }
    boost::asio::post(target->io(), [target, request = gather->request,
                                     done = BackTo(origin, std::move(store_part))]() mutable {
      target->RunPart(std::move(request), std::move(done));
    });
  }
}

}  // namespace flod::server
