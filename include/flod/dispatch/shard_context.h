#pragma once
// Everything one shard owns. A ShardContext lives on its shard's thread; handlers run there
// and nowhere else, so nothing in it is locked.

#include <cstdint>
#include <string>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/core/op.h"
#include "flod/engine/kv/kv_engine.h"
#include "flod/engine/queue/queue_engine.h"
#include "flod/engine/stream/stream_engine.h"

namespace flod::dispatch {

// Names a thing waiters can wait on: a key, a queue, a stream. An empty name stands for
// everything of that family in every namespace (used after multi-key changes).
struct WakeKey {
  Family family = Family::kKv;
  std::string ns;
  std::string name;
  bool operator==(const WakeKey&) const = default;
};

struct ShardContext {
  ShardContext(uint32_t id, uint32_t count, const Clock& clock_ref, ChangeSink& sink)
      : shard_id(id), shard_count(count), clock(clock_ref), changes(sink), kv(clock_ref), queue(clock_ref), stream(clock_ref) {}

  // Marks `name` as changed; waiters parked on it run again after the current request.
  void Wake(Family family, std::string_view ns, std::string_view name) {
    if (anyone_waits) woken.push_back(WakeKey{family, std::string(ns), std::string(name)});
  }

  // Marks everything of a family as changed (e.g. after a transaction commit).
  void WakeFamily(Family family) {
    if (anyone_waits) woken.push_back(WakeKey{family, {}, {}});
  }

  const uint32_t shard_id;
  const uint32_t shard_count;
  const Clock& clock;
  ChangeSink& changes;  // WAL records of every mutation made on this shard
  engine::KvEngine kv;
  engine::QueueEngine queue;
  engine::StreamEngine stream;
  std::vector<WakeKey> woken;
  // The host clears this while nothing is parked on the shard: a wake would find nobody, and
  // recording one costs a copy of the name on every write.
  bool anyone_waits = true;
};

}  // namespace flod::dispatch
