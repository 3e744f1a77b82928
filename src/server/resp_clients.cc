#include "resp_clients.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

namespace flod::server {
namespace {

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ProcessFacts MakeProcessFacts() {
  ProcessFacts facts;
  std::random_device random;
  constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) facts.run_id.push_back(kHex[random() % 16]);
  std::error_code ignored;
  facts.executable = std::filesystem::read_symlink("/proc/self/exe", ignored).string();
  facts.started_ms = WallMs();
  return facts;
}

// Taken during static initialisation, so uptime counts from process start.
const ProcessFacts kThisProcess = MakeProcessFacts();

}  // namespace

RespClients& RespClients::Instance() {
  static RespClients registry;
  return registry;
}

std::shared_ptr<RespClients::Record> RespClients::Add(uint64_t id, std::string addr,
                                                      std::string laddr, int64_t now_ms) {
  auto record = std::make_shared<Record>();
  record->id = id;
  record->addr = std::move(addr);
  record->laddr = std::move(laddr);
  record->connected_ms = now_ms;
  record->last_active_ms = now_ms;
  ++total_connections;
  std::lock_guard lock(mutex_);
  clients_[id] = Entry{record, {}, {}, {}};
  return record;
}

void RespClients::Remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  clients_.erase(id);
}

void RespClients::Rename(uint64_t id, const codec::resp::ClientState& client) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  it->second.name = client.name;
  it->second.lib_name = client.lib_name;
  it->second.lib_version = client.lib_version;
}

std::vector<codec::resp::ClientInfo> RespClients::List(int64_t now_ms) const {
  std::vector<codec::resp::ClientInfo> out;
  std::lock_guard lock(mutex_);
  out.reserve(clients_.size());
  for (const auto& [id, entry] : clients_) {
    const Record& r = *entry.record;
    const codec::resp::CommandSpec* last = r.last_command.load(std::memory_order_relaxed);
    out.push_back(codec::resp::ClientInfo{
        .id = id,
        .addr = r.addr,
        .laddr = r.laddr,
        .name = entry.name,
        .lib_name = entry.lib_name,
        .lib_version = entry.lib_version,
        .age_s = (now_ms - r.connected_ms) / 1000,
        .idle_s = (now_ms - r.last_active_ms.load(std::memory_order_relaxed)) / 1000,
        .last_command = last == nullptr ? std::string() : codec::resp::FullName(*last)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

const ProcessFacts& ThisProcess() { return kThisProcess; }

uint64_t ResidentBytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const int read = std::fscanf(statm, "%llu %llu", &size, &resident);
  std::fclose(statm);
  if (read != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace flod::server
