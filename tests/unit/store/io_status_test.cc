#include "flod/store/io_status.h"

#include <errno.h>
#include <gtest/gtest.h>

namespace flod::store {
namespace {

TEST(IoStatusTest, DefaultIsOk) {
  IoStatus status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(IoStatusTest, OutOfSpaceIsItsOwnCodeAndNamesTheFile) {
  IoStatus full = IoStatus::FromErrno(ENOSPC, "write", "/data/shard-0/wal-1.log");
  EXPECT_EQ(full.code(), IoStatus::Code::kNoSpace);
  EXPECT_EQ(full.message(), "write /data/shard-0/wal-1.log: No space left on device");
  EXPECT_EQ(IoStatus::FromErrno(EDQUOT, "write", "f").code(), IoStatus::Code::kNoSpace);
  EXPECT_EQ(IoStatus::FromErrno(EIO, "fdatasync", "f").code(), IoStatus::Code::kIoError);
}

TEST(IoStatusTest, ContextGoesInFrontAndKeepsTheCode) {
  IoStatus status = IoStatus::Corruption("bad byte").WithContext("reading segment 3");
  EXPECT_EQ(status.code(), IoStatus::Code::kCorruption);
  EXPECT_EQ(status.message(), "reading segment 3: bad byte");
  EXPECT_EQ(status.ToString(), "corruption: reading segment 3: bad byte");
  EXPECT_TRUE(IoStatus::Ok().WithContext("ignored").ok());
}

TEST(IoStatusTest, ExpectedHoldsAValueOrTheError) {
  IoExpected<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  EXPECT_TRUE(value.status().ok());
  IoExpected<int> error = IoStatus::Busy("locked");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), IoStatus::Code::kBusy);
}

}  // namespace
}  // namespace flod::store
