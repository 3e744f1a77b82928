#include "snapshotter.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "flod/dispatch/replay.h"
#include "flod/store/file_names.h"
#include "flod/store/snapshot_writer.h"
#include "shard_set.h"
#include "storage.h"

namespace flod::server {
namespace {

// Where the shards wait while the process forks.
class PauseBarrier {
 public:
  explicit PauseBarrier(size_t shards) : positions_(shards), errors_(shards) {}

  // Shard thread: report, then wait until Release().
  void ArriveAndWait(uint32_t shard, store::WalPosition covered, std::string error) {
    std::unique_lock lock(mu_);
    positions_[shard] = covered;
    errors_[shard] = std::move(error);
    ++arrived_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
  }
  // Main thread.
  void WaitForAll() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return arrived_ == positions_.size(); });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  const std::vector<store::WalPosition>& positions() const { return positions_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<store::WalPosition> positions_;
  std::vector<std::string> errors_;
  size_t arrived_ = 0;
  bool released_ = false;
};

class SnapshotSink final : public ChangeSink {
 public:
  explicit SnapshotSink(store::SnapshotWriter& writer) : writer_(writer) {}
  void Append(uint16_t type, std::string_view payload) override { writer_.Add(type, payload); }

 private:
  store::SnapshotWriter& writer_;
};

// In the forked child: no threads but this one, so no logging (its mutexes may be held by
// threads that no longer exist); errors go straight to stderr.
[[noreturn]] void WriteSnapshotsAndExit(ShardSet& shards, Storage& storage,
                                        const std::vector<store::WalPosition>& covered) {
  std::vector<uint64_t> snapshot_ids;
  for (uint32_t shard = 0; shard < shards.size(); ++shard) {
    auto writer = store::SnapshotWriter::Create(storage.ShardDir(shard), shard, covered[shard]);
    if (!writer) {
      std::fprintf(stderr, "snapshot of shard %u: %s\n", shard, writer.status().ToString().c_str());
      _exit(1);
    }
    SnapshotSink sink(**writer);
    dispatch::WriteSnapshot(shards.at(shard).context(), sink);
    auto committed = (*writer)->Commit();
    if (!committed) {
      std::fprintf(stderr, "snapshot of shard %u: %s\n", shard, committed.status().ToString().c_str());
      _exit(1);
    }
    snapshot_ids.push_back(committed->id);
  }
  // Every snapshot is durable, so the files they cover can go; a failure here leaves them for
  // the next snapshot, which removes everything below its own point.
  for (uint32_t shard = 0; shard < shards.size(); ++shard) {
    const std::string error =
        shards.at(shard).log().RemoveCovered(covered[shard], snapshot_ids[shard]);
    if (!error.empty()) {
      std::fprintf(stderr, "shard %u: cleaning up after snapshot %llu: %s\n", shard,
                   static_cast<unsigned long long>(snapshot_ids[shard]), error.c_str());
    }
  }
  _exit(0);
}

}  // namespace

Snapshotter::Snapshotter(ShardSet& shards, Storage& storage, const ServerConfig& config)
    : shards_(shards), storage_(storage), config_(config) {}

void Snapshotter::Poll() {
  if (config_.durability == Durability::kEphemeral) return;
  if (child_ > 0) {
    int status = 0;
    if (waitpid(child_, &status, WNOHANG) == child_) Complete(status);
    return;
  }
  if (requested_ || Due()) {
    requested_ = false;
    Start();
  }
}

bool Snapshotter::Due() {
  for (uint32_t i = 0; i < shards_.size(); ++i) {
    if (shards_.at(i).snapshot_due()) return true;
  }
  return false;
}

void Snapshotter::Start() {
  const auto started = std::chrono::steady_clock::now();
  // Shared: a shard may still be returning from ArriveAndWait after Start has returned.
  auto shared_barrier = std::make_shared<PauseBarrier>(shards_.size());
  PauseBarrier& barrier = *shared_barrier;
  for (uint32_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = shards_.at(i);
    boost::asio::post(shard.io(), [&shard, shared_barrier] {
      store::WalPosition covered;
      std::string error = shard.log().BeginSnapshot(covered);
      shard.ClearSnapshotDue();
      shared_barrier->ArriveAndWait(shard.id(), covered, std::move(error));
    });
  }
  barrier.WaitForAll();
  for (uint32_t i = 0; i < shards_.size(); ++i) {
    if (!barrier.errors()[i].empty()) {
      barrier.Release();
      spdlog::error("snapshot skipped: shard {} could not sync its WAL: {}", i, barrier.errors()[i]);
      return;
    }
  }
  const pid_t pid = fork();
  if (pid == 0) WriteSnapshotsAndExit(shards_, storage_, barrier.positions());
  barrier.Release();
  const auto paused_us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  if (pid < 0) {
    spdlog::error("snapshot skipped: fork failed: {}", std::strerror(errno));
    return;
  }
  child_ = pid;
  spdlog::info("snapshot started (child pid {}); shards paused for {} us", pid, paused_us.count());
}

void Snapshotter::Complete(int wait_status) {
  child_ = -1;
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    spdlog::error("snapshot failed (child status {}); the WAL is kept whole", wait_status);
    return;
  }
  for (uint32_t i = 0; i < shards_.size(); ++i) {
    auto snapshots = store::ListSnapshots(storage_.ShardDir(i));
    if (!snapshots || snapshots->empty()) continue;
    const uint64_t newest = snapshots->back().number;
    Shard& shard = shards_.at(i);
    boost::asio::post(shard.io(), [&shard, newest] { shard.log().NoteSnapshot(newest); });
  }
  spdlog::info("snapshot complete");
}

void Snapshotter::Abort() {
  if (child_ <= 0) return;
  kill(child_, SIGKILL);
  waitpid(child_, nullptr, 0);
  child_ = -1;
  spdlog::info("snapshot in progress abandoned at shutdown");
}

}  // namespace flod::server
