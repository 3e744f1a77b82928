#include "flod/store/crc32c.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <climits>

#include "flod/core/vector_state.h"

namespace flod::store {

uint32_t Crc32cExtend(uint32_t crc, std::string_view data) {
  // ISA-L works on the CRC register before the final xor, and takes an int length.
  uint32_t state = ~crc;
  while (!data.empty()) {
    const size_t piece = std::min<size_t>(data.size(), INT_MAX);
    // ISA-L only reads the buffer; its C signature predates const.
    auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(data.data()));
    state = crc32_iscsi(bytes, static_cast<int>(piece), state);
    data.remove_prefix(piece);
  }
  ClearUpperVectorState();
  return ~state;
}

}  // namespace flod::store
