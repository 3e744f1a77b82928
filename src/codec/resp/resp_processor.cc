#include "flod/codec/resp/resp_processor.h"

#include <utility>

#include "command_util.h"
#include "flod/core/op.h"

namespace flod::codec::resp {
namespace {

constexpr size_t kQuotedArgBytes = 128;  // Redis quotes at most this much of a bad command

// "ERR unknown command 'X', with args beginning with: 'a' 'b' ", as Redis words it.
std::string UnknownCommandMessage(std::span<const std::string_view> args) {
  std::string quoted;
  for (size_t i = 1; i < args.size() && quoted.size() < kQuotedArgBytes; ++i) {
    quoted += "'";
    quoted += args[i].substr(0, kQuotedArgBytes - quoted.size());
    quoted += "' ";
  }
  return "ERR unknown command '" + std::string(args[0].substr(0, kQuotedArgBytes)) +
         "', with args beginning with: " + quoted;
}

bool ArityFits(const CommandSpec& spec, size_t count) {
  const auto n = static_cast<int64_t>(count);
  return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

bool MayBlock(const Request& request) {
  return HasFlag(request.op, op_flags::kMayBlock) &&
         (request.options.block_ms.value_or(0) > 0 || request.options.wait_ms.value_or(0) > 0);
}

}  // namespace

RespProcessor::RespProcessor(RespHost& host, uint64_t client_id, ParserLimits limits,
                             const CommandTable& table)
    : host_(host), table_(table), parser_(limits), context_{client_, host} {
  client_.id = client_id;
}

size_t RespProcessor::OnInput(std::string_view input) {
  size_t consumed = 0;
  while (!closing_ && consumed < input.size()) {
    const ParseStatus status = parser_.Parse(input.substr(consumed), parsed_);
    if (status == ParseStatus::kNeedMore) break;
    if (status == ParseStatus::kError) {
      ProtocolError(parsed_.error);
      break;
    }
    consumed += parsed_.size;
    if (parsed_.args.empty()) continue;  // blank inline line, "*0"
    if (blocked_) {
      Hold(parsed_.args);
    } else {
      Execute(parsed_.args);
    }
  }
  return closing_ ? input.size() : consumed;
}

void RespProcessor::Execute(std::span<const std::string_view> args) {
  ++commands_processed_;
  const CommandSpec* spec = table_.Find(args[0]);
  if (spec == nullptr) {
    RespWriter(ReadySink()).Error(UnknownCommandMessage(args));
    return;
  }
  if ((spec->flags & command_flags::kParent) != 0 && args.size() >= 2) {
    const CommandSpec* sub = table_.FindSubcommand(*spec, args[1]);
    if (sub == nullptr) {
      RespWriter(ReadySink())
          .Error("ERR unknown subcommand '" + std::string(args[1].substr(0, kQuotedArgBytes)) +
                 "'. Try " + ToUpper(args[0]) + " HELP.");
      return;
    }
    spec = sub;
  }
  last_command_ = spec;
  const CommandHandler& handler = spec->handler;
  if (!handler.refusal.empty()) {
    RespWriter(ReadySink())
        .Error("ERR " + std::string(spec->name) + " is not supported by flod; use " +
               std::string(handler.refusal));
    return;
  }
  if (!ArityFits(*spec, args.size()) || (handler.local == nullptr && handler.build == nullptr)) {
    RespWriter(ReadySink()).Error(WrongArityMessage(*spec));
    return;
  }
  if (handler.local != nullptr) {
    RespWriter out(ReadySink());
    handler.local(context_, args, out);
    if (client_.close_after_reply) {
      closing_ = true;
      host_.CloseAfterWrite();
    }
    return;
  }
  BuiltCommand built;
  std::string error;
  RespWriter error_out(error);
  if (!handler.build(context_, args, built, error_out)) {
    ReadySink().append(error);
    return;
  }
  Submit(*spec, std::move(built));
}

std::string& RespProcessor::ReadySink() {
  if (slots_.empty()) return host_.Output();
  ++next_seq_;
  slots_.push_back(Slot{true, {}});
  return slots_.back().bytes;
}

void RespProcessor::Submit(const CommandSpec& spec, BuiltCommand built) {
  const uint64_t seq = next_seq_++;
  slots_.emplace_back();
  // Marked before submitting: the answer may come back inside Submit.
  if ((spec.flags & command_flags::kBlocking) != 0 || MayBlock(built.request)) {
    blocked_ = true;
    blocked_seq_ = seq;
  }
  host_.Submit(std::move(built.request),
               [this, seq, &spec, note = std::move(built.note)](Result&& result) {
                 Complete(seq, spec, note, result);
               });
}

void RespProcessor::Complete(uint64_t seq, const CommandSpec& spec, const ReplyNote& note,
                             Result& result) {
  const size_t index = static_cast<size_t>(seq - first_seq_);
  if (index == 0) {
    RespWriter out(host_.Output());
    spec.handler.reply(context_, note, result, out);
    slots_.pop_front();
    ++first_seq_;
    FlushReadySlots();
  } else {
    Slot& slot = slots_[index];
    RespWriter out(slot.bytes);
    spec.handler.reply(context_, note, result, out);
    slot.ready = true;
  }
  if (blocked_ && seq == blocked_seq_) {
    blocked_ = false;
    RunHeld();
  }
}

void RespProcessor::FlushReadySlots() {
  std::string& output = host_.Output();
  while (!slots_.empty() && slots_.front().ready) {
    output.append(slots_.front().bytes);
    slots_.pop_front();
    ++first_seq_;
  }
}

void RespProcessor::Hold(std::span<const std::string_view> args) {
  std::vector<std::string> copy;
  copy.reserve(args.size());
  for (std::string_view arg : args) {
    held_bytes_ += arg.size();
    copy.emplace_back(arg);
  }
  held_.push_back(std::move(copy));
  if (held_bytes_ > kMaxHeldBytes) {
    ProtocolError("Protocol error: too much input while a blocking command waits");
  }
}

// Runs the commands that arrived while a blocking command waited, until one blocks again.
void RespProcessor::RunHeld() {
  if (running_held_) return;  // already draining further up the stack
  running_held_ = true;
  while (!blocked_ && !closing_ && !held_.empty()) {
    std::vector<std::string> args = std::move(held_.front());
    held_.pop_front();
    for (const std::string& arg : args) held_bytes_ -= arg.size();
    std::vector<std::string_view> views(args.begin(), args.end());
    Execute(views);
  }
  running_held_ = false;
}

void RespProcessor::ProtocolError(std::string_view message) {
  RespWriter(ReadySink()).Error("ERR " + std::string(message));
  held_.clear();
  held_bytes_ = 0;
  closing_ = true;
  host_.CloseAfterWrite();
}

}  // namespace flod::codec::resp
