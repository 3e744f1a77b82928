#pragma once
// Wire opcode → flod::Op for the Flo binary framings (WIRE.md §6). The table in opcodes.cc is
// the only place that knows the numbers: exposing another operation is one row there.

#include <cstdint>
#include <optional>

#include "flod/core/op.h"

namespace flod::codec::flo {

// SDK framing (versions 1 and 2 use the same numbers, §14.5): the u16 at header byte 20.
std::optional<Op> OpFromSdkOpcode(uint16_t opcode);
// Legacy framing (flo-python): the u8 at header byte 21.
std::optional<Op> OpFromLegacyOpcode(uint8_t opcode);

}  // namespace flod::codec::flo
