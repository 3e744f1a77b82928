#include "server_commands.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "command_util.h"
#include "flod/core/glob.h"
#include "info_text.h"

namespace flod::codec::resp {
namespace {

constexpr uint32_t kPingWithMessage = 1;

// Redis refuses names it could not print in CLIENT LIST.
bool IsPrintableName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

std::string ClientLine(const ClientInfo& c) {
  std::string line =
      "id=" + DecimalText(static_cast<int64_t>(c.id)) + " addr=" + c.addr + " laddr=" + c.laddr +
      " fd=-1 name=" + c.name + " age=" + DecimalText(c.age_s) + " idle=" + DecimalText(c.idle_s) +
      " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0"
      " multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=" +
      (c.last_command.empty() ? std::string("NULL") : c.last_command) +
      " user=default redir=-1 resp=2 lib-name=" + c.lib_name + " lib-ver=" + c.lib_version + "\n";
  return line;
}

// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id ...]: false after a syntax error.
bool FilterClients(Args args, std::vector<ClientInfo>& clients, RespWriter& out) {
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "TYPE") && i + 1 < args.size()) {
      const std::string_view type = args[++i];
      if (!EqualsIgnoreCase(type, "normal")) clients.clear();  // flod has no replicas or pubsub
      continue;
    }
    if (EqualsIgnoreCase(args[i], "ID") && i + 1 < args.size()) {
      std::vector<uint64_t> ids;
      while (++i < args.size()) {
        const std::optional<int64_t> id = ParseInteger(args[i]);
        if (!id || *id <= 0) {
          out.Error("ERR Invalid client ID");
          return false;
        }
        ids.push_back(static_cast<uint64_t>(*id));
      }
      std::erase_if(clients, [&ids](const ClientInfo& c) {
        return std::find(ids.begin(), ids.end(), c.id) == ids.end();
      });
      continue;
    }
    out.Error(kErrSyntax);
    return false;
  }
  return true;
}

// A RESP2 map: alternating keys and values in one array.
void HelloReply(const ClientState& client, RespWriter& out) {
  out.Array(14);
  out.Bulk("server");
  out.Bulk("redis");
  out.Bulk("version");
  out.Bulk(kRedisCompatVersion);
  out.Bulk("proto");
  out.Integer(2);
  out.Bulk("id");
  out.Integer(static_cast<int64_t>(client.id));
  out.Bulk("mode");
  out.Bulk("standalone");
  out.Bulk("role");
  out.Bulk("master");
  out.Bulk("modules");
  out.Array(0);
}

// CONFIG GET answers these; values that depend on the running server come from its facts.
std::vector<std::pair<std::string, std::string>> ConfigValues(const ServerFacts& f) {
  const std::string fsync = f.durability == "sync"          ? "always"
                            : f.durability == "async_flush" ? "everysec"
                                                            : "no";
  return {
      {"appendfsync", fsync},
      {"appendonly", f.durability == "ephemeral" ? "no" : "yes"},
      {"cluster-enabled", "no"},
      {"databases", "1"},
      {"dir", std::string(f.data_dir)},
      {"maxclients", DecimalText(f.max_clients)},
      {"maxmemory", "0"},
      {"maxmemory-policy", "noeviction"},
      {"notify-keyspace-events", ""},
      {"port", DecimalText(f.tcp_port)},
      {"proto-max-bulk-len", DecimalText(static_cast<int64_t>(f.max_bulk_bytes))},
      {"save", ""},
      {"timeout", "0"},
  };
}

}  // namespace

bool BuildPing(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  if (args.size() > 2) {
    out.Error("ERR wrong number of arguments for 'ping' command");
    return false;
  }
  built.request.Restart(Op::kPing, {});
  if (args.size() == 2) {
    built.note.mode = kPingWithMessage;
    built.note.text.assign(args[1].data(), args[1].size());
  }
  return true;
}

void ReplyPing(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (!result.ok()) return WriteError(result, out);
  if (note.mode == kPingWithMessage) return out.Bulk(note.text);
  out.Simple("PONG");
}

bool BuildInfo(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kKvCount, {});
  for (size_t i = 1; i < args.size(); ++i) {
    built.note.text.append(args[i].data(), args[i].size());
    built.note.text.push_back(' ');
  }
  return true;
}

void ReplyInfo(CommandContext& context, const ReplyNote& note, Result& result, RespWriter& out) {
  const auto* keyspace = std::get_if<KeyspaceBody>(&result.body);
  if (!result.ok() || keyspace == nullptr) return WriteError(result, out);
  out.Bulk(InfoText(context.host.Facts(), *keyspace, note.text));
}

void RunEcho(CommandContext&, Args args, RespWriter& out) { out.Bulk(args[1]); }

void RunQuit(CommandContext& context, Args, RespWriter& out) {
  context.client.close_after_reply = true;
  out.Simple("OK");
}

void RunSelect(CommandContext&, Args args, RespWriter& out) {
  const std::optional<int64_t> index = ParseInteger(args[1]);
  if (!index) return out.Error(kErrNotInteger);
  if (*index != 0) {
    return out.Error(
        "ERR DB index is out of range: flod serves database 0 only (use Flo namespaces to "
        "separate data)");
  }
  out.Simple("OK");
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]. Protocol 3 is refused with
// NOPROTO, which tells clients to stay on RESP2.
void RunHello(CommandContext& context, Args args, RespWriter& out) {
  if (args.size() >= 2) {
    const std::optional<int64_t> version = ParseInteger(args[1]);
    if (!version) return out.Error("ERR Protocol version is not an integer or out of range");
    if (*version != 2) return out.Error("NOPROTO sorry, this protocol version is not supported");
  }
  std::optional<std::string_view> name;
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "AUTH") && i + 2 < args.size()) {
      // flod has no users yet: only Redis's password-less default user exists.
      if (args[i + 1] != "default") {
        return out.Error("WRONGPASS invalid username-password pair or user is disabled.");
      }
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "SETNAME") && i + 1 < args.size()) {
      name = args[++i];
      if (!IsPrintableName(*name)) {
        return out.Error("ERR Client names cannot contain spaces, newlines or special characters.");
      }
    } else {
      return out.Error("ERR Syntax error in HELLO option '" + std::string(args[i]) + "'");
    }
  }
  if (name) {
    context.client.name.assign(name->data(), name->size());
    context.host.ClientChanged(context.client);
  }
  HelloReply(context.client, out);
}

void RunAuth(CommandContext&, Args, RespWriter& out) {
  out.Error(
      "ERR AUTH <password> called without any password configured for the default user. Are "
      "you sure your configuration is correct?");
}

void RunTime(CommandContext& context, Args, RespWriter& out) {
  const int64_t now_us = context.host.Facts().now_us;
  out.Array(2);
  out.Bulk(DecimalText(now_us / 1'000'000));
  out.Bulk(DecimalText(now_us % 1'000'000));
}

void RunClientSetName(CommandContext& context, Args args, RespWriter& out) {
  if (!IsPrintableName(args[2])) {
    return out.Error("ERR Client names cannot contain spaces, newlines or special characters.");
  }
  context.client.name.assign(args[2].data(), args[2].size());
  context.host.ClientChanged(context.client);
  out.Simple("OK");
}

void RunClientGetName(CommandContext& context, Args, RespWriter& out) {
  if (context.client.name.empty()) return out.Null();
  out.Bulk(context.client.name);
}

void RunClientId(CommandContext& context, Args, RespWriter& out) {
  out.Integer(static_cast<int64_t>(context.client.id));
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (sent by newer client libraries on connect).
void RunClientSetInfo(CommandContext& context, Args args, RespWriter& out) {
  const bool lib_name = EqualsIgnoreCase(args[2], "LIB-NAME");
  if (!lib_name && !EqualsIgnoreCase(args[2], "LIB-VER")) {
    return out.Error("ERR Unrecognized option '" + std::string(args[2]) + "'");
  }
  if (!IsPrintableName(args[3])) {
    return out.Error("ERR " + ToLower(args[2]) +
                     " cannot contain spaces, newlines or special characters.");
  }
  (lib_name ? context.client.lib_name : context.client.lib_version).assign(args[3]);
  context.host.ClientChanged(context.client);
  out.Simple("OK");
}

void RunClientList(CommandContext& context, Args args, RespWriter& out) {
  std::vector<ClientInfo> clients = context.host.Clients();
  if (!FilterClients(args, clients, out)) return;
  std::string text;
  for (const ClientInfo& client : clients) text += ClientLine(client);
  out.Bulk(text);
}

void RunClientInfo(CommandContext& context, Args, RespWriter& out) {
  for (const ClientInfo& client : context.host.Clients()) {
    if (client.id == context.client.id) return out.Bulk(ClientLine(client));
  }
  out.Bulk("");
}

void RunConfigGet(CommandContext& context, Args args, RespWriter& out) {
  const auto values = ConfigValues(context.host.Facts());
  std::vector<const std::pair<std::string, std::string>*> matched;
  for (const auto& entry : values) {
    for (size_t i = 2; i < args.size(); ++i) {
      if (GlobMatch(args[i], entry.first, /*nocase=*/true)) {
        matched.push_back(&entry);
        break;
      }
    }
  }
  out.Array(matched.size() * 2);
  for (const auto* entry : matched) {
    out.Bulk(entry->first);
    out.Bulk(entry->second);
  }
}

void RunHelp(CommandContext&, Args args, RespWriter& out) {
  const CommandSpec* parent = FindCommand(args[0]);
  if (parent == nullptr) return out.Array(0);
  const std::vector<const CommandSpec*> subcommands = SubcommandsOf(*parent);
  const std::string name = ToUpper(parent->name);
  out.Array(1 + subcommands.size() * 2);
  out.Simple(name + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const CommandSpec* sub : subcommands) {
    std::string usage(sub->name.substr(sub->name.find(' ') + 1));
    if (!sub->syntax.empty()) usage.append(" ").append(sub->syntax);
    out.Simple(usage);
    out.Simple("    " + std::string(sub->summary));
  }
}

}  // namespace flod::codec::resp
