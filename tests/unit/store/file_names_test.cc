#include "flod/store/file_names.h"

#include <gtest/gtest.h>

#include "store_test_util.h"
#include "support/temp_dir.h"

namespace flod::store {
namespace {

TEST(FileNamesTest, NumbersAreSixteenHexDigits) {
  EXPECT_EQ(SegmentFileName(42), "wal-000000000000002a.log");
  EXPECT_EQ(SnapshotFileName(7), "snap-0000000000000007.snap");
  EXPECT_EQ(ShardDirName(3), "shard-3");
  EXPECT_EQ(ParseSegmentFileName("wal-000000000000002a.log"), 42u);
  EXPECT_EQ(ParseSegmentFileName("wal-000000000000002A.log"), 42u);
  EXPECT_EQ(ParseSnapshotFileName("snap-ffffffffffffffff.snap"), UINT64_MAX);
}

TEST(FileNamesTest, OtherNamesAreNotSegmentsOrSnapshots) {
  EXPECT_FALSE(ParseSegmentFileName("wal-2a.log"));
  EXPECT_FALSE(ParseSegmentFileName("wal-000000000000002g.log"));
  EXPECT_FALSE(ParseSegmentFileName("wal-000000000000002a.log.tmp"));
  EXPECT_FALSE(ParseSnapshotFileName("snap.tmp"));
  EXPECT_FALSE(ParseSnapshotFileName("wal-000000000000002a.log"));
}

TEST(FileNamesTest, ListingsAreSortedAndSkipOtherFiles) {
  flod::testing::TempDir temp;
  for (uint64_t n : {12, 3, 7}) testing::WriteFileBytes(temp.path() / SegmentFileName(n), "");
  testing::WriteFileBytes(temp.path() / SnapshotFileName(2), "");
  testing::WriteFileBytes(temp.path() / "snap.tmp", "");
  testing::WriteFileBytes(temp.path() / "notes.txt", "");
  auto segments = ListSegments(temp.path());
  ASSERT_TRUE(segments.ok());
  ASSERT_EQ(segments->size(), 3u);
  EXPECT_EQ((*segments)[0].number, 3u);
  EXPECT_EQ((*segments)[2].number, 12u);
  EXPECT_EQ((*segments)[2].path, temp.path() / SegmentFileName(12));
  auto snapshots = ListSnapshots(temp.path());
  ASSERT_TRUE(snapshots.ok());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->front().number, 2u);
}

TEST(FileNamesTest, FileBytesOrZeroIsTheSizeOrZeroForAMissingFile) {
  flod::testing::TempDir temp;
  testing::WriteFileBytes(temp.path() / "seven", "1234567");
  EXPECT_EQ(FileBytesOrZero(temp.path() / "seven"), 7u);
  EXPECT_EQ(FileBytesOrZero(temp.path() / "absent"), 0u);
}

TEST(FileNamesTest, MissingDirectoryListsAsEmpty) {
  flod::testing::TempDir temp;
  auto segments = ListSegments(temp.path() / "absent");
  ASSERT_TRUE(segments.ok());
  EXPECT_TRUE(segments->empty());
}

}  // namespace
}  // namespace flod::store
