#pragma once
// The outcome of one operation: a Status, an error message, and a typed body that each
// codec encodes in its own wire form.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "flod/core/status.h"

namespace flod {

// How a stored value was written; codecs render counters and JSON differently
// (binary: 8-byte little-endian counter; RESP: decimal text, WRONGTYPE for JSON on GET).
enum class ValueKind : uint8_t { kBytes, kCounter, kJson };

struct TextBody { std::string text; };                 // ping → "PONG"
struct VersionBody { uint64_t version = 0; };           // put, json set/del
struct ValueBody {                                      // get, json get
  uint64_t version = 0;
  ValueKind kind = ValueKind::kBytes;
  std::string value;  // a counter is its 8-byte little-endian form
};
struct CounterBody { uint64_t version = 0; int64_t value = 0; };   // incr
struct ExistsBody { uint64_t version = 0; bool present = false; };
struct MGetItem {
  bool found = false;
  std::string key;
  uint64_t version = 0;
  ValueKind kind = ValueKind::kBytes;
  std::string value;
};
struct MGetBody { std::vector<MGetItem> items; };
struct ScanItem {
  std::string key;
  ValueKind kind = ValueKind::kBytes;
  std::string value;  // empty with keys_only
};
struct ScanBody {
  std::vector<ScanItem> items;
  bool has_more = false;
  std::string cursor;  // opaque position after the last item; codecs add their own framing
};
struct HistoryItem {
  uint64_t version = 0;
  int64_t timestamp_ms = 0;
  std::string value;
};
struct HistoryBody { std::vector<HistoryItem> items; };  // newest first
struct TxnBeginBody { uint64_t txn_id = 0; uint64_t pinned_hash = 0; };
struct TxnCommitBody { uint64_t commit_index = 0; uint16_t op_count = 0; };
struct PutOldValueBody {                                 // put with return_old
  uint64_t version = 0;
  bool had_old = false;
  ValueKind old_kind = ValueKind::kBytes;
  std::string old_value;
};

using ResultBody = std::variant<std::monostate, TextBody, VersionBody, ValueBody, CounterBody,
                                ExistsBody, MGetBody, ScanBody, HistoryBody, TxnBeginBody,
                                TxnCommitBody, PutOldValueBody>;

struct Result {
  Status status = Status::kOk;
  std::string message;  // human-readable, for errors; ≤ 400 bytes
  ResultBody body;

  bool ok() const { return status == Status::kOk; }

  static Result Ok() { return {}; }
  template <typename Body>
  static Result Ok(Body body) {
    Result r;
    r.body = std::move(body);
    return r;
  }
  static Result Error(Status status, std::string message) {
    Result r;
    r.status = status;
    r.message = std::move(message);
    return r;
  }
  static Result Pending() { return Error(Status::kPending, {}); }
};

}  // namespace flod
