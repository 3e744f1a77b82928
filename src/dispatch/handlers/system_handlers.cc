// Connection-level operations that touch no engine.

#include "flod/dispatch/handler_table.h"

namespace flod::dispatch {
namespace {

Result HandlePing(ShardContext&, Request&) { return Result::Ok(TextBody{"PONG"}); }

}  // namespace

void RegisterSystemHandlers(HandlerTable& table) { table.Register(Op::kPing, HandlePing); }

}  // namespace flod::dispatch
