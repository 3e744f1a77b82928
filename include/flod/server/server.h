#pragma once

#include "flod/server/config.h"

namespace flod::server {

// Starts flod with `config` and serves until SIGINT or SIGTERM, then shuts down gracefully:
// stop accepting, let in-flight requests finish (up to shutdown_grace_ms), flush and sync the
// WAL, exit. Returns the process exit code (0 after a clean shutdown).
int RunServer(const ServerConfig& config);

}  // namespace flod::server
