#pragma once
// A pointer and a 16-bit tag in one 64-bit word. The KV indexes keep a few bits of each key
// (a hash tag, a probe distance, a key fragment) beside the entry pointer so that most
// comparisons never touch the entry itself. This relies on user-space addresses fitting in
// 48 bits, as on x86-64 and AArch64 Linux unless a process asks for more; PackPointer aborts
// rather than corrupt an index if an allocator ever hands out a wider address.

#include <cstdint>
#include <cstdlib>

namespace flod::engine::kv {

inline constexpr int kTagShift = 48;
inline constexpr uint64_t kPointerMask = (uint64_t{1} << kTagShift) - 1;

inline uint64_t PackPointer(const void* pointer, uint16_t tag) {
  auto bits = reinterpret_cast<uintptr_t>(pointer);
  if ((bits & ~kPointerMask) != 0) std::abort();
  return static_cast<uint64_t>(bits) | (static_cast<uint64_t>(tag) << kTagShift);
}

template <typename T>
T* PointerOf(uint64_t word) {
  return reinterpret_cast<T*>(static_cast<uintptr_t>(word & kPointerMask));
}

inline uint16_t TagOf(uint64_t word) { return static_cast<uint16_t>(word >> kTagShift); }

inline uint64_t WithTag(uint64_t word, uint16_t tag) {
  return (word & kPointerMask) | (static_cast<uint64_t>(tag) << kTagShift);
}

}  // namespace flod::engine::kv
