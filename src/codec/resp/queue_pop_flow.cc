// BRPOP and QPOP: dequeue (lease) from one or several queues, waiting when all are empty.
//
// BRPOP first tries its queues in order without waiting, as Redis serves the first non-empty
// list. Then one queue waits with one parked dequeue per round (at most kMaxBlockMs each, so
// timeout 0 = forever is a loop). Several queues live on different shards and a parked
// request cannot be withdrawn, so they wait in rounds of kSliceMs with a parked dequeue on
// each; the first message answers. A dequeue that loses that race may still take a message
// before its round ends: the flow nacks it straight back (ready again at once, in its place;
// its delivery count keeps the extra delivery). Short rounds keep that rare.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "flod/core/limits.h"
#include "flow_util.h"
#include "queue_commands.h"

namespace flod::codec::resp {
namespace {

constexpr uint32_t kQueueSliceMs = 100;

enum class PopReply { kKeyAndPayload, kMessages };

struct PopArgs {
  std::vector<std::string> keys;
  uint32_t count = 1;
  uint32_t visibility_ms = 0;        // 0 = the queue's default
  std::optional<uint64_t> block_ms;  // 0 = forever
  PopReply reply = PopReply::kKeyAndPayload;
};

class PopFlow final : public CommandFlow {
 public:
  explicit PopFlow(PopArgs args) : args_(std::move(args)) {}

  void Start(FlowRunner& runner) override {
    if (args_.block_ms) {
      runner.Hold();
      deadline_ = Deadline::After(runner, *args_.block_ms);
    }
    if (args_.keys.size() > 1) runner.Hold();  // the first pass goes queue by queue
    Submit(runner, 0, 0);
  }

  void OnResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    --waiting_;
    const size_t index = tag;
    const auto* body = OkBody<MessagesBody>(result);
    if (body == nullptr) return FinishWithError(runner, result);
    if (!body->messages.empty()) return Answer(runner, index, body->messages);
    if (first_pass_ && index + 1 < args_.keys.size()) return Submit(runner, index + 1, 0);
    first_pass_ = false;
    if (waiting_ > 0) return;
    if (!args_.block_ms || deadline_.Passed(runner)) return AnswerNothing(runner);
    const bool single = args_.keys.size() == 1;
    const uint32_t block = deadline_.Round(runner, single ? kMaxBlockMs : kQueueSliceMs);
    for (size_t i = 0; i < args_.keys.size(); ++i) Submit(runner, i, block);
  }

  // A losing wait took a message after the answer left: give it back at once.
  void OnLateResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    const auto* body = OkBody<MessagesBody>(result);
    if (body == nullptr || body->messages.empty()) return;
    Request nack = MakeRequest(Op::kQueueNack, args_.keys[tag]);
    for (const QueueMessage& message : body->messages) nack.args.seqs.push_back(message.seq);
    runner.Submit(std::move(nack), tag);
  }

 private:
  void Submit(FlowRunner& runner, size_t index, uint32_t block_ms) {
    Request dequeue = MakeTypedRequest(Op::kQueueDequeue, args_.keys[index]);
    dequeue.options.count = args_.count;
    if (args_.visibility_ms > 0) dequeue.options.visibility_timeout_ms = args_.visibility_ms;
    if (block_ms > 0) dequeue.options.block_ms = block_ms;
    ++waiting_;
    runner.Submit(std::move(dequeue), static_cast<uint32_t>(index));
  }

  void Answer(FlowRunner& runner, size_t index, const std::vector<QueueMessage>& messages) {
    RememberLeased(runner.context().client, args_.keys[index], messages);
    FinishWith(runner, [&](RespWriter& out) {
      if (args_.reply == PopReply::kMessages) {
        out.Array(messages.size());
        for (const QueueMessage& message : messages) WriteQueueMessage(message, out);
        return;
      }
      out.Array(2);
      out.Bulk(args_.keys[index]);
      out.Bulk(messages.front().payload);
    });
  }

  void AnswerNothing(FlowRunner& runner) {
    FinishWith(runner, [&](RespWriter& out) {
      args_.reply == PopReply::kMessages ? out.Array(0) : out.NullArray();
    });
  }

  PopArgs args_;
  Deadline deadline_;
  bool first_pass_ = true;
  size_t waiting_ = 0;
};

// Redis's BRPOP timeout: seconds, possibly fractional.
std::optional<uint64_t> ParseTimeoutSeconds(std::string_view text, RespWriter& out) {
  const std::string copy(text);
  errno = 0;
  char* end = nullptr;
  const double seconds = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || errno != 0 || !std::isfinite(seconds) ||
      seconds > 1e12) {
    out.Error("ERR timeout is not a float or out of range");
    return std::nullopt;
  }
  if (seconds < 0) {
    out.Error("ERR timeout is negative");
    return std::nullopt;
  }
  const auto ms = static_cast<uint64_t>(std::llround(seconds * 1000));
  return seconds > 0 && ms == 0 ? 1 : ms;
}

bool ParseMs(std::string_view text, uint64_t& ms, RespWriter& out) {
  const std::optional<int64_t> n = ParseInteger(text);
  if (!n || *n < 0) {
    out.Error(n ? "ERR timeout is negative" : std::string(kErrNotInteger));
    return false;
  }
  ms = static_cast<uint64_t>(*n);
  return true;
}

}  // namespace

// BRPOP key [key ...] timeout
std::unique_ptr<CommandFlow> MakeBrpop(CommandContext&, Args args, RespWriter& out) {
  PopArgs pop;
  pop.block_ms = ParseTimeoutSeconds(args.back(), out);
  if (!pop.block_ms) return nullptr;
  pop.keys.assign(args.begin() + 1, args.end() - 1);
  return std::make_unique<PopFlow>(std::move(pop));
}

// QPOP key [COUNT n] [VISIBILITY ms] [BLOCK ms]
std::unique_ptr<CommandFlow> MakeQpop(CommandContext&, Args args, RespWriter& out) {
  PopArgs pop;
  pop.reply = PopReply::kMessages;
  pop.keys.emplace_back(args[1]);
  for (size_t i = 2; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      out.Error(kErrSyntax);
      return nullptr;
    }
    uint64_t value = 0;
    if (EqualsIgnoreCase(args[i], "BLOCK")) {
      if (!ParseMs(args[i + 1], value, out)) return nullptr;
      pop.block_ms = value;
      continue;
    }
    const std::optional<int64_t> n = ParseInteger(args[i + 1]);
    if (!n || *n <= 0) {
      out.Error(n ? "ERR value is out of range, must be positive" : std::string(kErrNotInteger));
      return nullptr;
    }
    const auto positive = static_cast<uint32_t>(std::min<int64_t>(*n, UINT32_MAX));
    if (EqualsIgnoreCase(args[i], "COUNT")) {
      pop.count = positive;
    } else if (EqualsIgnoreCase(args[i], "VISIBILITY")) {
      pop.visibility_ms = positive;
    } else {
      out.Error(kErrSyntax);
      return nullptr;
    }
  }
  return std::make_unique<PopFlow>(std::move(pop));
}

}  // namespace flod::codec::resp
