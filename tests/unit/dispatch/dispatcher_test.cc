#include "flod/dispatch/dispatcher.h"

#include <gtest/gtest.h>

#include "flod/core/shard_key.h"
#include "flod/dispatch/handler_table.h"

namespace flod::dispatch {
namespace {

Request Make(Op op, std::string key = "k") {
  Request request;
  request.op = op;
  request.key = std::move(key);
  return request;
}

TEST(DispatcherTest, EveryOpHasAHandlerAndEveryFanOutOpAMerge) {
  EXPECT_NO_THROW(Handlers());
  EXPECT_TRUE(Handlers().Missing().empty());
}

TEST(DispatcherTest, KeyedOpsGoToTheOwnerOfNamespaceAndKey) {
  const Request get = Make(Op::kKvGet, "user:1");
  const Route route = RouteOf(get, 8);
  EXPECT_EQ(route.kind, Route::Kind::kOwner);
  EXPECT_EQ(route.shard, ShardOf("default", "user:1", 8));
}

TEST(DispatcherTest, TransactionOpsFollowTheirRoutingKey) {
  Request put = Make(Op::kKvPut, "other-key");
  put.options.routing_key = "acct:1";
  EXPECT_EQ(RouteOf(put, 8).shard, ShardOf("default", "acct:1", 8));
}

TEST(DispatcherTest, FanOutAndLocalOpsAreRoutedByTheirFlags) {
  EXPECT_EQ(RouteOf(Make(Op::kKvMget, ""), 4).kind, Route::Kind::kAll);
  EXPECT_EQ(RouteOf(Make(Op::kPing, ""), 4).kind, Route::Kind::kLocal);
}

TEST(DispatcherTest, MultiKeyOpsOnOneShardsKeysSkipTheFanOut) {
  Request mget = Make(Op::kKvMget, "");
  mget.args.keys = {"same", "same", "same"};
  const Route route = RouteOf(mget, 4);
  EXPECT_EQ(route.kind, Route::Kind::kOwner);
  EXPECT_EQ(route.shard, ShardOf("default", "same", 4));
  for (int i = 0; i < 64; ++i) mget.args.keys.push_back("key:" + std::to_string(i));
  EXPECT_EQ(RouteOf(mget, 4).kind, Route::Kind::kAll);
}

TEST(DispatcherTest, MissingNamesAreRefusedWithTheFamilysWording) {
  auto error = Validate(Make(Op::kKvGet, ""));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message, "key is required");
  error = Validate(Make(Op::kQueueEnqueue, ""));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message, "queue name is required");
  EXPECT_FALSE(Validate(Make(Op::kKvScan, "")).has_value()) << "scan takes an empty prefix";
}

TEST(DispatcherTest, OversizedNamespacesAreRefused) {
  Request request = Make(Op::kKvGet);
  request.ns = std::string(256, 'n');
  EXPECT_TRUE(Validate(request).has_value());
}

TEST(DispatcherTest, SplitKeyPartsCarryOnlyTheKeysTheirShardOwns) {
  Request mset = Make(Op::kKvMset, "");
  for (int i = 0; i < 50; ++i) {
    mset.args.keys.push_back("key:" + std::to_string(i));
    mset.args.values.push_back("value:" + std::to_string(i));
  }
  size_t total = 0;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    const Request part = PartFor(mset, shard, 3);
    ASSERT_EQ(part.args.keys.size(), part.args.values.size());
    for (size_t i = 0; i < part.args.keys.size(); ++i) {
      EXPECT_EQ(ShardOf("default", part.args.keys[i], 3), shard);
      EXPECT_EQ(part.args.values[i], "value:" + part.args.keys[i].substr(4));
    }
    total += part.args.keys.size();
  }
  EXPECT_EQ(total, 50u);
}

TEST(DispatcherTest, OtherFanOutPartsAreTheWholeRequest) {
  Request mget = Make(Op::kKvMget, "");
  mget.args.keys = {"a", "b", "c"};
  EXPECT_EQ(PartFor(mget, 1, 3).args.keys.size(), 3u);
}

}  // namespace
}  // namespace flod::dispatch
