#include "flod/store/wal_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "flod/core/bytes.h"
#include "flod/store/file_names.h"
#include "flod/store/wal_writer.h"
#include "store_test_util.h"
#include "support/temp_dir.h"

namespace flod::store {
namespace {

using testing::AppendToFile;
using testing::FileSize;
using testing::IncrementByte;
using testing::OverwriteAt;
using testing::ReadWal;
using testing::ShrinkFile;
using Kind = WalProblem::Kind;

std::string PayloadFor(int i) { return "payload-" + std::to_string(i) + std::string(i % 23, '.'); }

class WalReaderTest : public ::testing::Test {
 protected:
  // Writes records [first, first + count) in one writer session and returns the positions.
  std::vector<WalPosition> Write(int count, int first = 0, uint64_t segment_bytes = 64u << 20) {
    WalWriterOptions options;
    options.segment_bytes = segment_bytes;
    auto writer = WalWriter::Open(dir(), kShard, options);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    std::vector<WalPosition> positions;
    for (int i = first; i < first + count; ++i) {
      positions.push_back((*writer)->position());
      EXPECT_TRUE((*writer)->Append(static_cast<uint16_t>(0x0100 + i % 5), PayloadFor(i)).ok());
      EXPECT_TRUE((*writer)->Flush().ok());
    }
    EXPECT_TRUE((*writer)->Sync().ok());
    return positions;
  }

  std::filesystem::path dir() const { return temp_.path() / "shard-2"; }
  std::filesystem::path Segment(uint64_t n) const { return dir() / SegmentFileName(n); }
  testing::WalContents Read(WalPosition start = {}) { return ReadWal(dir(), kShard, start); }

  // Offset of the `index`-th record (0-based) in a segment holding only this session's writes.
  static uint64_t OffsetOf(const std::vector<WalPosition>& positions, size_t index) {
    return positions[index].offset;
  }

  static constexpr uint32_t kShard = 2;
  flod::testing::TempDir temp_;
};

TEST_F(WalReaderTest, EmptyDirectoryEndsCleanly) {
  auto wal = Read();
  EXPECT_TRUE(wal.payloads.empty());
  EXPECT_FALSE(wal.problem);
}

TEST_F(WalReaderTest, ReadsEveryRecordAcrossRotationInOrder) {
  std::vector<WalPosition> written = Write(500, 0, /*segment_bytes=*/1024);
  auto wal = Read();
  ASSERT_FALSE(wal.problem) << wal.problem->ToString();
  ASSERT_EQ(wal.payloads.size(), 500u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(wal.payloads[i], PayloadFor(i));
    EXPECT_EQ(wal.types[i], 0x0100 + i % 5);
  }
  EXPECT_EQ(wal.positions, written);
  EXPECT_GT(written.back().segment, 10u);
}

TEST_F(WalReaderTest, ReadsAcrossWriterSessions) {
  Write(10, 0);
  Write(10, 10);
  auto wal = Read();
  ASSERT_FALSE(wal.problem);
  ASSERT_EQ(wal.payloads.size(), 20u);
  EXPECT_EQ(wal.payloads[15], PayloadFor(15));
  EXPECT_EQ(wal.positions[15].segment, 2u);
}

TEST_F(WalReaderTest, StartsFromAMidPosition) {
  std::vector<WalPosition> written = Write(300, 0, /*segment_bytes=*/1024);
  for (size_t from : {size_t{0}, size_t{1}, size_t{137}, size_t{299}}) {
    auto wal = Read(written[from]);
    ASSERT_FALSE(wal.problem);
    ASSERT_EQ(wal.payloads.size(), 300 - from) << "from record " << from;
    EXPECT_EQ(wal.payloads.front(), PayloadFor(static_cast<int>(from)));
  }
}

TEST_F(WalReaderTest, StartingAtTheEndOfASegmentContinuesWithTheNext) {
  std::vector<WalPosition> written = Write(100, 0, /*segment_bytes=*/512);
  size_t first_in_two = 0;
  while (written[first_in_two].segment < 2) ++first_in_two;
  auto wal = Read(WalPosition{1, FileSize(Segment(1))});
  ASSERT_FALSE(wal.problem);
  EXPECT_EQ(wal.payloads.size(), 100 - first_in_two);
}

TEST_F(WalReaderTest, EndPositionIsJustPastTheLastRecord) {
  Write(3);
  WalReader reader(dir(), kShard);
  while (reader.Next()) {
  }
  EXPECT_FALSE(reader.problem());
  EXPECT_EQ(reader.end_position(), (WalPosition{1, FileSize(Segment(1))}));
}

// Torn tails: what a crash in the middle of the last write leaves.

TEST_F(WalReaderTest, TailCutInsideARecordHeaderIsATornTail) {
  std::vector<WalPosition> written = Write(5);
  const uint64_t last = OffsetOf(written, 4);
  ShrinkFile(Segment(1), FileSize(Segment(1)) - last - 4);  // keep 4 header bytes
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail);
  EXPECT_EQ(wal.problem->file, Segment(1));
  EXPECT_EQ(wal.problem->offset, last);
  EXPECT_EQ(wal.payloads.size(), 4u);
}

TEST_F(WalReaderTest, TailCutInsideAPayloadIsATornTail) {
  std::vector<WalPosition> written = Write(5);
  ShrinkFile(Segment(1), 3);
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail);
  EXPECT_EQ(wal.problem->offset, OffsetOf(written, 4));
}

TEST_F(WalReaderTest, ChecksumMismatchInTheLastRecordIsATornTail) {
  std::vector<WalPosition> written = Write(5);
  IncrementByte(Segment(1), FileSize(Segment(1)) - 1);
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail);
  EXPECT_EQ(wal.problem->offset, OffsetOf(written, 4));
  EXPECT_NE(wal.problem->reason.find("checksum"), std::string::npos);
}

TEST_F(WalReaderTest, ZerosAfterTheLastRecordAreAnUnusedTail) {
  Write(5);
  const uint64_t end = FileSize(Segment(1));
  for (size_t zeros : {size_t{3}, size_t{4096}}) {  // shorter than a record header, and longer
    AppendToFile(Segment(1), std::string(zeros, '\0'));  // filled ahead, never written
    auto wal = Read();
    ASSERT_TRUE(wal.problem);
    EXPECT_EQ(wal.problem->kind, Kind::kUnusedTail);
    EXPECT_EQ(wal.problem->offset, end);
    EXPECT_EQ(wal.payloads.size(), 5u);
    ASSERT_TRUE(TruncateAt(wal.problem->file, wal.problem->offset).ok());
    EXPECT_FALSE(Read().problem);
  }
}

TEST_F(WalReaderTest, ZerosAfterTheLastRecordOfAnEarlierSegmentAreCorruption) {
  Write(60, 0, /*segment_bytes=*/512);
  AppendToFile(Segment(1), std::string(100, '\0'));
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->file, Segment(1));
}

// What a crash leaves when the writer had moved on to segment `n` before the one before it
// was synced (WalWriter, rotation): its header still says so.
void MarkFollowsUnsynced(const std::filesystem::path& segment, uint64_t n, uint32_t shard) {
  std::string header;
  EncodeSegmentHeader({.flags = kSegmentFollowsUnsynced, .shard = shard, .segment = n}, header);
  OverwriteAt(segment, 0, header);
}

class FlaggedLastSegmentTest : public WalReaderTest {
 protected:
  // 40 records over several segments, as a crash right after the last rotation leaves them.
  void SetUp() override {
    written_ = Write(40, 0, /*segment_bytes=*/512);
    last_ = written_.back().segment;
    ASSERT_GT(last_, 2u);
    MarkFollowsUnsynced(Segment(last_), last_, kShard);
  }

  std::vector<WalPosition> written_;
  uint64_t last_ = 0;
};

TEST_F(FlaggedLastSegmentTest, AWholeSegmentBeforeItIsReadOnIntoIt) {
  auto wal = Read();
  EXPECT_FALSE(wal.problem) << wal.problem->ToString();
  EXPECT_EQ(wal.payloads.size(), 40u);
}

TEST_F(FlaggedLastSegmentTest, ATornSegmentBeforeItIsATornTailAndTheLastGoes) {
  ShrinkFile(Segment(last_ - 1), 3);
  const auto before_last = static_cast<size_t>(
      std::find_if(written_.begin(), written_.end(),
                   [&](const WalPosition& p) { return p.segment == last_; }) -
      written_.begin());

  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail) << wal.problem->ToString();
  EXPECT_EQ(wal.problem->file, Segment(last_ - 1));
  EXPECT_EQ(wal.problem->offset, written_[before_last - 1].offset);
  EXPECT_NE(wal.problem->reason.find("holds records written after it"), std::string::npos)
      << wal.problem->reason;
  EXPECT_EQ(wal.payloads.size(), before_last - 1);

  ASSERT_TRUE(CutAt(*wal.problem).ok());
  EXPECT_FALSE(std::filesystem::exists(Segment(last_)));
  auto again = Read();
  EXPECT_FALSE(again.problem) << again.problem->ToString();
  EXPECT_EQ(again.payloads, wal.payloads);
}

TEST_F(WalReaderTest, ZerosBeforeAnEmptyFlaggedLastSegmentAreAnUnusedTail) {
  Write(3);
  AppendToFile(Segment(1), std::string(4096, '\0'));
  std::string made_ahead;
  EncodeSegmentHeader({.flags = kSegmentFollowsUnsynced, .shard = kShard, .segment = 2},
                      made_ahead);
  testing::WriteFileBytes(Segment(2), made_ahead + std::string(8192, '\0'));

  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kUnusedTail) << wal.problem->ToString();
  EXPECT_EQ(wal.problem->file, Segment(1));
  EXPECT_NE(wal.problem->reason.find("the empty segment 2"), std::string::npos);
  EXPECT_EQ(wal.payloads.size(), 3u);
  ASSERT_TRUE(CutAt(*wal.problem).ok());
  EXPECT_FALSE(std::filesystem::exists(Segment(2)));
  auto again = Read();
  EXPECT_FALSE(again.problem) << again.problem->ToString();
  EXPECT_EQ(again.payloads.size(), 3u);
}

TEST_F(FlaggedLastSegmentTest, ADamagedHeaderBeforeItIsCorruption) {
  IncrementByte(Segment(last_ - 1), 10, 1);  // was synced before the last one was used
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption) << wal.problem->ToString();
  EXPECT_EQ(wal.problem->file, Segment(last_ - 1));
}

TEST_F(WalReaderTest, ALastSegmentWhoseHeaderNeverReachedTheDiskCountsAsFlagged) {
  std::vector<WalPosition> written = Write(5);
  ShrinkFile(Segment(1), 2);
  testing::WriteFileBytes(Segment(2), std::string(10, 'F'));
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail) << wal.problem->ToString();
  EXPECT_EQ(wal.problem->file, Segment(1));
  EXPECT_EQ(wal.problem->offset, OffsetOf(written, 4));
}

TEST_F(WalReaderTest, RecordFollowedByZeroedPagesIsATornTail) {
  std::vector<WalPosition> written = Write(5);
  // The last record's header reached the disk, its payload did not.
  const uint64_t payload = OffsetOf(written, 4) + kRecordHeaderBytes;
  OverwriteAt(Segment(1), payload, std::string(FileSize(Segment(1)) - payload, '\0'));
  AppendToFile(Segment(1), std::string(512, '\0'));
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail);
  EXPECT_EQ(wal.problem->offset, OffsetOf(written, 4));
}

TEST_F(WalReaderTest, OversizeLengthAtTheTailIsATornTail) {
  Write(3);
  const uint64_t end = FileSize(Segment(1));
  std::string garbage;
  ByteWriter writer(garbage);
  writer.U32(0xDEADBEEF);
  writer.U32(0xFFFFFFF0);  // a length no reader may trust or allocate
  writer.U16(7);
  writer.Bytes("junk");
  AppendToFile(Segment(1), garbage);
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail);
  EXPECT_EQ(wal.problem->offset, end);
  EXPECT_NE(wal.problem->reason.find("length"), std::string::npos);
}

TEST_F(WalReaderTest, SegmentWithAPartialHeaderIsATornTail) {
  Write(3);
  testing::WriteFileBytes(Segment(2), std::string("FWAL\x01\x00", 6));
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kTornTail);
  EXPECT_EQ(wal.problem->file, Segment(2));
  EXPECT_EQ(wal.problem->offset, 0u);
  EXPECT_EQ(wal.payloads.size(), 3u);
}

TEST_F(WalReaderTest, EmptyOrZeroFilledLastSegmentIsATornTail) {
  Write(3);
  testing::WriteFileBytes(Segment(2), "");
  EXPECT_EQ(Read().problem->kind, Kind::kTornTail);
  testing::WriteFileBytes(Segment(2), std::string(4096, '\0'));
  EXPECT_EQ(Read().problem->kind, Kind::kTornTail);
}

TEST_F(WalReaderTest, TruncateAtMakesTheNextReadClean) {
  Write(5);
  ShrinkFile(Segment(1), 3);
  auto torn = Read();
  ASSERT_TRUE(torn.problem);
  ASSERT_EQ(torn.problem->kind, Kind::kTornTail);
  ASSERT_TRUE(TruncateAt(torn.problem->file, torn.problem->offset).ok());

  auto clean = Read();
  EXPECT_FALSE(clean.problem);
  EXPECT_EQ(clean.payloads.size(), 4u);

  Write(2, 100);  // a writer after recovery continues in a new segment
  auto later = Read();
  EXPECT_FALSE(later.problem);
  ASSERT_EQ(later.payloads.size(), 6u);
  EXPECT_EQ(later.payloads.back(), PayloadFor(101));
}

TEST_F(WalReaderTest, TruncateAtInsideTheHeaderRemovesTheSegment) {
  Write(3);
  testing::WriteFileBytes(Segment(2), std::string(10, '\0'));
  auto torn = Read();
  ASSERT_EQ(torn.problem->kind, Kind::kTornTail);
  ASSERT_TRUE(TruncateAt(torn.problem->file, torn.problem->offset).ok());
  EXPECT_FALSE(std::filesystem::exists(Segment(2)));
  EXPECT_FALSE(Read().problem);
  Write(1, 50);
  auto later = Read();
  EXPECT_FALSE(later.problem);
  EXPECT_EQ(later.payloads.size(), 4u);
}

// Corruption: damage with valid data after it, or anywhere but the tail of the last segment.

TEST_F(WalReaderTest, BadRecordFollowedByValidRecordsIsCorruption) {
  std::vector<WalPosition> written = Write(10);
  IncrementByte(Segment(1), OffsetOf(written, 3) + kRecordHeaderBytes + 2);
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->file, Segment(1));
  EXPECT_EQ(wal.problem->segment, 1u);
  EXPECT_EQ(wal.problem->offset, OffsetOf(written, 3));
  EXPECT_NE(wal.problem->reason.find("offset " + std::to_string(OffsetOf(written, 4))),
            std::string::npos)
      << wal.problem->reason;
  EXPECT_EQ(wal.payloads.size(), 3u);
}

TEST_F(WalReaderTest, DamagedLengthFieldWithValidRecordsAfterIsCorruption) {
  std::vector<WalPosition> written = Write(10);
  IncrementByte(Segment(1), OffsetOf(written, 2) + 4, 3);  // length now 3 bytes off
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->offset, OffsetOf(written, 2));
}

TEST_F(WalReaderTest, DamageInASegmentThatIsNotTheLastIsCorruption) {
  std::vector<WalPosition> written = Write(60, 0, /*segment_bytes=*/512);
  ASSERT_GT(written.back().segment, 2u);
  IncrementByte(Segment(1), FileSize(Segment(1)) - 1);  // would be a torn tail in the last one
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->file, Segment(1));
  size_t last_in_one = 0;
  while (written[last_in_one + 1].segment == 1) ++last_in_one;
  EXPECT_EQ(wal.problem->offset, written[last_in_one].offset);
  EXPECT_NE(wal.problem->ToString().find(Segment(1).string()), std::string::npos);
}

TEST_F(WalReaderTest, NonLastSegmentCutShortIsCorruption) {
  Write(60, 0, /*segment_bytes=*/512);
  ShrinkFile(Segment(2), 5);
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->file, Segment(2));
}

TEST_F(WalReaderTest, MissingMiddleSegmentIsCorruption) {
  Write(60, 0, /*segment_bytes=*/512);
  std::filesystem::remove(Segment(2));
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->file, Segment(3));
  EXPECT_NE(wal.problem->reason.find("missing"), std::string::npos);
}

TEST_F(WalReaderTest, WalThatDoesNotStartAtSegmentOneNeedsASnapshot) {
  Write(60, 0, /*segment_bytes=*/512);
  std::filesystem::remove(Segment(1));
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_TRUE(wal.payloads.empty());
  // From a snapshot's position in segment 2 on, the same WAL is fine.
  EXPECT_FALSE(Read(WalPosition{2, 0}).problem);
}

TEST_F(WalReaderTest, MissingStartSegmentIsCorruption) {
  Write(60, 0, /*segment_bytes=*/512);
  std::filesystem::remove(Segment(1));
  std::filesystem::remove(Segment(2));
  auto wal = Read(WalPosition{2, 100});
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->file, Segment(2));
}

TEST_F(WalReaderTest, StartPastTheEndOfItsSegmentIsCorruption) {
  Write(3);
  auto wal = Read(WalPosition{1, FileSize(Segment(1)) + 10});
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
}

TEST_F(WalReaderTest, SegmentOfAnotherShardIsCorruption) {
  Write(3);
  std::filesystem::rename(Segment(1), temp_.path() / "moved");
  auto writer = WalWriter::Open(dir(), /*shard=*/7);
  ASSERT_TRUE(writer.ok());
  writer->reset();
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_NE(wal.problem->reason.find("shard 7"), std::string::npos);
}

TEST_F(WalReaderTest, DamagedHeaderOfANonLastSegmentIsCorruption) {
  Write(60, 0, /*segment_bytes=*/512);
  IncrementByte(Segment(2), 10);
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
  EXPECT_EQ(wal.problem->file, Segment(2));
  EXPECT_EQ(wal.problem->offset, 0u);
}

TEST_F(WalReaderTest, DamagedHeaderOfTheLastSegmentWithRecordsAfterIsCorruption) {
  Write(5);
  IncrementByte(Segment(1), 10);
  auto wal = Read();
  ASSERT_TRUE(wal.problem);
  EXPECT_EQ(wal.problem->kind, Kind::kCorruption);
}

}  // namespace
}  // namespace flod::store
