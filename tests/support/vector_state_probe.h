#pragma once
// What the CPU says about its vector registers, for tests of flod::ClearUpperVectorState and
// of the code that calls it.

namespace flod::testing {

// Whether the CPU can say which register state is in use (XGETBV with ECX = 1).
bool CanReadVectorStateInUse();

// Whether the upper halves of ymm0-15 or zmm0-15 are in use (XINUSE bits 2 and 6, the state
// that `vzeroupper` clears). False where CanReadVectorStateInUse() is false.
bool UpperVectorStateInUse();

// Puts a value in the upper half of ymm0, as hand-written AVX code that ends without
// `vzeroupper` does. Nothing on CPUs without AVX.
void DirtyUpperVectorState();

}  // namespace flod::testing
