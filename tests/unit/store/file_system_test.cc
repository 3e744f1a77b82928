#include "flod/store/file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace flod::store {
namespace {

constexpr uint64_t kPage = 4096;

// Which of the file's pages are in the page cache (mincore over a read-only mapping, which
// faults nothing in).
std::vector<bool> ResidentPages(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  const size_t size = std::filesystem::file_size(file);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  EXPECT_NE(map, MAP_FAILED);
  std::vector<unsigned char> flags((size + kPage - 1) / kPage);
  EXPECT_EQ(::mincore(map, size, flags.data()), 0);
  ::munmap(map, size);
  std::vector<bool> resident;
  for (unsigned char flag : flags) resident.push_back((flag & 1) != 0);
  return resident;
}

std::string ReadAll(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PosixFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::sysconf(_SC_PAGESIZE), static_cast<long>(kPage));
    auto created = PosixFileSystem().Create(path_, CreateMode::kExclusive);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    file_ = std::move(*created);
  }

  // A tmpfs keeps its pages whatever the advice, so the file lives in the build tree.
  flod::testing::TempDir dir_{std::filesystem::current_path()};
  std::filesystem::path path_ = dir_.path() / "file";
  std::unique_ptr<WritableFile> file_;
};

// Page by page, so that the page cache holds one small folio per page whatever the kernel's
// large-folio policy.
void AppendPages(WritableFile& file, int pages) {
  for (int i = 0; i < pages; ++i) ASSERT_TRUE(file.Append(std::string(kPage, 'x')).ok());
}

constexpr int kPagesPerBlock = WritableFile::kDropCachedAlignment / kPage;

TEST_F(PosixFileTest, DropCachedFreesTheWholeBlocksBeforeTheEndAndKeepsTheBlockHoldingIt) {
  AppendPages(*file_, kPagesPerBlock + 16);
  ASSERT_TRUE(file_->Append(std::string(100, 'x')).ok());
  ASSERT_TRUE(file_->Sync().ok());
  std::vector<bool> expected(kPagesPerBlock + 17, true);
  EXPECT_EQ(ResidentPages(path_), expected);

  file_->DropCached((kPagesPerBlock + 16) * kPage + 100);
  std::fill(expected.begin(), expected.begin() + kPagesPerBlock, false);
  EXPECT_EQ(ResidentPages(path_), expected);  // the next appends write into the rest
}

TEST_F(PosixFileTest, ABlockKeptForHoldingTheEndGoesWithALaterCallThatPassesIt) {
  AppendPages(*file_, 2 * kPagesPerBlock + 1);
  ASSERT_TRUE(file_->Sync().ok());
  file_->DropCached(kPagesPerBlock * kPage - 10);
  EXPECT_EQ(ResidentPages(path_), std::vector<bool>(2 * kPagesPerBlock + 1, true));
  file_->DropCached(2 * kPagesPerBlock * kPage + 10);
  std::vector<bool> expected(2 * kPagesPerBlock + 1, false);
  expected.back() = true;
  EXPECT_EQ(ResidentPages(path_), expected);
}

TEST_F(PosixFileTest, ZeroFillLengthensTheFileAndAppendsOverwriteTheZeros) {
  ASSERT_TRUE(file_->Append("head").ok());
  ASSERT_TRUE(file_->ZeroFill(10000).ok());
  EXPECT_EQ(std::filesystem::file_size(path_), 10000u);
  ASSERT_TRUE(file_->Append("next").ok());
  ASSERT_TRUE(file_->ZeroFill(6000).ok());  // shorter than the file: nothing to do
  ASSERT_TRUE(file_->Sync().ok());

  std::string expected = "headnext";
  expected.resize(10000, '\0');
  EXPECT_EQ(ReadAll(path_), expected);
}

TEST_F(PosixFileTest, ZeroFillContinuesFromTheEndOfTheFile) {
  ASSERT_TRUE(file_->Append(std::string(100, 'x')).ok());
  ASSERT_TRUE(file_->ZeroFill(200).ok());
  ASSERT_TRUE(file_->Append(std::string(300, 'y')).ok());  // past the zeros
  ASSERT_TRUE(file_->ZeroFill(500).ok());
  EXPECT_EQ(ReadAll(path_), std::string(100, 'x') + std::string(300, 'y') + std::string(100, '\0'));
}

TEST_F(PosixFileTest, TruncateDropsTheZerosAndAFillStartsAgainFromTheCut) {
  ASSERT_TRUE(file_->Append("abc").ok());
  ASSERT_TRUE(file_->ZeroFill(5000).ok());
  ASSERT_TRUE(file_->Truncate(2).ok());
  EXPECT_EQ(std::filesystem::file_size(path_), 2u);
  ASSERT_TRUE(file_->ZeroFill(4).ok());
  ASSERT_TRUE(file_->Append("Z").ok());
  EXPECT_EQ(ReadAll(path_), std::string("abZ") + '\0');
}

}  // namespace
}  // namespace flod::store
