#include "shard.h"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "connection.h"
#include "flod/core/limits.h"
#include "flod/dispatch/dispatcher.h"

namespace flod::server {
namespace {

constexpr auto kMaintenancePeriod = std::chrono::milliseconds(100);
constexpr size_t kReclaimBudget = 10'000;
constexpr int kMaxWakeRounds = 16;
constexpr size_t kStreamMaintenanceBudget = 4096;

uint32_t WaitMsOf(const Request& request) {
  const uint32_t wait = std::max(request.options.block_ms.value_or(0),
                                 request.options.wait_ms.value_or(0));
  return std::min(wait, kMaxBlockMs);
}

dispatch::WakeKey WakeKeyOf(const Request& request) {
  return dispatch::WakeKey{InfoOf(request.op).family, request.ns, request.key};
}

}  // namespace

Shard::Shard(uint32_t id, uint32_t count, const ServerConfig& config, const Clock& clock,
             std::unique_ptr<ShardLog> log)
    : config_(config),
      work_(io_.get_executor()),
      log_(std::move(log)),
      clock_(clock),
      context_(id, count, clock_, *log_),
      waiters_([this](const Waiters::Parked& parked) { OnDeadline(parked); }),
      maintenance_timer_(io_),
      due_timer_(io_) {
  context_.anyone_waits = false;  // kept in step by Park and Unpark
}

Shard::~Shard() { Join(); }

void Shard::StartThread() {
  ScheduleMaintenance();
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& error) {
      spdlog::critical("shard {} stopped by an exception: {}", id(), error.what());
      std::abort();
    }
  });
}

void Shard::Join() {
  if (thread_.joinable()) thread_.join();
}

void Shard::Run(CallPtr call) {
  call->wrote = HasFlag(call->request.op, op_flags::kWrite);
  if (call->wrote && !log_->Writable()) {
    Complete(std::move(call), Result::Error(Status::kUnavailable, log_->FailureMessage()));
    return;
  }
  // KV work never schedules timed engine work (expiry is reclaimed by maintenance), so a
  // KV request skips re-checking the engines' next due times; other requests have them
  // checked once at the end of the turn.
  if (InfoOf(call->request.op).family != Family::kKv) {
    due_check_wanted_ = true;
    EndTurnSoon();
  }
  Result result = Execute(call->request);
  if (result.status == Status::kPending) {
    Park(std::move(call));
  } else {
    Complete(std::move(call), std::move(result));
  }
  RetryWoken();
}

Result Shard::Execute(Request& request) {
  const RequestClock::Scope one_reading(clock_);
  return dispatch::Execute(context_, request);
}

void Shard::RunPart(CallPtr call) {
  call->request.wait.may_park = false;
  Run(std::move(call));
}

// Results leave only once every WAL record appended so far is flushed (and synced in sync
// mode), so a client never sees a write, or a read of it, that a crash could undo.
void Shard::Complete(CallPtr call, Result result) {
  call->result = std::move(result);
  if (!log_->HasUnflushed() && held_calls_.empty()) {
    Return(std::move(call));
    return;
  }
  held_calls_.push_back(std::move(call));
  EndTurnSoon();
}

void Shard::EndTurnSoon() {
  if (end_turn_posted_) return;
  end_turn_posted_ = true;
  boost::asio::post(io_, [this] { EndTurn(); });
}

// Runs once the handlers that were ready in this loop turn have run: one WAL write (and sync
// in sync mode) releases every reply of the turn, calls for other shards leave in one batch
// each, and then every connection with replies writes them. Deferring the socket writes to
// here, as Redis does before it sleeps, lets a client receive its reply while the server is
// done with the batch instead of waking it (and being preempted by it) request by request.
void Shard::EndTurn() {
  FlushLog();
  FlushOutboxes();
  if (std::exchange(due_check_wanted_, false)) ArmDueTimer();
  writers_.swap(pending_writes_);  // both keep their capacity from turn to turn
  end_turn_posted_ = false;  // writes below only complete later, in handlers of their own
  for (const std::shared_ptr<Connection>& connection : writers_) connection->WriteReplies();
  writers_.clear();
}

void Shard::WantWrite(std::shared_ptr<Connection> connection) {
  pending_writes_.push_back(std::move(connection));
  EndTurnSoon();
}

void Shard::FlushLog() {
  if (held_calls_.empty() && !log_->HasUnflushed()) return;
  const std::string error = log_->Flush(config_.durability == Durability::kSync);
  if (!error.empty()) spdlog::error("shard {}: write-ahead log flush failed: {}", id(), error);
  std::vector<CallPtr> held = std::move(held_calls_);
  held_calls_.clear();
  for (CallPtr& call : held) {
    if (!error.empty() && call->wrote) {
      call->result = Result::Error(Status::kInternal, "write-ahead log failed: " + error);
    }
    Return(std::move(call));
  }
}

void Shard::Return(CallPtr call) {
  const uint32_t origin = call->origin_shard;
  if (origin == id()) {
    Finish(std::move(call));
    return;
  }
  call->returning = true;
  Send(origin, std::move(call));
}

void Shard::Finish(CallPtr call) {
  if (call->connection) {
    Connection& connection = *call->connection;
    connection.Finish(std::move(call));
    return;
  }
  call->done(std::move(call->result));
  call->done = nullptr;
}

void Shard::Send(uint32_t to, CallPtr call) {
  outboxes_[to].push_back(call.release());
  EndTurnSoon();
}

void Shard::FlushOutboxes() {
  for (size_t to = 0; to < outboxes_.size(); ++to) {
    if (!outboxes_[to].empty()) peers_[to]->Accept(outboxes_[to]);
  }
}

void Shard::Accept(std::vector<Call*>& batch) {
  bool post_drain = false;
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.insert(inbox_.end(), batch.begin(), batch.end());
    post_drain = !inbox_drain_posted_;
    inbox_drain_posted_ = true;
  }
  batch.clear();
  if (post_drain) boost::asio::post(io_, [this] { DrainInbox(); });
}

void Shard::DrainInbox() {
  const RequestClock::Scope one_reading(clock_);
  std::vector<Call*> batch;
  {
    std::lock_guard lock(inbox_mu_);
    batch.swap(inbox_);
    inbox_drain_posted_ = false;
  }
  for (Call* raw : batch) {
    CallPtr call(raw);
    if (call->returning) {
      Finish(std::move(call));
    } else if (call->part) {
      RunPart(std::move(call));
    } else {
      Run(std::move(call));
    }
  }
}

void Shard::Park(CallPtr call) {
  const uint32_t wait_ms = WaitMsOf(call->request);
  const dispatch::WakeKey key = WakeKeyOf(call->request);
  waiters_.Park(key, std::make_shared<ParkedCall>(io_, std::move(call)), wait_ms);
  context_.anyone_waits = true;
}

CallPtr Shard::Unpark(const Waiters::Parked& parked) {
  CallPtr call = waiters_.Finish(parked);
  context_.anyone_waits = waiters_.size() > 0;
  return call;
}

void Shard::RetryParked(const Waiters::Parked& parked) {
  if (parked->finished) return;
  if (parked->call->Abandoned()) {
    // Nobody to answer: give up before it takes anything. The call still goes back, so the
    // connection's count of requests in flight comes back to zero and it can close.
    Complete(Unpark(parked), Result::Error(Status::kUnavailable, "connection closed"));
    return;
  }
  Result result = Execute(parked->call->request);
  if (result.status == Status::kPending) return;
  Complete(Unpark(parked), std::move(result));
}

void Shard::DropAbandonedWaiters() {
  for (const Waiters::Parked& parked : waiters_.All()) {
    if (parked->call->Abandoned()) RetryParked(parked);
  }
}

void Shard::OnDeadline(const Waiters::Parked& parked) {
  parked->call->request.wait.may_park = false;
  RetryParked(parked);
  ProcessWakeups();
}

void Shard::ProcessWakeups() {
  RetryWoken();
  ArmDueTimer();
}

void Shard::RetryWoken() {
  for (int round = 0; round < kMaxWakeRounds && !context_.woken.empty(); ++round) {
    std::vector<dispatch::WakeKey> keys = std::move(context_.woken);
    context_.woken.clear();
    for (const dispatch::WakeKey& key : keys) {
      for (const Waiters::Parked& parked : waiters_.WaitingOn(key)) RetryParked(parked);
    }
  }
  context_.woken.clear();
}

namespace {

std::optional<int64_t> Earliest(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

void Shard::ArmDueTimer() {
  const std::optional<int64_t> next =
      Earliest(context_.queue.NextDueMs(), context_.stream.NextDueMs());
  if (!next || (due_timer_at_ms_ && *due_timer_at_ms_ <= *next)) return;
  due_timer_at_ms_ = next;
  const int64_t delay_ms = std::max<int64_t>(0, *next - context_.clock.NowMs());
  due_timer_.expires_after(std::chrono::milliseconds(delay_ms));
  due_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;  // re-armed earlier, or shutting down
    due_timer_at_ms_.reset();
    RunDueWork();
  });
}

void Shard::RunDueWork() {
  const engine::QueueTickResult tick = context_.queue.Tick();
  for (const engine::QueueName& queue : tick.woken) context_.Wake(Family::kQueue, queue.ns, queue.name);
  const engine::StreamMaintenanceReport report =
      context_.stream.Maintain(kStreamMaintenanceBudget, context_.changes);
  for (const engine::StreamWake& wake : report.wakes) {
    context_.Wake(Family::kStream, wake.ns, wake.stream);
  }
  if (log_->HasUnflushed()) EndTurnSoon();  // retention and dead-lettering write records
  if (tick.more || report.more) boost::asio::post(io_, [this] { RunDueWork(); });
  ProcessWakeups();
}

void Shard::ScheduleMaintenance() {
  maintenance_timer_.expires_after(kMaintenancePeriod);
  maintenance_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    context_.kv.ReclaimExpired(kReclaimBudget);
    if (log_->BytesSinceSnapshot() >= SnapshotDueAfter(config_, log_->SnapshotBytes())) {
      snapshot_due_ = true;
    }
    ProcessWakeups();
    ScheduleMaintenance();
  });
}

void Shard::Adopt(const std::shared_ptr<Connection>& connection) {
  connections_.emplace(connection.get(), connection);
}

void Shard::Forget(Connection* connection) { connections_.erase(connection); }

void Shard::BeginDrain() {
  draining_ = true;
  for (auto& [raw, connection] : connections_) connection->StopReading();
  for (const Waiters::Parked& parked : waiters_.All()) {
    parked->call->request.wait.may_park = false;
    RetryParked(parked);
  }
  ProcessWakeups();
  CheckDrained();
}

void Shard::CheckDrained() {
  if (in_flight_ == 0 && held_calls_.empty()) {
    drained_ = true;
    return;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(5));
  timer->async_wait([this, timer](const boost::system::error_code&) { CheckDrained(); });
}

void Shard::Finalize() {
  maintenance_timer_.cancel();
  due_timer_.cancel();
  const std::string error = log_->Close();
  if (!error.empty()) spdlog::error("shard {}: final WAL flush failed: {}", id(), error);
  auto connections = std::move(connections_);
  connections_.clear();
  for (auto& [raw, connection] : connections) connection->Shutdown();
  work_.reset();
  io_.stop();
}

}  // namespace flod::server
