#pragma once
// Little-endian value bytes as the Flo wire carries them, for building requests in tests
// independently of flod's own ByteWriter.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace flod::testing {

inline void PutLe(std::string& out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

inline std::string U32(uint32_t value) {
  std::string out;
  PutLe(out, value, 4);
  return out;
}

inline std::string U64(uint64_t value) {
  std::string out;
  PutLe(out, value, 8);
  return out;
}

// [len:u16][bytes]
inline std::string Str16(std::string_view s) {
  std::string out;
  PutLe(out, s.size(), 2);
  out.append(s);
  return out;
}

}  // namespace flod::testing
