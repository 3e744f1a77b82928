#pragma once
// Snapshots of every shard, taken so that request handling stalls only for a moment.
//
// How: every shard is asked to pause at the end of its current loop turn; there it syncs its
// WAL and notes the position a snapshot taken now covers, then waits at a barrier. With all
// shards paused, the process forks: the child gets a frozen, consistent copy of every engine
// (copy-on-write pages) and the shards resume at once, so the stall is the time to reach the
// barrier plus fork(). The child writes one snapshot file per shard (temp file, fdatasync,
// rename, directory fsync), then removes the WAL segments and older snapshots each new
// snapshot covers, and exits; the parent then notes each new snapshot's size. A failed child
// leaves the WAL untouched.
//
// Runs on the main thread (Poll on a timer); one snapshot at a time.

#include <sys/types.h>

#include "flod/server/config.h"

namespace flod::server {

class ShardSet;
class Storage;

class Snapshotter {
 public:
  Snapshotter(ShardSet& shards, Storage& storage, const ServerConfig& config);

  // Starts a snapshot when a shard's WAL passed the threshold; completes one whose child exited.
  void Poll();
  // Stops a snapshot in progress (shutdown): the WAL still holds everything.
  void Abort();
  // Takes a snapshot at the next Poll whatever the thresholds say (SIGUSR1).
  void RequestNow() { requested_ = true; }

 private:
  bool Due();
  void Start();
  void Complete(int wait_status);

  ShardSet& shards_;
  Storage& storage_;
  const ServerConfig& config_;
  pid_t child_ = -1;
  bool requested_ = false;
};

}  // namespace flod::server
