#pragma once
// Commands that take more than one request (the fourth way a row runs, after local, op and
// refused): several keys on different shards (XREAD, BRPOP), several facts about one name
// (TYPE, XINFO STREAM, LPUSH's new length), requests that depend on an earlier answer (XGROUP
// CREATE checking the stream, XRANGE paging), and waits longer than one request may park
// (BLOCK 0 = forever).
//
// The processor gives each flow one reply slot and a FlowRunner. Results come back one at a
// time, never while the flow is inside Start or another OnResult (results that arrive then
// are queued), so a flow is a plain state machine. A flow that submits requests after Start,
// or waits, must Hold() in Start: later commands of the connection then wait for its reply,
// which keeps the connection's requests in order as Redis clients expect. A flow that submits
// everything in Start needs no hold and pipelines like an op row.
//
// Lifetime: the runner keeps the flow alive until it finished and every request it sent has
// answered; results that come back after Finish go to OnLateResult (a losing wait of a
// multi-key blocking command, which may have taken something to give back).
//
// Connection thread only.

#include <cstdint>
#include <memory>
#include <string>

#include "flod/codec/resp/command_table.h"
#include "flod/core/request.h"
#include "flod/core/result.h"

namespace flod::codec::resp {

class FlowRunner {
 public:
  virtual ~FlowRunner() = default;
  // Sends `request` to its shard; its Result comes back to OnResult with `tag`.
  virtual void Submit(Request request, uint32_t tag) = 0;
  // Later commands of the connection wait until Finish. Only in Start.
  virtual void Hold() = 0;
  // The reply (one RESP value, or an error); the flow is done. Only once.
  virtual void Finish(std::string reply) = 0;
  virtual bool finished() const = 0;
  // Monotonic milliseconds, for the deadlines of blocking commands.
  virtual int64_t NowMs() const = 0;
  virtual CommandContext& context() = 0;
};

class CommandFlow {
 public:
  virtual ~CommandFlow() = default;
  virtual void Start(FlowRunner& runner) = 0;
  virtual void OnResult(FlowRunner& runner, uint32_t tag, Result& result) = 0;
  // A result that came back after Finish. The runner may still Submit (fire and forget).
  virtual void OnLateResult(FlowRunner&, uint32_t, Result&) {}
};

}  // namespace flod::codec::resp
