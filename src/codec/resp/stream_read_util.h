#pragma once
// What XREAD and XREADGROUP share: their arguments, the per-stream parts of an answer, and
// the tags their flows give requests (round in the high 16 bits, stream index in the low).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flod/codec/resp/command_table.h"
#include "flod/codec/resp/resp_writer.h"
#include "flod/core/result.h"

namespace flod::codec::resp {

inline constexpr uint32_t kPageSize = 1000;  // the engine's largest read
inline constexpr uint32_t kSliceMs = 1000;   // one round of a multi-stream wait
inline constexpr size_t kMaxStreams = 4096;  // fits the 16-bit stream index of a tag

struct ReadArgs {
  uint32_t count = kPageSize;        // no COUNT (or 0): as much as one read gives
  std::optional<uint64_t> block_ms;  // 0 = forever
  bool no_ack = false;
  std::string group;
  std::string consumer;
  std::vector<std::string> keys;
  std::vector<std::string> ids;  // as written: "$", ">", or an id
};

// XREAD [COUNT n] [BLOCK ms] STREAMS key... id...; with `grouped`, XREADGROUP GROUP g c
// [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id.... Writes Redis's error on failure.
bool ParseReadArgs(Args args, bool grouped, ReadArgs& read, RespWriter& out);

inline uint32_t Tag(uint32_t round, size_t index) {
  return (round << 16) | static_cast<uint32_t>(index);
}
inline uint32_t RoundOf(uint32_t tag) { return tag >> 16; }
inline size_t IndexOf(uint32_t tag) { return tag & 0xFFFF; }

struct StreamPart {
  std::string key;
  std::vector<StreamRecord> records;
  std::vector<StreamId> deleted;  // history entries whose records were trimmed away
  bool always_shown = false;      // XREADGROUP history answers every stream asked
};

// [[key, [entry...]] ...] for the parts worth showing; nil when there are none.
void WriteStreams(const std::vector<StreamPart>& parts, RespWriter& out);

}  // namespace flod::codec::resp
