#include "kv_commands.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "command_util.h"

namespace flod::codec::resp {
namespace {

constexpr uint32_t kNoteWithGet = 1;  // SET ... GET answers the old value
constexpr uint32_t kDefaultScanCount = 10;
constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000;

// SET's options, parsed like Redis: a repeated or conflicting option is a syntax error.
bool ParseSetOptions(Args args, Options& options, RespWriter& out) {
  bool has_expiry = false;
  for (size_t i = 3; i < args.size(); ++i) {
    const std::string_view option = args[i];
    if (EqualsIgnoreCase(option, "NX") && !options.if_exists) {
      options.if_not_exists = true;
    } else if (EqualsIgnoreCase(option, "XX") && !options.if_not_exists) {
      options.if_exists = true;
    } else if (EqualsIgnoreCase(option, "GET")) {
      options.return_old = true;
    } else if (EqualsIgnoreCase(option, "KEEPTTL") && !has_expiry) {
      options.keep_ttl = true;
      has_expiry = true;
    } else if ((EqualsIgnoreCase(option, "EX") || EqualsIgnoreCase(option, "PX")) && !has_expiry &&
               i + 1 < args.size()) {
      const std::optional<int64_t> amount = ParseInteger(args[++i]);
      if (!amount) {
        out.Error(kErrNotInteger);
        return false;
      }
      const bool seconds = EqualsIgnoreCase(option, "EX");
      if (*amount <= 0 || (seconds && *amount > kMaxSeconds)) {
        out.Error("ERR invalid expire time in 'set' command");
        return false;
      }
      options.ttl_ms = static_cast<uint64_t>(seconds ? *amount * 1000 : *amount);
      has_expiry = true;
    } else if (EqualsIgnoreCase(option, "EXAT") || EqualsIgnoreCase(option, "PXAT")) {
      out.Error("ERR EXAT and PXAT are not supported by flod; use EX or PX");
      return false;
    } else {
      out.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

std::vector<std::string> KeysFrom(Args args, size_t first) {
  std::vector<std::string> keys;
  keys.reserve(args.size() - first);
  for (size_t i = first; i < args.size(); ++i) keys.emplace_back(args[i]);
  return keys;
}

bool BuildIncrement(Args args, int64_t delta, BuiltCommand& built) {
  StartTypedRequest(built.request, Op::kKvIncr, args[1]);
  built.request.args.delta = delta;
  return true;
}

// EXPIRE / PEXPIRE: a time in the past deletes the key, as in Redis.
bool BuildExpireIn(Args args, bool seconds, std::string_view name, BuiltCommand& built,
                   RespWriter& out) {
  if (args.size() > 3) {
    out.Error("ERR the NX, XX, GT and LT options of " + ToUpper(name) +
              " are not supported by flod");
    return false;
  }
  const std::optional<int64_t> amount = ParseInteger(args[2]);
  if (!amount) {
    out.Error(kErrNotInteger);
    return false;
  }
  if (seconds && (*amount > kMaxSeconds || *amount < -kMaxSeconds)) {
    out.Error("ERR invalid expire time in '" + std::string(name) + "' command");
    return false;
  }
  const int64_t ttl_ms = seconds ? *amount * 1000 : *amount;
  if (ttl_ms <= 0) {
    built.request.Restart(Op::kKvDelete, args[1]);
    return true;
  }
  built.request.Restart(Op::kKvTouch, args[1]);
  built.request.options.ttl_ms = static_cast<uint64_t>(ttl_ms);
  return true;
}

template <typename Body>
const Body* BodyIf(const Result& result) {
  return std::get_if<Body>(&result.body);
}

// SCAN's TYPE filter: Redis type names of the kinds flod stores.
bool KindHasType(ValueKind kind, std::string_view type) {
  if (type.empty()) return true;
  if (kind == ValueKind::kJson) return EqualsIgnoreCase(type, "ReJSON-RL");
  return EqualsIgnoreCase(type, "string");
}

bool BuildFlush(Args args, std::string_view ns, BuiltCommand& built, RespWriter& out) {
  if (args.size() > 2 || (args.size() == 2 && !EqualsIgnoreCase(args[1], "ASYNC") &&
                          !EqualsIgnoreCase(args[1], "SYNC"))) {
    out.Error(kErrSyntax);
    return false;
  }
  built.request.Restart(Op::kKvClear, {});
  built.request.ns.assign(ns.data(), ns.size());
  return true;
}

}  // namespace

// ---- Strings ---------------------------------------------------------------------------------

bool BuildGet(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kKvGet, args[1]);
  return true;
}

void ReplyGet(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (const auto* value = BodyIf<ValueBody>(result); value && result.ok()) {
    WriteStoredValue(value->kind, value->value, out);
  } else if (result.status == Status::kNotFound) {
    out.Null();
  } else {
    WriteError(result, out);
  }
}

bool BuildSet(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kKvPut, args[1]);
  if (!ParseSetOptions(args, built.request.options, out)) return false;
  built.request.value.assign(args[2].data(), args[2].size());
  built.note.mode = built.request.options.return_old ? kNoteWithGet : 0;
  return true;
}

void ReplySet(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  const auto* old = BodyIf<PutOldValueBody>(result);
  if (note.mode == kNoteWithGet && old != nullptr) {
    if (old->had_old) {
      WriteStoredValue(old->old_kind, old->old_value, out);
    } else {
      out.Null();
    }
  } else if (result.ok()) {
    out.Simple("OK");
  } else if (result.status == Status::kConflict) {
    out.Null();  // NX / XX not met
  } else {
    WriteError(result, out);
  }
}

bool BuildMget(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kKvMget, {});
  built.request.args.keys = KeysFrom(args, 1);
  return true;
}

void ReplyMget(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* body = BodyIf<MGetBody>(result);
  if (!result.ok() || body == nullptr) return WriteError(result, out);
  out.Array(body->items.size());
  for (const MGetItem& item : body->items) {
    if (!item.found || item.kind == ValueKind::kJson) {
      out.Null();  // MGET answers nil for keys of another type, as Redis does
    } else {
      WriteStoredValue(item.kind, item.value, out);
    }
  }
}

bool BuildMset(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  if (args.size() % 2 == 0) {
    out.Error("ERR wrong number of arguments for 'mset' command");
    return false;
  }
  built.request.Restart(Op::kKvMset, {});
  RequestArgs& request_args = built.request.args;
  request_args.keys.reserve(args.size() / 2);
  request_args.values.reserve(args.size() / 2);
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    request_args.keys.emplace_back(args[i]);
    request_args.values.emplace_back(args[i + 1]);
  }
  return true;
}

void ReplyOk(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (result.ok()) {
    out.Simple("OK");
  } else {
    WriteError(result, out);
  }
}

// ---- Keys ------------------------------------------------------------------------------------

// One key goes to its owner shard alone; several fan out.
bool BuildDel(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  if (args.size() == 2) {
    built.request.Restart(Op::kKvDelete, args[1]);
  } else {
    built.request.Restart(Op::kKvDeleteMany, {});
    built.request.args.keys = KeysFrom(args, 1);
  }
  return true;
}

void ReplyDel(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (const auto* count = BodyIf<CountBody>(result); count && result.ok()) {
    out.Integer(static_cast<int64_t>(count->count));
  } else if (result.ok()) {
    out.Integer(1);
  } else if (result.status == Status::kNotFound) {
    out.Integer(0);
  } else {
    WriteError(result, out);
  }
}

bool BuildExists(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  if (args.size() == 2) {
    built.request.Restart(Op::kKvExists, args[1]);
  } else {
    built.request.Restart(Op::kKvExistsMany, {});
    built.request.args.keys = KeysFrom(args, 1);
  }
  return true;
}

void ReplyExists(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (!result.ok()) return WriteError(result, out);
  if (const auto* count = BodyIf<CountBody>(result)) {
    out.Integer(static_cast<int64_t>(count->count));
  } else if (const auto* exists = BodyIf<ExistsBody>(result)) {
    out.Integer(exists->present ? 1 : 0);
  } else {
    out.Integer(0);
  }
}

// ---- Counters --------------------------------------------------------------------------------

bool BuildIncr(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  return BuildIncrement(args, 1, built);
}

bool BuildDecr(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  return BuildIncrement(args, -1, built);
}

bool BuildIncrBy(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  const std::optional<int64_t> delta = ParseInteger(args[2]);
  if (!delta) {
    out.Error(kErrNotInteger);
    return false;
  }
  return BuildIncrement(args, *delta, built);
}

bool BuildDecrBy(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  const std::optional<int64_t> delta = ParseInteger(args[2]);
  if (!delta) {
    out.Error(kErrNotInteger);
    return false;
  }
  if (*delta == std::numeric_limits<int64_t>::min()) {
    out.Error("ERR decrement would overflow");
    return false;
  }
  return BuildIncrement(args, -*delta, built);
}

void ReplyCounter(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (const auto* counter = BodyIf<CounterBody>(result); counter && result.ok()) {
    out.Integer(counter->value);
  } else {
    WriteError(result, out);
  }
}

// ---- Expiry ----------------------------------------------------------------------------------

bool BuildExpire(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  return BuildExpireIn(args, /*seconds=*/true, "expire", built, out);
}

bool BuildPexpire(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  return BuildExpireIn(args, /*seconds=*/false, "pexpire", built, out);
}

void ReplyExpire(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (result.ok()) {
    out.Integer(1);
  } else if (result.status == Status::kNotFound) {
    out.Integer(0);
  } else {
    WriteError(result, out);
  }
}

bool BuildKeyInfo(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kKvKeyInfo, args[1]);
  return true;
}

void ReplyTtl(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* info = BodyIf<KeyInfoBody>(result);
  if (result.status == Status::kNotFound) return out.Integer(-2);
  if (!result.ok() || info == nullptr) return WriteError(result, out);
  // Redis rounds the milliseconds left to the nearest second.
  out.Integer(info->ttl_ms < 0 ? -1 : (info->ttl_ms + 500) / 1000);
}

void ReplyPttl(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* info = BodyIf<KeyInfoBody>(result);
  if (result.status == Status::kNotFound) return out.Integer(-2);
  if (!result.ok() || info == nullptr) return WriteError(result, out);
  out.Integer(info->ttl_ms < 0 ? -1 : info->ttl_ms);
}

bool BuildPersist(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kKvPersist, args[1]);
  return true;
}

void ReplyPersist(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Integer(0);
  const auto* count = BodyIf<CountBody>(result);
  if (!result.ok() || count == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(count->count));
}

// ---- Keyspace --------------------------------------------------------------------------------

bool BuildDbSize(CommandContext&, Args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kKvCount, {});
  return true;
}

void ReplyDbSize(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* count = BodyIf<KeyspaceBody>(result);
  if (!result.ok() || count == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(count->keys));
}

bool BuildKeys(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kKvKeys, {});
  built.request.args.pattern.assign(args[1].data(), args[1].size());
  return true;
}

void ReplyKeys(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* keys = BodyIf<NameListBody>(result);
  if (!result.ok() || keys == nullptr) return WriteError(result, out);
  out.Array(keys->names.size());
  for (const std::string& key : keys->names) out.Bulk(key);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The numeric cursor is looked up in
// the connection's table; the request resumes after the key it stands for.
bool BuildScan(CommandContext& context, Args args, BuiltCommand& built, RespWriter& out) {
  const std::optional<uint64_t> number = ParseUnsigned(args[1]);
  std::optional<std::string> after =
      number ? context.client.cursors.Find(*number) : std::optional<std::string>();
  if (!after) {
    out.Error(kErrInvalidCursor);
    return false;
  }
  built.request.Restart(Op::kKvScan, {});
  Request& request = built.request;
  request.args.cursor = std::move(*after);
  request.options.keys_only = true;
  request.options.limit = kDefaultScanCount;
  for (size_t i = 2; i < args.size(); i += 2) {
    if (i + 1 == args.size()) {
      out.Error(kErrSyntax);
      return false;
    }
    if (EqualsIgnoreCase(args[i], "MATCH")) {
      request.args.pattern.assign(args[i + 1].data(), args[i + 1].size());
    } else if (EqualsIgnoreCase(args[i], "COUNT")) {
      const std::optional<int64_t> count = ParseInteger(args[i + 1]);
      if (!count) {
        out.Error(kErrNotInteger);
        return false;
      }
      if (*count < 1) {
        out.Error(kErrSyntax);
        return false;
      }
      request.options.limit = static_cast<uint32_t>(std::min<int64_t>(*count, UINT32_MAX));
    } else if (EqualsIgnoreCase(args[i], "TYPE")) {
      built.note.text.assign(args[i + 1].data(), args[i + 1].size());
    } else {
      out.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

void ReplyScan(CommandContext& context, const ReplyNote& note, Result& result, RespWriter& out) {
  auto* page = std::get_if<ScanBody>(&result.body);
  if (!result.ok() || page == nullptr) return WriteError(result, out);
  const uint64_t next = page->has_more ? context.client.cursors.Remember(page->cursor) : 0;
  size_t shown = 0;
  for (const ScanItem& item : page->items) shown += KindHasType(item.kind, note.text) ? 1 : 0;
  out.Array(2);
  out.Bulk(DecimalText(static_cast<int64_t>(next)));
  out.Array(shown);
  for (const ScanItem& item : page->items) {
    if (KindHasType(item.kind, note.text)) out.Bulk(item.key);
  }
}

bool BuildFlushDb(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  return BuildFlush(args, kDefaultNamespace, built, out);
}

// Every namespace, not only the one RESP serves.
bool BuildFlushAll(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  return BuildFlush(args, {}, built, out);
}

}  // namespace flod::codec::resp
