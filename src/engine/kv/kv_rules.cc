#include "engine/kv/kv_rules.h"

#include <array>
#include <cstring>
#include <limits>
#include <string>

#include "engine/kv/json_doc.h"
#include "flod/core/limits.h"

namespace flod::engine::kv {
namespace {

constexpr std::array<std::string_view, 5> kReservedPrefixes = {
    "_action:", "_worker:", "_sys:", "_internal:", "_flo:"};

Result Fail(Status status, std::string_view message) {
  return Result::Error(status, std::string(message));
}

std::optional<int64_t> LittleEndianI64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  int64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof(value));  // little-endian host, as in bytes.h
  return value;
}

}  // namespace

KeyState StateOf(const Entry* entry) {
  if (entry == nullptr) return {};
  return KeyState{true, entry->version(), entry->kind(), entry->value(), entry->expire_at_ms()};
}

std::optional<Result> CheckKey(std::string_view ns, std::string_view key) {
  if (!key.empty() && key.front() == '_') {  // every reserved prefix starts with '_'
    for (std::string_view prefix : kReservedPrefixes) {
      if (key.substr(0, prefix.size()) == prefix) {
        return Fail(Status::kUnauthorized, "key prefix is reserved");
      }
    }
  }
  if (key.empty()) return Fail(Status::kBadRequest, "key is empty");
  if (key.size() > kMaxKeyBytes) return Fail(Status::kBadRequest, "key is too long");
  if (ns.size() > kMaxNamespaceBytes) return Fail(Status::kBadRequest, "namespace is too long");
  return std::nullopt;
}

std::optional<Result> CheckValue(std::string_view value, ValueKind kind) {
  if (kind == ValueKind::kCounter && value.size() != 8) {
    return Fail(Status::kBadRequest, "counter value must be 8 bytes");
  }
  if (kind == ValueKind::kJson && !IsJsonDocument(value)) {
    return Fail(Status::kBadRequest, "value is not valid JSON");
  }
  return std::nullopt;
}

std::optional<Result> CheckPutPreconditions(const KeyState& key, const KvPutOptions& options) {
  if (options.if_not_exists && key.live) return Fail(Status::kConflict, kMsgKeyExists);
  if (options.if_exists && !key.live) return Fail(Status::kConflict, kMsgKeyMissing);
  if (options.cas_version) {
    uint64_t current = key.live ? key.version : 0;
    if (*options.cas_version != current) return Fail(Status::kConflict, kMsgVersionMismatch);
  }
  return std::nullopt;
}

int64_t ExpiryAfter(int64_t now_ms, uint64_t ttl_ms) {
  if (ttl_ms == 0) return 0;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (now_ms < 0 || ttl_ms > static_cast<uint64_t>(kMax - now_ms)) return kMax;
  return now_ms + static_cast<int64_t>(ttl_ms);
}

int64_t ExpiryOfPut(const KeyState& key, const KvPutOptions& options, int64_t now_ms) {
  if (options.ttl_ms && *options.ttl_ms > 0) return ExpiryAfter(now_ms, *options.ttl_ms);
  if (options.keep_ttl && key.live) return key.expire_at_ms;
  return 0;
}

Expected<int64_t> Increment(const KeyState& key, int64_t delta) {
  int64_t current = 0;
  if (key.live) {
    std::optional<int64_t> parsed;
    switch (key.kind) {
      case ValueKind::kCounter:
        parsed = LittleEndianI64(key.value);
        break;
      case ValueKind::kBytes:
        // Text a Redis client wrote wins over the binary form; "12345678" is twelve million.
        parsed = ParseDecimal(key.value);
        if (!parsed) parsed = LittleEndianI64(key.value);
        break;
      case ValueKind::kJson:
        return Fail(Status::kWrongType, kMsgWrongType);
    }
    if (!parsed) return Fail(Status::kNotInteger, kMsgNotInteger);
    current = *parsed;
  }
  int64_t sum = 0;
  if (__builtin_add_overflow(current, delta, &sum)) return Fail(Status::kNotInteger, kMsgOverflow);
  return sum;
}

std::optional<int64_t> ParseDecimal(std::string_view text) {
  if (text == "0") return 0;
  bool negative = !text.empty() && text.front() == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 19 || digits.front() < '1' || digits.front() > '9') {
    return std::nullopt;
  }
  // Accumulate the magnitude in u64 so that INT64_MIN's magnitude still fits.
  uint64_t magnitude = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    if (magnitude > kMaxPositive) return std::nullopt;
    return static_cast<int64_t>(magnitude);
  }
  if (magnitude > kMaxPositive + 1) return std::nullopt;
  return static_cast<int64_t>(0 - magnitude);
}

CounterBytes EncodeCounter(int64_t value) {
  CounterBytes out;
  std::memcpy(out.bytes, &value, sizeof(value));
  return out;
}

}  // namespace flod::engine::kv
