#pragma once
// Hex rendering for error messages ("unknown opcode 0x170").

#include <cstdint>
#include <string>

namespace flod::codec::flo {

inline std::string HexText(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string digits;
  do {
    digits.insert(digits.begin(), kDigits[value & 0xF]);
    value >>= 4;
  } while (value != 0);
  return "0x" + digits;
}

}  // namespace flod::codec::flo
