#pragma once
// The RESP clients of the whole process, for CLIENT LIST and INFO. Sessions on every shard
// register here; the lock is taken on connect, disconnect, renames and listings only, never
// per command (the per-command fields are atomics).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "flod/codec/resp/command_table.h"

namespace flod::server {

class RespClients {
 public:
  struct Record {
    uint64_t id = 0;
    std::string addr;
    std::string laddr;
    int64_t connected_ms = 0;
    std::atomic<int64_t> last_active_ms{0};
    std::atomic<const codec::resp::CommandSpec*> last_command{nullptr};
  };

  // The process-wide registry.
  static RespClients& Instance();

  std::shared_ptr<Record> Add(uint64_t id, std::string addr, std::string laddr, int64_t now_ms);
  void Remove(uint64_t id);
  void Rename(uint64_t id, const codec::resp::ClientState& client);
  std::vector<codec::resp::ClientInfo> List(int64_t now_ms) const;

  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> total_commands{0};

 private:
  struct Entry {
    std::shared_ptr<Record> record;
    std::string name;
    std::string lib_name;
    std::string lib_version;
  };

  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, Entry> clients_;
};

// Facts about this process that do not depend on a connection.
struct ProcessFacts {
  std::string run_id;      // 40 hex digits, new at every start
  std::string executable;  // path of the running binary
  int64_t started_ms = 0;  // wall clock at start
};
const ProcessFacts& ThisProcess();
// Resident set size in bytes (0 when /proc is unavailable).
uint64_t ResidentBytes();

}  // namespace flod::server
