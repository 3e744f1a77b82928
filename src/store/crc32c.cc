#include "flod/store/crc32c.h"

#include <boost/crc.hpp>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace flod::store {
namespace {

using PortableCrc = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

#if defined(__x86_64__)
// Compiled for SSE4.2 alone, so the rest of the binary still runs on older CPUs; only called
// after the CPU check below.
__attribute__((target("sse4.2"))) uint32_t ExtendHardware(uint32_t crc, std::string_view data) {
  const char* p = data.data();
  size_t n = data.size();
  uint64_t state = ~crc & 0xFFFFFFFFu;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    state = _mm_crc32_u64(state, word);
    p += 8;
    n -= 8;
  }
  auto narrow = static_cast<uint32_t>(state);
  while (n > 0) {
    narrow = _mm_crc32_u8(narrow, static_cast<uint8_t>(*p));
    ++p;
    --n;
  }
  return ~narrow;
}

bool DetectHardware() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#endif

uint32_t BitReversed(uint32_t value) {
  uint32_t out = 0;
  for (int bit = 0; bit < 32; ++bit) {
    out = (out << 1) | (value & 1);
    value >>= 1;
  }
  return out;
}

}  // namespace

uint32_t Crc32cExtendPortable(uint32_t crc, std::string_view data) {
  // Resuming from a finished CRC: undo the final xor, and hand Boost the remainder in its
  // unreflected form (it reflects the initial remainder of a reflected CRC).
  PortableCrc engine(BitReversed(~crc));
  engine.process_bytes(data.data(), data.size());
  return engine.checksum();
}

bool Crc32cIsAccelerated() {
#if defined(__x86_64__)
  static const bool accelerated = DetectHardware();
  return accelerated;
#else
  return false;
#endif
}

uint32_t Crc32cExtend(uint32_t crc, std::string_view data) {
#if defined(__x86_64__)
  if (Crc32cIsAccelerated()) return ExtendHardware(crc, data);
#endif
  return Crc32cExtendPortable(crc, data);
}

}  // namespace flod::store
