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

// Reads its source once per Scope: within one every NowMs() answers the first reading (so the
// ten keys of one MSET share a timestamp and cost one clock read, and work that never asks
// costs none); outside any Scope it reads the source each time. Scopes nest; the outermost
// one decides. A shard opens one per request and one around each batch of requests read or
// received together, which then share a timestamp as the commands of one Redis event-loop
// turn do. One thread only.
class RequestClock final : public Clock {
 public:
  explicit RequestClock(const Clock& source) : source_(source) {}
  int64_t NowMs() const override;

  class Scope {
   public:
    explicit Scope(RequestClock& clock) : clock_(clock) { ++clock_.depth_; }
    ~Scope() {
      if (--clock_.depth_ == 0) clock_.read_ = false;
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    RequestClock& clock_;
  };

 private:
  const Clock& source_;
  int depth_ = 0;
  mutable bool read_ = false;
  mutable int64_t reading_ms_ = 0;
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
