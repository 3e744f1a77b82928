#pragma once
// One status vocabulary for every engine and handler. Each codec owns one table that maps
// a Status to its wire form (binary status byte, RESP error prefix, HTTP code).

#include <cstdint>
#include <string_view>

namespace flod {

enum class Status : uint8_t {
  kOk,
  kNotFound,       // missing key/queue/run; a blocking read that timed out
  kBadRequest,     // malformed or invalid request
  kConflict,       // CAS mismatch, NX/XX precondition, already exists
  kWrongType,      // the key holds another kind of value (RESP: -WRONGTYPE)
  kNotInteger,     // value is not an integer or the result overflows
  kUnauthorized,   // reserved key prefix, auth failure
  kGroupLocked,    // exclusive consumer group held by another consumer
  kOverloaded,     // back-pressure, limits reached
  kRateLimited,
  kUnavailable,    // storage cannot take writes right now
  kInternal,       // server fault (e.g. a failed WAL write)
  kPending,        // internal only: the handler asks to be parked until its key changes
};

std::string_view NameOf(Status status);

}  // namespace flod
