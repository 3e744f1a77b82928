// XADD, XLEN, XTRIM, XACK, XPENDING, XCLAIM, XAUTOCLAIM: one request each.

#include "stream_commands.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "command_util.h"
#include "stream_format.h"

namespace flod::codec::resp {
namespace {

constexpr uint32_t kNoteExplicitId = 1;  // XADD with an id: Redis words the "too small" error
constexpr uint32_t kNoteJustId = 1;      // XCLAIM / XAUTOCLAIM JUSTID: answer ids only
constexpr uint32_t kNoteSummary = 1;     // XPENDING without a range
constexpr uint32_t kNoteNothing = 2;     // XPENDING with a count <= 0
constexpr uint32_t kDefaultAutoclaimCount = 100;

template <typename Body>
const Body* BodyIf(const Result& result) {
  return result.ok() ? std::get_if<Body>(&result.body) : nullptr;
}

std::optional<int64_t> IntegerOrReply(std::string_view text, RespWriter& out) {
  std::optional<int64_t> value = ParseInteger(text);
  if (!value) out.Error(kErrNotInteger);
  return value;
}

std::optional<StreamId> IdOrReply(std::string_view text, RespWriter& out) {
  std::optional<StreamId> id = ParseId(text);
  if (!id) out.Error(kErrInvalidStreamId);
  return id;
}

// MAXLEN|MINID [=|~] threshold [LIMIT count] at args[i] (XADD and XTRIM). `~` asks Redis for
// "at least"; flod trims exactly, which satisfies it, so LIMIT (only valid with ~) is ignored.
bool ParseTrim(Args args, size_t& i, Options& options, RespWriter& out) {
  const bool by_length = EqualsIgnoreCase(args[i], "MAXLEN");
  bool approximate = false;
  if (i + 1 < args.size() && (args[i + 1] == "=" || args[i + 1] == "~")) {
    approximate = args[++i] == "~";
  }
  if (++i >= args.size()) {
    out.Error(kErrSyntax);
    return false;
  }
  if (by_length) {
    const std::optional<int64_t> length = IntegerOrReply(args[i], out);
    if (!length) return false;
    if (*length < 0) {
      out.Error("ERR The MAXLEN argument must be >= 0.");
      return false;
    }
    options.retention_count = static_cast<uint64_t>(*length);
  } else {
    const std::optional<StreamId> min_id = IdOrReply(args[i], out);
    if (!min_id) return false;
    options.stream_start = *min_id;
  }
  if (i + 1 < args.size() && EqualsIgnoreCase(args[i + 1], "LIMIT")) {
    if (!approximate) {
      out.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return false;
    }
    if (i + 2 >= args.size()) {
      out.Error(kErrSyntax);
      return false;
    }
    if (!IntegerOrReply(args[i + 2], out)) return false;
    i += 2;
  }
  return true;
}

bool IsTrimOption(std::string_view arg) {
  return EqualsIgnoreCase(arg, "MAXLEN") || EqualsIgnoreCase(arg, "MINID");
}

// XADD's id: "*", "<ms>-*", "<ms>" or "<ms>-<seq>".
bool ParseAddId(std::string_view text, RequestArgs& args, RespWriter& out) {
  if (text == "*") return true;
  if (text.size() > 2 && text.substr(text.size() - 2) == "-*") {
    const std::optional<uint64_t> ms = ParseUnsigned(text.substr(0, text.size() - 2));
    if (!ms) {
      out.Error(kErrInvalidStreamId);
      return false;
    }
    args.stream_ids.push_back(StreamId{*ms, 0});
    args.id_auto_sequence = true;
    return true;
  }
  const std::optional<StreamId> id = IdOrReply(text, out);
  if (!id) return false;
  if (*id == StreamId{}) {
    out.Error("ERR The ID specified in XADD must be greater than 0-0");
    return false;
  }
  args.stream_ids.push_back(*id);
  return true;
}

void WriteClaimed(const RecordsBody& body, bool just_id, RespWriter& out) {
  if (!just_id) return WriteEntries(body.records, out);
  out.Array(body.records.size());
  for (const StreamRecord& record : body.records) out.Bulk(FormatId(record.id));
}

void WritePendingSummary(const PendingBody& body, RespWriter& out) {
  out.Array(4);
  out.Integer(static_cast<int64_t>(body.total));
  if (body.total == 0) {
    out.Null();
    out.Null();
    out.NullArray();
    return;
  }
  out.Bulk(FormatId(body.min_id));
  out.Bulk(FormatId(body.max_id));
  out.Array(body.per_consumer.size());
  for (const auto& [consumer, count] : body.per_consumer) {
    out.Array(2);
    out.Bulk(consumer);
    out.BulkInteger(static_cast<int64_t>(count));
  }
}

}  // namespace

std::string NoGroupMessage(std::string_view key, std::string_view group) {
  return "NOGROUP No such key '" + std::string(key) + "' or consumer group '" + std::string(group) +
         "'";
}

// ---- XADD, XLEN, XTRIM -----------------------------------------------------------------

bool BuildXadd(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kStreamAdd, args[1]);
  Options& options = built.request.options;
  size_t i = 2;
  for (; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "NOMKSTREAM")) {
      options.if_exists = true;
    } else if (IsTrimOption(args[i])) {
      if (options.retention_count || options.stream_start) {
        out.Error(kErrSyntax);
        return false;
      }
      if (!ParseTrim(args, i, options, out)) return false;
    } else {
      break;
    }
  }
  const size_t fields = i + 1;
  if (fields >= args.size() || (args.size() - fields) % 2 != 0) {
    out.Error("ERR wrong number of arguments for 'xadd' command");
    return false;
  }
  if (!ParseAddId(args[i], built.request.args, out)) return false;
  StoredFields stored = EncodeFields(args.subspan(fields));
  built.request.value = std::move(stored.payload);
  if (!stored.headers.empty()) built.request.args.headers.push_back(std::move(stored.headers));
  built.note.mode = built.request.args.stream_ids.empty() ? 0 : kNoteExplicitId;
  return true;
}

void ReplyXadd(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (const auto* body = BodyIf<StreamAppendBody>(result)) {
    if (body->ids.empty()) return out.Null();  // NOMKSTREAM on a missing stream
    return out.Bulk(FormatId(body->ids.front()));
  }
  if (note.mode == kNoteExplicitId && result.status == Status::kBadRequest &&
      result.message.find("not greater") != std::string::npos) {
    return out.Error(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  }
  WriteError(result, out);
}

bool BuildXlen(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kStreamInfo, args[1]);
  return true;
}

void ReplyXlen(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Integer(0);
  const auto* info = BodyIf<StreamInfoBody>(result);
  if (info == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(info->count));
}

bool BuildXtrim(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kStreamTrim, args[1]);
  size_t i = 2;
  if (!IsTrimOption(args[i])) {
    out.Error(kErrSyntax);
    return false;
  }
  if (!ParseTrim(args, i, built.request.options, out)) return false;
  if (i + 1 != args.size()) {
    out.Error(kErrSyntax);
    return false;
  }
  return true;
}

void ReplyXtrim(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* trimmed = BodyIf<TrimBody>(result);
  if (trimmed == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(trimmed->deleted));
}

// ---- XACK, XPENDING ----------------------------------------------------------------------

bool BuildXack(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kStreamGroupAck, args[1]);
  built.request.args.group = std::string(args[2]);
  for (size_t i = 3; i < args.size(); ++i) {
    const std::optional<StreamId> id = IdOrReply(args[i], out);
    if (!id) return false;
    built.request.args.stream_ids.push_back(*id);
  }
  return true;
}

void ReplyXack(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Integer(0);  // as Redis: no such group
  const auto* count = BodyIf<CountBody>(result);
  if (count == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(count->count));
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
bool BuildXpending(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kStreamGroupPending, args[1]);
  built.request.args.group = std::string(args[2]);
  built.note.text = NoGroupMessage(args[1], args[2]);
  if (args.size() == 3) {
    built.note.mode = kNoteSummary;
    built.request.options.count = 1;  // the summary comes with any page
    return true;
  }
  size_t i = 3;
  Options& options = built.request.options;
  if (EqualsIgnoreCase(args[i], "IDLE") && i + 1 < args.size()) {
    const std::optional<int64_t> idle = IntegerOrReply(args[i + 1], out);
    if (!idle) return false;
    options.idle_timeout_ms = static_cast<uint64_t>(std::max<int64_t>(*idle, 0));
    i += 2;
  }
  if (args.size() - i != 3 && args.size() - i != 4) {
    out.Error(kErrSyntax);
    return false;
  }
  const std::optional<StreamId> start = ParseRangeStart(args[i], out);
  if (!start) return false;
  const std::optional<StreamId> end = ParseRangeEnd(args[i + 1], out);
  if (!end) return false;
  const std::optional<int64_t> count = IntegerOrReply(args[i + 2], out);
  if (!count) return false;
  options.stream_start = *start;
  options.stream_end = *end;
  options.count = static_cast<uint32_t>(std::clamp<int64_t>(*count, 1, 1'000'000));
  if (*count <= 0) built.note.mode = kNoteNothing;
  if (args.size() - i == 4) built.request.args.consumer = std::string(args[i + 3]);
  return true;
}

void ReplyXpending(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Error(note.text);
  const auto* body = BodyIf<PendingBody>(result);
  if (body == nullptr) return WriteError(result, out);
  if (note.mode == kNoteSummary) return WritePendingSummary(*body, out);
  if (note.mode == kNoteNothing) return out.Array(0);
  out.Array(body->entries.size());
  for (const PendingEntry& entry : body->entries) {
    out.Array(4);
    out.Bulk(FormatId(entry.id));
    out.Bulk(entry.consumer);
    out.Integer(entry.idle_ms);
    out.Integer(entry.delivery_count);
  }
}

// ---- XCLAIM, XAUTOCLAIM ------------------------------------------------------------------

// XCLAIM key group consumer min-idle-time id [id ...] [JUSTID]
bool BuildXclaim(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kStreamGroupClaim, args[1]);
  built.request.args.group = std::string(args[2]);
  built.request.args.consumer = std::string(args[3]);
  built.note.text = NoGroupMessage(args[1], args[2]);
  const std::optional<int64_t> min_idle = IntegerOrReply(args[4], out);
  if (!min_idle) return false;
  built.request.options.idle_timeout_ms = static_cast<uint64_t>(std::max<int64_t>(*min_idle, 0));
  size_t i = 5;
  for (; i < args.size(); ++i) {
    const std::optional<StreamId> id = ParseId(args[i]);
    if (!id) break;
    built.request.args.stream_ids.push_back(*id);
  }
  if (built.request.args.stream_ids.empty()) {
    out.Error(kErrInvalidStreamId);
    return false;
  }
  for (; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "JUSTID")) {
      built.note.mode = kNoteJustId;
    } else if (EqualsIgnoreCase(args[i], "IDLE") || EqualsIgnoreCase(args[i], "TIME") ||
               EqualsIgnoreCase(args[i], "RETRYCOUNT") || EqualsIgnoreCase(args[i], "FORCE") ||
               EqualsIgnoreCase(args[i], "LASTID")) {
      out.Error("ERR XCLAIM option " + ToUpper(args[i]) + " is not supported by flod");
      return false;
    } else {
      out.Error(ParseId(args[i]) ? kErrSyntax : kErrInvalidStreamId);
      return false;
    }
  }
  return true;
}

void ReplyXclaim(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Error(note.text);
  const auto* body = BodyIf<RecordsBody>(result);
  if (body == nullptr) return WriteError(result, out);
  WriteClaimed(*body, note.mode == kNoteJustId, out);
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
bool BuildXautoclaim(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kStreamGroupClaim, args[1]);
  built.request.args.group = std::string(args[2]);
  built.request.args.consumer = std::string(args[3]);
  built.note.text = NoGroupMessage(args[1], args[2]);
  Options& options = built.request.options;
  const std::optional<int64_t> min_idle = IntegerOrReply(args[4], out);
  if (!min_idle) return false;
  options.idle_timeout_ms = static_cast<uint64_t>(std::max<int64_t>(*min_idle, 0));
  const std::optional<StreamId> start = ParseRangeStart(args[5], out);
  if (!start) return false;
  options.stream_start = *start;
  options.count = kDefaultAutoclaimCount;
  for (size_t i = 6; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "JUSTID")) {
      built.note.mode = kNoteJustId;
    } else if (EqualsIgnoreCase(args[i], "COUNT") && i + 1 < args.size()) {
      const std::optional<int64_t> count = IntegerOrReply(args[++i], out);
      if (!count) return false;
      if (*count < 1 || *count > std::numeric_limits<int32_t>::max() / 10) {
        out.Error("ERR COUNT must be > 0");
        return false;
      }
      options.count = static_cast<uint32_t>(*count);
    } else {
      out.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

void ReplyXautoclaim(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Error(note.text);
  const auto* body = BodyIf<RecordsBody>(result);
  if (body == nullptr) return WriteError(result, out);
  out.Array(3);
  out.Bulk(FormatId(body->next));
  WriteClaimed(*body, note.mode == kNoteJustId, out);
  out.Array(body->deleted.size());
  for (const StreamId& id : body->deleted) out.Bulk(FormatId(id));
}

}  // namespace flod::codec::resp
