#include "resp_session.h"

#include <unistd.h>

#include <chrono>

#include "connection.h"
#include "flod/dispatch/dispatcher.h"
#include "runtime.h"
#include "shard_set.h"

namespace flod::server {
namespace {

int64_t WallUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

codec::resp::ParserLimits LimitsFor(const ServerConfig& config) {
  codec::resp::ParserLimits limits;
  limits.max_bulk_bytes = config.max_frame_bytes;
  return limits;
}

}  // namespace

RespSession::RespSession(Connection& connection)
    : Session(connection),
      record_(RespClients::Instance().Add(
          connection.id(), connection.peer(),
          connection.runtime().config.bind + ":" + std::to_string(connection.runtime().config.port),
          WallUs() / 1000)),
      processor_(*this, connection.id(), LimitsFor(connection.runtime().config)) {}

RespSession::~RespSession() { RespClients::Instance().Remove(connection().id()); }

size_t RespSession::OnInput(std::string_view input) {
  const size_t consumed = processor_.OnInput(input);
  const uint64_t processed = processor_.commands_processed();
  if (processed != commands_reported_) {
    RespClients::Instance().total_commands.fetch_add(processed - commands_reported_,
                                                     std::memory_order_relaxed);
    commands_reported_ = processed;
    record_->last_command.store(processor_.last_command(), std::memory_order_relaxed);
    record_->last_active_ms.store(WallUs() / 1000, std::memory_order_relaxed);
  }
  return consumed;
}

Request& RespSession::NextRequest() { return connection().NextRequest(); }

void RespSession::SubmitNext(std::function<void(Result&&)> done) {
  if (std::optional<Result> invalid = dispatch::Validate(connection().NextRequest())) {
    done(std::move(*invalid));
    return;
  }
  connection().SubmitNext(std::move(done));
}

std::string& RespSession::Output() { return connection().output(); }

void RespSession::CloseAfterWrite() { connection().CloseAfterWrite(); }

codec::resp::ServerFacts RespSession::Facts() const {
  const ServerRuntime& runtime = connection().runtime();
  const ServerConfig& config = runtime.config;
  const ProcessFacts& process = ThisProcess();
  const int64_t now_us = WallUs();
  const RespClients& clients = RespClients::Instance();
  return codec::resp::ServerFacts{.flod_version = FLOD_VERSION,
                                  .run_id = process.run_id,
                                  .executable = process.executable,
                                  .config_file = {},
                                  .data_dir = config.data_dir,
                                  .durability = NameOf(config.durability),
                                  .tcp_port = config.port,
                                  .shards = runtime.shards.size(),
                                  .process_id = static_cast<int64_t>(getpid()),
                                  .now_us = now_us,
                                  .uptime_s = (now_us / 1000 - process.started_ms) / 1000,
                                  .connected_clients = runtime.open_connections.load(),
                                  .max_clients = config.max_connections,
                                  .total_connections = clients.total_connections.load(),
                                  .total_commands = clients.total_commands.load(),
                                  .used_memory_bytes = ResidentBytes(),
                                  .max_bulk_bytes = config.max_frame_bytes};
}

std::vector<codec::resp::ClientInfo> RespSession::Clients() const {
  return RespClients::Instance().List(WallUs() / 1000);
}

void RespSession::ClientChanged(const codec::resp::ClientState& client) {
  RespClients::Instance().Rename(connection().id(), client);
}

}  // namespace flod::server
