#include "flod/server/string_ops_choice.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace flod::server
