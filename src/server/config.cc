#include "flod/server/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <limits>
#include <sstream>

namespace flod::server {

std::string_view NameOf(Durability durability) {
  switch (durability) {
    case Durability::kSync: return "sync";
    case Durability::kAsyncFlush: return "async_flush";
    case Durability::kEphemeral: return "ephemeral";
  }
  return "unknown";
}

bool ParseDurability(std::string_view text, Durability& out) {
  for (Durability d : {Durability::kSync, Durability::kAsyncFlush, Durability::kEphemeral}) {
    if (text == NameOf(d)) {
      out = d;
      return true;
    }
  }
  return false;
}

namespace {

// Past this, a big state would practically never be snapshotted again.
constexpr uint32_t kMaxSnapshotGrowthPercent = 10'000;

template <typename T>
void Overlay(const toml::table& table, std::string_view section, std::string_view key, T& out) {
  if (auto value = table[section][key].value<T>()) out = *value;
}

// Integers in TOML are i64; narrow them with a range check so a typo never wraps around.
template <typename T>
std::string OverlayInteger(const toml::table& table, std::string_view section,
                           std::string_view key, T& out) {
  auto value = table[section][key].value<int64_t>();
  if (!value) return {};
  if (*value < 0 || static_cast<uint64_t>(*value) > std::numeric_limits<T>::max()) {
    std::string message = "[";
    return message.append(section).append("] ").append(key).append(" is out of range");
  }
  out = static_cast<T>(*value);
  return {};
}

}  // namespace

std::string LoadConfigFile(const std::string& path, ServerConfig& config) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    std::ostringstream message;
    message << "cannot parse " << path << ": " << error.description() << " (line "
            << error.source().begin.line << ")";
    return message.str();
  }
  Overlay(table, "server", "bind", config.bind);
  std::string error;
  for (std::string e : {OverlayInteger(table, "server", "port", config.port),
                        OverlayInteger(table, "server", "shards", config.shards),
                        OverlayInteger(table, "server", "max_connections", config.max_connections),
                        OverlayInteger(table, "server", "max_frame_bytes", config.max_frame_bytes),
                        OverlayInteger(table, "server", "shutdown_grace_ms", config.shutdown_grace_ms),
                        OverlayInteger(table, "storage", "fsync_interval_ms", config.fsync_interval_ms),
                        OverlayInteger(table, "storage", "wal_segment_bytes", config.wal_segment_bytes),
                        OverlayInteger(table, "storage", "wal_zero_fill_bytes", config.wal_zero_fill_bytes),
                        OverlayInteger(table, "storage", "snapshot_threshold_bytes",
                                       config.snapshot_threshold_bytes),
                        OverlayInteger(table, "storage", "snapshot_growth_percent",
                                       config.snapshot_growth_percent)}) {
    if (error.empty()) error = e;
  }
  if (!error.empty()) return error;
  Overlay(table, "storage", "data_dir", config.data_dir);
  if (auto durability = table["storage"]["durability"].value<std::string>()) {
    if (!ParseDurability(*durability, config.durability)) {
      return "[storage] durability must be sync, async_flush or ephemeral";
    }
  }
  Overlay(table, "logging", "level", config.log_level);
  Overlay(table, "logging", "format", config.log_format);
  Overlay(table, "protocol", "flo_client_profile", config.flo_client_profile);
  Overlay(table, "protocol", "flo_ttl_milliseconds", config.flo_ttl_milliseconds);
  return {};
}

std::string ValidateConfig(const ServerConfig& config) {
  if (config.port == 0) return "port must be between 1 and 65535";
  if (config.shards > 1024) return "shards must be at most 1024";
  if (config.log_format != "text" && config.log_format != "json") {
    return "log format must be text or json";
  }
  if (config.flo_client_profile != "go" && config.flo_client_profile != "js") {
    return "[protocol] flo_client_profile must be go or js";
  }
  if (config.max_frame_bytes < 1024) return "max_frame_bytes must be at least 1024";
  if (config.wal_segment_bytes < (1u << 20)) return "wal_segment_bytes must be at least 1 MiB";
  if (config.snapshot_threshold_bytes < (64u << 10)) {
    return "snapshot_threshold_bytes must be at least 64 KiB";
  }
  if (config.snapshot_growth_percent > kMaxSnapshotGrowthPercent) {
    return "snapshot_growth_percent must be at most " + std::to_string(kMaxSnapshotGrowthPercent);
  }
  return {};
}

uint64_t SnapshotDueAfter(const ServerConfig& config, uint64_t snapshot_bytes) {
  // No overflow below 1.8 PB of snapshot (2^64 / kMaxSnapshotGrowthPercent).
  const uint64_t growth = snapshot_bytes * config.snapshot_growth_percent / 100;
  return std::max(config.snapshot_threshold_bytes, growth);
}

std::string DefaultConfigToml() {
  const ServerConfig d;
  std::ostringstream out;
  out << "# flod configuration. Command-line flags override these values.\n\n"
      << "[server]\n"
      << "bind = \"" << d.bind << "\"              # address to listen on\n"
      << "port = " << d.port << "                    # FLO binary, RESP, HTTP and WebSocket\n"
      << "shards = " << d.shards << "                     # shard threads; 0 = one per CPU\n"
      << "max_connections = " << d.max_connections << "\n"
      << "max_frame_bytes = " << d.max_frame_bytes << "     # largest value one binary frame may carry\n"
      << "shutdown_grace_ms = " << d.shutdown_grace_ms
      << "        # time in-flight requests get on SIGTERM\n\n"
      << "[storage]\n"
      << "data_dir = \"" << d.data_dir << "\"\n"
      << "durability = \"" << NameOf(d.durability) << "\"   # sync | async_flush | ephemeral\n"
      << "fsync_interval_ms = " << d.fsync_interval_ms
      << "           # async_flush: background fdatasync period\n"
      << "wal_segment_bytes = " << d.wal_segment_bytes << "  # WAL segment rotation size\n"
      << "wal_zero_fill_bytes = " << d.wal_zero_fill_bytes
      << "  # zeros kept ahead of WAL appends; 0 = off\n"
      << "snapshot_threshold_bytes = " << d.snapshot_threshold_bytes
      << "  # snapshot a shard once this much WAL follows its last snapshot\n"
      << "snapshot_growth_percent = " << d.snapshot_growth_percent
      << "     # ...and at least this percent of that snapshot's size\n\n"
      << "[logging]\n"
      << "level = \"" << d.log_level << "\"              # trace | debug | info | warn | error\n"
      << "format = \"" << d.log_format << "\"             # text | json\n\n"
      << "[protocol]\n"
      << "flo_client_profile = \"" << d.flo_client_profile
      << "\"   # go | js: reply layouts for protocol-1 SDK clients\n"
      << "flo_ttl_milliseconds = " << (d.flo_ttl_milliseconds ? "true" : "false")
      << "  # protocol-1 TTLs in ms instead of seconds\n";
  return out.str();
}

}  // namespace flod::server
