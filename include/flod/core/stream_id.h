#pragma once

#include <compare>
#include <cstdint>

namespace flod {

// A stream record's identity: milliseconds timestamp, then a sequence within that millisecond.
struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const StreamId&) const = default;
};

}  // namespace flod
