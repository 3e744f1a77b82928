// LPUSH, RPOP, LLEN and the Q* commands: one request each.

#include "queue_commands.h"

#include <memory>
#include <string>
#include <vector>

#include "flow_util.h"

namespace flod::codec::resp {
namespace {

constexpr size_t kRememberedQueues = 256;  // per connection, for QACK/QNACK without seqs
constexpr uint32_t kNoteCount = 1;         // RPOP with a count answers an array
constexpr uint32_t kNoteZeroCount = 2;     // RPOP key 0: an empty array when the queue exists

// seq [seq ...] from args[first] up to the first argument that is not a number.
size_t ParseSeqs(Args args, size_t first, std::vector<uint64_t>& seqs) {
  size_t i = first;
  for (; i < args.size(); ++i) {
    const std::optional<uint64_t> seq = ParseUnsigned(args[i]);
    if (!seq) break;
    seqs.push_back(*seq);
  }
  return i;
}

// Explicit seqs, else the ones this connection's last pop of the queue leased (forgotten
// when `forget`, so a second QACK does not repeat the first).
bool SeqsOrRemembered(CommandContext& context, Args args, size_t& i, Request& request, bool forget,
                      RespWriter& out) {
  i = ParseSeqs(args, 2, request.args.seqs);
  if (!request.args.seqs.empty()) return true;
  auto it = context.client.last_leased.find(request.key);
  if (it == context.client.last_leased.end() || it->second.empty()) {
    out.Error("ERR no message of '" + request.key +
              "' was popped on this connection; give the seqs (QPOP shows them)");
    return false;
  }
  request.args.seqs = it->second;
  if (forget) context.client.last_leased.erase(it);
  return true;
}

bool ParsePositive(std::string_view text, uint64_t& value, RespWriter& out) {
  const std::optional<int64_t> n = ParseInteger(text);
  if (!n || *n < 0) {
    out.Error(n ? "ERR value is out of range, must be positive" : std::string(kErrNotInteger));
    return false;
  }
  value = static_cast<uint64_t>(*n);
  return true;
}

bool SeqsOnly(Args args, Request& request, RespWriter& out) {
  if (ParseSeqs(args, 2, request.args.seqs) != args.size()) {
    out.Error(kErrNotInteger);
    return false;
  }
  return true;
}

}  // namespace

void RememberLeased(ClientState& client, std::string_view queue,
                    const std::vector<QueueMessage>& messages) {
  if (messages.empty()) return;
  auto& remembered = client.last_leased;
  auto it = remembered.find(std::string(queue));
  if (it == remembered.end()) {
    if (remembered.size() >= kRememberedQueues) remembered.erase(remembered.begin());
    it = remembered.emplace(std::string(queue), std::vector<uint64_t>()).first;
  }
  std::vector<uint64_t>& seqs = it->second;  // refilled in place, keeping its room
  seqs.clear();
  for (const QueueMessage& message : messages) seqs.push_back(message.seq);
}

void WriteQueueMessage(const QueueMessage& message, RespWriter& out) {
  out.Array(3);
  out.Integer(static_cast<int64_t>(message.seq));
  out.Bulk(message.payload);
  out.Integer(message.delivery_count);
}

// ---- LPUSH, RPOP, LLEN -------------------------------------------------------------------

bool BuildLpush(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kQueuePush, args[1]);
  if (args.size() == 3) {
    built.request.value.assign(args[2].data(), args[2].size());
  } else {
    built.request.args.values.assign(args.begin() + 2, args.end());
  }
  return true;
}

void ReplyLpush(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* ready = OkBody<CountBody>(result);
  if (ready == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(ready->count));
}

bool BuildRpop(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueueDequeue, args[1]);
  built.note.text = std::string(args[1]);
  if (args.size() > 3) {
    out.Error(kErrSyntax);
    return false;
  }
  if (args.size() == 3) {
    uint64_t count = 0;
    if (!ParsePositive(args[2], count, out)) return false;
    built.note.mode = kNoteCount;
    built.request.options.count = static_cast<uint32_t>(std::min<uint64_t>(count, UINT32_MAX));
    if (count == 0) {
      // Nothing to lease: only whether the queue exists decides between [] and nil.
      StartTypedRequest(built.request, Op::kQueueStats, args[1]);
      built.note.mode = kNoteZeroCount;
    }
  }
  return true;
}

void ReplyRpop(CommandContext& context, const ReplyNote& note, Result& result, RespWriter& out) {
  if (note.mode == kNoteZeroCount) {
    const auto* stats = OkBody<QueueStatsBody>(result);
    if (stats == nullptr) return WriteError(result, out);
    return stats->enqueued_total > 0 ? out.Array(0) : out.NullArray();
  }
  const auto* body = OkBody<MessagesBody>(result);
  if (body == nullptr) return WriteError(result, out);
  if (body->messages.empty()) return note.mode == kNoteCount ? out.NullArray() : out.Null();
  RememberLeased(context.client, note.text, body->messages);
  if (note.mode != kNoteCount) return out.Bulk(body->messages.front().payload);
  out.Array(body->messages.size());
  for (const QueueMessage& message : body->messages) out.Bulk(message.payload);
}

bool BuildLlen(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kQueueStats, args[1]);
  return true;
}

void ReplyLlen(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* stats = OkBody<QueueStatsBody>(result);
  if (stats == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(stats->ready));
}

// ---- The lease cycle -----------------------------------------------------------------------

// QACK queue [seq ...]
bool BuildQack(CommandContext& context, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueueAck, args[1]);
  size_t i = 0;
  if (!SeqsOrRemembered(context, args, i, built.request, /*forget=*/true, out)) return false;
  if (i != args.size()) {
    out.Error(kErrNotInteger);
    return false;
  }
  return true;
}

// QNACK queue [seq ...] [DLQ] [DELAY ms]
bool BuildQnack(CommandContext& context, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueueNack, args[1]);
  size_t i = 0;
  if (!SeqsOrRemembered(context, args, i, built.request, /*forget=*/true, out)) return false;
  for (; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "DLQ")) {
      built.request.options.send_to_dlq = true;
    } else if (EqualsIgnoreCase(args[i], "DELAY") && i + 1 < args.size()) {
      uint64_t delay = 0;
      if (!ParsePositive(args[++i], delay, out)) return false;
      built.request.options.delay_ms = delay;
    } else {
      out.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// QTOUCH queue [seq ...] [VISIBILITY ms]
bool BuildQtouch(CommandContext& context, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueueTouch, args[1]);
  size_t i = 0;
  if (!SeqsOrRemembered(context, args, i, built.request, /*forget=*/false, out)) return false;
  if (i + 2 == args.size() && EqualsIgnoreCase(args[i], "VISIBILITY")) {
    uint64_t visibility = 0;
    if (!ParsePositive(args[i + 1], visibility, out)) return false;
    built.request.options.visibility_timeout_ms =
        static_cast<uint32_t>(std::min<uint64_t>(visibility, UINT32_MAX));
  } else if (i != args.size()) {
    out.Error(kErrSyntax);
    return false;
  }
  return true;
}

bool BuildQrequeue(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueueDlqRequeue, args[1]);
  return SeqsOnly(args, built.request, out);
}

bool BuildQdlqdel(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueueDlqDelete, args[1]);
  return SeqsOnly(args, built.request, out);
}

bool BuildQpurge(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kQueuePurge, args[1]);
  return true;
}

void ReplyQueueCount(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* count = OkBody<CountBody>(result);
  if (count == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(count->count));
}

// ---- Inspection --------------------------------------------------------------------------

// QPEEK queue [COUNT n]
bool BuildQpeek(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueuePeek, args[1]);
  if (args.size() == 2) return true;
  uint64_t count = 0;
  if (args.size() != 4 || !EqualsIgnoreCase(args[2], "COUNT")) {
    out.Error(kErrSyntax);
    return false;
  }
  if (!ParsePositive(args[3], count, out)) return false;
  built.request.options.count = static_cast<uint32_t>(std::min<uint64_t>(count, UINT32_MAX));
  return true;
}

// QDLQ queue [LIMIT n]
bool BuildQdlq(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kQueueDlqList, args[1]);
  if (args.size() == 2) return true;
  uint64_t limit = 0;
  if (args.size() != 4 || !EqualsIgnoreCase(args[2], "LIMIT")) {
    out.Error(kErrSyntax);
    return false;
  }
  if (!ParsePositive(args[3], limit, out)) return false;
  built.request.options.limit = static_cast<uint32_t>(std::min<uint64_t>(limit, UINT32_MAX));
  return true;
}

void ReplyQueueMessages(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* body = OkBody<MessagesBody>(result);
  if (body == nullptr) return WriteError(result, out);
  out.Array(body->messages.size());
  for (const QueueMessage& message : body->messages) WriteQueueMessage(message, out);
}

bool BuildQstats(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kQueueStats, args[1]);
  return true;
}

void ReplyQstats(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* stats = OkBody<QueueStatsBody>(result);
  if (stats == nullptr) return WriteError(result, out);
  const std::pair<std::string_view, uint64_t> fields[] = {
      {"ready", stats->ready},
      {"in_flight", stats->in_flight},
      {"delayed", stats->delayed},
      {"dlq", stats->dlq},
      {"enqueued_total", stats->enqueued_total},
      {"dequeued_total", stats->dequeued_total}};
  out.Array(std::size(fields) * 2);
  for (const auto& [name, value] : fields) {
    out.Bulk(name);
    out.Integer(static_cast<int64_t>(value));
  }
}

bool BuildQlist(CommandContext&, Args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kQueueList, {});
  return true;
}

void ReplyQlist(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  const auto* names = OkBody<NameListBody>(result);
  if (names == nullptr) return WriteError(result, out);
  out.Array(names->names.size());
  for (const std::string& name : names->names) out.Bulk(name);
}

}  // namespace flod::codec::resp
