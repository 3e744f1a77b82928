#pragma once
// What every connection shares: the configuration and the shards. Outlives every connection.

#include <atomic>
#include <cstdint>

#include "flod/server/config.h"

namespace flod::server {

class ShardSet;

struct ServerRuntime {
  const ServerConfig& config;
  ShardSet& shards;
  std::atomic<uint32_t> open_connections{0};
  std::atomic<uint64_t> next_connection_id{1};
};

}  // namespace flod::server
