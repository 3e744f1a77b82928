#include "flod/store/wal_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "flod/store/file_names.h"
#include "store_test_util.h"
#include "support/temp_dir.h"

namespace flod::store {
namespace {

using testing::FaultyFileSystem;
using testing::FileSize;
using testing::ReadWal;

class WalWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<WalWriter> OpenWriter(uint64_t segment_bytes = 64u << 20,
                                        uint64_t zero_fill_bytes = 0) {
    WalWriterOptions options;
    options.segment_bytes = segment_bytes;
    options.zero_fill_bytes = zero_fill_bytes;
    options.file_system = &fs_;
    auto writer = WalWriter::Open(dir(), 0, options);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  // A writer that has just moved into segment 2, made ahead by SyncNow, while segment 1 (the
  // synced record `first`, then a segment-sized record of `fill`s) is not synced yet.
  std::unique_ptr<WalWriter> InSegmentTwoBeforeSegmentOneIsSynced(uint64_t segment_bytes,
                                                                  const std::string& first,
                                                                  char fill) {
    auto writer = OpenWriter(segment_bytes);
    EXPECT_TRUE(writer->Append(1, first).ok());
    EXPECT_TRUE(writer->Flush().ok());
    EXPECT_TRUE(writer->SyncNow().ok());  // makes segment 2
    EXPECT_TRUE(writer->Append(1, std::string(segment_bytes, fill)).ok());
    EXPECT_TRUE(writer->Flush().ok());
    EXPECT_EQ(writer->segment(), 2u);
    return writer;
  }

  std::filesystem::path dir() const { return temp_.path() / "shard-0"; }
  size_t writer_segments() const {
    auto segments = ListSegments(dir());
    return segments ? segments->size() : 0;
  }
  std::filesystem::path Segment(uint64_t number) const { return dir() / SegmentFileName(number); }

  flod::testing::TempDir temp_;
  FaultyFileSystem fs_;
};

TEST_F(WalWriterTest, OpenStartsSegmentOneWithOnlyAHeader) {
  auto writer = OpenWriter();
  EXPECT_EQ(writer->segment(), 1u);
  EXPECT_EQ(FileSize(Segment(1)), kSegmentHeaderBytes);
  EXPECT_EQ(writer->position(), (WalPosition{1, kSegmentHeaderBytes}));
}

TEST_F(WalWriterTest, OpenThatCannotWriteTheHeaderLeavesNoSegment) {
  fs_.write_budget = 10;
  WalWriterOptions options;
  options.file_system = &fs_;
  auto writer = WalWriter::Open(dir(), 0, options);
  EXPECT_EQ(writer.status().code(), IoStatus::Code::kNoSpace);
  EXPECT_FALSE(std::filesystem::exists(Segment(1)));
}

// After a process crash the old segments may be whole in the page cache only; the new
// segment's header says everything before it is durable, so Open makes that true.
TEST_F(WalWriterTest, OpenSyncsTheLastTwoExistingSegmentsFirst) {
  {
    auto writer = OpenWriter(/*segment_bytes=*/100);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(writer->Append(1, std::string(100, 'a')).ok());
      ASSERT_TRUE(writer->Flush().ok());
    }
  }
  ASSERT_EQ(writer_segments(), 4u);
  fs_.file_syncs = 0;
  auto reopened = OpenWriter();
  EXPECT_EQ(fs_.file_syncs, 2);
  EXPECT_EQ(reopened->segment(), 5u);

  fs_.failing_syncs = 1;
  WalWriterOptions options;
  options.file_system = &fs_;
  auto refused = WalWriter::Open(dir(), 0, options);
  EXPECT_EQ(refused.status().code(), IoStatus::Code::kIoError);
}

TEST_F(WalWriterTest, AppendOnlyBuffersAndFlushWritesOnce) {
  auto writer = OpenWriter();
  const int appends_before = fs_.appends;
  ASSERT_TRUE(writer->Append(0x0101, "one").ok());
  ASSERT_TRUE(writer->Append(0x0101, "two").ok());
  ASSERT_TRUE(writer->Append(0x0102, "three").ok());
  EXPECT_EQ(fs_.appends, appends_before);
  EXPECT_EQ(FileSize(Segment(1)), kSegmentHeaderBytes);

  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(fs_.appends, appends_before + 1);
  EXPECT_EQ(FileSize(Segment(1)), kSegmentHeaderBytes + 3 * kRecordHeaderBytes + 11);
  EXPECT_EQ(writer->buffered_bytes(), 0u);
}

TEST_F(WalWriterTest, PositionCountsBufferedRecords) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "abc").ok());
  EXPECT_EQ(writer->position(), (WalPosition{1, kSegmentHeaderBytes + EncodedRecordBytes(3)}));
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(writer->position(), (WalPosition{1, kSegmentHeaderBytes + EncodedRecordBytes(3)}));
}

TEST_F(WalWriterTest, SyncMakesRecordsReadable) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(0x0101, "put k v").ok());
  ASSERT_TRUE(writer->Append(0x0102, "del k").ok());
  ASSERT_TRUE(writer->Sync().ok());
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads, (std::vector<std::string>{"put k v", "del k"}));
  EXPECT_EQ(wal.types, (std::vector<uint16_t>{0x0101, 0x0102}));
}

TEST_F(WalWriterTest, RotatesWhenAFlushPassesTheSegmentSize) {
  auto writer = OpenWriter(/*segment_bytes=*/200);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(writer->Append(1, "record " + std::to_string(i)).ok());
    ASSERT_TRUE(writer->Flush().ok());
  }
  EXPECT_GT(writer->segment(), 3u);
  for (uint64_t n = 1; n < writer->segment(); ++n) EXPECT_GE(FileSize(Segment(n)), 200u);
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(ReadWal(dir(), 0).payloads.size(), 40u);
}

TEST_F(WalWriterTest, RotationSyncsTheFinishedSegment) {
  auto writer = OpenWriter(/*segment_bytes=*/100);
  const int syncs_before = fs_.syncs;
  ASSERT_TRUE(writer->Append(1, std::string(100, 'x')).ok());
  ASSERT_TRUE(writer->Flush().ok());
  // Nothing was made ahead (no SyncNow): one fdatasync for the full segment, one for the new
  // segment's header.
  EXPECT_EQ(fs_.syncs, syncs_before + 2);
  EXPECT_EQ(writer->segment(), 2u);
}

TEST_F(WalWriterTest, ReopeningStartsANewSegmentAndKeepsTheOldOne) {
  {
    auto writer = OpenWriter();
    ASSERT_TRUE(writer->Append(1, "before restart").ok());
    ASSERT_TRUE(writer->Sync().ok());
  }
  auto writer = OpenWriter();
  EXPECT_EQ(writer->segment(), 2u);
  ASSERT_TRUE(writer->Append(1, "after restart").ok());
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(ReadWal(dir(), 0).payloads,
            (std::vector<std::string>{"before restart", "after restart"}));
}

TEST_F(WalWriterTest, BytesSinceMarkCountsAcrossRotation) {
  auto writer = OpenWriter(/*segment_bytes=*/64);
  ASSERT_TRUE(writer->Append(1, "ignored").ok());
  writer->Mark();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(writer->Append(1, "0123456789").ok());
    ASSERT_TRUE(writer->Flush().ok());
  }
  EXPECT_GT(writer->segment(), 1u);
  EXPECT_EQ(writer->BytesSinceMark(), 10 * EncodedRecordBytes(10));
}

TEST_F(WalWriterTest, DeleteSegmentsBeforeNeverRemovesTheCurrentOne) {
  auto writer = OpenWriter(/*segment_bytes=*/50);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(writer->Append(1, std::string(60, 'a')).ok());
    ASSERT_TRUE(writer->Flush().ok());
  }
  ASSERT_EQ(writer->segment(), 6u);
  ASSERT_TRUE(writer->DeleteSegmentsBefore(4).ok());
  auto left = ListSegments(dir());
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 3u);
  EXPECT_EQ(left->front().number, 4u);
  ASSERT_TRUE(writer->DeleteSegmentsBefore(100).ok());
  left = ListSegments(dir());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().number, 6u);
}

TEST_F(WalWriterTest, RejectsTypeZeroAndOversizePayloadsWithoutFailing) {
  auto writer = OpenWriter();
  EXPECT_EQ(writer->Append(kInvalidRecordType, "x").code(), IoStatus::Code::kInvalidArgument);
  const std::string huge(kMaxRecordBytes + 1, 'h');
  EXPECT_EQ(writer->Append(1, huge).code(), IoStatus::Code::kInvalidArgument);
  EXPECT_TRUE(writer->Healthy());
  EXPECT_EQ(writer->buffered_bytes(), 0u);
  EXPECT_TRUE(writer->Append(1, "fine").ok());
}

TEST_F(WalWriterTest, FailedWriteIsStickyUntilRecovered) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "durable").ok());
  ASSERT_TRUE(writer->Sync().ok());
  ASSERT_TRUE(writer->Append(1, "written").ok());
  ASSERT_TRUE(writer->Flush().ok());
  ASSERT_TRUE(writer->Append(1, "half written when the disk filled").ok());
  fs_.write_budget = 7;  // part of the record reaches the file, then ENOSPC

  IoStatus failure = writer->Flush();
  EXPECT_EQ(failure.code(), IoStatus::Code::kNoSpace);
  EXPECT_NE(failure.message().find(Segment(1).string()), std::string::npos) << failure.message();
  EXPECT_NE(failure.message().find("offset"), std::string::npos) << failure.message();
  EXPECT_FALSE(writer->Healthy());
  EXPECT_EQ(writer->Append(1, "refused").code(), IoStatus::Code::kNoSpace);
  EXPECT_FALSE(writer->Flush().ok());
  EXPECT_FALSE(writer->Sync().ok());

  fs_.write_budget = 0;  // still full: recovery fails and the writer stays failed
  EXPECT_FALSE(writer->TryRecover().ok());
  EXPECT_FALSE(writer->Healthy());

  fs_.write_budget = -1;  // space is back
  ASSERT_TRUE(writer->TryRecover().ok()) << writer->status().ToString();
  EXPECT_TRUE(writer->Healthy());
  ASSERT_TRUE(writer->Append(1, "after recovery").ok());
  ASSERT_TRUE(writer->Sync().ok());

  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem) << wal.problem->ToString();
  EXPECT_EQ(wal.payloads,
            (std::vector<std::string>{"durable", "written", "half written when the disk filled",
                                      "after recovery"}));
}

TEST_F(WalWriterTest, RecoveryCutsTheFailedSegmentBackToItsLastSync) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "synced").ok());
  ASSERT_TRUE(writer->Sync().ok());
  const uint64_t synced_size = FileSize(Segment(1));
  ASSERT_TRUE(writer->Append(1, "flushed, not synced").ok());
  ASSERT_TRUE(writer->Flush().ok());
  fs_.failing_syncs = 1;

  IoStatus failure = writer->Sync();
  EXPECT_EQ(failure.code(), IoStatus::Code::kIoError);
  EXPECT_NE(failure.message().find("fdatasync"), std::string::npos) << failure.message();
  EXPECT_EQ(writer->Append(1, "refused").code(), IoStatus::Code::kIoError);

  ASSERT_TRUE(writer->TryRecover().ok());
  // The bytes whose sync failed moved to a fresh segment instead of staying in doubt.
  EXPECT_EQ(FileSize(Segment(1)), synced_size);
  EXPECT_EQ(writer->segment(), 2u);
  ASSERT_TRUE(writer->Append(1, "later").ok());
  ASSERT_TRUE(writer->Sync().ok());
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads, (std::vector<std::string>{"synced", "flushed, not synced", "later"}));
  EXPECT_EQ(wal.positions[1].segment, 2u);
}

// The writer keeps what each Flush wrote until the owner thread sees a sync covering it;
// recovery must still carry over only the bytes after the last sync, never a second copy of
// synced records.
TEST_F(WalWriterTest, RecoveryCopiesNothingThatWasAlreadySynced) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "s").ok());
  ASSERT_TRUE(writer->Flush().ok());
  ASSERT_TRUE(writer->SyncNow().ok());  // as the background syncer does: nothing is trimmed
  ASSERT_TRUE(writer->Append(1, "flushed after the sync, and longer than the synced record").ok());
  ASSERT_TRUE(writer->Flush().ok());
  fs_.failing_syncs = 1;
  EXPECT_FALSE(writer->Sync().ok());

  ASSERT_TRUE(writer->TryRecover().ok());
  ASSERT_TRUE(writer->Sync().ok());
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads, (std::vector<std::string>{
                              "s", "flushed after the sync, and longer than the synced record"}));
}

TEST_F(WalWriterTest, RecoveryCarriesOverEveryFlushSinceTheLastSyncInOrder) {
  auto writer = OpenWriter();
  std::vector<std::string> want;
  for (int flush = 0; flush < 6; ++flush) {
    for (int record = 0; record < 3; ++record) {
      want.push_back("flush " + std::to_string(flush) + " record " + std::to_string(record));
      ASSERT_TRUE(writer->Append(1, want.back()).ok());
    }
    ASSERT_TRUE(writer->Flush().ok());
    if (flush == 2) {
      ASSERT_TRUE(writer->SyncNow().ok());  // the first three flushes are durable
    }
  }
  fs_.failing_syncs = 1;
  EXPECT_FALSE(writer->Sync().ok());
  EXPECT_EQ(writer->Append(1, "refused during the failure").code(), IoStatus::Code::kIoError);

  ASSERT_TRUE(writer->TryRecover().ok());
  EXPECT_EQ(writer->segment(), 2u);
  ASSERT_TRUE(writer->Append(1, "after recovery").ok());
  ASSERT_TRUE(writer->Sync().ok());
  want.push_back("after recovery");
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads, want);
  EXPECT_EQ(wal.positions[8].segment, 1u);
  EXPECT_EQ(wal.positions[9].segment, 2u);
}

TEST_F(WalWriterTest, BackgroundSyncFailureShowsAtTheNextFlushNotMidTurn) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "a").ok());
  ASSERT_TRUE(writer->Flush().ok());
  fs_.failing_syncs = 1;
  EXPECT_FALSE(writer->SyncNow().ok());
  EXPECT_FALSE(writer->SyncNow().ok());  // sticky for the syncing thread too

  // The shard already decided to mutate: its Append still lands in the buffer...
  EXPECT_TRUE(writer->Append(1, "b").ok());
  // ...and the turn's Flush reports the failure.
  EXPECT_EQ(writer->Flush().code(), IoStatus::Code::kIoError);
  EXPECT_FALSE(writer->Append(1, "c").ok());

  ASSERT_TRUE(writer->TryRecover().ok());
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(ReadWal(dir(), 0).payloads, (std::vector<std::string>{"a", "b"}));
}

TEST_F(WalWriterTest, SyncNowSkipsFdatasyncWhenNothingNewWasWritten) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "a").ok());
  ASSERT_TRUE(writer->Flush().ok());
  const int syncs_before = fs_.syncs;
  ASSERT_TRUE(writer->SyncNow().ok());
  // One for the record, one for the next segment made ahead.
  EXPECT_EQ(fs_.syncs, syncs_before + 2);
  EXPECT_FALSE(writer->HasUnsynced());
  ASSERT_TRUE(writer->SyncNow().ok());
  ASSERT_TRUE(writer->Append(1, "buffered only").ok());
  ASSERT_TRUE(writer->SyncNow().ok());
  EXPECT_EQ(fs_.syncs, syncs_before + 2);
}

uint16_t HeaderFlags(const std::filesystem::path& segment) {
  return DecodeSegmentHeader(testing::ReadFileBytes(segment)).header.flags;
}

TEST_F(WalWriterTest, SyncNowMakesTheNextSegmentAheadFlaggedAndZeroFilled) {
  auto writer = OpenWriter(/*segment_bytes=*/1u << 20, /*zero_fill_bytes=*/64u << 10);
  EXPECT_EQ(HeaderFlags(Segment(1)), 0);  // after recovery, everything before is durable
  ASSERT_TRUE(writer->Append(1, "a").ok());
  ASSERT_TRUE(writer->Flush().ok());
  ASSERT_TRUE(writer->SyncNow().ok());
  ASSERT_TRUE(std::filesystem::exists(Segment(2)));
  EXPECT_EQ(FileSize(Segment(2)), kSegmentHeaderBytes + (64u << 10));
  EXPECT_EQ(HeaderFlags(Segment(2)), kSegmentFollowsUnsynced);
  EXPECT_EQ(writer->segment(), 1u);
  // The reader takes it for what it is: nothing after the records of segment 1.
  auto wal = ReadWal(dir(), 0);
  EXPECT_EQ(wal.payloads, (std::vector<std::string>{"a"}));
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, WalProblem::Kind::kUnusedTail) << wal.problem->ToString();
}

TEST_F(WalWriterTest, RotationMovesIntoTheSegmentMadeAheadWithoutSyncing) {
  auto writer = OpenWriter(/*segment_bytes=*/1000);
  ASSERT_TRUE(writer->Append(1, "first").ok());
  ASSERT_TRUE(writer->Flush().ok());
  ASSERT_TRUE(writer->SyncNow().ok());  // makes segment 2
  const int syncs_before = fs_.syncs;
  ASSERT_TRUE(writer->Append(1, std::string(1000, 'f')).ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(writer->segment(), 2u);
  EXPECT_EQ(fs_.syncs, syncs_before);
  EXPECT_TRUE(writer->HasUnsynced());
  ASSERT_TRUE(writer->Append(1, "in segment 2").ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(HeaderFlags(Segment(2)), kSegmentFollowsUnsynced);

  // The next sync makes segment 1 durable first, then clears the flag, then syncs segment 2.
  ASSERT_TRUE(writer->SyncNow().ok());
  EXPECT_EQ(HeaderFlags(Segment(2)), 0);
  EXPECT_EQ(fs_.overwrites, 1);
  EXPECT_GE(fs_.syncs, syncs_before + 2);
  EXPECT_EQ(FileSize(Segment(1)),
            kSegmentHeaderBytes + EncodedRecordBytes(5) + EncodedRecordBytes(1000));
  auto wal = ReadWal(dir(), 0);
  EXPECT_EQ(wal.payloads,
            (std::vector<std::string>{"first", std::string(1000, 'f'), "in segment 2"}));
}

TEST_F(WalWriterTest, AFailureToMakeTheNextSegmentAheadLeavesNoFileAndRotationMakesIt) {
  auto writer = OpenWriter(/*segment_bytes=*/100);
  ASSERT_TRUE(writer->Append(1, "x").ok());
  ASSERT_TRUE(writer->Flush().ok());
  fs_.write_budget = 0;  // the new file is created, its header cannot be written
  ASSERT_TRUE(writer->SyncNow().ok());  // only a speed-up: the sync itself succeeded
  EXPECT_FALSE(std::filesystem::exists(Segment(2)));
  EXPECT_TRUE(writer->Healthy());
  fs_.write_budget = -1;

  const int syncs_before = fs_.syncs;
  ASSERT_TRUE(writer->Append(1, std::string(100, 'a')).ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(writer->segment(), 2u);
  // Made on the owner thread instead: the full segment's sync and the new header's.
  EXPECT_EQ(fs_.syncs, syncs_before + 2);
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(ReadWal(dir(), 0).payloads.size(), 2u);
}

TEST_F(WalWriterTest, RotationWaitsWhenTheSegmentBeforeIsStillUnsynced) {
  auto writer = InSegmentTwoBeforeSegmentOneIsSynced(/*segment_bytes=*/100, "x", 'a');
  ASSERT_TRUE(writer->Append(1, std::string(100, 'b')).ok());
  ASSERT_TRUE(writer->Flush().ok());  // segment 1 must be synced before segment 3 starts
  EXPECT_EQ(writer->segment(), 3u);
  EXPECT_EQ(HeaderFlags(Segment(2)), 0);
  EXPECT_EQ(HeaderFlags(Segment(3)), kSegmentFollowsUnsynced);
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(HeaderFlags(Segment(3)), 0);
  EXPECT_EQ(ReadWal(dir(), 0).payloads.size(), 3u);
}

TEST_F(WalWriterTest, AFailedSyncOfTheSegmentBeforeIsRecoveredIntoOneFreshSegment) {
  auto writer = InSegmentTwoBeforeSegmentOneIsSynced(/*segment_bytes=*/200, "durable", 'u');
  ASSERT_TRUE(writer->Append(1, "after rotation").ok());
  ASSERT_TRUE(writer->Flush().ok());
  fs_.failing_syncs = 1;
  EXPECT_FALSE(writer->SyncNow().ok());
  EXPECT_FALSE(writer->Healthy());

  ASSERT_TRUE(writer->TryRecover().ok());
  // Segment 1 is cut back to what was synced; segment 2 is written again with the rest.
  EXPECT_EQ(FileSize(Segment(1)), kSegmentHeaderBytes + EncodedRecordBytes(7));
  EXPECT_EQ(writer->segment(), 2u);
  EXPECT_EQ(HeaderFlags(Segment(2)), 0);
  ASSERT_TRUE(writer->Sync().ok());
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem) << wal.problem->ToString();
  EXPECT_EQ(wal.payloads,
            (std::vector<std::string>{"durable", std::string(200, 'u'), "after rotation"}));
}

TEST_F(WalWriterTest, AFailedHeaderRewriteIsSticky) {
  auto writer = InSegmentTwoBeforeSegmentOneIsSynced(/*segment_bytes=*/100, "x", 'a');
  fs_.failing_overwrites = 1;
  EXPECT_FALSE(writer->Sync().ok());
  EXPECT_FALSE(writer->Healthy());
  ASSERT_TRUE(writer->TryRecover().ok());
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(ReadWal(dir(), 0).payloads.size(), 2u);
}

TEST_F(WalWriterTest, CloseRemovesTheSegmentMadeAhead) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "a").ok());
  ASSERT_TRUE(writer->Flush().ok());
  ASSERT_TRUE(writer->SyncNow().ok());
  ASSERT_TRUE(std::filesystem::exists(Segment(2)));
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_FALSE(std::filesystem::exists(Segment(2)));
  // The sync thread may still be running when the shard closes its log.
  ASSERT_TRUE(writer->SyncNow().ok());
  EXPECT_FALSE(std::filesystem::exists(Segment(2)));
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads, (std::vector<std::string>{"a"}));
}

TEST_F(WalWriterTest, EachSyncDropsFromThePageCacheWhatItMadeDurable) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, std::string(10000, 'a')).ok());
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(fs_.dropped_until, FileSize(writer->segment_path()));

  ASSERT_TRUE(writer->Append(1, "b").ok());
  ASSERT_TRUE(writer->Flush().ok());
  ASSERT_TRUE(writer->SyncNow().ok());
  EXPECT_EQ(fs_.dropped_until, FileSize(writer->segment_path()));
}

TEST_F(WalWriterTest, FailedSyncDropsNothing) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, std::string(10000, 'a')).ok());
  fs_.failing_syncs = 1;
  EXPECT_FALSE(writer->Sync().ok());
  EXPECT_EQ(fs_.dropped_until, 0u);
}

TEST_F(WalWriterTest, FailedRotationIsRecovered) {
  auto writer = OpenWriter(/*segment_bytes=*/60);
  fs_.failing_creates = 1;
  ASSERT_TRUE(writer->Append(1, std::string(50, 'r')).ok());
  EXPECT_EQ(writer->Flush().code(), IoStatus::Code::kNoSpace);
  EXPECT_FALSE(writer->Append(1, "refused").ok());
  ASSERT_TRUE(writer->TryRecover().ok());
  ASSERT_TRUE(writer->Append(1, "next").ok());
  ASSERT_TRUE(writer->Sync().ok());
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads, (std::vector<std::string>{std::string(50, 'r'), "next"}));
}

TEST_F(WalWriterTest, PositionReadAfterSyncSurvivesRecovery) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append(1, "covered").ok());
  ASSERT_TRUE(writer->Sync().ok());
  const WalPosition covered = writer->position();
  ASSERT_TRUE(writer->Append(1, "after").ok());
  ASSERT_TRUE(writer->Flush().ok());
  fs_.failing_syncs = 1;
  ASSERT_FALSE(writer->Sync().ok());
  ASSERT_TRUE(writer->TryRecover().ok());
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(ReadWal(dir(), 0, covered).payloads, (std::vector<std::string>{"after"}));
}

TEST_F(WalWriterTest, SyncNowFromAnotherThreadWhileAppendingAndRotating) {
  WalWriterOptions options;
  options.segment_bytes = 4096;  // POSIX files: the fault counters are not for two threads
  auto opened = WalWriter::Open(dir(), 0, options);
  ASSERT_TRUE(opened.ok());
  WalWriter& writer = **opened;
  std::atomic<bool> stop{false};
  std::atomic<int> sync_failures{0};
  std::thread syncer([&] {
    while (!stop.load()) {
      if (!writer.SyncNow().ok()) sync_failures.fetch_add(1);
    }
  });
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(writer.Append(1, "record " + std::to_string(i)).ok());
    if (i % 7 == 0) {
      ASSERT_TRUE(writer.Flush().ok());
    }
  }
  stop.store(true);
  syncer.join();
  ASSERT_TRUE(writer.Sync().ok());
  EXPECT_EQ(sync_failures.load(), 0);
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  ASSERT_EQ(wal.payloads.size(), 2000u);
  EXPECT_EQ(wal.payloads.back(), "record 1999");
  EXPECT_GT(writer.segment(), 5u);
}

TEST_F(WalWriterTest, ZeroFillKeepsZerosAheadOfTheRecordsAndTheReaderSeesThemAsUnused) {
  constexpr uint64_t kAhead = 64 << 10;
  auto writer = OpenWriter(/*segment_bytes=*/1u << 20, kAhead);
  ASSERT_TRUE(writer->Append(0x0101, "first").ok());
  ASSERT_TRUE(writer->Flush().ok());
  const uint64_t end = writer->position().offset;
  EXPECT_EQ(FileSize(Segment(1)), end + kAhead);

  // Refilled only once the records have used half the distance.
  const int appends_before = fs_.appends;
  ASSERT_TRUE(writer->Append(0x0101, std::string(kAhead / 4, 'a')).ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(FileSize(Segment(1)), end + kAhead);
  ASSERT_TRUE(writer->Append(0x0101, std::string(kAhead / 2, 'b')).ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(FileSize(Segment(1)), writer->position().offset + kAhead);
  EXPECT_EQ(fs_.appends, appends_before + 2);  // zero fills are not record writes

  auto wal = ReadWal(dir(), 0);
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, WalProblem::Kind::kUnusedTail);
  EXPECT_EQ(wal.problem->offset, writer->position().offset);
  EXPECT_EQ(wal.payloads.size(), 3u);
}

TEST_F(WalWriterTest, ZeroFillStopsAtTheSegmentSizeAndStartsAgainInTheNext) {
  constexpr uint64_t kSegment = 1u << 20;
  auto writer = OpenWriter(kSegment, /*zero_fill_bytes=*/256 << 10);
  ASSERT_TRUE(writer->Append(0x0101, std::string(kSegment - 100'000, 'a')).ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(FileSize(Segment(1)), kSegment);
  ASSERT_TRUE(writer->Append(0x0101, std::string(200'000, 'b')).ok());
  ASSERT_TRUE(writer->Flush().ok());  // crosses the segment size: rotation
  ASSERT_EQ(writer->segment(), 2u);
  // The full segment ends at its last record: the second one wrote over the zeros and past them.
  EXPECT_EQ(FileSize(Segment(1)),
            kSegmentHeaderBytes + 2 * kRecordHeaderBytes + (kSegment - 100'000) + 200'000);
  ASSERT_TRUE(writer->Append(0x0101, "c").ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(FileSize(Segment(2)), writer->position().offset + (256 << 10));

  auto wal = ReadWal(dir(), 0);
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, WalProblem::Kind::kUnusedTail);
  EXPECT_EQ(wal.problem->file, Segment(2));
  EXPECT_EQ(wal.payloads.size(), 3u);
}

TEST_F(WalWriterTest, CloseSyncsAndCutsTheZerosSoTheSegmentEndsAtItsLastRecord) {
  auto writer = OpenWriter(/*segment_bytes=*/1u << 20, /*zero_fill_bytes=*/64 << 10);
  ASSERT_TRUE(writer->Append(0x0101, "flushed").ok());
  ASSERT_TRUE(writer->Flush().ok());
  ASSERT_TRUE(writer->Append(0x0101, "buffered").ok());
  const uint64_t end = writer->position().offset;
  const int syncs_before = fs_.syncs;
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_GE(fs_.syncs, syncs_before + 1);
  EXPECT_EQ(FileSize(Segment(1)), end);
  auto wal = ReadWal(dir(), 0);
  EXPECT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads, (std::vector<std::string>{"flushed", "buffered"}));
}

TEST_F(WalWriterTest, AFailedZeroFillLeavesTheRecordsAndIsRetriedAtTheNextTopUp) {
  constexpr uint64_t kAhead = 64 << 10;
  auto writer = OpenWriter(/*segment_bytes=*/1u << 20, kAhead);
  fs_.failing_zero_fills = 1;
  ASSERT_TRUE(writer->Append(0x0101, "first").ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_TRUE(writer->Healthy());
  EXPECT_EQ(FileSize(Segment(1)), writer->position().offset);  // appends grow the file

  // Not retried on every flush: only once the records pass where the top-up would be due.
  ASSERT_TRUE(writer->Append(0x0101, "second").ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(fs_.zero_fills, 1);
  ASSERT_TRUE(writer->Append(0x0101, std::string(kAhead / 2, 'c')).ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_EQ(fs_.zero_fills, 2);
  EXPECT_EQ(FileSize(Segment(1)), writer->position().offset + kAhead);

  auto wal = ReadWal(dir(), 0);
  EXPECT_EQ(wal.payloads.size(), 3u);
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, WalProblem::Kind::kUnusedTail);
}

}  // namespace
}  // namespace flod::store
