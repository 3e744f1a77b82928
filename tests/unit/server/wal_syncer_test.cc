#include "wal_syncer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "flod/store/wal_writer.h"
#include "support/temp_dir.h"
#include "wal_shard_log.h"

namespace flod::server {
namespace {

using namespace std::chrono_literals;

class WalSyncerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = store::WalWriter::Open(temp_.path() / "shard-0", 0, {});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    log_.Attach(std::move(*writer), /*snapshot_bytes=*/0);
  }
  // The syncer's thread reads log_'s writer until it stops, and members die in reverse
  // order (log_ first), so it must stop here, as Storage stops it before the shards go.
  void TearDown() override { syncer_.Stop(); }

  void Write(std::string_view payload) {
    log_.Append(1, payload);
    ASSERT_EQ(log_.Flush(/*sync=*/false), "");
  }

  // Waits (up to a generous bound, never a timing assertion) for `condition`.
  template <typename Condition>
  static bool Eventually(Condition condition) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
  bool Synced() { return !log_.writer()->HasUnsynced(); }

  flod::testing::TempDir temp_;
  WalSyncer syncer_{1ms};
  WalShardLog log_{&syncer_};
};

TEST_F(WalSyncerTest, WithNothingToSyncItSleepsAndTheNextWriteWakesIt) {
  syncer_.Start({&log_});
  ASSERT_TRUE(Eventually([this] { return syncer_.asleep(); }));
  Write("after idling");
  EXPECT_TRUE(Eventually([this] { return Synced(); }));
  EXPECT_TRUE(Eventually([this] { return syncer_.asleep(); })) << "asleep again once synced";
}

TEST_F(WalSyncerTest, EveryBurstAfterAPauseIsSynced) {
  syncer_.Start({&log_});
  for (int burst = 0; burst < 20; ++burst) {
    ASSERT_TRUE(Eventually([this] { return syncer_.asleep(); })) << "burst " << burst;
    for (int i = 0; i < 10; ++i) Write("record");
    ASSERT_TRUE(Eventually([this] { return Synced(); })) << "burst " << burst;
  }
}

TEST_F(WalSyncerTest, WritesBeforeStartAreSyncedOnStart) {
  Write("before the syncer runs");
  EXPECT_FALSE(Synced());
  syncer_.Start({&log_});
  EXPECT_TRUE(Eventually([this] { return Synced(); }));
}

TEST_F(WalSyncerTest, StopWakesASleepingSyncer) {
  syncer_.Start({&log_});
  ASSERT_TRUE(Eventually([this] { return syncer_.asleep(); }));
  auto stopped = std::async(std::launch::async, [this] { syncer_.Stop(); });
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace flod::server
