// KvEngine: the paths that do not serve a request. Replay applies WAL records, WriteSnapshot
// writes the state as records that Replay turns back into the same state, ReclaimExpired
// frees memory behind TTLs that readers already treat as gone.

#include <string>

#include "engine/kv/kv_engine_state.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine {
namespace {

// Emits one key: its older versions oldest first, then the current one, which carries the
// expiry. The first record is "fresh" so the key starts a new life in the target engine.
void WriteKey(std::string_view ns, const kv::Entry& entry, std::string& record, ChangeSink& out) {
  std::string_view key = entry.key();
  bool fresh = true;
  auto emit = [&](const kv::SetChange& change) {
    uint16_t type = kv::EncodeChange(change, record);
    out.Append(type, record);
    fresh = false;
  };
  const kv::HistoryRing* history = entry.history();
  for (size_t i = history != nullptr ? history->size() : 0; i > 0; --i) {
    const kv::PastVersion& past = history->FromNewest(i - 1);
    emit(kv::SetChange{ns, key, past.value(), past.kind(), fresh, past.version(), 0,
                       past.written_ms()});
  }
  emit(kv::SetChange{ns, key, entry.value(), entry.kind(), fresh, entry.version(),
                     entry.expire_at_ms(), entry.written_ms()});
}

}  // namespace

bool KvEngine::Replay(uint16_t type, std::string_view payload) {
  return state_->ApplyRecord(type, payload);
}

void KvEngine::WriteSnapshot(ChangeSink& out) const {
  std::string record;
  // The counter first: versions of deleted keys must never be handed out again.
  uint16_t type = kv::EncodeChange(kv::FloorChange{state_->store.last_version()}, record);
  out.Append(type, record);
  int64_t now = state_->Now();
  state_->store.ForEachNamespace([&](std::string_view ns, const kv::Namespace& space) {
    for (const kv::Entry* entry : space.entries()) {
      if (entry->IsLive(now)) WriteKey(ns, *entry, record, out);
    }
  });
}

size_t KvEngine::ReclaimExpired(size_t budget) {
  int64_t now = state_->Now();
  state_->txns.DropIdle(now, kTxnIdleMs);
  return state_->store.ReclaimExpired(now, budget);
}

}  // namespace flod::engine
