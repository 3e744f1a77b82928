#pragma once
// CRC-32C (Castagnoli, reflected, init and final xor 0xFFFFFFFF) for WAL records, segment
// headers and snapshots, computed by Intel's ISA-L, which picks the fastest code the CPU runs
// (PCLMULQDQ folding, the SSE4.2 crc32 instruction, or tables). Thread-safe.

#include <cstdint>
#include <string_view>

namespace flod::store {

// CRC of the bytes that were summed into `crc` followed by `data`:
// Crc32cExtend(Crc32c(a), b) == Crc32c(a + b). Lets a record's CRC cover its type and
// payload without copying them together.
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

}  // namespace flod::store
