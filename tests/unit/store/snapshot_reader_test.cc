#include "flod/store/snapshot_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flod/store/file_names.h"
#include "flod/store/snapshot_writer.h"
#include "store_test_util.h"
#include "support/temp_dir.h"

namespace flod::store {
namespace {

using testing::IncrementByte;
using testing::OverwriteAt;
using testing::ShrinkFile;

constexpr size_t kHeaderBytes = 32;  // snapshot header, before the first record

class SnapshotReaderTest : public ::testing::Test {
 protected:
  // Commits a snapshot holding `payloads` (record type 0x0200 + index) and returns its path.
  std::filesystem::path Commit(const std::vector<std::string>& payloads,
                               WalPosition covered = {2, 64}, uint32_t shard = kShard) {
    auto writer = SnapshotWriter::Create(dir(), shard, covered);
    EXPECT_TRUE(writer.ok());
    for (size_t i = 0; i < payloads.size(); ++i) {
      EXPECT_TRUE((*writer)->Add(static_cast<uint16_t>(0x0200 + i), payloads[i]).ok());
    }
    auto info = (*writer)->Commit();
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info->path;
  }

  SnapshotSearch Find() {
    auto search = FindNewestSnapshot(dir(), kShard);
    EXPECT_TRUE(search.ok()) << search.status().ToString();
    return std::move(*search);
  }

  static std::vector<std::string> Payloads(SnapshotReader& reader) {
    std::vector<std::string> out;
    while (auto record = reader.Next()) out.emplace_back(record->payload);
    EXPECT_TRUE(reader.status().ok()) << reader.status().ToString();
    return out;
  }

  std::filesystem::path dir() const { return temp_.path() / "shard-0"; }

  static constexpr uint32_t kShard = 0;
  flod::testing::TempDir temp_;
};

TEST_F(SnapshotReaderTest, ReadsBackRecordsAndTheCoveredPosition) {
  std::vector<std::string> payloads;
  for (int i = 0; i < 3000; ++i) payloads.push_back("entry " + std::to_string(i));
  payloads.push_back(std::string(3 << 20, 'L'));  // larger than one read chunk
  payloads.push_back("after the large one");
  Commit(payloads, {7, 4242});

  SnapshotSearch search = Find();
  ASSERT_TRUE(search.newest);
  EXPECT_TRUE(search.skipped.empty());
  EXPECT_EQ(search.newest->covered(), (WalPosition{7, 4242}));
  EXPECT_EQ(search.newest->record_count(), payloads.size());
  auto first = search.newest->Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, 0x0200);
  EXPECT_EQ(first->payload, "entry 0");
  std::vector<std::string> rest = Payloads(*search.newest);
  ASSERT_EQ(rest.size(), payloads.size() - 1);
  EXPECT_EQ(rest[2998], payloads[2999]);
  EXPECT_EQ(rest[2999], payloads[3000]);
  EXPECT_EQ(rest.back(), "after the large one");
}

TEST_F(SnapshotReaderTest, EmptySnapshotIsValid) {
  Commit({});
  SnapshotSearch search = Find();
  ASSERT_TRUE(search.newest);
  EXPECT_FALSE(search.newest->Next());
  EXPECT_TRUE(search.newest->status().ok());
}

TEST_F(SnapshotReaderTest, NoSnapshotFindsNothing) {
  SnapshotSearch search = Find();
  EXPECT_FALSE(search.newest);
  EXPECT_TRUE(search.skipped.empty());
}

TEST_F(SnapshotReaderTest, NewestValidSnapshotIsChosen) {
  Commit({"one"});
  Commit({"two"});
  Commit({"three"});
  SnapshotSearch search = Find();
  ASSERT_TRUE(search.newest);
  EXPECT_EQ(search.newest->path(), dir() / SnapshotFileName(3));
  EXPECT_EQ(Payloads(*search.newest), (std::vector<std::string>{"three"}));
}

TEST_F(SnapshotReaderTest, LeftoverTempFileIsIgnored) {
  Commit({"whole"});
  testing::WriteFileBytes(dir() / kSnapshotTempName, "half a snapshot from a crash");
  SnapshotSearch search = Find();
  ASSERT_TRUE(search.newest);
  EXPECT_TRUE(search.skipped.empty());
  EXPECT_EQ(Payloads(*search.newest), (std::vector<std::string>{"whole"}));
}

TEST_F(SnapshotReaderTest, TruncatedSnapshotIsSkippedForTheOlderOne) {
  Commit({"older"});
  const std::filesystem::path newer = Commit({"newer", "state"});
  for (uint64_t cut : {1, 20, 40}) {
    ShrinkFile(newer, cut);
    SnapshotSearch search = Find();
    ASSERT_TRUE(search.newest) << "cut " << cut;
    EXPECT_EQ(Payloads(*search.newest), (std::vector<std::string>{"older"}));
    ASSERT_EQ(search.skipped.size(), 1u);
    EXPECT_EQ(search.skipped[0].path, newer);
    EXPECT_NE(search.skipped[0].reason.find(newer.string()), std::string::npos);
  }
}

TEST_F(SnapshotReaderTest, DamagedRecordIsSkippedForTheOlderOne) {
  Commit({"older"});
  const std::filesystem::path newer = Commit({"newer", "state"});
  IncrementByte(newer, kHeaderBytes + kRecordHeaderBytes + 2);
  SnapshotSearch search = Find();
  ASSERT_TRUE(search.newest);
  EXPECT_EQ(search.newest->path(), dir() / SnapshotFileName(1));
  ASSERT_EQ(search.skipped.size(), 1u);
  EXPECT_NE(search.skipped[0].reason.find("checksum"), std::string::npos);
}

TEST_F(SnapshotReaderTest, OversizeLengthIsRejectedBeforeReadingThePayload) {
  const std::filesystem::path file = Commit({"abc"});
  OverwriteAt(file, kHeaderBytes + 4, std::string("\xF0\xFF\xFF\xFF", 4));
  auto reader = SnapshotReader::Open(file, kShard);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), IoStatus::Code::kCorruption);
  EXPECT_NE(reader.status().message().find("length"), std::string::npos);
}

TEST_F(SnapshotReaderTest, SnapshotOfAnotherShardIsSkipped) {
  Commit({"mine"});
  Commit({"theirs"}, {1, 24}, /*shard=*/5);
  SnapshotSearch search = Find();
  ASSERT_TRUE(search.newest);
  EXPECT_EQ(Payloads(*search.newest), (std::vector<std::string>{"mine"}));
  ASSERT_EQ(search.skipped.size(), 1u);
  EXPECT_NE(search.skipped[0].reason.find("shard 5"), std::string::npos);
}

TEST_F(SnapshotReaderTest, DamagedHeaderOrTrailerIsRejected) {
  const std::filesystem::path file = Commit({"x"});
  IncrementByte(file, 20);  // covered position
  EXPECT_EQ(SnapshotReader::Open(file, kShard).status().code(), IoStatus::Code::kCorruption);
  IncrementByte(file, 20, -1);
  ASSERT_TRUE(SnapshotReader::Open(file, kShard).ok());
  IncrementByte(file, testing::FileSize(file) - 10);  // inside the trailer
  EXPECT_EQ(SnapshotReader::Open(file, kShard).status().code(), IoStatus::Code::kCorruption);
}

}  // namespace
}  // namespace flod::store
