#include "flod/store/data_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "store_test_util.h"
#include "support/temp_dir.h"

namespace flod::store {
namespace {

using testing::ReadFileBytes;
using testing::WriteFileBytes;

class DataDirTest : public ::testing::Test {
 protected:
  std::filesystem::path root() const { return temp_.path() / "data"; }

  flod::testing::TempDir temp_;
};

TEST_F(DataDirTest, FirstOpenCreatesTheLayout) {
  auto dir = DataDir::Open(root(), 3);
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(ReadFileBytes(root() / "SYSTEM"), "format_version=1\nshard_count=3\n");
  for (uint32_t shard = 0; shard < 3; ++shard) {
    EXPECT_TRUE(std::filesystem::is_directory((*dir)->ShardDir(shard)));
  }
  EXPECT_EQ((*dir)->ShardDir(2), root() / "shard-2");
  EXPECT_EQ((*dir)->shard_count(), 3u);
  EXPECT_FALSE(std::filesystem::exists(root() / "SYSTEM.tmp"));
}

TEST_F(DataDirTest, ReopeningWithTheSameShardCountSucceeds) {
  ASSERT_TRUE(DataDir::Open(root(), 4).ok());
  auto again = DataDir::Open(root(), 4);
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST_F(DataDirTest, OtherShardCountIsRefusedWithAClearMessage) {
  ASSERT_TRUE(DataDir::Open(root(), 4).ok());
  auto other = DataDir::Open(root(), 8);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), IoStatus::Code::kIncompatible);
  EXPECT_EQ(other.status().message(),
            "data dir " + root().string() +
                " was created with 4 shards; start with --shards 4 or use a fresh data dir");
}

TEST_F(DataDirTest, OtherFormatVersionIsRefused) {
  std::filesystem::create_directories(root());
  WriteFileBytes(root() / "SYSTEM", "format_version=2\nshard_count=1\n");
  auto dir = DataDir::Open(root(), 1);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), IoStatus::Code::kIncompatible);
  EXPECT_NE(dir.status().message().find("format_version=2"), std::string::npos);
}

TEST_F(DataDirTest, UnreadableSystemFileIsCorruption) {
  std::filesystem::create_directories(root());
  WriteFileBytes(root() / "SYSTEM", "format_version=1\nshard_count=four\n");
  auto dir = DataDir::Open(root(), 4);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), IoStatus::Code::kCorruption);
  EXPECT_NE(dir.status().message().find("line 2"), std::string::npos);

  WriteFileBytes(root() / "SYSTEM", "# only a comment\nformat_version=1\n");
  EXPECT_EQ(DataDir::Open(root(), 4).status().code(), IoStatus::Code::kCorruption);
}

TEST_F(DataDirTest, ShardDirectoriesWithoutSystemFileAreRefused) {
  std::filesystem::create_directories(root() / "shard-0");
  auto dir = DataDir::Open(root(), 1);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), IoStatus::Code::kIncompatible);
  EXPECT_FALSE(std::filesystem::exists(root() / "SYSTEM"));
}

TEST_F(DataDirTest, SecondOpenWhileLockedIsBusyAndNamesTheHolder) {
  auto first = DataDir::Open(root(), 2);
  ASSERT_TRUE(first.ok());
  auto second = DataDir::Open(root(), 2);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), IoStatus::Code::kBusy);
  EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(root().string()), std::string::npos);
}

TEST_F(DataDirTest, LockIsReleasedWhenTheDataDirCloses) {
  { ASSERT_TRUE(DataDir::Open(root(), 2).ok()); }
  EXPECT_TRUE(DataDir::Open(root(), 2).ok());
}

TEST_F(DataDirTest, RefusedOpenDoesNotHoldTheLock) {
  ASSERT_TRUE(DataDir::Open(root(), 2).ok());
  ASSERT_FALSE(DataDir::Open(root(), 3).ok());
  EXPECT_TRUE(DataDir::Open(root(), 2).ok());
}

TEST_F(DataDirTest, ZeroShardsIsAnInvalidArgument) {
  EXPECT_EQ(DataDir::Open(root(), 0).status().code(), IoStatus::Code::kInvalidArgument);
}

}  // namespace
}  // namespace flod::store
