#pragma once
// Size limits enforced at the protocol edge. Requests over a limit get a clear error
// (BAD_REQUEST / -ERR / 400), never a crash.

#include <cstddef>
#include <cstdint>

namespace flod {

inline constexpr size_t kMaxNamespaceBytes = 255;
inline constexpr size_t kMaxKeyBytes = 65'535;
inline constexpr size_t kMaxValueBytes = 16u << 20;          // 16 MiB
inline constexpr size_t kDefaultMaxFrameBytes = 16u << 20;   // default --max-frame-size
inline constexpr uint32_t kMaxBlockMs = 300'000;             // WIRE.md §8.3: clamp waits
inline constexpr uint32_t kMaxMgetKeys = 256;
inline constexpr uint32_t kDefaultScanLimit = 100;
inline constexpr uint32_t kMaxScanLimit = 1000;
inline constexpr uint32_t kDefaultHistoryVersions = 8;
inline constexpr uint32_t kMaxTxnOps = 256;
inline constexpr size_t kMaxTxnBytes = 1u << 20;

}  // namespace flod
