#pragma once
// A decoded request: what every codec produces and every handler consumes. No field says
// which protocol asked.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/core/op.h"
#include "flod/core/options.h"

namespace flod {

inline constexpr std::string_view kDefaultNamespace = "default";

// Arguments that some operations carry inside the value field; the codec decodes them.
struct RequestArgs {
  std::vector<std::string> keys;   // kv mget, exists/delete many, mset
  std::vector<std::string> values; // kv mset: values[i] belongs to keys[i]
  std::string path;                // kv json get/set/del (JSON text to write is in `value`)
  std::string cursor;              // kv scan: opaque cursor from the previous page (no marker)
  std::string pattern;             // kv scan/keys: glob filter on key names (empty = all)
  int64_t delta = 1;               // kv incr
  std::vector<uint64_t> seqs;      // queue ack/nack/touch/dlq ops
  // Streams and consumer groups
  std::string group;               // group ops
  std::string consumer;            // group ops (ack/nack/touch may leave it empty)
  std::vector<StreamId> stream_ids;  // group ack/nack/touch/claim
  bool ids_are_sequences = false;  // legacy group ack: only each id's seq is known (WIRE §9)
  bool id_auto_sequence = false;   // stream add: only stream_ids[0].ms is given (XADD <ms>-*)
  uint32_t partition_count = 1;    // stream create
  // stream batch append: headers of the record whose payload is values[i]
  std::vector<std::vector<std::pair<std::string, std::string>>> headers;

  // Back to the defaults above; strings and vectors keep their room. A field added here needs
  // a line in Reset (and in request_test's Used(), which checks Reset against a fresh one).
  void Reset();
  bool operator==(const RequestArgs&) const = default;
};

// State a parked request keeps between runs of its handler (see dispatch/waiters).
struct WaitState {
  bool may_park = true;     // false once the deadline passed: the handler must answer now
  bool armed = false;       // the handler recorded what it waits for
  uint64_t observed = 0;    // handler-defined, e.g. the version a watch started from
  uint64_t observed2 = 0;
  bool operator==(const WaitState&) const = default;
};

struct Request {
  Op op = Op::kPing;
  std::string ns{kDefaultNamespace};
  std::string key;     // key, or queue/stream name
  std::string value;
  Options options;
  RequestArgs args;
  WaitState wait;

  // Makes this the request Request{} would be, for `new_op` on `new_key`, keeping the room its
  // strings and vectors already have: a pooled request is filled again without allocating.
  void Restart(Op new_op, std::string_view new_key);
  bool operator==(const Request&) const = default;
};

}  // namespace flod
