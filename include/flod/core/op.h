#pragma once
// The canonical operation enum, generated from ops.def. Codecs translate wire opcodes and
// RESP commands into these; the dispatcher indexes its handler table by them.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flod {

enum class Family : uint8_t { kSystem, kKv, kQueue, kStream };

namespace op_flags {
inline constexpr uint32_t kRead = 1u << 0;
inline constexpr uint32_t kWrite = 1u << 1;
inline constexpr uint32_t kMayBlock = 1u << 2;
inline constexpr uint32_t kFanOut = 1u << 3;
inline constexpr uint32_t kKeyless = 1u << 4;
inline constexpr uint32_t kLocal = 1u << 5;
inline constexpr uint32_t kSplitKeys = 1u << 6;
}  // namespace op_flags

enum class Op : uint16_t {
#define FLOD_OP(name, family, flags) k##name,
#include "flod/core/ops.def"
#undef FLOD_OP
};

inline constexpr size_t kOpCount = 0
#define FLOD_OP(name, family, flags) +1
#include "flod/core/ops.def"
#undef FLOD_OP
    ;

struct OpInfo {
  std::string_view name;
  Family family;
  uint32_t flags;
};

// Row of ops.def for `op`.
const OpInfo& InfoOf(Op op);
inline std::string_view NameOf(Op op) { return InfoOf(op).name; }
inline bool HasFlag(Op op, uint32_t flag) { return (InfoOf(op).flags & flag) != 0; }

}  // namespace flod
