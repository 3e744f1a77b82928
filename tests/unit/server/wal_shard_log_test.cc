#include "wal_shard_log.h"

#include <gtest/gtest.h>

#include <string>

#include "flod/store/file_names.h"
#include "flod/store/snapshot_writer.h"
#include "flod/store/wal_writer.h"
#include "unit/store/store_test_util.h"
#include "support/temp_dir.h"

namespace flod::server {
namespace {

class WalShardLogTest : public ::testing::Test {
 protected:
  void Open(uint64_t snapshot_bytes, uint64_t segment_bytes = 64u << 20) {
    auto writer = store::WalWriter::Open(
        dir(), 0, {.segment_bytes = segment_bytes, .file_system = &file_system_});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    log_.Attach(std::move(*writer), snapshot_bytes);
  }
  std::filesystem::path dir() const { return temp_.path() / "shard-0"; }

  // Four segments and two snapshots: the newer covers segments 1 to 3, the older 1.
  void TwoSnapshotsOverFourSegments(store::WalPosition& covered, uint64_t& snapshot) {
    Open(0, /*segment_bytes=*/1u << 20);
    store::WalPosition older_covered;
    uint64_t older_snapshot = 0;
    FillSegment();
    TakeSnapshot(older_covered, older_snapshot);
    FillSegment();
    FillSegment();
    TakeSnapshot(covered, snapshot);
    ASSERT_EQ(older_covered.segment, 2u);
    ASSERT_EQ(covered.segment, 4u);
    ASSERT_EQ(store::ListSegments(dir())->size(), 4u);
    ASSERT_EQ(store::ListSnapshots(dir())->size(), 2u);
  }
  void TakeSnapshot(store::WalPosition& covered, uint64_t& id) {
    ASSERT_EQ(log_.BeginSnapshot(covered), "");
    auto snapshot = store::SnapshotWriter::Create(dir(), 0, covered);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    auto committed = (*snapshot)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    id = committed->id;
  }
  void FillSegment() {  // the next Flush starts a new segment
    log_.Append(1, std::string((1u << 20) + 1, 'w'));
    ASSERT_EQ(log_.Flush(/*sync=*/false), "");
  }

  flod::testing::TempDir temp_;
  store::testing::FaultyFileSystem file_system_;  // outlives the writer in log_
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

  log_.NoteSnapshot(committed->id);
  EXPECT_EQ(log_.SnapshotBytes(), std::filesystem::file_size(committed->path));
  EXPECT_GT(log_.SnapshotBytes(), 20000u);
}

TEST_F(WalShardLogTest, RemovesTheSegmentsAndSnapshotsANewSnapshotCovers) {
  store::WalPosition covered;
  uint64_t snapshot = 0;
  ASSERT_NO_FATAL_FAILURE(TwoSnapshotsOverFourSegments(covered, snapshot));

  ASSERT_EQ(log_.RemoveCovered(covered, snapshot), "");

  const auto segments = store::ListSegments(dir());
  ASSERT_EQ(segments->size(), 1u);
  EXPECT_EQ(segments->front().number, covered.segment);
  const auto snapshots = store::ListSnapshots(dir());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->front().number, snapshot);
}

TEST_F(WalShardLogTest, AFailedRemovalIsReportedAndTheNextAttemptCatchesUp) {
  store::WalPosition covered;
  uint64_t snapshot = 0;
  ASSERT_NO_FATAL_FAILURE(TwoSnapshotsOverFourSegments(covered, snapshot));

  file_system_.failing_removes = 1;
  const std::string error = log_.RemoveCovered(covered, snapshot);
  EXPECT_NE(error.find(store::SegmentFileName(1)), std::string::npos) << error;
  // Nothing past the failure is touched: the older snapshot stays while segments it needs do.
  EXPECT_EQ(store::ListSegments(dir())->size(), 4u);
  EXPECT_EQ(store::ListSnapshots(dir())->size(), 2u);

  ASSERT_EQ(log_.RemoveCovered(covered, snapshot), "");
  EXPECT_EQ(store::ListSegments(dir())->size(), 1u);
  EXPECT_EQ(store::ListSnapshots(dir())->size(), 1u);
}

}  // namespace
}  // namespace flod::server
