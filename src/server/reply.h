#pragma once
// How results travel back to the connection that asked.

#include <atomic>
#include <functional>
#include <memory>

#include "flod/core/result.h"

namespace flod::server {

// Called exactly once, on the thread of the shard that owns the asking connection.
using ReplyFn = std::function<void(Result&&)>;

// Set by a connection when it closes; parked requests of a closed connection are dropped
// instead of being completed (so a dequeue never leases a message to nobody).
using ClosedFlag = std::shared_ptr<std::atomic<bool>>;

}  // namespace flod::server
