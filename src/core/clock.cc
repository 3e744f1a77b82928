#include "flod/core/clock.h"

#include <ctime>

namespace flod {

int64_t SystemClock::NowMs() const {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace flod
