#include "flod/core/clock.h"

#include <gtest/gtest.h>

namespace flod {
namespace {

// Counts how often it is read, so the tests see reads saved, not only values.
class CountingClock final : public Clock {
 public:
  int64_t NowMs() const override {
    ++reads;
    return now_ms;
  }
  int64_t now_ms = 1'000;
  mutable int reads = 0;
};

TEST(RequestClockTest, OutsideAScopeEveryCallReadsTheSource) {
  CountingClock source;
  RequestClock clock(source);
  EXPECT_EQ(clock.NowMs(), 1'000);
  source.now_ms = 2'000;
  EXPECT_EQ(clock.NowMs(), 2'000);
  EXPECT_EQ(source.reads, 2);
}

TEST(RequestClockTest, AScopeReadsTheSourceOnceAndKeepsThatReading) {
  CountingClock source;
  RequestClock clock(source);
  const RequestClock::Scope scope(clock);
  EXPECT_EQ(clock.NowMs(), 1'000);
  source.now_ms = 1'005;
  EXPECT_EQ(clock.NowMs(), 1'000);
  EXPECT_EQ(clock.NowMs(), 1'000);
  EXPECT_EQ(source.reads, 1);
}

TEST(RequestClockTest, AScopeThatNeverAsksReadsNothing) {
  CountingClock source;
  RequestClock clock(source);
  { const RequestClock::Scope scope(clock); }
  EXPECT_EQ(source.reads, 0);
}

TEST(RequestClockTest, TheNextScopeTakesAFreshReading) {
  CountingClock source;
  RequestClock clock(source);
  {
    const RequestClock::Scope scope(clock);
    EXPECT_EQ(clock.NowMs(), 1'000);
  }
  source.now_ms = 1'500;
  {
    const RequestClock::Scope scope(clock);
    EXPECT_EQ(clock.NowMs(), 1'500);
  }
}

TEST(RequestClockTest, NestedScopesShareTheOuterReading) {
  CountingClock source;
  RequestClock clock(source);
  const RequestClock::Scope outer(clock);
  EXPECT_EQ(clock.NowMs(), 1'000);
  source.now_ms = 3'000;
  {
    const RequestClock::Scope inner(clock);
    EXPECT_EQ(clock.NowMs(), 1'000);
  }
  EXPECT_EQ(clock.NowMs(), 1'000);  // the inner scope's end does not end the outer one
  EXPECT_EQ(source.reads, 1);
}

}  // namespace
}  // namespace flod
