#pragma once
// One shard: a thread running one io_context that owns a slice of the keyspace (its engines,
// its WAL, its parked requests, its connections). Everything here runs on that thread unless
// a method says otherwise; other threads reach a shard only by posting to io().

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "flod/core/clock.h"
#include "flod/dispatch/shard_context.h"
#include "flod/server/config.h"
#include "call.h"
#include "shard_log.h"
#include "socket_poller.h"
#include "waiters.h"

namespace flod::server {

class Connection;

class Shard {
 public:
  Shard(uint32_t id, uint32_t count, const ServerConfig& config, const Clock& clock,
        std::unique_ptr<ShardLog> log);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  uint32_t id() const { return context_.shard_id; }
  boost::asio::io_context& io() { return io_; }
  SocketPoller& poller() { return poller_; }
  dispatch::ShardContext& context() { return context_; }
  // The engines' clock. A RequestClock::Scope on it around a batch of requests (one read of
  // a connection) gives the whole batch one clock reading.
  RequestClock& clock() { return clock_; }
  ShardLog& log() { return *log_; }

  // Any thread. Starts / joins the shard's thread.
  void StartThread();
  void Join();

  // Tells the shard its peers, in shard order (before any thread starts).
  void SetPeers(std::vector<Shard*> peers) { peers_ = std::move(peers); outboxes_.resize(peers_.size()); }

  // Runs `call` (this shard owns it). A call that must wait is parked. Its result goes back
  // to its origin once it is final and as durable as configured.
  void Run(CallPtr call);
  // Runs this shard's part of a fan-out op.
  void RunPart(CallPtr call);
  // Sends `call` to shard `to` (or back to its origin when call->returning). Calls leave in
  // one batch per destination at the end of this loop turn: one wake-up per batch.
  void Send(uint32_t to, CallPtr call);
  // `connection` has replies to write; they leave at the end of this loop turn.
  void WantWrite(std::shared_ptr<Connection> connection);
  // Any thread: takes a batch of calls sent by another shard.
  void Accept(std::vector<Call*>& batch);
  // On the origin shard: hands the result to whoever waits for it and recycles the call.
  static void Finish(CallPtr call);
  CallPool& calls() { return calls_; }

  // Gives up the parked calls whose connection went away.
  void DropAbandonedWaiters();

  // Connection bookkeeping (connections living on this shard).
  void Adopt(const std::shared_ptr<Connection>& connection);
  void Forget(Connection* connection);
  void RequestStarted() { ++in_flight_; }
  void RequestFinished() { --in_flight_; }

  // Set by maintenance once the WAL since the last snapshot passed the threshold; read by
  // the Snapshotter on the main thread.
  bool snapshot_due() const { return snapshot_due_.load(); }
  void ClearSnapshotDue() { snapshot_due_ = false; }

  // Graceful shutdown, in two phases driven by the Server. Drain: stop reading requests,
  // answer parked ones now, and report drained() once nothing is in flight. Finalize: flush
  // and sync the WAL, close every connection, stop the loop.
  void BeginDrain();
  bool drained() const { return drained_.load(); }
  void Finalize();

 private:
  // The result is final: back to the origin after the end-of-turn WAL flush.
  void Complete(CallPtr call, Result result);
  void Return(CallPtr call);
  // Runs a request's handler with the engines' time read at most once.
  Result Execute(Request& request);
  // Runs EndTurn once the handlers ready in this loop turn have run.
  void EndTurnSoon();
  void EndTurn();
  void FlushLog();
  void Park(CallPtr call);
  // Takes a parked call back out of waiters_ (it is answered now).
  CallPtr Unpark(const Waiters::Parked& parked);
  void FlushOutboxes();
  void DrainInbox();
  void RetryParked(const Waiters::Parked& parked);
  void OnDeadline(const Waiters::Parked& parked);
  // Retries the parked calls that engine changes woke, then re-arms the due timer.
  void ProcessWakeups();
  void RetryWoken();
  void ScheduleMaintenance();
  // Arms due_timer_ for the earliest time an engine has time-driven work (delayed messages,
  // expiring leases); the timer runs the engines' ticks and wakes what became ready.
  void ArmDueTimer();
  void RunDueWork();
  void CheckDrained();

  const ServerConfig& config_;
  // Other threads post to the shard (its scheduler locks), but every operation on its sockets
  // and timers, registration included, runs on its own thread (see Acceptor::Accept and
  // Connection::Migrate), so the reactor skips the per-socket locking it would otherwise take
  // two or three times per request.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  SocketPoller poller_{io_};
  std::unique_ptr<ShardLog> log_;
  RequestClock clock_;  // the engines' clock: one reading per request or batch (see clock())
  dispatch::ShardContext context_;
  Waiters waiters_;
  boost::asio::steady_timer maintenance_timer_;
  boost::asio::steady_timer due_timer_;
  std::optional<int64_t> due_timer_at_ms_;  // wall-clock ms the due timer fires at
  std::thread thread_;

  CallPool calls_;
  std::vector<CallPtr> held_calls_;  // finished, waiting for the end-of-turn WAL flush
  bool end_turn_posted_ = false;
  std::vector<std::shared_ptr<Connection>> pending_writes_;  // each once (Connection flags it)
  std::vector<std::shared_ptr<Connection>> writers_;         // EndTurn's: those it writes now
  bool due_check_wanted_ = false;  // a request may have added timed work: ArmDueTimer at EndTurn

  std::vector<Shard*> peers_;
  std::vector<std::vector<Call*>> outboxes_;  // by destination; this thread only
  std::mutex inbox_mu_;                        // guards inbox_ and inbox_drain_posted_
  std::vector<Call*> inbox_;
  bool inbox_drain_posted_ = false;

  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  uint64_t in_flight_ = 0;
  bool draining_ = false;
  std::atomic<bool> drained_{false};
  std::atomic<bool> snapshot_due_{false};
};

}  // namespace flod::server
