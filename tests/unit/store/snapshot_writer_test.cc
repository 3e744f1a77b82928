#include "flod/store/snapshot_writer.h"

#include <gtest/gtest.h>

#include "flod/store/file_names.h"
#include "flod/store/snapshot_reader.h"
#include "store_test_util.h"
#include "support/temp_dir.h"

namespace flod::store {
namespace {

using testing::FaultyFileSystem;

class SnapshotWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<SnapshotWriter> Create(WalPosition covered = {3, 100}, FileSystem* fs = nullptr) {
    auto writer = SnapshotWriter::Create(dir(), kShard, covered, fs);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  std::filesystem::path dir() const { return temp_.path() / "shard-1"; }
  bool TempExists() const { return std::filesystem::exists(dir() / kSnapshotTempName); }
  size_t SnapshotCount() const { return ListSnapshots(dir())->size(); }

  static constexpr uint32_t kShard = 1;
  flod::testing::TempDir temp_;
};

TEST_F(SnapshotWriterTest, CommitPublishesANumberedSnapshot) {
  auto writer = Create();
  ASSERT_TRUE(writer->Add(0x0101, "key=value").ok());
  EXPECT_TRUE(TempExists());
  EXPECT_EQ(SnapshotCount(), 0u);
  auto info = writer->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->id, 1u);
  EXPECT_EQ(info->record_count, 1u);
  EXPECT_EQ(info->path, dir() / SnapshotFileName(1));
  EXPECT_TRUE(std::filesystem::exists(info->path));
  EXPECT_FALSE(TempExists());

  auto second = Create()->Commit();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, 2u);
}

TEST_F(SnapshotWriterTest, AbandonedSnapshotLeavesNothingBehind) {
  {
    auto writer = Create();
    ASSERT_TRUE(writer->Add(1, "partial state").ok());
  }
  EXPECT_FALSE(TempExists());
  EXPECT_EQ(SnapshotCount(), 0u);
}

TEST_F(SnapshotWriterTest, RejectsTypeZeroAndOversizeRecords) {
  auto writer = Create();
  EXPECT_EQ(writer->Add(kInvalidRecordType, "x").code(), IoStatus::Code::kInvalidArgument);
  EXPECT_EQ(writer->Add(1, std::string(kMaxRecordBytes + 1, 'x')).code(),
            IoStatus::Code::kInvalidArgument);
  ASSERT_TRUE(writer->Add(1, "fine").ok());
  auto info = writer->Commit();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->record_count, 1u);
}

TEST_F(SnapshotWriterTest, FailedSyncPublishesNothing) {
  FaultyFileSystem fs;
  fs.failing_syncs = 1;
  auto writer = Create({1, 24}, &fs);
  ASSERT_TRUE(writer->Add(1, "state").ok());
  auto info = writer->Commit();
  EXPECT_EQ(info.status().code(), IoStatus::Code::kIoError);
  writer.reset();
  EXPECT_EQ(SnapshotCount(), 0u);
  EXPECT_FALSE(TempExists());
}

TEST_F(SnapshotWriterTest, FailedWriteFailsTheCommit) {
  FaultyFileSystem fs;
  fs.write_budget = 100;
  auto writer = Create({1, 24}, &fs);
  const std::string big(300 << 10, 'b');
  IoStatus status;
  for (int i = 0; i < 5 && status.ok(); ++i) status = writer->Add(1, big);
  EXPECT_EQ(status.code(), IoStatus::Code::kNoSpace);
  EXPECT_FALSE(writer->Commit().ok());
  writer.reset();
  EXPECT_EQ(SnapshotCount(), 0u);
}

TEST_F(SnapshotWriterTest, ALargeSnapshotIsSyncedAndDroppedFromThePageCacheAsItGoes) {
  FaultyFileSystem fs;
  auto writer = Create({3, 100}, &fs);
  const std::string payload(64 << 10, 'p');
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(writer->Add(0x0101, payload).ok());  // ~12.5 MiB
  EXPECT_EQ(fs.syncs, 1);
  EXPECT_GE(fs.dropped_until, 8u << 20);
  EXPECT_LT(fs.dropped_until, 10u << 20);

  auto info = writer->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(fs.syncs, 2);
  EXPECT_EQ(fs.dropped_until, testing::FileSize(info->path));
  auto reader = SnapshotReader::Open(info->path, kShard);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->record_count(), 200u);
}

TEST_F(SnapshotWriterTest, ATrailerWriteThatCrossesThe8MiBMarkIsSyncedOnce) {
  FaultyFileSystem fs;
  auto writer = Create({3, 100}, &fs);
  // Seven writes of 1.1 MB stay under 8 MiB; the last record waits in the buffer (under
  // 1 MiB) and goes out with the trailer at Commit, past the mark.
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(writer->Add(0x0101, std::string(1'100'000, 'a')).ok());
  ASSERT_TRUE(writer->Add(0x0101, std::string(1'000'000, 'b')).ok());
  EXPECT_EQ(fs.syncs, 0);
  auto info = writer->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(fs.syncs, 1);
  EXPECT_EQ(fs.dropped_until, testing::FileSize(info->path));
}

TEST_F(SnapshotWriterTest, AFailedSyncAtThe8MiBMarkFailsTheWriteAndPublishesNothing) {
  FaultyFileSystem fs;
  auto writer = Create({3, 100}, &fs);
  fs.failing_syncs = 1;
  const std::string payload(64 << 10, 'p');
  IoStatus status;
  for (int i = 0; i < 200 && status.ok(); ++i) status = writer->Add(0x0101, payload);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(fs.dropped_until, 0u) << "nothing is dropped that was not synced";
  EXPECT_FALSE(writer->Commit().ok());
  EXPECT_EQ(SnapshotCount(), 0u);
  writer.reset();
  EXPECT_FALSE(TempExists());
}

TEST_F(SnapshotWriterTest, WriterIsSpentAfterCommit) {
  auto writer = Create();
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(writer->Add(1, "late").code(), IoStatus::Code::kInvalidArgument);
  EXPECT_FALSE(writer->Commit().ok());
  EXPECT_EQ(SnapshotCount(), 1u);
}

TEST_F(SnapshotWriterTest, DeleteSnapshotsBeforeKeepsNewerOnes) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Create()->Commit().ok());
  ASSERT_TRUE(DeleteSnapshotsBefore(dir(), 3).ok());
  auto left = ListSnapshots(dir());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ(left->front().number, 3u);
}

}  // namespace
}  // namespace flod::store
