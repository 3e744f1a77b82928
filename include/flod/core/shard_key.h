#pragma once
// Ownership: every key, queue and stream belongs to exactly one shard, chosen by
// XXH3_64bits(namespace + 0x00 + name) modulo the shard count.

#include <cstdint>
#include <string_view>

namespace flod {

uint64_t ShardHash(std::string_view ns, std::string_view name);

inline uint32_t ShardOf(uint64_t hash, uint32_t shard_count) {
  return static_cast<uint32_t>(hash % shard_count);
}

inline uint32_t ShardOf(std::string_view ns, std::string_view name, uint32_t shard_count) {
  return ShardOf(ShardHash(ns, name), shard_count);
}

}  // namespace flod
