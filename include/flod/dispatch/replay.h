#pragma once
// Recovery's entry into the engines: a WAL or snapshot record goes to the engine that owns
// its type range (0x01xx KV, 0x02xx queues, 0x03xx streams).

#include <cstdint>
#include <string_view>

#include "flod/dispatch/shard_context.h"

namespace flod::dispatch {

// False when no engine owns the type or the owner cannot decode the record.
bool Replay(ShardContext& shard, uint16_t type, std::string_view payload);

// Every engine of the shard writes records that rebuild its whole state.
void WriteSnapshot(const ShardContext& shard, ChangeSink& out);

}  // namespace flod::dispatch
