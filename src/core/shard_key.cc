#include "flod/core/shard_key.h"

#define XXH_STATIC_LINKING_ONLY  // exposes XXH3_state_t for stack allocation
#include <xxhash.h>

#include <cstring>

namespace flod {

uint64_t ShardHash(std::string_view ns, std::string_view name) {
  // Hash the two parts as one buffer without allocating for typical sizes.
  char stack_buffer[256];
  const size_t total = ns.size() + 1 + name.size();
  if (total <= sizeof(stack_buffer)) {
    std::memcpy(stack_buffer, ns.data(), ns.size());
    stack_buffer[ns.size()] = '\0';
    std::memcpy(stack_buffer + ns.size() + 1, name.data(), name.size());
    return XXH3_64bits(stack_buffer, total);
  }
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, ns.data(), ns.size());
  const char zero = '\0';
  XXH3_64bits_update(&state, &zero, 1);
  XXH3_64bits_update(&state, name.data(), name.size());
  return XXH3_64bits_digest(&state);
}

}  // namespace flod
