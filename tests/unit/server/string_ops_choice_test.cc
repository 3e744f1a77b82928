#include "flod/server/string_ops_choice.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace flod::server {
namespace {

constexpr bool kAvx512 = true;

TEST(StringOpsChoiceTest, CpuWithoutAvx512NeedsNothing) {
  EXPECT_EQ(TunablesForStringOps(nullptr, !kAvx512), std::nullopt);
  EXPECT_EQ(TunablesForStringOps("glibc.malloc.arena_max=2", !kAvx512), std::nullopt);
}

TEST(StringOpsChoiceTest, UnsetOrEmptyTunablesGetTheChoiceAlone) {
  EXPECT_EQ(TunablesForStringOps(nullptr, kAvx512), std::string(kNoAvx512StringOps));
  EXPECT_EQ(TunablesForStringOps("", kAvx512), std::string(kNoAvx512StringOps));
}

TEST(StringOpsChoiceTest, OtherTunablesAreKeptAhead) {
  EXPECT_EQ(TunablesForStringOps("glibc.malloc.arena_max=2", kAvx512),
            "glibc.malloc.arena_max=2:" + std::string(kNoAvx512StringOps));
}

TEST(StringOpsChoiceTest, AnOperatorsHwcapsStandsWherever) {
  EXPECT_EQ(TunablesForStringOps("glibc.cpu.hwcaps=-AVX2", kAvx512), std::nullopt);
  EXPECT_EQ(TunablesForStringOps("glibc.malloc.arena_max=2:glibc.cpu.hwcaps=-ERMS", kAvx512),
            std::nullopt);
  // What flod itself set: the restarted process must not ask again.
  EXPECT_EQ(TunablesForStringOps(std::string(kNoAvx512StringOps).c_str(), kAvx512),
            std::nullopt);
}

TEST(StringOpsChoiceTest, ASimilarlyNamedTunableIsNotHwcaps) {
  // glibc.cpu.hwcap_mask is a different tunable (library search paths).
  EXPECT_EQ(TunablesForStringOps("glibc.cpu.hwcap_mask=0", kAvx512),
            "glibc.cpu.hwcap_mask=0:" + std::string(kNoAvx512StringOps));
  EXPECT_EQ(TunablesForStringOps("x.glibc.cpu.hwcaps=-AVX2", kAvx512),
            "x.glibc.cpu.hwcaps=-AVX2:" + std::string(kNoAvx512StringOps));
}

TEST(RunningBinaryTest, IsThisTestProgramByItsOwnName) {
  const std::filesystem::path binary = RunningBinary();
  EXPECT_TRUE(binary.is_absolute()) << binary;
  EXPECT_EQ(binary.filename(), "unit_server") << binary;
  EXPECT_TRUE(std::filesystem::is_regular_file(binary)) << binary;
}

// Runs RestartForStringOps on a binary that does not exist, with GLIBC_TUNABLES set to
// `tunables` (nullptr: unset) for the call and put back afterwards.
class RestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* value = std::getenv("GLIBC_TUNABLES")) saved_ = value;
  }
  void TearDown() override {
    if (saved_) {
      setenv("GLIBC_TUNABLES", saved_->c_str(), 1);
    } else {
      unsetenv("GLIBC_TUNABLES");
    }
  }
  std::string RestartWith(const char* tunables, const std::string& binary = "/nonexistent/flod") {
    if (tunables != nullptr) {
      setenv("GLIBC_TUNABLES", tunables, 1);
    } else {
      unsetenv("GLIBC_TUNABLES");
    }
    char name[] = "flod";
    char* argv[] = {name, nullptr};
    return RestartForStringOps(argv, binary);
  }

  std::optional<std::string> saved_;
};

TEST_F(RestartTest, AFailedRestartSaysWhyAndFlodRunsOn) {
  const std::string why = RestartWith(nullptr);
  if (CpuHasAvx512()) {
    EXPECT_EQ(why, "execv /nonexistent/flod: No such file or directory");
  } else {
    EXPECT_EQ(why, "");  // nothing to change, so no restart was tried
  }
}

TEST_F(RestartTest, AnUnknownBinaryIsNotExecuted) {
  EXPECT_EQ(RestartWith(nullptr, ""),
            CpuHasAvx512() ? "the running binary's path is unknown" : "");
}

TEST_F(RestartTest, AnOperatorsHwcapsMeansNoRestart) {
  EXPECT_EQ(RestartWith("glibc.cpu.hwcaps=-ERMS"), "");
  EXPECT_STREQ(std::getenv("GLIBC_TUNABLES"), "glibc.cpu.hwcaps=-ERMS");
}

}  // namespace
}  // namespace flod::server
