#include "flod/core/vector_state.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace flod {
namespace {

#if defined(__x86_64__)
// Compiled for AVX alone, so the rest of flod keeps its baseline instruction set; only
// called where the CPU has AVX (on others `vzeroupper` is an invalid instruction).
__attribute__((target("avx"))) void ZeroUpper() { _mm256_zeroupper(); }

bool CpuHasAvx() {
  // Safe before static constructors have run: checks the CPU itself first.
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx");
}
#endif

}  // namespace

void ClearUpperVectorState() {
#if defined(__x86_64__)
  static const bool cpu_has_avx = CpuHasAvx();
  if (cpu_has_avx) ZeroUpper();
#endif
}

}  // namespace flod
