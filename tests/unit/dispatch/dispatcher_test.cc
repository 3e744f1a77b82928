#include "flod/dispatch/dispatcher.h"

#include <gtest/gtest.h>

#include "flod/core/clock.h"
#include "flod/core/shard_key.h"
#include "flod/dispatch/handler_table.h"
#include "flod/dispatch/shard_context.h"

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

// ---- Queue push (Redis LPUSH) through the real handlers -----------------------------------

class CountingSink final : public ChangeSink {
 public:
  void Append(uint16_t, std::string_view) override { ++records; }
  int records = 0;
};

class QueuePushTest : public ::testing::Test {
 protected:
  Request Push(std::vector<std::string> values) {
    Request request = Make(Op::kQueuePush, "jobs");
    if (values.size() == 1) {
      request.value = values.front();
    } else {
      request.args.values = std::move(values);
    }
    return request;
  }

  ManualClock clock_;
  CountingSink sink_;
  ShardContext shard_{0, 1, clock_, sink_};
};

TEST_F(QueuePushTest, AnswersTheReadyCountForOneValueAndForABatch) {
  Request one_value = Push({"a"});
  Result one = Execute(shard_, one_value);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(std::get<CountBody>(one.body).count, 1u);
  Request two_values = Push({"b", "c"});
  Result batch = Execute(shard_, two_values);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(std::get<CountBody>(batch.body).count, 3u);
  EXPECT_EQ(sink_.records, 2);
}

TEST_F(QueuePushTest, OneValueMayCarryADedupKey) {
  Request first = Push({"a"});
  first.options.dedup_key = "order-1";
  Request again = first;
  ASSERT_TRUE(Execute(shard_, first).ok());
  Result repeated = Execute(shard_, again);
  ASSERT_TRUE(repeated.ok());
  EXPECT_EQ(std::get<CountBody>(repeated.body).count, 1u);
  EXPECT_EQ(sink_.records, 1);
}

TEST_F(QueuePushTest, ABatchWithADedupKeyIsRefusedAndWritesNothing) {
  for (Op op : {Op::kQueuePush, Op::kQueueBatchEnqueue}) {
    Request batch = Push({"a", "b"});
    batch.op = op;
    batch.options.dedup_key = "order-1";
    Result result = Execute(shard_, batch);
    EXPECT_EQ(result.status, Status::kBadRequest) << NameOf(op);
    EXPECT_EQ(result.message, "dedup_key is per message: enqueue it alone") << NameOf(op);
  }
  EXPECT_EQ(sink_.records, 0);
  EXPECT_FALSE(shard_.queue.Exists("default", "jobs"));
}

// ---- Wakes: what a write records for parked requests -------------------------------------

TEST_F(QueuePushTest, AWriteRecordsAWakeOfItsNameWhileSomeoneWaits) {
  Request push = Push({"a"});
  push.ns = "app";
  ASSERT_TRUE(Execute(shard_, push).ok());
  EXPECT_EQ(shard_.woken, (std::vector<WakeKey>{{Family::kQueue, "app", "jobs"}}));
}

TEST_F(QueuePushTest, AWriteRecordsNoWakeWhileNobodyWaits) {
  shard_.anyone_waits = false;
  Request push = Push({"a"});
  ASSERT_TRUE(Execute(shard_, push).ok());
  EXPECT_TRUE(shard_.woken.empty());
}

TEST_F(QueuePushTest, AReadRecordsNoWake) {
  Request push = Push({"a"});
  ASSERT_TRUE(Execute(shard_, push).ok());
  shard_.woken.clear();
  Request stats = Make(Op::kQueueStats, "jobs");
  ASSERT_TRUE(Execute(shard_, stats).ok());
  EXPECT_TRUE(shard_.woken.empty());
}

}  // namespace
}  // namespace flod::dispatch
