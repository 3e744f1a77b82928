#pragma once
// The private state behind KvEngine's pimpl, shared by the files that implement the engine
// (kv_engine.cc reads, kv_engine_write.cc writes, kv_engine_json.cc JSON documents,
// kv_engine_txn.cc transactions, kv_engine_recovery.cc replay, snapshot and reclaim).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kv/kv_changes.h"
#include "engine/kv/kv_rules.h"
#include "engine/kv/kv_store.h"
#include "engine/kv/kv_txn.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine {

struct KvEngine::State {
  State(const Clock& clock_ref, KvConfig config_value)
      : clock(clock_ref), store(config_value.history_versions) {}

  int64_t Now() const { return clock.NowMs(); }
  const kv::Entry* FindLive(std::string_view ns, std::string_view key) const {
    return store.FindLive(ns, key, Now());
  }

  // Applies one change and reports it as one WAL record: the live half of the path that
  // Replay() takes for the same record.
  void Commit(const kv::Change& change, ChangeSink& changes) {
    uint16_t type = kv::EncodeChange(change, record);
    store.Apply(change);
    changes.Append(type, record);
  }

  // Commit of a set whose key `slot` located just before.
  void CommitSet(const kv::SetChange& change, const kv::KvStore::KeySlot& slot,
                 ChangeSink& changes) {
    uint16_t type = kv::EncodeChange(change, record);
    store.ApplySet(change, slot);
    changes.Append(type, record);
  }

  // Applies `sets` (distinct keys, see EncodeSetMany) and reports them as one record.
  void CommitSets(ChangeSink& changes) {
    kv::EncodeSetMany(sets, record);
    for (const kv::SetChange& set : sets) store.Apply(set);
    changes.Append(kv::kRecordSetMany, record);
  }

  // Decodes a record and applies all of its changes, or none when it does not decode.
  bool ApplyRecord(uint16_t type, std::string_view payload) {
    if (!kv::DecodeRecord(type, payload, decoded)) return false;
    for (const kv::Change& change : decoded) store.Apply(change);
    return true;
  }

  // Checks the transaction, the op's key and the caps, then buffers `op` (kv_engine_txn.cc).
  std::optional<Result> BufferTxnOp(uint64_t txn_id, std::string_view ns, kv::TxnOp op);

  const Clock& clock;
  kv::KvStore store;
  kv::TxnTable txns;
  std::string record;               // encode buffer, reused so writes do not allocate it
  std::vector<kv::Change> decoded;  // decode buffer, reused by Replay and commits
  std::vector<kv::SetChange> sets;  // the writes of one PutMany, reused
  std::vector<size_t> picked;       // PutMany's pairs that count (each key's last)
};

// Transactions idle longer than this are dropped by ReclaimExpired.
inline constexpr int64_t kTxnIdleMs = 60'000;

}  // namespace flod::engine
