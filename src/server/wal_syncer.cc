#include "wal_syncer.h"

#include <spdlog/spdlog.h>

#include "flod/store/wal_writer.h"
#include "wal_shard_log.h"

namespace flod::server {

void WalSyncer::Start(std::vector<WalShardLog*> logs) {
  logs_ = std::move(logs);
  failing_.assign(logs_.size(), false);
  thread_ = std::thread([this] { Run(); });
}

void WalSyncer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WalSyncer::Written() {
  // Pairs with the fence in SleepUntilWritten: either the syncer sees these bytes as
  // unsynced before it sleeps, or this thread sees it sleeping and wakes it.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!sleeping_.load(std::memory_order_relaxed)) return;
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_one();
}

void WalSyncer::Run() {
  for (;;) {
    const bool synced_any = SyncAll();
    std::unique_lock lock(mu_);
    if (synced_any) {
      cv_.wait_for(lock, period_, [this] { return stop_; });  // more writes are likely
    } else {
      SleepUntilWritten(lock);
    }
    if (stop_) return;
  }
}

bool WalSyncer::SyncAll() {
  bool synced_any = false;
  for (size_t i = 0; i < logs_.size(); ++i) {
    store::WalWriter& writer = *logs_[i]->writer();
    if (!writer.HasUnsynced()) continue;
    synced_any = true;
    const store::IoStatus status = writer.SyncNow();
    if (!status.ok() && !failing_[i]) {
      spdlog::error("shard {}: background fdatasync failed: {}", i, status.ToString());
    }
    failing_[i] = !status.ok();
  }
  return synced_any;
}

bool WalSyncer::AnyUnsynced() const {
  for (WalShardLog* log : logs_) {
    if (log->writer()->HasUnsynced()) return true;
  }
  return false;
}

void WalSyncer::SleepUntilWritten(std::unique_lock<std::mutex>& lock) {
  sleeping_.store(true, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!AnyUnsynced()) cv_.wait(lock, [this] { return wake_ || stop_; });
  wake_ = false;
  sleeping_.store(false, std::memory_order_relaxed);
}

}  // namespace flod::server
