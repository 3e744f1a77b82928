#include "flod/core/vector_state.h"

#include <gtest/gtest.h>

#include "support/vector_state_probe.h"

namespace flod {
namespace {

TEST(VectorStateTest, ClearsUpperHalvesLeftInUse) {
  testing::DirtyUpperVectorState();
  // The probe must see the state, or the expectation after the clear would prove nothing.
  EXPECT_EQ(testing::UpperVectorStateInUse(),
            testing::CanReadVectorStateInUse() && __builtin_cpu_supports("avx"));
  ClearUpperVectorState();
  EXPECT_FALSE(testing::UpperVectorStateInUse());
}

TEST(VectorStateTest, ClearingACleanStateKeepsItClean) {
  ClearUpperVectorState();
  ClearUpperVectorState();
  EXPECT_FALSE(testing::UpperVectorStateInUse());
}

}  // namespace
}  // namespace flod
