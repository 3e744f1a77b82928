#pragma once
// One request on its way to the shard that owns it, and its result on the way back. The
// connection that received the request creates the Call; it then moves between shard threads
// only through mailboxes (see Shard::Send), so exactly one thread touches it at a time, and it
// is finished on the shard it came from. Passing one heap object along keeps the request from
// being copied or moved at every hop.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "flod/core/request.h"
#include "flod/core/result.h"

namespace flod::server {

class Connection;

struct Call {
  Request request;
  Result result;
  uint32_t origin_shard = 0;
  // Where the result goes. A client's request: the connection (kept alive while the call is
  // out), whose `done` encodes the reply. The part of a fan-out: no connection; `done` stores
  // the part.
  std::shared_ptr<Connection> connection;
  std::function<void(Result&&)> done;
  bool part = false;       // runs as one shard's part of a fan-out op
  bool returning = false;  // the result is travelling back to origin_shard
  bool wrote = false;      // the op mutates state (its reply waits for the WAL)

  // The client went away: a parked call of its is given up before it takes anything.
  bool Abandoned() const;
};

using CallPtr = std::unique_ptr<Call>;

// Calls to reuse, one pool per shard (calls are created and finished on their origin shard,
// so the pool is used by one thread only). Saves an allocation of a large object per request.
class CallPool {
 public:
  CallPtr Take();
  // Keeps the call for the next Take (up to a bound). A taken call's request and result hold
  // stale values: the taker assigns both.
  void Give(CallPtr call);

 private:
  static constexpr size_t kMaxPooled = 4096;
  std::vector<CallPtr> free_;
};

}  // namespace flod::server
