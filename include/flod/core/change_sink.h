#pragma once
// Where an engine reports each state change it made, as one WAL record: a u16 type from the
// engine's own range and a payload that the same engine's Replay() applies again.
// Record types: 0x01xx KV, 0x02xx queues, 0x03xx streams (see docs/wal-format.md).

#include <cstdint>
#include <string_view>

namespace flod {

class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  virtual void Append(uint16_t type, std::string_view payload) = 0;
};

// Drops every change; for ephemeral engines in tests and benchmarks.
class NullChangeSink final : public ChangeSink {
 public:
  void Append(uint16_t, std::string_view) override {}
};

}  // namespace flod
