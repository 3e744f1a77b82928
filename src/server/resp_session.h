#pragma once
// A Redis (RESP2) connection: the codec's RespProcessor does the protocol and the command
// table; this session connects it to the connection (output, close), to the shards (requests
// are validated, then submitted to their owners) and to the process (CLIENT LIST, INFO).
// Runs on the connection's shard thread.

#include <cstdint>
#include <memory>
#include <string>

#include "flod/codec/resp/resp_processor.h"
#include "resp_clients.h"
#include "session.h"

namespace flod::server {

class Connection;

class RespSession final : public Session, public codec::resp::RespHost {
 public:
  explicit RespSession(Connection& connection);
  ~RespSession() override;

  size_t OnInput(std::string_view input) override;

  // RespHost
  Request& NextRequest() override;
  void SubmitNext(std::function<void(Result&&)> done) override;
  std::string& Output() override;
  void CloseAfterWrite() override;
  codec::resp::ServerFacts Facts() const override;
  std::vector<codec::resp::ClientInfo> Clients() const override;
  void ClientChanged(const codec::resp::ClientState& client) override;

 private:
  std::shared_ptr<RespClients::Record> record_;
  codec::resp::RespProcessor processor_;
  uint64_t commands_reported_ = 0;
};

}  // namespace flod::server
