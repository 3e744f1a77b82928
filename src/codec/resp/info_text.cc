#include "info_text.h"

#include <array>
#include <cstdio>
#include <vector>

#include "command_util.h"

namespace flod::codec::resp {
namespace {

class InfoBuilder {
 public:
  void Section(std::string_view title) {
    if (!text_.empty()) text_ += "\r\n";
    text_ += "# ";
    text_ += title;
    text_ += "\r\n";
  }
  void Field(std::string_view name, std::string_view value) {
    text_ += name;
    text_ += ':';
    text_ += value;
    text_ += "\r\n";
  }
  void Field(std::string_view name, int64_t value) { Field(name, DecimalText(value)); }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

std::string Human(uint64_t bytes) {
  constexpr std::array<const char*, 5> kUnits = {"B", "K", "M", "G", "T"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), unit == 0 ? "%.0f%s" : "%.2f%s", value, kUnits[unit]);
  return buffer;
}

int64_t I64(uint64_t value) { return static_cast<int64_t>(value); }

void Server(const ServerFacts& f, InfoBuilder& out) {
  out.Section("Server");
  out.Field("redis_version", kRedisCompatVersion);
  out.Field("redis_mode", "standalone");
  out.Field("os", "Linux");
  out.Field("arch_bits", 64);
  out.Field("multiplexing_api", "epoll");
  out.Field("process_id", f.process_id);
  out.Field("run_id", f.run_id);
  out.Field("tcp_port", f.tcp_port);
  out.Field("server_time_usec", f.now_us);
  out.Field("uptime_in_seconds", f.uptime_s);
  out.Field("uptime_in_days", f.uptime_s / 86'400);
  out.Field("executable", f.executable);
  out.Field("config_file", f.config_file);
  out.Field("flod_version", f.flod_version);
  out.Field("flod_shards", f.shards);
}

void Clients(const ServerFacts& f, InfoBuilder& out) {
  out.Section("Clients");
  out.Field("connected_clients", f.connected_clients);
  out.Field("maxclients", f.max_clients);
  out.Field("blocked_clients", 0);
}

void Memory(const ServerFacts& f, InfoBuilder& out) {
  out.Section("Memory");
  out.Field("used_memory", I64(f.used_memory_bytes));
  out.Field("used_memory_human", Human(f.used_memory_bytes));
  out.Field("used_memory_rss", I64(f.used_memory_bytes));
  out.Field("used_memory_rss_human", Human(f.used_memory_bytes));
  out.Field("maxmemory", 0);
  out.Field("maxmemory_human", "0B");
  out.Field("maxmemory_policy", "noeviction");
  out.Field("mem_allocator", "libc");
}

// flod has no RDB snapshots in Redis's sense: its write-ahead log is the closest thing to an
// AOF, so aof_enabled says whether writes are logged.
void Persistence(const ServerFacts& f, InfoBuilder& out) {
  out.Section("Persistence");
  out.Field("loading", 0);
  out.Field("async_loading", 0);
  out.Field("rdb_changes_since_last_save", 0);
  out.Field("rdb_bgsave_in_progress", 0);
  out.Field("rdb_last_save_time", f.now_us / 1'000'000);
  out.Field("rdb_last_bgsave_status", "ok");
  out.Field("aof_enabled", f.durability == "ephemeral" ? 0 : 1);
  out.Field("aof_rewrite_in_progress", 0);
  out.Field("aof_rewrite_scheduled", 0);
  out.Field("aof_last_write_status", "ok");
  out.Field("flod_durability", f.durability);
  out.Field("flod_data_dir", f.data_dir);
}

void Stats(const ServerFacts& f, InfoBuilder& out) {
  out.Section("Stats");
  out.Field("total_connections_received", I64(f.total_connections));
  out.Field("total_commands_processed", I64(f.total_commands));
  out.Field("rejected_connections", 0);
  out.Field("pubsub_channels", 0);
  out.Field("pubsub_patterns", 0);
}

void Replication(InfoBuilder& out) {
  out.Section("Replication");
  out.Field("role", "master");
  out.Field("connected_slaves", 0);
  out.Field("master_repl_offset", 0);
}

void Keyspace(const KeyspaceBody& keyspace, InfoBuilder& out) {
  out.Section("Keyspace");
  if (keyspace.keys == 0) return;  // Redis lists only databases that hold keys
  out.Field("db0", "keys=" + DecimalText(I64(keyspace.keys)) +
                       ",expires=" + DecimalText(I64(keyspace.expires)) + ",avg_ttl=0");
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(ToLower(text.substr(start, i - start)));
  }
  return words;
}

}  // namespace

std::string InfoText(const ServerFacts& facts, const KeyspaceBody& keyspace,
                     std::string_view sections) {
  std::vector<std::string> wanted = Words(sections);
  auto wants = [&wanted](std::string_view name) {
    if (wanted.empty()) return true;
    for (const std::string& w : wanted) {
      if (w == name || w == "default" || w == "all" || w == "everything") return true;
    }
    return false;
  };
  InfoBuilder out;
  if (wants("server")) Server(facts, out);
  if (wants("clients")) Clients(facts, out);
  if (wants("memory")) Memory(facts, out);
  if (wants("persistence")) Persistence(facts, out);
  if (wants("stats")) Stats(facts, out);
  if (wants("replication")) Replication(out);
  if (wants("keyspace")) Keyspace(keyspace, out);
  return out.Take();
}

}  // namespace flod::codec::resp
