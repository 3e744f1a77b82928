#pragma once
// Time source for engines. Engines never read the system clock themselves, so every rule
// that depends on time (TTL, leases, delays) is testable with a fake clock.

#include <cstdint>

namespace flod {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch. Persisted expiry times are absolute in
  // this clock, so they stay meaningful across restarts.
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

// A clock that only moves when told to. Used by unit tests and benchmarks.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  void Advance(int64_t ms) { now_ms_ += ms; }
  void Set(int64_t ms) { now_ms_ = ms; }

 private:
  int64_t now_ms_;
};

}  // namespace flod
