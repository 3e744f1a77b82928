#pragma once
// flod's configuration: defaults < flod.toml < command-line flags. Sections follow Flo's
// flo.toml ([server] [storage] [logging] [protocol]).

#include <cstdint>
#include <string>

namespace flod::server {

enum class Durability : uint8_t {
  kSync,        // reply after fdatasync; one sync covers every record of the loop turn
  kAsyncFlush,  // reply after write(2); fdatasync in the background every flush interval
  kEphemeral,   // no WAL at all
};

struct ServerConfig {
  // [server]
  std::string bind = "0.0.0.0";
  uint16_t port = 9000;
  uint32_t shards = 0;  // 0 = one per CPU
  uint32_t max_connections = 10'000;
  uint64_t max_frame_bytes = 16u << 20;  // largest value one binary frame may carry
  uint32_t shutdown_grace_ms = 5'000;
  // [storage]
  std::string data_dir = "./data";
  Durability durability = Durability::kAsyncFlush;
  uint32_t fsync_interval_ms = 1;
  uint64_t wal_segment_bytes = 64ull << 20;
  uint64_t wal_zero_fill_bytes = 4ull << 20;  // 0: WAL appends grow the file
  uint64_t snapshot_threshold_bytes = 256ull << 20;  // WAL bytes since the last snapshot
  // ...and at least this percentage of that snapshot's size (0: the threshold alone), so the
  // bytes snapshots write stay proportional to the bytes the WAL takes, whatever the state's size.
  uint32_t snapshot_growth_percent = 100;
  bool repair = false;  // --repair: truncate a damaged WAL at the damage instead of refusing
  // [logging]
  std::string log_level = "info";
  std::string log_format = "text";  // text | json
  // [protocol]
  std::string flo_client_profile = "go";  // go | js: reply layouts for protocol-1 clients
  bool flo_ttl_milliseconds = false;      // TTLs of protocol-1 clients in ms instead of seconds
};

std::string_view NameOf(Durability durability);
// Parses "sync" / "async_flush" / "ephemeral"; false for anything else.
bool ParseDurability(std::string_view text, Durability& out);

// Overlays the settings present in a flod.toml file onto `config`. Returns an error message,
// empty on success.
std::string LoadConfigFile(const std::string& path, ServerConfig& config);

// The complete default configuration as flod.toml text, with a comment per key.
std::string DefaultConfigToml();

// WAL bytes after a snapshot of `snapshot_bytes` (0: none yet) at which the next one is due.
uint64_t SnapshotDueAfter(const ServerConfig& config, uint64_t snapshot_bytes);

// Checks ranges and combinations; returns an error message, empty when valid.
std::string ValidateConfig(const ServerConfig& config);

}  // namespace flod::server
