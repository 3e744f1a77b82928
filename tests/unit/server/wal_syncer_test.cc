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
    log_.Attach(std::move(*writer));
  }

  void Write(std::string_view payload) {
    log_.Append(1, payload);
    ASSERT_EQ(log_.Flush(/*sync=*/false), "");
  }

  // Waits (up to a generous bound, never a timing assertion) for the syncer to catch up.
  bool SyncedWithin(std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (log_.writer()->HasUnsynced()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  flod::testing::TempDir temp_;
  WalSyncer syncer_{1ms};
  WalShardLog log_{&syncer_};
};

TEST_F(WalSyncerTest, AWriteAfterAnIdleSpellIsSynced) {
  syncer_.Start({&log_});
  std::this_thread::sleep_for(20ms);  // nothing to sync: the syncer goes to sleep
  Write("after idling");
  EXPECT_TRUE(SyncedWithin(10s));
}

TEST_F(WalSyncerTest, EveryBurstAfterAPauseIsSynced) {
  syncer_.Start({&log_});
  for (int burst = 0; burst < 20; ++burst) {
    for (int i = 0; i < 10; ++i) Write("record");
    ASSERT_TRUE(SyncedWithin(10s)) << "burst " << burst;
    std::this_thread::sleep_for(3ms);  // long enough for the syncer to find nothing and sleep
  }
}

TEST_F(WalSyncerTest, WritesBeforeStartAreSyncedOnStart) {
  Write("before the syncer runs");
  EXPECT_TRUE(log_.writer()->HasUnsynced());
  syncer_.Start({&log_});
  EXPECT_TRUE(SyncedWithin(10s));
}

TEST_F(WalSyncerTest, StopWakesASleepingSyncer) {
  syncer_.Start({&log_});
  std::this_thread::sleep_for(20ms);  // asleep, waiting for a write that never comes
  auto stopped = std::async(std::launch::async, [this] { syncer_.Stop(); });
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace flod::server
