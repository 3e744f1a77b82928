// XRANGE / XREVRANGE (paged), XREAD and XREADGROUP (several streams, blocking).
//
// Blocking. A single stream waits with one parked request per round (the shard wakes it on an
// append, a nack or a redelivery); rounds repeat until the deadline, because one request may
// park at most kMaxBlockMs (BLOCK 0 = forever). Several streams live on different shards and a
// parked request cannot be withdrawn, so they wait in rounds of kSliceMs:
//   - XREAD parks a read on every stream and answers with the first that has records; the
//     other reads change nothing and their late answers are dropped.
//   - XREADGROUP must not let a losing read deliver records nobody receives, so it parks
//     plain reads from each stream's end as probes; when one fires (or the slice ends) it
//     notes each stream's end, then tries a non-blocking group read on every stream. A record
//     appended between those two steps is after the noted end, so the next probe sees it.

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flod/core/limits.h"
#include "flow_util.h"
#include "stream_commands.h"
#include "stream_format.h"
#include "stream_read_util.h"

namespace flod::codec::resp {
namespace {

// ---- XRANGE / XREVRANGE ----------------------------------------------------------------

class RangeFlow final : public CommandFlow {
 public:
  RangeFlow(std::string key, StreamId low, StreamId high, bool reverse,
            std::optional<uint64_t> count)
      : key_(std::move(key)), low_(low), high_(high), reverse_(reverse), wanted_(count) {}

  void Start(FlowRunner& runner) override {
    if (wanted_ == 0u) return FinishWith(runner, [](RespWriter& out) { out.NullArray(); });
    if (!wanted_ || *wanted_ > kPageSize) runner.Hold();  // pages depend on each other
    NextPage(runner);
  }

  void OnResult(FlowRunner& runner, uint32_t, Result& result) override {
    auto* page = result.ok() ? std::get_if<RecordsBody>(&result.body) : nullptr;
    if (page == nullptr) return FinishWithError(runner, result);
    const size_t got = page->records.size();
    std::move(page->records.begin(), page->records.end(), std::back_inserter(records_));
    const bool more =
        got == asked_ && (!wanted_ || records_.size() < *wanted_) && MoveBound(records_.back().id);
    if (more) return NextPage(runner);
    FinishWith(runner, [&](RespWriter& out) { WriteEntries(records_, out); });
  }

 private:
  // Narrows the range past `last`; false when nothing can be left.
  bool MoveBound(StreamId last) {
    const std::optional<StreamId> next = reverse_ ? PreviousId(last) : NextId(last);
    if (!next) return false;
    (reverse_ ? high_ : low_) = *next;
    return !(high_ < low_);
  }

  void NextPage(FlowRunner& runner) {
    asked_ = kPageSize;
    if (wanted_)
      asked_ = static_cast<uint32_t>(std::min<uint64_t>(kPageSize, *wanted_ - records_.size()));
    Request page = MakeTypedRequest(reverse_ ? Op::kStreamReadReverse : Op::kStreamRead, key_);
    page.options.stream_start = low_;
    page.options.stream_end = high_;
    page.options.count = asked_;
    runner.Submit(std::move(page), 0);
  }

  std::string key_;
  StreamId low_;
  StreamId high_;
  bool reverse_;
  std::optional<uint64_t> wanted_;
  uint32_t asked_ = 0;
  std::vector<StreamRecord> records_;
};

std::unique_ptr<CommandFlow> MakeRange(Args args, bool reverse, RespWriter& out) {
  const std::optional<StreamId> low = ParseRangeStart(args[reverse ? 3 : 2], out);
  if (!low) return nullptr;
  const std::optional<StreamId> high = ParseRangeEnd(args[reverse ? 2 : 3], out);
  if (!high) return nullptr;
  std::optional<uint64_t> count;
  if (args.size() == 6 && EqualsIgnoreCase(args[4], "COUNT")) {
    const std::optional<int64_t> n = ParseInteger(args[5]);
    if (!n) {
      out.Error(kErrNotInteger);
      return nullptr;
    }
    count = static_cast<uint64_t>(std::max<int64_t>(*n, 0));
  } else if (args.size() != 4) {
    out.Error(kErrSyntax);
    return nullptr;
  }
  return std::make_unique<RangeFlow>(std::string(args[1]), *low, *high, reverse, count);
}

// ---- XREAD -------------------------------------------------------------------------------

class ReadFlow final : public CommandFlow {
 public:
  explicit ReadFlow(ReadArgs args) : args_(std::move(args)) {
    for (size_t i = 0; i < args_.keys.size(); ++i) {
      parts_.push_back(StreamPart{args_.keys[i], {}, {}, false});
      starts_.emplace_back();
    }
  }

  void Start(FlowRunner& runner) override {
    if (args_.block_ms) {
      runner.Hold();
      deadline_ = Deadline::After(runner, *args_.block_ms);
    }
    for (size_t i = 0; i < parts_.size(); ++i) {
      const std::string& id = args_.ids[i];
      if (id == "$") {
        // Without BLOCK nothing can be newer than now; with it, note where "now" is.
        if (args_.block_ms) Submit(runner, i, MakeRead(i, /*tail=*/true, 0));
        continue;
      }
      const std::optional<StreamId> after = ParseId(id);
      starts_[i] = after ? NextId(*after) : std::nullopt;
      if (starts_[i]) Submit(runner, i, MakeRead(i, false, 0));
    }
    if (waiting_ == 0) FinishWith(runner, [](RespWriter& out) { out.NullArray(); });
  }

  void OnResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    if ((tag >> 16) != round_) return;
    --waiting_;
    const size_t i = tag & 0xFFFF;
    auto* body = result.ok() ? std::get_if<RecordsBody>(&result.body) : nullptr;
    if (body == nullptr) return FinishWithError(runner, result);
    if (round_ == 0 && args_.ids[i] == "$") starts_[i] = body->next;
    if (!body->records.empty()) {
      parts_[i].records = std::move(body->records);
      // A blocking round answers with the first stream that has records.
      if (round_ > 0) return Answer(runner);
    }
    if (waiting_ > 0) return;
    const bool any = std::any_of(parts_.begin(), parts_.end(),
                                 [](const StreamPart& p) { return !p.records.empty(); });
    if (any || !args_.block_ms || deadline_.Passed(runner)) return Answer(runner);
    NextRound(runner);
  }

 private:
  Request MakeRead(size_t i, bool tail, uint32_t block_ms) const {
    Request read = MakeTypedRequest(Op::kStreamRead, parts_[i].key);
    read.options.stream_tail = tail;
    if (!tail) read.options.stream_start = starts_[i];
    read.options.count = args_.count;
    if (block_ms > 0) read.options.block_ms = block_ms;
    return read;
  }

  void Submit(FlowRunner& runner, size_t i, Request request) {
    ++waiting_;
    runner.Submit(std::move(request), Tag(round_, i));
  }

  void NextRound(FlowRunner& runner) {
    round_ = (round_ + 1) & 0xFFFF;
    if (round_ == 0) round_ = 1;
    const bool single = parts_.size() == 1;
    const uint32_t block = deadline_.Round(runner, single ? kMaxBlockMs : kSliceMs);
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (starts_[i]) Submit(runner, i, MakeRead(i, false, block));
    }
    if (waiting_ == 0) Answer(runner);
  }

  void Answer(FlowRunner& runner) {
    FinishWith(runner, [&](RespWriter& out) { WriteStreams(parts_, out); });
  }

  ReadArgs args_;
  std::vector<StreamPart> parts_;
  std::vector<std::optional<StreamId>> starts_;
  Deadline deadline_;
  uint32_t round_ = 0;
  size_t waiting_ = 0;
};

}  // namespace

std::unique_ptr<CommandFlow> MakeXrange(CommandContext&, Args args, RespWriter& out) {
  return MakeRange(args, false, out);
}

std::unique_ptr<CommandFlow> MakeXrevrange(CommandContext&, Args args, RespWriter& out) {
  return MakeRange(args, true, out);
}

std::unique_ptr<CommandFlow> MakeXread(CommandContext&, Args args, RespWriter& out) {
  ReadArgs read;
  if (!ParseReadArgs(args, false, read, out)) return nullptr;
  for (const std::string& id : read.ids) {
    if (id != "$" && !ParseId(id)) {
      out.Error(kErrInvalidStreamId);
      return nullptr;
    }
  }
  return std::make_unique<ReadFlow>(std::move(read));
}

}  // namespace flod::codec::resp
