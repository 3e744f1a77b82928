#include "engine/kv/kv_txn.h"

#include <utility>

namespace flod::engine::kv {

// ---- TxnTable -------------------------------------------------------------------------------

uint64_t TxnTable::Begin(std::string_view ns, uint64_t pinned_hash, int64_t now_ms) {
  uint64_t id = next_id_++;
  Txn& txn = txns_[id];
  txn.ns.assign(ns.data(), ns.size());
  txn.pinned_hash = pinned_hash;
  txn.last_used_ms = now_ms;
  txn.lru_position = lru_.insert(lru_.end(), id);
  return id;
}

Txn* TxnTable::Find(uint64_t id) {
  auto it = txns_.find(id);
  return it == txns_.end() ? nullptr : &it->second;
}

const Txn* TxnTable::Find(uint64_t id) const {
  auto it = txns_.find(id);
  return it == txns_.end() ? nullptr : &it->second;
}

void TxnTable::MarkUsed(Txn& txn, int64_t now_ms) {
  txn.last_used_ms = now_ms;
  lru_.splice(lru_.end(), lru_, txn.lru_position);
}

void TxnTable::Erase(uint64_t id) {
  auto it = txns_.find(id);
  if (it == txns_.end()) return;
  lru_.erase(it->second.lru_position);
  txns_.erase(it);
}

size_t TxnTable::DropIdle(int64_t now_ms, int64_t idle_ms) {
  size_t dropped = 0;
  while (!lru_.empty()) {
    auto it = txns_.find(lru_.front());
    if (now_ms - it->second.last_used_ms <= idle_ms) break;
    lru_.pop_front();
    txns_.erase(it);
    ++dropped;
  }
  return dropped;
}

// ---- Staging --------------------------------------------------------------------------------

StagedKey StagedKey::From(const KeyState& state) {
  return StagedKey{state.live, state.version, state.kind, std::string(state.value),
                   state.expire_at_ms};
}

KeyState StagedKey::state() const { return KeyState{live, version, kind, value, expire_at_ms}; }

namespace {

SetChange WriteValue(std::string_view ns, std::string_view key_name, StagedKey& key,
                     std::string_view value, ValueKind kind, uint64_t version, int64_t expire_at_ms,
                     int64_t now_ms) {
  bool fresh = !key.live;
  key = StagedKey{true, version, kind, std::string(value), expire_at_ms};
  return SetChange{ns, key_name, key.value, kind, fresh, version, expire_at_ms, now_ms};
}

}  // namespace

Expected<std::optional<Change>> StageOp(std::string_view ns, const TxnOp& op, StagedKey& key,
                                        int64_t now_ms, uint64_t version) {
  switch (op.type) {
    case TxnOp::Type::kPut: {
      if (auto error = CheckPutPreconditions(key.state(), op.options)) return std::move(*error);
      int64_t expire = ExpiryOfPut(key.state(), op.options, now_ms);
      return std::optional<Change>(
          WriteValue(ns, op.key, key, op.value, op.options.kind, version, expire, now_ms));
    }
    case TxnOp::Type::kIncr: {
      Expected<int64_t> sum = Increment(key.state(), op.delta);
      if (!sum) return std::move(sum.error());
      int64_t expire = key.live ? key.expire_at_ms : 0;
      return std::optional<Change>(WriteValue(ns, op.key, key, EncodeCounter(*sum).view(),
                                              ValueKind::kCounter, version, expire, now_ms));
    }
    case TxnOp::Type::kDelete:
      if (!key.live) return std::optional<Change>();
      key = StagedKey{};
      return std::optional<Change>(DeleteChange{ns, op.key});
    case TxnOp::Type::kTouch:
      if (!key.live) return Result::Error(Status::kNotFound, std::string(kMsgKeyMissing));
      key.expire_at_ms = ExpiryAfter(now_ms, op.ttl_ms);
      return std::optional<Change>(ExpireChange{ns, op.key, key.expire_at_ms});
  }
  return Result::Error(Status::kInternal, "unknown transaction op");
}

}  // namespace flod::engine::kv
