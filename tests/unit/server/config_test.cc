#include "flod/server/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace flod::server {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

ServerConfig WithSnapshotRule(uint64_t threshold, uint32_t growth_percent) {
  ServerConfig config;
  config.snapshot_threshold_bytes = threshold;
  config.snapshot_growth_percent = growth_percent;
  return config;
}

TEST(SnapshotDueAfterTest, WithoutASnapshotTheThresholdDecides) {
  EXPECT_EQ(SnapshotDueAfter(WithSnapshotRule(256 * kMiB, 100), 0), 256 * kMiB);
}

TEST(SnapshotDueAfterTest, ASnapshotSmallerThanTheThresholdLeavesTheThreshold) {
  EXPECT_EQ(SnapshotDueAfter(WithSnapshotRule(256 * kMiB, 100), 10 * kMiB), 256 * kMiB);
}

TEST(SnapshotDueAfterTest, ABigSnapshotWaitsForItsGrowthPercentOfWal) {
  EXPECT_EQ(SnapshotDueAfter(WithSnapshotRule(256 * kMiB, 100), 1024 * kMiB), 1024 * kMiB);
  EXPECT_EQ(SnapshotDueAfter(WithSnapshotRule(256 * kMiB, 50), 1024 * kMiB), 512 * kMiB);
  EXPECT_EQ(SnapshotDueAfter(WithSnapshotRule(256 * kMiB, 250), 1024 * kMiB), 2560 * kMiB);
}

TEST(SnapshotDueAfterTest, GrowthZeroKeepsTheFixedThreshold) {
  EXPECT_EQ(SnapshotDueAfter(WithSnapshotRule(256 * kMiB, 0), 4096 * kMiB), 256 * kMiB);
}

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string Load(const std::string& toml) {
    const auto file = dir_.path() / "flod.toml";
    std::ofstream(file) << toml;
    return LoadConfigFile(file.string(), config_);
  }

  flod::testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(ConfigFileTest, ReadsTheSnapshotGrowthPercent) {
  ASSERT_EQ(Load("[storage]\nsnapshot_growth_percent = 25\n"), "");
  EXPECT_EQ(config_.snapshot_growth_percent, 25u);
  EXPECT_EQ(ValidateConfig(config_), "");
}

TEST_F(ConfigFileTest, RefusesAGrowthPercentPastTheLimit) {
  ASSERT_EQ(Load("[storage]\nsnapshot_growth_percent = 10001\n"), "");
  EXPECT_EQ(ValidateConfig(config_), "snapshot_growth_percent must be at most 10000");
  EXPECT_EQ(Load("[storage]\nsnapshot_growth_percent = -1\n"),
            "[storage] snapshot_growth_percent is out of range");
}

TEST_F(ConfigFileTest, ReadsTheWalZeroFillDistance) {
  ASSERT_EQ(Load("[storage]\nwal_zero_fill_bytes = 0\n"), "");
  EXPECT_EQ(config_.wal_zero_fill_bytes, 0u);
  EXPECT_EQ(Load("[storage]\nwal_zero_fill_bytes = -5\n"),
            "[storage] wal_zero_fill_bytes is out of range");
}

TEST_F(ConfigFileTest, TheDefaultFileLoadsAsTheDefaults) {
  config_.snapshot_growth_percent = 7;
  config_.snapshot_threshold_bytes = 1 * kMiB;
  config_.wal_zero_fill_bytes = 0;
  ASSERT_EQ(Load(DefaultConfigToml()), "");
  const ServerConfig defaults;
  EXPECT_EQ(config_.wal_zero_fill_bytes, defaults.wal_zero_fill_bytes);
  EXPECT_EQ(config_.snapshot_growth_percent, defaults.snapshot_growth_percent);
  EXPECT_EQ(config_.snapshot_threshold_bytes, defaults.snapshot_threshold_bytes);
}

}  // namespace
}  // namespace flod::server
