#pragma once
// The rules every KV write obeys, as pure functions of what the write sees of its key. Plain
// writes and transaction commits both decide with these, so a buffered op can never be
// judged differently from the same op sent alone.

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/kv/kv_store.h"
#include "flod/core/expected.h"
#include "flod/core/result.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine::kv {

inline constexpr std::string_view kMsgVersionMismatch = "version mismatch";
inline constexpr std::string_view kMsgKeyExists = "key exists";
inline constexpr std::string_view kMsgKeyMissing = "key does not exist";
inline constexpr std::string_view kMsgNotInteger = "value is not an integer or out of range";
inline constexpr std::string_view kMsgOverflow = "increment or decrement would overflow";
inline constexpr std::string_view kMsgWrongType = "key holds the wrong kind of value";

// What an operation sees of its key before it runs. `value` views storage owned elsewhere.
struct KeyState {
  bool live = false;
  uint64_t version = 0;
  ValueKind kind = ValueKind::kBytes;
  std::string_view value;
  int64_t expire_at_ms = 0;
};

// The state of a stored entry (absent when `entry` is nullptr).
KeyState StateOf(const Entry* entry);

// Reserved key prefixes → kUnauthorized; empty or oversized key or namespace → kBadRequest.
std::optional<Result> CheckKey(std::string_view ns, std::string_view key);

// A counter must be its 8-byte form and a JSON value must parse → else kBadRequest.
std::optional<Result> CheckValue(std::string_view value, ValueKind kind);

// NX / XX / CAS against the key's state → kConflict when a precondition fails.
std::optional<Result> CheckPutPreconditions(const KeyState& key, const KvPutOptions& options);

// Absolute expiry for a relative TTL (0 → no expiry), saturating instead of overflowing.
int64_t ExpiryAfter(int64_t now_ms, uint64_t ttl_ms);

// Expiry a put leaves on its key: a TTL wins, keep_ttl keeps a live key's expiry, else none.
int64_t ExpiryOfPut(const KeyState& key, const KvPutOptions& options, int64_t now_ms);

// The counter after adding `delta` to the key (a missing key counts as 0), or the error:
// kNotInteger for a value that is no integer or an overflow, kWrongType for JSON.
Expected<int64_t> Increment(const KeyState& key, int64_t delta);

// A canonical decimal i64: optional '-', digits without leading zeros, nothing else.
std::optional<int64_t> ParseDecimal(std::string_view text);

// The stored form of a counter: 8 bytes, little-endian.
struct CounterBytes {
  char bytes[8];
  std::string_view view() const { return std::string_view(bytes, sizeof(bytes)); }
};
CounterBytes EncodeCounter(int64_t value);

}  // namespace flod::engine::kv
