#include "flod/dispatch/replay.h"

namespace flod::dispatch {

bool Replay(ShardContext& shard, uint16_t type, std::string_view payload) {
  switch (type >> 8) {
    case 0x01: return shard.kv.Replay(type, payload);
    case 0x02: return shard.queue.Replay(type, payload);
    case 0x03: return shard.stream.Replay(type, payload);
    default: return false;
  }
}

void WriteSnapshot(const ShardContext& shard, ChangeSink& out) {
  shard.kv.WriteSnapshot(out);
  shard.queue.WriteSnapshot(out);
  shard.stream.WriteSnapshot(out);
}

}  // namespace flod::dispatch
