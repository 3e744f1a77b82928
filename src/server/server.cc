#include "flod/server/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <chrono>
#include <thread>

#include "acceptor.h"
#include "flod/dispatch/handler_table.h"
#include "runtime.h"
#include "shard_set.h"
#include "snapshotter.h"
#include "storage.h"

namespace flod::server {
namespace {

uint32_t ShardCountOf(const ServerConfig& config) {
  if (config.shards > 0) return config.shards;
  return std::max(1u, std::thread::hardware_concurrency());
}

constexpr auto kSnapshotPollPeriod = std::chrono::milliseconds(100);

void PollSnapshots(boost::asio::steady_timer& timer, Snapshotter& snapshotter) {
  timer.expires_after(kSnapshotPollPeriod);
  timer.async_wait([&timer, &snapshotter](const boost::system::error_code& error) {
    if (error) return;
    snapshotter.Poll();
    PollSnapshots(timer, snapshotter);
  });
}

void WaitForSnapshotSignal(boost::asio::signal_set& signals, Snapshotter& snapshotter) {
  signals.async_wait([&signals, &snapshotter](const boost::system::error_code& error, int) {
    if (error) return;
    spdlog::info("received SIGUSR1: taking a snapshot");
    snapshotter.RequestNow();
    WaitForSnapshotSignal(signals, snapshotter);
  });
}

// The main thread's job while serving: snapshots (by threshold, or now on SIGUSR1), until
// SIGINT or SIGTERM.
void ServeUntilStopSignal(Snapshotter& snapshotter) {
  boost::asio::io_context io;
  boost::asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  boost::asio::signal_set snapshot_signal(io, SIGUSR1);
  boost::asio::steady_timer snapshot_timer(io);
  stop_signals.async_wait([&](const boost::system::error_code&, int signal) {
    spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
    snapshot_timer.cancel();
    snapshot_signal.cancel();
  });
  WaitForSnapshotSignal(snapshot_signal, snapshotter);
  PollSnapshots(snapshot_timer, snapshotter);
  io.run();
  snapshotter.Abort();
}

// Phase 1 everywhere (no new requests, parked ones answered), then wait for in-flight work to
// finish on every shard before any shard stops: a request may be waiting for another shard.
void ShutDown(Acceptor& acceptor, ShardSet& shards, const ServerConfig& config) {
  sd_notify(0, "STOPPING=1");
  acceptor.Stop();
  for (uint32_t i = 0; i < shards.size(); ++i) {
    boost::asio::post(shards.at(i).io(), [&shard = shards.at(i)] { shard.BeginDrain(); });
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config.shutdown_grace_ms);
  auto all_drained = [&] {
    for (uint32_t i = 0; i < shards.size(); ++i) {
      if (!shards.at(i).drained()) return false;
    }
    return true;
  };
  while (!all_drained() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!all_drained()) spdlog::warn("shutdown grace period over; closing remaining connections");
  for (uint32_t i = 0; i < shards.size(); ++i) {
    boost::asio::post(shards.at(i).io(), [&shard = shards.at(i)] { shard.Finalize(); });
  }
  for (uint32_t i = 0; i < shards.size(); ++i) shards.at(i).Join();
}

// Shards share nothing, so each recovers (snapshot + WAL replay) on a thread of its own.
std::string RecoverAll(Storage& storage, std::vector<std::unique_ptr<Shard>>& shards) {
  std::vector<std::string> errors(shards.size());
  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < shards.size(); ++i) {
    threads.emplace_back([&, i] { errors[i] = storage.Recover(i, shards[i]->context()); });
  }
  for (auto& thread : threads) thread.join();
  for (const std::string& error : errors) {
    if (!error.empty()) return error;
  }
  return {};
}

}  // namespace

int RunServer(const ServerConfig& config) {
  try {
    dispatch::Handlers();  // every op has a handler, or flod refuses to start
  } catch (const std::logic_error& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  const uint32_t shard_count = ShardCountOf(config);
  // Engines take their time from this clock; it must outlive every shard.
  static const SystemClock clock;

  Storage storage(config, shard_count);
  if (auto error = storage.Open(); !error.empty()) {
    spdlog::critical("{}", error);
    return 1;
  }
  std::vector<std::unique_ptr<Shard>> shard_list;
  for (uint32_t i = 0; i < shard_count; ++i) {
    shard_list.push_back(std::make_unique<Shard>(i, shard_count, config, clock, storage.LogFor(i)));
  }
  if (auto error = RecoverAll(storage, shard_list); !error.empty()) {
    spdlog::critical("{}", error);
    return 1;
  }
  ShardSet shards(std::move(shard_list));
  ServerRuntime runtime{config, shards};

  Acceptor acceptor(runtime);
  if (auto error = acceptor.Listen(config.bind, config.port); !error.empty()) {
    spdlog::critical("{}", error);
    return 1;
  }
  for (uint32_t i = 0; i < shard_count; ++i) shards.at(i).StartThread();
  storage.StartBackgroundSync();
  acceptor.StartThread();
  spdlog::info("flod {} listening on {}:{} with {} shard(s), durability {}", FLOD_VERSION,
               config.bind, acceptor.port(), shard_count, NameOf(config.durability));
  sd_notify(0, "READY=1");

  Snapshotter snapshotter(shards, storage, config);
  ServeUntilStopSignal(snapshotter);
  ShutDown(acceptor, shards, config);
  storage.StopBackgroundSync();
  spdlog::info("flod stopped cleanly");
  return 0;
}

}  // namespace flod::server
