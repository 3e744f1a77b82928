#pragma once
// Shared fixture for the KV engine tests: a ManualClock, a sink that records every WAL
// record, and short helpers that unwrap Result bodies.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/core/result.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine::testing {

struct Record {
  uint16_t type = 0;
  std::string payload;
};

class RecordingSink final : public ChangeSink {
 public:
  void Append(uint16_t type, std::string_view payload) override {
    records.push_back(Record{type, std::string(payload)});
  }
  std::vector<Record> records;
};

// Replays `records` into `engine`, failing the test on the first one it refuses.
inline void ReplayAll(KvEngine& engine, const std::vector<Record>& records) {
  for (const Record& record : records) {
    ASSERT_TRUE(engine.Replay(record.type, record.payload)) << "type " << record.type;
  }
}

// The body of `result` (a copy, so binding it to a const& of a temporary Result is safe);
// a default body and a test failure when it holds another alternative.
template <typename Body>
Body BodyOf(const Result& result) {
  EXPECT_TRUE(std::holds_alternative<Body>(result.body))
      << "status " << static_cast<int>(result.status) << " " << result.message;
  return std::holds_alternative<Body>(result.body) ? std::get<Body>(result.body) : Body{};
}

inline uint64_t VersionIn(const Result& result) { return BodyOf<VersionBody>(result).version; }
inline std::string ValueIn(const Result& result) { return BodyOf<ValueBody>(result).value; }

inline std::string CounterBytes(int64_t value) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF);
  return out;
}

class KvFixture : public ::testing::Test {
 protected:
  static constexpr std::string_view kNs = "default";

  Result Put(std::string_view key, std::string_view value, KvPutOptions options = {}) {
    return kv_.Put(kNs, key, value, options, sink_);
  }
  Result PutTtl(std::string_view key, std::string_view value, uint64_t ttl_ms) {
    KvPutOptions options;
    options.ttl_ms = ttl_ms;
    return Put(key, value, options);
  }
  Result Get(std::string_view key) const { return kv_.Get(kNs, key); }
  Result Delete(std::string_view key, std::optional<uint64_t> if_match = std::nullopt) {
    return kv_.Delete(kNs, key, if_match, sink_);
  }
  Result Incr(std::string_view key, int64_t delta) { return kv_.Incr(kNs, key, delta, sink_); }
  Result Touch(std::string_view key, uint64_t ttl_ms,
               std::optional<uint64_t> if_match = std::nullopt) {
    return kv_.Touch(kNs, key, ttl_ms, if_match, sink_);
  }

  ManualClock clock_;
  RecordingSink sink_;
  KvEngine kv_{clock_};
};

}  // namespace flod::engine::testing
