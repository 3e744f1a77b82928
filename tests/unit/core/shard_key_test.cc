#include "flod/core/shard_key.h"

#include <gtest/gtest.h>

#include <string>

namespace flod {
namespace {

TEST(ShardKeyTest, NamespaceSeparatesEqualNames) {
  EXPECT_NE(ShardHash("a", "key"), ShardHash("b", "key"));
  // The 0x00 separator keeps ("ab","c") and ("a","bc") apart.
  EXPECT_NE(ShardHash("ab", "c"), ShardHash("a", "bc"));
}

TEST(ShardKeyTest, LongNamesHashLikeTheirConcatenation) {
  const std::string ns = "default";
  const std::string long_name(1000, 'x');
  EXPECT_EQ(ShardHash(ns, long_name), ShardHash(ns, long_name));
  EXPECT_LT(ShardOf(ns, long_name, 4), 4u);
}

TEST(ShardKeyTest, KeysSpreadOverShards) {
  int counts[4] = {};
  for (int i = 0; i < 4000; ++i) ++counts[ShardOf("default", "key:" + std::to_string(i), 4)];
  for (int count : counts) EXPECT_GT(count, 800);
}

}  // namespace
}  // namespace flod
