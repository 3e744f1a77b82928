#include "flod/store/file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

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

TEST_F(PosixFileTest, DropCachedFreesTheWholePagesBeforeTheEndAndKeepsThePageHoldingIt) {
  AppendPages(*file_, 16);
  ASSERT_TRUE(file_->Append(std::string(100, 'x')).ok());
  ASSERT_TRUE(file_->Sync().ok());
  EXPECT_EQ(ResidentPages(path_), std::vector<bool>(17, true));

  file_->DropCached(16 * kPage + 100);
  std::vector<bool> expected(17, false);
  expected[16] = true;  // the next append writes into it
  EXPECT_EQ(ResidentPages(path_), expected);
}

TEST_F(PosixFileTest, APageKeptForHoldingTheEndGoesWithALaterCallThatPassesIt) {
  AppendPages(*file_, 4);
  ASSERT_TRUE(file_->Sync().ok());
  file_->DropCached(kPage + 10);
  EXPECT_EQ(ResidentPages(path_), (std::vector<bool>{false, true, true, true}));
  file_->DropCached(3 * kPage + 10);
  EXPECT_EQ(ResidentPages(path_), (std::vector<bool>{false, false, false, true}));
}

}  // namespace
}  // namespace flod::store
