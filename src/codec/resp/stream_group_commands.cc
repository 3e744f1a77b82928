// XGROUP and XINFO. Groups created here follow Redis: no ack timeout, unlimited deliveries
// (a Flo group created implicitly redelivers after 30 s and dead-letters after 10).

#include <memory>
#include <string>
#include <vector>

#include "flow_util.h"
#include "stream_commands.h"
#include "stream_format.h"

namespace flod::codec::resp {
namespace {

constexpr std::string_view kNoSuchKey = "ERR no such key";
constexpr std::string_view kGroupNeedsStream =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
    "to use the MKSTREAM option to create an empty stream automatically.";

void StartGroupRequest(Request& request, Op op, Args args) {
  StartTypedRequest(request, op, args[1]);
  request.args.group.assign(args[2]);
}

// Redis's "ENTRIESREAD n" (lag tracking) is accepted and has no effect.
bool AcceptEntriesRead(Args args, size_t i, RespWriter& out) {
  for (; i < args.size(); i += 2) {
    if (!EqualsIgnoreCase(args[i], "ENTRIESREAD") || i + 1 >= args.size()) {
      out.Error(kErrSyntax);
      return false;
    }
    if (!ParseInteger(args[i + 1])) {
      out.Error(kErrNotInteger);
      return false;
    }
  }
  return true;
}

// XGROUP CREATE: without MKSTREAM the stream must exist (the engine would create it).
class GroupCreateFlow final : public CommandFlow {
 public:
  GroupCreateFlow(Request create, bool make_stream)
      : create_(std::move(create)), make_stream_(make_stream) {}

  void Start(FlowRunner& runner) override {
    if (make_stream_) return runner.Submit(std::move(create_), kCreate);
    runner.Hold();
    runner.Submit(MakeTypedRequest(Op::kStreamInfo, create_.key), kCheck);
  }

  void OnResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    if (tag == kCheck) {
      if (result.status == Status::kNotFound) return FinishWithError(runner, kGroupNeedsStream);
      if (!result.ok()) return FinishWithError(runner, result);
      return runner.Submit(std::move(create_), kCreate);
    }
    if (result.status == Status::kConflict) {
      return FinishWithError(runner, "BUSYGROUP Consumer Group name already exists");
    }
    if (!result.ok()) return FinishWithError(runner, result);
    FinishWith(runner, [](RespWriter& out) { out.Simple("OK"); });
  }

 private:
  static constexpr uint32_t kCheck = 0;
  static constexpr uint32_t kCreate = 1;
  Request create_;
  bool make_stream_;
};

// XGROUP CREATECONSUMER: the group must exist (a join would create it with Flo defaults).
class CreateConsumerFlow final : public CommandFlow {
 public:
  CreateConsumerFlow(Request join, std::string no_group)
      : join_(std::move(join)), no_group_(std::move(no_group)) {}

  void Start(FlowRunner& runner) override {
    runner.Hold();
    Request check = MakeTypedRequest(Op::kStreamGroupInfo, join_.key);
    check.args.group = join_.args.group;
    runner.Submit(std::move(check), kCheck);
  }

  void OnResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    if (result.status == Status::kNotFound) return FinishWithError(runner, no_group_);
    if (!result.ok()) return FinishWithError(runner, result);
    if (tag == kCheck) return runner.Submit(std::move(join_), kJoin);
    const auto* created = OkBody<CountBody>(result);
    FinishWith(runner, [&](RespWriter& out) {
      out.Integer(created != nullptr ? static_cast<int64_t>(created->count) : 0);
    });
  }

 private:
  static constexpr uint32_t kCheck = 0;
  static constexpr uint32_t kJoin = 1;
  Request join_;
  std::string no_group_;
};

// XINFO STREAM: the stream's facts, then its first and last entries.
class InfoStreamFlow final : public CommandFlow {
 public:
  explicit InfoStreamFlow(std::string key) : key_(std::move(key)) {}

  void Start(FlowRunner& runner) override {
    runner.Submit(MakeTypedRequest(Op::kStreamInfo, key_), kInfo);
    for (Op op : {Op::kStreamRead, Op::kStreamReadReverse}) {
      Request edge = MakeTypedRequest(op, key_);
      edge.options.count = 1;
      runner.Submit(std::move(edge), op == Op::kStreamRead ? kFirst : kLast);
    }
  }

  void OnResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    results_[tag] = std::move(result);
    if (++arrived_ < 3) return;
    const Result& info = results_[kInfo];
    if (info.status == Status::kNotFound) return FinishWithError(runner, kNoSuchKey);
    const auto* facts = OkBody<StreamInfoBody>(info);
    if (facts == nullptr) return FinishWithError(runner, info);
    FinishWith(runner, [&](RespWriter& out) { Write(*facts, out); });
  }

 private:
  static constexpr uint32_t kInfo = 0;
  static constexpr uint32_t kFirst = 1;
  static constexpr uint32_t kLast = 2;

  void WriteEdge(uint32_t tag, RespWriter& out) const {
    const auto* records = OkBody<RecordsBody>(results_[tag]);
    if (records == nullptr || records->records.empty()) return out.Null();
    WriteEntry(records->records.front(), out);
  }

  void Write(const StreamInfoBody& facts, RespWriter& out) const {
    out.Array(14);
    out.Bulk("length");
    out.Integer(static_cast<int64_t>(facts.count));
    out.Bulk("last-generated-id");
    out.Bulk(FormatId(facts.last));
    out.Bulk("recorded-first-entry-id");
    out.Bulk(FormatId(facts.first));
    out.Bulk("groups");
    out.Integer(static_cast<int64_t>(facts.group_count));
    out.Bulk("partitions");
    out.Integer(facts.partition_count);
    out.Bulk("first-entry");
    WriteEdge(kFirst, out);
    out.Bulk("last-entry");
    WriteEdge(kLast, out);
  }

  std::string key_;
  Result results_[3];
  int arrived_ = 0;
};

}  // namespace

// ---- XGROUP --------------------------------------------------------------------------------

// XGROUP subcommands see their arguments from the subcommand on, so args[1] is the key.

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]
std::unique_ptr<CommandFlow> MakeXgroupCreate(CommandContext&, Args args, RespWriter& out) {
  args = args.subspan(1);
  Request create;
  StartGroupRequest(create, Op::kStreamGroupCreate, args);
  create.options.ack_timeout_ms = 0;
  create.options.max_deliver = 0;
  if (args[3] == "$") {
    create.options.stream_tail = true;
  } else {
    // Redis delivers the records after the id; the op's start is inclusive.
    const std::optional<StreamId> after = ParseId(args[3]);
    const std::optional<StreamId> start = after ? NextId(*after) : std::nullopt;
    if (!start) {
      out.Error(kErrInvalidStreamId);
      return nullptr;
    }
    create.options.stream_start = *start;
  }
  size_t i = 4;
  const bool make_stream = i < args.size() && EqualsIgnoreCase(args[i], "MKSTREAM");
  if (make_stream) ++i;
  if (!AcceptEntriesRead(args, i, out)) return nullptr;
  return std::make_unique<GroupCreateFlow>(std::move(create), make_stream);
}

// XGROUP CREATECONSUMER key group consumer
std::unique_ptr<CommandFlow> MakeXgroupCreateConsumer(CommandContext&, Args args, RespWriter&) {
  args = args.subspan(1);
  Request join;
  StartGroupRequest(join, Op::kStreamGroupJoin, args);
  join.args.consumer = std::string(args[3]);
  return std::make_unique<CreateConsumerFlow>(std::move(join), NoGroupMessage(args[1], args[2]));
}

bool BuildXgroupDestroy(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  args = args.subspan(1);
  StartGroupRequest(built.request, Op::kStreamGroupDelete, args);
  built.note.text = NoGroupMessage(args[1], args[2]);
  return true;
}

bool BuildXgroupDelConsumer(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  args = args.subspan(1);
  StartGroupRequest(built.request, Op::kStreamGroupDropConsumer, args);
  built.request.args.consumer = std::string(args[3]);
  built.note.text = NoGroupMessage(args[1], args[2]);
  return true;
}

// XGROUP SETID key group id|$ [ENTRIESREAD n]
bool BuildXgroupSetId(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  args = args.subspan(1);
  StartGroupRequest(built.request, Op::kStreamGroupSetCursor, args);
  built.note.text = NoGroupMessage(args[1], args[2]);
  if (args[3] == "$") {
    built.request.options.stream_tail = true;
  } else {
    const std::optional<StreamId> id = ParseId(args[3]);
    if (!id) {
      out.Error(kErrInvalidStreamId);
      return false;
    }
    built.request.args.stream_ids.push_back(*id);
  }
  return AcceptEntriesRead(args, 4, out);
}

void ReplyGroupCount(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Error(note.text);
  const auto* count = OkBody<CountBody>(result);
  if (count == nullptr) return WriteError(result, out);
  out.Integer(static_cast<int64_t>(count->count));
}

void ReplyGroupOk(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Error(note.text);
  if (!result.ok()) return WriteError(result, out);
  out.Simple("OK");
}

// ---- XINFO ---------------------------------------------------------------------------------

std::unique_ptr<CommandFlow> MakeXinfoStream(CommandContext&, Args args, RespWriter& out) {
  if (args.size() > 3) {
    out.Error(EqualsIgnoreCase(args[3], "FULL") ? "ERR XINFO STREAM FULL is not supported by flod"
                                                : kErrSyntax);
    return nullptr;
  }
  return std::make_unique<InfoStreamFlow>(std::string(args[2]));
}

bool BuildXinfoGroups(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kStreamGroupInfo, args[2]);
  return true;
}

void ReplyXinfoGroups(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) return out.Error(kNoSuchKey);
  const auto* body = OkBody<GroupInfoBody>(result);
  if (body == nullptr) return WriteError(result, out);
  out.Array(body->groups.size());
  for (const GroupInfo& group : body->groups) {
    out.Array(8);
    out.Bulk("name");
    out.Bulk(group.name);
    out.Bulk("consumers");
    out.Integer(static_cast<int64_t>(group.consumers.size()));
    out.Bulk("pending");
    out.Integer(static_cast<int64_t>(group.pending));
    out.Bulk("last-delivered-id");
    out.Bulk(FormatId(group.last_delivered));
  }
}

bool BuildXinfoConsumers(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  StartTypedRequest(built.request, Op::kStreamGroupInfo, args[2]);
  built.request.args.group = std::string(args[3]);
  built.note.text = NoGroupMessage(args[2], args[3]);
  return true;
}

void ReplyXinfoConsumers(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (result.status == Status::kNotFound) {
    const bool no_stream = result.message.starts_with("no such stream");
    return out.Error(no_stream ? std::string(kNoSuchKey) : note.text);
  }
  const auto* body = OkBody<GroupInfoBody>(result);
  if (body == nullptr) return WriteError(result, out);
  const std::vector<GroupConsumerInfo> none;
  const auto& consumers = body->groups.empty() ? none : body->groups.front().consumer_details;
  out.Array(consumers.size());
  for (const GroupConsumerInfo& consumer : consumers) {
    out.Array(6);
    out.Bulk("name");
    out.Bulk(consumer.name);
    out.Bulk("pending");
    out.Integer(static_cast<int64_t>(consumer.pending));
    out.Bulk("idle");
    out.Integer(consumer.idle_ms);
  }
}

}  // namespace flod::codec::resp
