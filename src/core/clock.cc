#include "flod/core/clock.h"

#include <ctime>

namespace flod {

int64_t SystemClock::NowMs() const {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

int64_t RequestClock::NowMs() const {
  if (depth_ == 0) return source_.NowMs();
  if (!read_) {
    reading_ms_ = source_.NowMs();
    read_ = true;
  }
  return reading_ms_;
}

}  // namespace flod
