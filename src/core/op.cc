#include "flod/core/op.h"

#include <array>

namespace flod {
namespace {

using namespace op_flags;

constexpr std::array<OpInfo, kOpCount> kOpTable = {{
#define FLOD_OP(name, family, flags) {#name, Family::family, flags},
#include "flod/core/ops.def"
#undef FLOD_OP
}};

}  // namespace

const OpInfo& InfoOf(Op op) { return kOpTable[static_cast<size_t>(op)]; }

}  // namespace flod
