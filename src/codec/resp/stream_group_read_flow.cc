// XREADGROUP. `>` reads records new to the group (a missing group is NOGROUP, as in Redis,
// not created); an id reads the consumer's own pending entries after it and never blocks.
//
// Blocking on one stream parks the group read itself, in rounds of at most kMaxBlockMs. On
// several streams (on several shards, and a parked request cannot be withdrawn) a parked
// group read that loses the race would deliver records to nobody, so the flow alternates:
//   collect: for every stream, note its end (a plain tail read), then try a non-blocking
//            group read; the two go to the same shard in that order;
//   probe:   park a plain read after each noted end for up to kSliceMs; the first that sees a
//            record (or the slice ending) starts the next collect. Late probe answers belong
//            to an old round and are dropped; they took nothing.
// A record appended after a collect's group read is after its noted end, so no wake is lost.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "flod/core/limits.h"
#include "flow_util.h"
#include "stream_commands.h"
#include "stream_format.h"
#include "stream_read_util.h"

namespace flod::codec::resp {
namespace {

class GroupReadFlow final : public CommandFlow {
 public:
  explicit GroupReadFlow(ReadArgs args) : args_(std::move(args)) {
    for (size_t i = 0; i < args_.keys.size(); ++i) {
      const bool history = args_.ids[i] != ">";
      parts_.push_back(StreamPart{args_.keys[i], {}, {}, history});
      history_ = history_ || history;
    }
    ends_.resize(parts_.size());
    blocking_ = args_.block_ms.has_value() && !history_;  // Redis: history never blocks
  }

  void Start(FlowRunner& runner) override {
    if (blocking_) {
      runner.Hold();
      deadline_ = Deadline::After(runner, *args_.block_ms);
    }
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (!parts_[i].always_shown) {
        Submit(runner, i, GroupRead(i, 0));
        continue;
      }
      const std::optional<StreamId> after = ParseId(args_.ids[i]);
      const std::optional<StreamId> start = after ? NextId(*after) : std::nullopt;
      if (start) Submit(runner, i, History(i, *start));
    }
    if (waiting_ == 0) Answer(runner);
  }

  void OnResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    if (RoundOf(tag) != round_) return;  // a probe of an earlier round
    --waiting_;
    const size_t index = IndexOf(tag);
    if (result.status == Status::kNotFound && phase_ != Phase::kProbe) {
      const std::string& key = parts_[index % kMaxStreams].key;
      return FinishWithError(runner,
                             NoGroupMessage(key, args_.group) + " in XREADGROUP with GROUP option");
    }
    auto* body = result.ok() ? std::get_if<RecordsBody>(&result.body) : nullptr;
    if (body == nullptr) return FinishWithError(runner, result);
    if (phase_ == Phase::kProbe) {
      if (!body->records.empty()) return Collect(runner);
      if (waiting_ == 0) return deadline_.Passed(runner) ? Answer(runner) : Collect(runner);
      return;
    }
    if (phase_ == Phase::kCollect && index < kMaxStreams) {
      ends_[index] = body->next;
    } else {
      StreamPart& part = parts_[index % kMaxStreams];
      part.records = std::move(body->records);
      part.deleted = std::move(body->deleted);
    }
    if (waiting_ > 0) return;
    if (HasRecords() || !blocking_ || deadline_.Passed(runner)) return Answer(runner);
    if (parts_.size() == 1) return WaitOnGroup(runner);
    if (phase_ == Phase::kCollect) return Probe(runner);
    Collect(runner);
  }

 private:
  enum class Phase { kFirst, kSingle, kCollect, kProbe };

  Request GroupRead(size_t i, uint32_t block_ms) const {
    Request read = MakeTypedRequest(Op::kStreamGroupRead, parts_[i].key);
    read.args.group = args_.group;
    read.args.consumer = args_.consumer;
    read.options.count = args_.count;
    read.options.no_ack = args_.no_ack;
    read.options.if_exists = true;  // NOGROUP rather than a group with Flo's defaults
    if (block_ms > 0) read.options.block_ms = block_ms;
    return read;
  }

  Request History(size_t i, StreamId start) const {
    Request read = MakeTypedRequest(Op::kStreamGroupHistory, parts_[i].key);
    read.args.group = args_.group;
    read.args.consumer = args_.consumer;
    read.options.stream_start = start;
    read.options.count = args_.count;
    return read;
  }

  void Submit(FlowRunner& runner, size_t index, Request request) {
    ++waiting_;
    runner.Submit(std::move(request), Tag(round_, index));
  }

  // Answers of earlier rounds are dropped, so only this round's requests are waited for.
  void NewRound(Phase phase) {
    phase_ = phase;
    round_ = round_ == 0xFFFF ? 1 : round_ + 1;
    waiting_ = 0;
  }

  void WaitOnGroup(FlowRunner& runner) {
    NewRound(Phase::kSingle);
    Submit(runner, 0, GroupRead(0, deadline_.Round(runner, kMaxBlockMs)));
  }

  void Collect(FlowRunner& runner) {
    NewRound(Phase::kCollect);
    for (size_t i = 0; i < parts_.size(); ++i) {
      Request tail = MakeTypedRequest(Op::kStreamRead, parts_[i].key);
      tail.options.stream_tail = true;
      Submit(runner, i, std::move(tail));
      Submit(runner, i + kMaxStreams, GroupRead(i, 0));
    }
  }

  void Probe(FlowRunner& runner) {
    NewRound(Phase::kProbe);
    const uint32_t block = deadline_.Round(runner, kSliceMs);
    for (size_t i = 0; i < parts_.size(); ++i) {
      Request probe = MakeTypedRequest(Op::kStreamRead, parts_[i].key);
      probe.options.stream_start = ends_[i];
      probe.options.count = 1;
      probe.options.block_ms = block;
      Submit(runner, i, std::move(probe));
    }
  }

  bool HasRecords() const {
    return std::any_of(parts_.begin(), parts_.end(),
                       [](const StreamPart& part) { return !part.records.empty(); });
  }

  void Answer(FlowRunner& runner) {
    FinishWith(runner, [&](RespWriter& out) { WriteStreams(parts_, out); });
  }

  ReadArgs args_;
  std::vector<StreamPart> parts_;
  std::vector<StreamId> ends_;  // each stream's end as the last collect saw it
  bool history_ = false;
  bool blocking_ = false;
  Deadline deadline_;
  Phase phase_ = Phase::kFirst;
  uint32_t round_ = 0;
  size_t waiting_ = 0;
};

}  // namespace

std::unique_ptr<CommandFlow> MakeXreadgroup(CommandContext&, Args args, RespWriter& out) {
  ReadArgs read;
  if (!ParseReadArgs(args, true, read, out)) return nullptr;
  for (const std::string& id : read.ids) {
    if (id != ">" && !ParseId(id)) {
      out.Error(kErrInvalidStreamId);
      return nullptr;
    }
  }
  return std::make_unique<GroupReadFlow>(std::move(read));
}

}  // namespace flod::codec::resp
