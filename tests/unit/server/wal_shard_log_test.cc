#include "wal_shard_log.h"

#include <gtest/gtest.h>

#include <string>

#include "flod/store/snapshot_writer.h"
#include "flod/store/wal_writer.h"
#include "support/temp_dir.h"

namespace flod::server {
namespace {

class WalShardLogTest : public ::testing::Test {
 protected:
  void Open(uint64_t snapshot_bytes) {
    auto writer = store::WalWriter::Open(dir(), 0, {});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    log_.Attach(std::move(*writer), snapshot_bytes);
  }
  std::filesystem::path dir() const { return temp_.path() / "shard-0"; }

  flod::testing::TempDir temp_;
  WalShardLog log_{nullptr};
};

TEST_F(WalShardLogTest, KnowsTheSizeOfTheSnapshotRecoveryLoaded) {
  Open(12345);
  EXPECT_EQ(log_.SnapshotBytes(), 12345u);
}

TEST_F(WalShardLogTest, ANewSnapshotSetsTheSizeAndRestartsTheCount) {
  Open(0);
  log_.Append(1, std::string(5000, 'w'));
  ASSERT_EQ(log_.Flush(/*sync=*/false), "");
  EXPECT_GT(log_.BytesSinceSnapshot(), 5000u);

  store::WalPosition covered;
  ASSERT_EQ(log_.BeginSnapshot(covered), "");
  EXPECT_EQ(log_.BytesSinceSnapshot(), 0u);
  auto snapshot = store::SnapshotWriter::Create(dir(), 0, covered);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_TRUE((*snapshot)->Add(1, std::string(20000, 's')).ok());
  auto committed = (*snapshot)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();

  ASSERT_EQ(log_.DropCovered(covered, committed->id), "");
  EXPECT_EQ(log_.SnapshotBytes(), std::filesystem::file_size(committed->path));
  EXPECT_GT(log_.SnapshotBytes(), 20000u);
}

}  // namespace
}  // namespace flod::server
