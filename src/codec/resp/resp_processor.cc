#include "flod/codec/resp/resp_processor.h"

#include <deque>
#include <memory>
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

constexpr std::string_view kFlowLostItsWay = "-ERR internal error: the command did not answer\r\n";

}  // namespace

// Runs one flow: queues results that arrive while the flow is busy (inside Start, OnResult or
// the processor's reply handling), so the flow never sees a result re-entrantly, and gives
// its reply to the processor only after the flow's own call has returned.
class RespProcessor::RunningFlow final : public FlowRunner,
                                         public std::enable_shared_from_this<RunningFlow> {
 public:
  RunningFlow(RespProcessor& processor, uint64_t seq, std::unique_ptr<CommandFlow> flow)
      : processor_(processor), seq_(seq), flow_(std::move(flow)) {}

  void Begin() {
    busy_ = true;
    starting_ = true;
    flow_->Start(*this);
    starting_ = false;
    Drain();
  }

  void Submit(Request request, uint32_t tag) override {
    ++outstanding_;
    processor_.host_.Submit(std::move(request), [self = shared_from_this(), tag](Result&& result) {
      self->Arrived(tag, std::move(result));
    });
  }
  void Hold() override {
    if (!starting_ || held_) return;
    held_ = true;
    processor_.blocked_ = true;
    processor_.blocked_seq_ = seq_;
  }
  void Finish(std::string reply) override {
    if (finished_) return;
    finished_ = true;
    reply_ = std::move(reply);
    reply_pending_ = true;
  }
  bool finished() const override { return finished_; }
  int64_t NowMs() const override { return processor_.host_.NowMs(); }
  CommandContext& context() override { return processor_.context_; }

 private:
  void Arrived(uint32_t tag, Result&& result) {
    --outstanding_;
    queued_.emplace_back(tag, std::move(result));
    if (busy_) return;
    busy_ = true;
    Drain();
  }

  void Drain() {
    const auto keep_alive = shared_from_this();
    for (;;) {
      if (reply_pending_) {
        reply_pending_ = false;
        processor_.FinishSlot(seq_, std::move(reply_));
        continue;
      }
      if (queued_.empty()) {
        // Nothing can answer a flow with no request out: a bug in the flow, not the client's.
        if (finished_ || outstanding_ > 0) break;
        Finish(std::string(kFlowLostItsWay));
        continue;
      }
      auto [tag, result] = std::move(queued_.front());
      queued_.pop_front();
      if (finished_) {
        flow_->OnLateResult(*this, tag, result);
      } else {
        flow_->OnResult(*this, tag, result);
      }
    }
    busy_ = false;
  }

  RespProcessor& processor_;
  const uint64_t seq_;
  std::unique_ptr<CommandFlow> flow_;
  std::deque<std::pair<uint32_t, Result>> queued_;
  std::string reply_;
  uint64_t outstanding_ = 0;
  bool busy_ = false;
  bool starting_ = false;
  bool held_ = false;
  bool finished_ = false;
  bool reply_pending_ = false;
};

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
  // A pipeline mostly repeats one command: check the last one found before the table.
  if (last_found_ == nullptr || !EqualsIgnoreCase(args[0], last_found_->name)) {
    last_found_ = table_.Find(args[0]);
  }
  const CommandSpec* spec = last_found_;
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
  if (!ArityFits(*spec, args.size()) ||
      (handler.local == nullptr && handler.build == nullptr && handler.flow == nullptr)) {
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
  std::string error;
  RespWriter error_out(error);
  if (handler.flow != nullptr) {
    std::unique_ptr<CommandFlow> flow = handler.flow(context_, args, error_out);
    if (flow == nullptr) {
      ReadySink().append(error);
      return;
    }
    StartFlow(std::move(flow));
    return;
  }
  BuiltCommand built{host_.NextRequest(), {}};
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

void RespProcessor::Submit(const CommandSpec& spec, BuiltCommand&& built) {
  const uint64_t seq = next_seq_++;
  Slot& slot = slots_.emplace_back();
  slot.spec = &spec;
  slot.note = std::move(built.note);
  // Marked before submitting: the answer may come back inside Submit.
  if ((spec.flags & command_flags::kBlocking) != 0 || MayBlock(built.request)) {
    blocked_ = true;
    blocked_seq_ = seq;
  }
  host_.SubmitNext([this, seq](Result&& result) { Complete(seq, result); });
}

void RespProcessor::Complete(uint64_t seq, Result& result) {
  const size_t index = static_cast<size_t>(seq - first_seq_);
  Slot& slot = slots_[index];
  if (index == 0) {
    RespWriter out(host_.Output());
    slot.spec->handler.reply(context_, slot.note, result, out);
    slots_.pop_front();
    ++first_seq_;
    FlushReadySlots();
  } else {
    RespWriter out(slot.bytes);
    slot.spec->handler.reply(context_, slot.note, result, out);
    slot.ready = true;
  }
  Release(seq);
}

void RespProcessor::StartFlow(std::unique_ptr<CommandFlow> flow) {
  const uint64_t seq = next_seq_++;
  slots_.emplace_back();
  std::make_shared<RunningFlow>(*this, seq, std::move(flow))->Begin();
}

void RespProcessor::FinishSlot(uint64_t seq, std::string reply) {
  const size_t index = static_cast<size_t>(seq - first_seq_);
  if (index == 0) {
    host_.Output().append(reply);
    slots_.pop_front();
    ++first_seq_;
    FlushReadySlots();
  } else {
    slots_[index].bytes = std::move(reply);
    slots_[index].ready = true;
  }
  Release(seq);
}

void RespProcessor::Release(uint64_t seq) {
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
