#pragma once
// The data dir of a running server: its lock and SYSTEM file, one WAL per shard, recovery at
// start, and the background fdatasync of async_flush mode. Ephemeral mode has none of these.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flod/dispatch/shard_context.h"
#include "flod/server/config.h"
#include "flod/store/data_dir.h"
#include "flod/store/wal_reader.h"
#include "shard_log.h"
#include "wal_syncer.h"

namespace flod::server {

class WalShardLog;

class Storage {
 public:
  Storage(const ServerConfig& config, uint32_t shard_count);
  ~Storage();

  // Locks and checks the data dir. Returns an error message, empty on success.
  std::string Open();
  // The log shard `shard` appends to; usable once Recover(shard) succeeded.
  std::unique_ptr<ShardLog> LogFor(uint32_t shard);
  // Loads the shard's newest valid snapshot, replays the WAL after it into the engines
  // (truncating a torn tail with a warning), then opens a fresh segment for new records.
  // Returns an error message, empty on success.
  std::string Recover(uint32_t shard, dispatch::ShardContext& context);

  // async_flush: fdatasync every shard's WAL each fsync_interval_ms while there are writes
  // (WalSyncer).
  void StartBackgroundSync();
  void StopBackgroundSync();

  std::filesystem::path ShardDir(uint32_t shard) const { return data_dir_->ShardDir(shard); }

 private:
  bool ephemeral() const { return config_.durability == Durability::kEphemeral; }
  // A torn tail is truncated; corruption stops the start unless --repair.
  std::string HandleWalProblem(uint32_t shard, const std::filesystem::path& dir,
                               const store::WalProblem& problem);

  const ServerConfig& config_;
  const uint32_t shard_count_;
  std::unique_ptr<store::DataDir> data_dir_;
  std::vector<WalShardLog*> logs_;  // owned by the shards, which outlive the syncer's thread
  WalSyncer syncer_;
};

}  // namespace flod::server
