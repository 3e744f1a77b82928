#pragma once
// The RESP command table: one row per command (and per subcommand, named "CLIENT SETNAME").
// A row gives what Redis's COMMAND reports (arity, flags, key positions, docs) and how the
// command runs, in one of four ways:
//   - local:   answered on the connection from its own state (PING's friends: CLIENT, HELLO,
//              SELECT, ECHO, COMMAND, CONFIG, TIME, QUIT); no Op, no shard hop;
//   - op:      `build` turns the arguments into a Request (or writes an argument error) and
//              `reply` turns the Result into RESP; the Request runs on its owner shard(s);
//   - refused: a Redis feature flod does not serve; the row names the Flo alternative;
//   - flow:    several requests, or requests that depend on earlier answers (command_flow.h).
// Adding a command is one row in command_table.cc plus its build/reply functions.
//
// Arity follows Redis: n > 0 means exactly n arguments counting the name, -n at least n.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flod/codec/resp/resp_writer.h"
#include "flod/codec/resp/scan_cursors.h"
#include "flod/core/request.h"
#include "flod/core/result.h"

namespace flod::codec::resp {

using Args = std::span<const std::string_view>;  // args[0] is the command name as sent

namespace command_flags {
inline constexpr uint32_t kWrite = 1u << 0;     // changes data
inline constexpr uint32_t kReadOnly = 1u << 1;  // reads data
inline constexpr uint32_t kFast = 1u << 2;      // constant or logarithmic time
inline constexpr uint32_t kAdmin = 1u << 3;
inline constexpr uint32_t kNoScript = 1u << 4;
inline constexpr uint32_t kLoading = 1u << 5;  // served while the server loads
inline constexpr uint32_t kStale = 1u << 6;
inline constexpr uint32_t kBlocking = 1u << 7;  // may wait for data: holds its connection
inline constexpr uint32_t kParent = 1u << 8;    // has subcommands
}  // namespace command_flags

struct KeyRange {
  int first = 0;  // position of the first key argument, 0 = none
  int last = 0;   // of the last one; -1 = the last argument
  int step = 0;
};

// What a connection knows about its client. Owned by the connection's RespProcessor.
struct ClientState {
  uint64_t id = 0;
  std::string name;
  std::string lib_name;
  std::string lib_version;
  bool close_after_reply = false;  // QUIT
  ScanCursors cursors;
  // Queue name → seqs leased by this connection's last RPOP/BRPOP/QPOP of it, so QACK and
  // QNACK without seqs settle what RPOP answered without showing seqs. Bounded by the
  // command family (queue_commands.cc).
  std::unordered_map<std::string, std::vector<uint64_t>> last_leased;
};

// One connection as CLIENT LIST shows it.
struct ClientInfo {
  uint64_t id = 0;
  std::string addr;
  std::string laddr;
  std::string name;
  std::string lib_name;
  std::string lib_version;
  int64_t age_s = 0;
  int64_t idle_s = 0;
  std::string last_command;  // lower case, "client|list"; empty before the first command
};

// What INFO, HELLO, CONFIG GET and TIME report about the server. The views stay valid
// while the reply is being built.
struct ServerFacts {
  std::string_view flod_version;
  std::string_view run_id;
  std::string_view executable;
  std::string_view config_file;
  std::string_view data_dir;
  std::string_view durability;  // sync | async_flush | ephemeral
  uint16_t tcp_port = 0;
  uint32_t shards = 0;
  int64_t process_id = 0;
  int64_t now_us = 0;  // wall clock
  int64_t uptime_s = 0;
  uint32_t connected_clients = 0;
  uint32_t max_clients = 0;
  uint64_t total_connections = 0;
  uint64_t total_commands = 0;
  uint64_t used_memory_bytes = 0;  // resident set
  uint64_t max_bulk_bytes = 0;
};

// The server side of a RESP connection, as commands see it.
class CommandHost {
 public:
  virtual ~CommandHost() = default;
  virtual ServerFacts Facts() const = 0;
  virtual std::vector<ClientInfo> Clients() const = 0;
  // The client's name or library changed (CLIENT LIST shows it from now on).
  virtual void ClientChanged(const ClientState& client) = 0;
  // Monotonic milliseconds for the deadlines of blocking commands (default: steady_clock;
  // tests give a manual clock).
  virtual int64_t NowMs() const;
};

struct CommandContext {
  ClientState& client;
  CommandHost& host;
};

// What a reply needs to remember from the arguments (JSON path style, PING's message...).
struct ReplyNote {
  uint32_t mode = 0;
  std::string text;
};

struct BuiltCommand {
  // The host's next request, filled in place. It may still hold an earlier command's
  // values: a builder starts it over first (Request::Restart, StartTypedRequest).
  Request& request;
  ReplyNote note;
};

// Writes the whole answer.
using LocalFn = void (*)(CommandContext& context, Args args, RespWriter& out);
// Fills `built`, or writes an error reply and returns false.
using BuildFn = bool (*)(CommandContext& context, Args args, BuiltCommand& built, RespWriter& out);
// Writes the answer for the Result of the built Request (on the connection's thread).
using ReplyFn = void (*)(CommandContext& context, const ReplyNote& note, Result& result,
                         RespWriter& out);
class CommandFlow;
// Makes the command's flow, or writes an argument error and returns nullptr.
using FlowFn = std::unique_ptr<CommandFlow> (*)(CommandContext& context, Args args,
                                                RespWriter& out);

struct CommandHandler {
  LocalFn local = nullptr;
  BuildFn build = nullptr;
  ReplyFn reply = nullptr;
  std::string_view refusal;  // refused commands: what to use instead
  FlowFn flow = nullptr;
};

constexpr CommandHandler Local(LocalFn fn) { return {fn, nullptr, nullptr, {}, nullptr}; }
constexpr CommandHandler ViaOp(BuildFn build, ReplyFn reply) {
  return {nullptr, build, reply, {}, nullptr};
}
constexpr CommandHandler Refused(std::string_view instead) {
  return {nullptr, nullptr, nullptr, instead, nullptr};
}
constexpr CommandHandler Flow(FlowFn fn) { return {nullptr, nullptr, nullptr, {}, fn}; }

struct CommandSpec {
  std::string_view name;  // upper case; a subcommand is "PARENT SUB"
  int arity = 0;
  uint32_t flags = 0;
  KeyRange keys;
  std::string_view group;   // Redis's command group: string, generic, connection, server...
  std::string_view syntax;  // arguments after the name, e.g. "key [NX|XX]" (see command_docs)
  std::string_view summary;
  CommandHandler handler;

  bool is_subcommand() const { return name.find(' ') != std::string_view::npos; }
};

// Finds rows by name in any case. The processor runs the default table; tests may give it
// a table of their own rows.
class CommandTable {
 public:
  // `rows` must outlive the table.
  explicit CommandTable(std::span<const CommandSpec> rows);
  CommandTable(const CommandTable&) = delete;
  CommandTable& operator=(const CommandTable&) = delete;

  std::span<const CommandSpec> rows() const { return rows_; }
  // A command (not a subcommand); nullptr when unknown.
  const CommandSpec* Find(std::string_view name) const;
  // A subcommand of `parent`; nullptr when unknown.
  const CommandSpec* FindSubcommand(const CommandSpec& parent, std::string_view name) const;
  // The subcommands of `parent`, in table order.
  std::vector<const CommandSpec*> SubcommandsOf(const CommandSpec& parent) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };

  std::span<const CommandSpec> rows_;
  std::unordered_map<std::string, const CommandSpec*, NameHash, std::equal_to<>> by_name_;
};

// Every command flod answers on RESP (command_table.cc).
const CommandTable& DefaultCommandTable();

// Shorthands for the default table.
inline std::span<const CommandSpec> AllCommands() { return DefaultCommandTable().rows(); }
inline const CommandSpec* FindCommand(std::string_view name) {
  return DefaultCommandTable().Find(name);
}
inline const CommandSpec* FindSubcommand(const CommandSpec& parent, std::string_view name) {
  return DefaultCommandTable().FindSubcommand(parent, name);
}
inline std::vector<const CommandSpec*> SubcommandsOf(const CommandSpec& parent) {
  return DefaultCommandTable().SubcommandsOf(parent);
}

// The name Redis shows in COMMAND and in errors: "get", "client|setname".
std::string FullName(const CommandSpec& spec);

}  // namespace flod::codec::resp
