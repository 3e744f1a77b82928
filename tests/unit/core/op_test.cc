#include "flod/core/op.h"

#include <gtest/gtest.h>

#include <set>

namespace flod {
namespace {

TEST(OpTableTest, EveryOpHasAUniqueName) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < kOpCount; ++i) {
    const auto name = NameOf(static_cast<Op>(i));
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << "duplicate op name " << name;
  }
}

TEST(OpTableTest, FlagsComeFromTheTable) {
  EXPECT_TRUE(HasFlag(Op::kKvPut, op_flags::kWrite));
  EXPECT_FALSE(HasFlag(Op::kKvGet, op_flags::kWrite));
  EXPECT_TRUE(HasFlag(Op::kKvGet, op_flags::kMayBlock));
  EXPECT_TRUE(HasFlag(Op::kKvMget, op_flags::kFanOut));
  EXPECT_EQ(InfoOf(Op::kKvIncr).family, Family::kKv);
}

}  // namespace
}  // namespace flod
