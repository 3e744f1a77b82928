// The RESP command table: every command flod answers on RESP, one row each. Columns:
// name, arity, flags, key positions {first, last, step}, group, syntax, summary, handler.

#include "flod/codec/resp/command_table.h"

#include <array>
#include <chrono>
#include <optional>

#include "command_docs.h"
#include "command_util.h"
#include "json_commands.h"
#include "kv_commands.h"
#include "queue_commands.h"
#include "server_commands.h"
#include "stream_commands.h"

namespace flod::codec::resp {
namespace {

using namespace command_flags;

constexpr uint32_t kRead = kReadOnly | kFast;
constexpr uint32_t kConn = kNoScript | kLoading | kStale | kFast;  // connection bookkeeping

constexpr KeyRange kNoKeys{0, 0, 0};
constexpr KeyRange kOneKey{1, 1, 1};
constexpr KeyRange kAllKeys{1, -1, 1};
constexpr KeyRange kKeyValuePairs{1, -1, 2};
constexpr KeyRange kSubcommandKey{2, 2, 1};  // XGROUP CREATE key ...
constexpr KeyRange kKeysThenTimeout{1, -2, 1};

constexpr std::string_view kUseFloTxn = "Flo KV transactions (txn begin/commit) through a Flo SDK";
constexpr std::string_view kUseCas = "compare-and-set (kv put with a version) through a Flo SDK";
constexpr std::string_view kUseActions = "Flo actions and workers";
constexpr std::string_view kUseStreams = "Flo streams (append, read, consumer groups)";
constexpr std::string_view kUseConfigFile = "flod.toml or command-line flags, then a restart";
constexpr std::string_view kUseTrim =
    "XTRIM MAXLEN or MINID (flod streams remove records only from the front)";

const std::array kCommands = std::to_array<CommandSpec>({
    // ---- Strings ----
    {"GET", 2, kRead, kOneKey, "string", "key", "Returns the string value of a key.",
     ViaOp(BuildGet, ReplyGet)},
    {"SET", -3, kWrite, kOneKey, "string",
     "key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]",
     "Sets the string value of a key, ignoring its type.", ViaOp(BuildSet, ReplySet)},
    {"MGET", -2, kRead, kAllKeys, "string", "key...",
     "Returns the string values of one or more keys.", ViaOp(BuildMget, ReplyMget)},
    {"MSET", -3, kWrite, kKeyValuePairs, "string", "(key value)...",
     "Sets the string values of one or more keys (not atomic across shards).",
     ViaOp(BuildMset, ReplyOk)},
    {"INCR", 2, kWrite | kFast, kOneKey, "string", "key",
     "Increments the integer value of a key by one.", ViaOp(BuildIncr, ReplyCounter)},
    {"INCRBY", 3, kWrite | kFast, kOneKey, "string", "key increment",
     "Increments the integer value of a key by a number.", ViaOp(BuildIncrBy, ReplyCounter)},
    {"DECR", 2, kWrite | kFast, kOneKey, "string", "key",
     "Decrements the integer value of a key by one.", ViaOp(BuildDecr, ReplyCounter)},
    {"DECRBY", 3, kWrite | kFast, kOneKey, "string", "key decrement",
     "Decrements a number from the integer value of a key.", ViaOp(BuildDecrBy, ReplyCounter)},

    // ---- Keys ----
    {"DEL", -2, kWrite, kAllKeys, "generic", "key...", "Deletes one or more keys.",
     ViaOp(BuildDel, ReplyDel)},
    {"EXISTS", -2, kRead, kAllKeys, "generic", "key...",
     "Determines whether one or more keys exist.", ViaOp(BuildExists, ReplyExists)},
    {"EXPIRE", -3, kWrite | kFast, kOneKey, "generic", "key seconds",
     "Sets the expiration time of a key in seconds.", ViaOp(BuildExpire, ReplyExpire)},
    {"PEXPIRE", -3, kWrite | kFast, kOneKey, "generic", "key milliseconds",
     "Sets the expiration time of a key in milliseconds.", ViaOp(BuildPexpire, ReplyExpire)},
    {"TTL", 2, kRead, kOneKey, "generic", "key", "Returns the expiration time in seconds of a key.",
     ViaOp(BuildKeyInfo, ReplyTtl)},
    {"PTTL", 2, kRead, kOneKey, "generic", "key",
     "Returns the expiration time in milliseconds of a key.", ViaOp(BuildKeyInfo, ReplyPttl)},
    {"PERSIST", 2, kWrite | kFast, kOneKey, "generic", "key",
     "Removes the expiration time of a key.", ViaOp(BuildPersist, ReplyPersist)},
    {"TYPE", 2, kRead, kOneKey, "generic", "key",
     "Determines the type of value stored at a key (string, ReJSON-RL, stream, list).",
     Flow(MakeType)},
    {"KEYS", 2, kReadOnly, kNoKeys, "generic", "pattern",
     "Returns all key names that match a pattern.", ViaOp(BuildKeys, ReplyKeys)},
    {"SCAN", -2, kReadOnly, kNoKeys, "generic", "cursor [MATCH pattern] [COUNT count] [TYPE type]",
     "Iterates over the key names in the database.", ViaOp(BuildScan, ReplyScan)},
    {"DBSIZE", 1, kRead, kNoKeys, "server", "", "Returns the number of keys in the database.",
     ViaOp(BuildDbSize, ReplyDbSize)},
    {"FLUSHDB", -1, kWrite, kNoKeys, "server", "[ASYNC|SYNC]",
     "Removes all keys from the database (flod's default namespace).",
     ViaOp(BuildFlushDb, ReplyOk)},
    {"FLUSHALL", -1, kWrite, kNoKeys, "server", "[ASYNC|SYNC]",
     "Removes all keys from every flod namespace.", ViaOp(BuildFlushAll, ReplyOk)},

    // ---- JSON documents (RedisJSON) ----
    {"JSON.GET", -2, kReadOnly, kOneKey, "json", "key [path]", "Gets the JSON value at a path.",
     ViaOp(BuildJsonGet, ReplyJsonGet)},
    {"JSON.SET", -4, kWrite, kOneKey, "json", "key path value [NX|XX]",
     "Sets the JSON value at a path.", ViaOp(BuildJsonSet, ReplyJsonSet)},
    {"JSON.DEL", -2, kWrite, kOneKey, "json", "key [path]", "Deletes the JSON value at a path.",
     ViaOp(BuildJsonDel, ReplyJsonDel)},
    {"JSON.FORGET", -2, kWrite, kOneKey, "json", "key [path]", "Deletes the JSON value at a path.",
     ViaOp(BuildJsonDel, ReplyJsonDel)},

    // ---- Streams ----
    {"XADD", -5, kWrite | kFast, kOneKey, "stream",
     "key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id (field value)...",
     "Appends a new entry to a stream.", ViaOp(BuildXadd, ReplyXadd)},
    {"XLEN", 2, kRead, kOneKey, "stream", "key", "Returns the number of entries in a stream.",
     ViaOp(BuildXlen, ReplyXlen)},
    {"XRANGE", -4, kReadOnly, kOneKey, "stream", "key start end [COUNT count]",
     "Returns the entries of a stream within a range of IDs.", Flow(MakeXrange)},
    {"XREVRANGE", -4, kReadOnly, kOneKey, "stream", "key end start [COUNT count]",
     "Returns the entries of a stream within a range of IDs, newest first.", Flow(MakeXrevrange)},
    {"XREAD", -4, kReadOnly | kBlocking, kNoKeys, "stream",
     "[COUNT count] [BLOCK milliseconds] STREAMS key... id...",
     "Returns entries from streams after the given IDs; BLOCK waits for new ones.",
     Flow(MakeXread)},
    {"XTRIM", -4, kWrite, kOneKey, "stream", "key MAXLEN|MINID [=|~] threshold [LIMIT count]",
     "Deletes entries from the beginning of a stream.", ViaOp(BuildXtrim, ReplyXtrim)},
    {"XDEL", -3, kWrite | kFast, kOneKey, "stream", "key id...",
     "Deletes entries from a stream (flod: only trimming removes entries).", Refused(kUseTrim)},
    {"XGROUP", -2, kParent, kNoKeys, "stream", "", "A container for consumer groups commands.", {}},
    {"XGROUP CREATE", -5, kWrite, kSubcommandKey, "stream",
     "key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]",
     "Creates a consumer group (no ack timeout, unlimited deliveries, as in Redis).",
     Flow(MakeXgroupCreate)},
    {"XGROUP CREATECONSUMER", 5, kWrite, kSubcommandKey, "stream", "key group consumer",
     "Creates a consumer in a consumer group.", Flow(MakeXgroupCreateConsumer)},
    {"XGROUP DELCONSUMER", 5, kWrite, kSubcommandKey, "stream", "key group consumer",
     "Deletes a consumer from a consumer group; its pending entries are forgotten.",
     ViaOp(BuildXgroupDelConsumer, ReplyGroupCount)},
    {"XGROUP DESTROY", 4, kWrite, kSubcommandKey, "stream", "key group",
     "Destroys a consumer group.", ViaOp(BuildXgroupDestroy, ReplyGroupCount)},
    {"XGROUP SETID", -5, kWrite, kSubcommandKey, "stream",
     "key group id|$ [ENTRIESREAD entries-read]", "Sets the last-delivered ID of a consumer group.",
     ViaOp(BuildXgroupSetId, ReplyGroupOk)},
    {"XGROUP HELP", 2, kLoading | kStale, kNoKeys, "stream", "",
     "Returns helpful text about the different subcommands.", Local(RunHelp)},
    {"XREADGROUP", -7, kWrite | kBlocking, kNoKeys, "stream",
     "GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key... id...",
     "Delivers entries of streams to a consumer of a group (> for new ones, an ID for its own "
     "pending ones); BLOCK waits for new ones.",
     Flow(MakeXreadgroup)},
    {"XACK", -4, kWrite | kFast, kOneKey, "stream", "key group id...",
     "Acknowledges entries of a consumer group's pending list.", ViaOp(BuildXack, ReplyXack)},
    {"XPENDING", -3, kReadOnly, kOneKey, "stream",
     "key group [[IDLE min-idle-time] start end count [consumer]]",
     "Returns the pending entries of a consumer group, or their summary.",
     ViaOp(BuildXpending, ReplyXpending)},
    {"XCLAIM", -6, kWrite | kFast, kOneKey, "stream",
     "key group consumer min-idle-time id... [JUSTID]",
     "Moves pending entries idle long enough to another consumer.",
     ViaOp(BuildXclaim, ReplyXclaim)},
    {"XAUTOCLAIM", -6, kWrite | kFast, kOneKey, "stream",
     "key group consumer min-idle-time start [COUNT count] [JUSTID]",
     "Moves pending entries idle long enough to another consumer, scanning from an ID.",
     ViaOp(BuildXautoclaim, ReplyXautoclaim)},
    {"XINFO",
     -2,
     kParent,
     kNoKeys,
     "stream",
     "",
     "A container for stream introspection commands.",
     {}},
    {"XINFO STREAM", -3, kReadOnly, kSubcommandKey, "stream", "key",
     "Returns information about a stream.", Flow(MakeXinfoStream)},
    {"XINFO GROUPS", 3, kReadOnly, kSubcommandKey, "stream", "key",
     "Returns the consumer groups of a stream.", ViaOp(BuildXinfoGroups, ReplyXinfoGroups)},
    {"XINFO CONSUMERS", 4, kReadOnly, kSubcommandKey, "stream", "key group",
     "Returns the consumers of a consumer group.", ViaOp(BuildXinfoConsumers, ReplyXinfoConsumers)},
    {"XINFO HELP", 2, kLoading | kStale, kNoKeys, "stream", "",
     "Returns helpful text about the different subcommands.", Local(RunHelp)},

    // ---- Lists: Flo queues (a pop leases the message) ----
    {"LPUSH", -3, kWrite | kFast, kOneKey, "list", "key element...",
     "Enqueues messages on a queue; answers its number of ready messages.",
     ViaOp(BuildLpush, ReplyLpush)},
    {"RPOP", -2, kWrite | kFast, kOneKey, "list", "key [count]",
     "Dequeues (leases) the oldest ready messages of a queue.", ViaOp(BuildRpop, ReplyRpop)},
    {"BRPOP", -3, kWrite | kBlocking, kKeysThenTimeout, "list", "key... timeout",
     "Dequeues (leases) a message from the first queue that has one, waiting when all are "
     "empty (timeout in seconds, 0 = forever).",
     Flow(MakeBrpop)},
    {"LLEN", 2, kRead, kOneKey, "list", "key", "Returns the number of ready messages of a queue.",
     ViaOp(BuildLlen, ReplyLlen)},

    // ---- Flo queues: the rest of the lease cycle ----
    {"QPOP", -2, kWrite | kBlocking, kOneKey, "queue",
     "key [COUNT count] [VISIBILITY milliseconds] [BLOCK milliseconds]",
     "Leases ready messages; answers [seq, payload, deliveries] for each (BLOCK 0 = forever).",
     Flow(MakeQpop)},
    {"QACK", -2, kWrite | kFast, kOneKey, "queue", "key [seq...]",
     "Acknowledges (removes) leased messages; no seqs = this connection's last pop of the queue.",
     ViaOp(BuildQack, ReplyQueueCount)},
    {"QNACK", -2, kWrite | kFast, kOneKey, "queue", "key [seq...] [DLQ] [DELAY milliseconds]",
     "Returns leased messages to the queue, or to its dead-letter queue.",
     ViaOp(BuildQnack, ReplyQueueCount)},
    {"QTOUCH", -2, kWrite | kFast, kOneKey, "queue", "key [seq...] [VISIBILITY milliseconds]",
     "Extends the leases of messages.", ViaOp(BuildQtouch, ReplyQueueCount)},
    {"QPEEK", -2, kRead, kOneKey, "queue", "key [COUNT count]",
     "Returns ready messages without leasing them.", ViaOp(BuildQpeek, ReplyQueueMessages)},
    {"QDLQ", -2, kReadOnly, kOneKey, "queue", "key [LIMIT count]",
     "Returns the messages of a queue's dead-letter queue, oldest first.",
     ViaOp(BuildQdlq, ReplyQueueMessages)},
    {"QREQUEUE", -3, kWrite, kOneKey, "queue", "key seq...",
     "Moves dead-lettered messages back to the queue.", ViaOp(BuildQrequeue, ReplyQueueCount)},
    {"QDLQDEL", -3, kWrite, kOneKey, "queue", "key seq...", "Deletes dead-lettered messages.",
     ViaOp(BuildQdlqdel, ReplyQueueCount)},
    {"QSTATS", 2, kRead, kOneKey, "queue", "key",
     "Returns a queue's counts (ready, in flight, delayed, dead-lettered, totals).",
     ViaOp(BuildQstats, ReplyQstats)},
    {"QPURGE", 2, kWrite, kOneKey, "queue", "key",
     "Removes every ready and delayed message of a queue.", ViaOp(BuildQpurge, ReplyQueueCount)},
    {"QLIST", 1, kReadOnly, kNoKeys, "queue", "", "Lists the queues of the default namespace.",
     ViaOp(BuildQlist, ReplyQlist)},

    // ---- Connection ----
    {"PING", -1, kFast | kStale | kLoading, kNoKeys, "connection", "[message]",
     "Returns the server's liveliness response.", ViaOp(BuildPing, ReplyPing)},
    {"ECHO", 2, kFast, kNoKeys, "connection", "message", "Returns the given string.",
     Local(RunEcho)},
    {"QUIT", -1, kConn, kNoKeys, "connection", "", "Closes the connection.", Local(RunQuit)},
    {"SELECT", 2, kConn, kNoKeys, "connection", "index",
     "Changes the selected database (flod has database 0 only).", Local(RunSelect)},
    {"HELLO", -1, kConn, kNoKeys, "connection",
     "[protover [AUTH username password] [SETNAME clientname]]",
     "Handshakes with the server (RESP2 only: protocol 3 answers NOPROTO).", Local(RunHello)},
    {"AUTH", -2, kConn, kNoKeys, "connection", "[username] password",
     "Authenticates the connection.", Local(RunAuth)},
    {"CLIENT",
     -2,
     kParent,
     kNoKeys,
     "connection",
     "",
     "A container for client connection commands.",
     {}},
    {"CLIENT SETNAME", 3, kConn, kNoKeys, "connection", "connection-name",
     "Sets the connection name.", Local(RunClientSetName)},
    {"CLIENT GETNAME", 2, kConn, kNoKeys, "connection", "", "Returns the name of the connection.",
     Local(RunClientGetName)},
    {"CLIENT ID", 2, kConn, kNoKeys, "connection", "",
     "Returns the unique client ID of the connection.", Local(RunClientId)},
    {"CLIENT SETINFO", 4, kConn, kNoKeys, "connection", "LIB-NAME libname|LIB-VER libver",
     "Sets information specific to the client or connection.", Local(RunClientSetInfo)},
    {"CLIENT LIST", -2, kAdmin | kNoScript | kLoading | kStale, kNoKeys, "connection",
     "[TYPE type] [ID id...]", "Lists open connections.", Local(RunClientList)},
    {"CLIENT INFO", 2, kConn, kNoKeys, "connection", "",
     "Returns information about the connection.", Local(RunClientInfo)},
    {"CLIENT HELP", 2, kConn, kNoKeys, "connection", "",
     "Returns helpful text about the different subcommands.", Local(RunHelp)},

    // ---- Server ----
    {"COMMAND", -1, kParent | kLoading | kStale, kNoKeys, "server", "",
     "Returns detailed information about all commands.", Local(RunCommand)},
    {"COMMAND COUNT", 2, kLoading | kStale, kNoKeys, "server", "", "Returns a count of commands.",
     Local(RunCommandCount)},
    {"COMMAND DOCS", -2, kLoading | kStale, kNoKeys, "server", "[command-name...]",
     "Returns documentary information about one, multiple or all commands.", Local(RunCommandDocs)},
    {"COMMAND INFO", -2, kLoading | kStale, kNoKeys, "server", "[command-name...]",
     "Returns information about one, multiple or all commands.", Local(RunCommandInfo)},
    {"COMMAND LIST", -2, kLoading | kStale, kNoKeys, "server", "",
     "Returns a list of command names.", Local(RunCommandList)},
    {"COMMAND HELP", 2, kLoading | kStale, kNoKeys, "server", "",
     "Returns helpful text about the different subcommands.", Local(RunHelp)},
    {"CONFIG",
     -2,
     kParent,
     kNoKeys,
     "server",
     "",
     "A container for server configuration commands.",
     {}},
    {"CONFIG GET", -3, kAdmin | kNoScript | kLoading | kStale, kNoKeys, "server", "parameter...",
     "Returns the effective values of configuration parameters.", Local(RunConfigGet)},
    {"CONFIG SET", -4, kAdmin | kNoScript | kLoading | kStale, kNoKeys, "server",
     "(parameter value)...", "Sets configuration parameters in-flight.", Refused(kUseConfigFile)},
    {"CONFIG RESETSTAT", 2, kAdmin | kNoScript | kLoading | kStale, kNoKeys, "server", "",
     "Resets the server's statistics.", Refused(kUseConfigFile)},
    {"CONFIG REWRITE", 2, kAdmin | kNoScript | kLoading | kStale, kNoKeys, "server", "",
     "Persists the effective configuration to file.", Refused(kUseConfigFile)},
    {"CONFIG HELP", 2, kLoading | kStale, kNoKeys, "server", "",
     "Returns helpful text about the different subcommands.", Local(RunHelp)},
    {"INFO", -1, kLoading | kStale, kNoKeys, "server", "[section...]",
     "Returns information and statistics about the server.", ViaOp(BuildInfo, ReplyInfo)},
    {"TIME", 1, kFast | kLoading | kStale, kNoKeys, "server", "", "Returns the server time.",
     Local(RunTime)},

    // ---- Redis features flod answers with its own (the connection stays open) ----
    {"MULTI", -1, kNoScript, kNoKeys, "transactions", "", "Starts a transaction.",
     Refused(kUseFloTxn)},
    {"EXEC", -1, kNoScript, kNoKeys, "transactions", "", "Executes a transaction.",
     Refused(kUseFloTxn)},
    {"DISCARD", -1, kNoScript, kNoKeys, "transactions", "", "Discards a transaction.",
     Refused(kUseFloTxn)},
    {"WATCH", -1, kNoScript, kNoKeys, "transactions", "key...", "Monitors changes to keys.",
     Refused(kUseCas)},
    {"UNWATCH", -1, kNoScript, kNoKeys, "transactions", "", "Forgets watched keys.",
     Refused(kUseCas)},
    {"EVAL", -1, kNoScript, kNoKeys, "scripting", "script numkeys [key...] [arg...]",
     "Executes a server-side Lua script.", Refused(kUseActions)},
    {"EVALSHA", -1, kNoScript, kNoKeys, "scripting", "sha1 numkeys [key...] [arg...]",
     "Executes a server-side Lua script by SHA1 digest.", Refused(kUseActions)},
    {"EVAL_RO", -1, kNoScript, kNoKeys, "scripting", "script numkeys [key...] [arg...]",
     "Executes a read-only server-side Lua script.", Refused(kUseActions)},
    {"EVALSHA_RO", -1, kNoScript, kNoKeys, "scripting", "sha1 numkeys [key...] [arg...]",
     "Executes a read-only server-side Lua script by SHA1 digest.", Refused(kUseActions)},
    {"SCRIPT", -1, kNoScript, kNoKeys, "scripting", "", "Manages the server-side Lua script cache.",
     Refused(kUseActions)},
    {"FUNCTION", -1, kNoScript, kNoKeys, "scripting", "", "Manages server-side functions.",
     Refused(kUseActions)},
    {"FCALL", -1, kNoScript, kNoKeys, "scripting", "function numkeys [key...] [arg...]",
     "Invokes a function.", Refused(kUseActions)},
    {"FCALL_RO", -1, kNoScript, kNoKeys, "scripting", "function numkeys [key...] [arg...]",
     "Invokes a read-only function.", Refused(kUseActions)},
    {"SUBSCRIBE", -1, kNoScript, kNoKeys, "pubsub", "channel...",
     "Listens for messages published to channels.", Refused(kUseStreams)},
    {"PSUBSCRIBE", -1, kNoScript, kNoKeys, "pubsub", "pattern...",
     "Listens for messages published to channels that match patterns.", Refused(kUseStreams)},
    {"SSUBSCRIBE", -1, kNoScript, kNoKeys, "pubsub", "shardchannel...",
     "Listens for messages published to shard channels.", Refused(kUseStreams)},
    {"UNSUBSCRIBE", -1, kNoScript, kNoKeys, "pubsub", "[channel...]",
     "Stops listening to messages posted to channels.", Refused(kUseStreams)},
    {"PUNSUBSCRIBE", -1, kNoScript, kNoKeys, "pubsub", "[pattern...]",
     "Stops listening to messages published to channels that match patterns.",
     Refused(kUseStreams)},
    {"PUBLISH", -1, kNoScript, kNoKeys, "pubsub", "channel message",
     "Posts a message to a channel.", Refused(kUseStreams)},
});

// Lower-cases `name` into `buffer` after `offset` bytes already there; nullopt when it is too
// long to be any command's name.
std::optional<std::string_view> LowerInto(std::string_view name, std::array<char, 64>& buffer,
                                          size_t offset = 0) {
  if (offset + name.size() > buffer.size()) return std::nullopt;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    buffer[offset + i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return std::string_view(buffer.data(), offset + name.size());
}

}  // namespace

int64_t CommandHost::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

CommandTable::CommandTable(std::span<const CommandSpec> rows) : rows_(rows) {
  for (const CommandSpec& spec : rows_) by_name_.emplace(ToLower(spec.name), &spec);
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  std::array<char, 64> buffer;
  const std::optional<std::string_view> lower = LowerInto(name, buffer);
  if (!lower || lower->find(' ') != std::string_view::npos) return nullptr;
  const auto it = by_name_.find(*lower);
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& parent,
                                                std::string_view name) const {
  std::array<char, 64> buffer;
  const std::optional<std::string_view> prefix = LowerInto(parent.name, buffer);
  if (!prefix || prefix->size() + 1 >= buffer.size()) return nullptr;
  buffer[prefix->size()] = ' ';
  const std::optional<std::string_view> full = LowerInto(name, buffer, prefix->size() + 1);
  if (!full) return nullptr;
  const auto it = by_name_.find(*full);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<const CommandSpec*> CommandTable::SubcommandsOf(const CommandSpec& parent) const {
  std::vector<const CommandSpec*> subcommands;
  if ((parent.flags & kParent) == 0) return subcommands;
  for (const CommandSpec& spec : rows_) {
    if (spec.name.size() > parent.name.size() && spec.name.starts_with(parent.name) &&
        spec.name[parent.name.size()] == ' ') {
      subcommands.push_back(&spec);
    }
  }
  return subcommands;
}

const CommandTable& DefaultCommandTable() {
  static const CommandTable table(kCommands);
  return table;
}

std::string FullName(const CommandSpec& spec) {
  std::string name = ToLower(spec.name);
  for (char& c : name) {
    if (c == ' ') c = '|';
  }
  return name;
}

}  // namespace flod::codec::resp
