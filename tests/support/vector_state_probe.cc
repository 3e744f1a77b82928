#include "support/vector_state_probe.h"

#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace flod::testing {
namespace {

#if defined(__x86_64__)
constexpr uint64_t kAvxUpperHalves = 1u << 2;    // YMM_Hi128: ymm0-15 bits 128-255
constexpr uint64_t kAvx512UpperHalves = 1u << 6; // ZMM_Hi256: zmm0-15 bits 256-511

bool CpuHas(unsigned leaf, unsigned subleaf, int reg_index, unsigned bit) {
  unsigned regs[4] = {};
  if (__get_cpuid_count(leaf, subleaf, &regs[0], &regs[1], &regs[2], &regs[3]) == 0) return false;
  return (regs[reg_index] & (1u << bit)) != 0;
}

uint64_t StateInUse() {
  uint32_t low = 0;
  uint32_t high = 0;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(1));
  return (static_cast<uint64_t>(high) << 32) | low;
}
#endif

}  // namespace

bool CanReadVectorStateInUse() {
#if defined(__x86_64__)
  constexpr int kEax = 0;
  constexpr int kEcx = 2;
  // OSXSAVE (the OS enabled XGETBV), then XGETBV with ECX = 1 (leaf 0xD, subleaf 1).
  return CpuHas(1, 0, kEcx, 27) && CpuHas(0xD, 1, kEax, 2);
#else
  return false;
#endif
}

bool UpperVectorStateInUse() {
#if defined(__x86_64__)
  if (!CanReadVectorStateInUse()) return false;
  return (StateInUse() & (kAvxUpperHalves | kAvx512UpperHalves)) != 0;
#else
  return false;
#endif
}

void DirtyUpperVectorState() {
#if defined(__x86_64__)
  if (!__builtin_cpu_supports("avx")) return;
  // An all-ones ymm0, by hand so that the compiler adds no `vzeroupper` after it.
  __asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0" ::: "xmm0");
#endif
}

}  // namespace flod::testing
