#pragma once
// The background fdatasync of async_flush mode: while shards keep writing, every shard's WAL
// is synced once per period; once nothing waits for a sync the thread sleeps until a shard
// writes again, so an idle or read-only server is not woken a thousand times a second.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace flod::server {

class WalShardLog;

class WalSyncer {
 public:
  explicit WalSyncer(std::chrono::milliseconds period) : period_(period) {}
  ~WalSyncer() { Stop(); }
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // `logs` are owned by the shards, which outlive the syncer's thread.
  void Start(std::vector<WalShardLog*> logs);
  void Stop();
  // Shard thread, after a write(2) of WAL bytes: wakes the syncer if it sleeps. Costs one
  // fence and one load while the syncer is awake.
  void Written();
  // Whether it sleeps waiting for a write (for tests: the idle state has no other sign).
  bool asleep() const { return sleeping_.load(std::memory_order_relaxed); }

 private:
  void Run();
  // fdatasyncs every log with unsynced bytes; false when none had any.
  bool SyncAll();
  bool AnyUnsynced() const;
  void SleepUntilWritten(std::unique_lock<std::mutex>& lock);  // `lock` holds mu_

  const std::chrono::milliseconds period_;
  std::vector<WalShardLog*> logs_;
  std::vector<bool> failing_;  // a failure is logged once, not every period
  std::thread thread_;
  std::atomic<bool> sleeping_{false};
  std::mutex mu_;  // guards wake_ and stop_
  std::condition_variable cv_;
  bool wake_ = false;
  bool stop_ = false;
};

}  // namespace flod::server
